"""N simulated ZKTeco PUSH devices (the device side of the iClock protocol).

Each device registers (``GET /iclock/cdata?options=all``), uploads punches in
real time (``POST /iclock/cdata?table=ATTLOG``), keeps them in an offline buffer
while the server is unreachable and uploads the buffer in batches of up to 500
lines (a line leaves the buffer only when ``OK: n`` acknowledged it), polls for
commands (``GET /iclock/getrequest``), applies them to its own user table and
clock and answers ``POST /iclock/devicecmd`` with ``ID=..&Return=..&CMD=..``.
Stdlib asyncio only. Used by the end-to-end tests and the benchmark::

    python3 -m onecard_devices.zkteco.simulator --url http://127.0.0.1:8069 \\
        --devices 3 --punches 5 --offline-punches 700 --polls 2
"""

import argparse
import asyncio
import random
import sys
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urlsplit

from .build import BuildError, attlog_line, parse_command, result_line
from .clock import utc_to_device, zk_decode_time

BATCH = 500


class DeviceOffline(Exception):
    """The server could not be reached or did not answer ``OK``."""


async def http(url, method, path, query, body=b"", timeout=10.0):
    """One plain HTTP/1.1 request (Connection: close) -> (status, text)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    head = (
        f"{method} {parts.path.rstrip('/')}{path}?{query} HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\nUser-Agent: iClock Proxy/1.09\r\n"
        f"Connection: close\r\nAccept: */*\r\n"
    )
    if method == "POST":
        head += f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port), timeout
        )
        try:
            writer.write(head.encode("ascii") + b"\r\n" + body)
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), timeout)
        finally:
            writer.close()
    except (OSError, asyncio.TimeoutError) as exc:
        raise DeviceOffline(f"{type(exc).__name__}: {exc}") from exc
    header, _sep, payload = raw.partition(b"\r\n\r\n")
    try:
        status = int(header.split(b" ", 2)[1])
    except (IndexError, ValueError) as exc:
        raise DeviceOffline(f"bad HTTP answer {raw[:60]!r}") from exc
    return status, payload.decode("utf-8", "replace")


class PushDevice:
    def __init__(self, url, sn, tz=8, timeout=10.0, log=None, clock_offset=0.0):
        self.url, self.sn, self.tz, self.timeout = url, sn, tz, timeout
        self.options = {}
        self.users = {}  # PIN -> {"Name": .., "Card": .., ...}
        self.buffer = []  # ATTLOG lines not acknowledged yet
        self.clock_offset = timedelta(seconds=clock_offset)  # a device clock off
        self.online = True
        self.uploaded = 0
        self.results = []  # result lines sent to devicecmd
        self.reboots = 0
        self.log = log if log is not None else []

    def say(self, text):
        self.log.append(f"[{self.sn}] {text}")

    def now(self):
        utc = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
        return utc_to_device(utc, self.tz) + self.clock_offset

    def _query(self, **extra):
        items = {"SN": self.sn, **extra}
        return "&".join(f"{k}={quote(str(v), safe='')}" for k, v in items.items())

    async def _call(self, method, path, query, body=b""):
        if not self.online:
            raise DeviceOffline("network down (simulated)")
        return await http(self.url, method, path, query, body, self.timeout)

    async def register(self):
        status, text = await self._call(
            "GET",
            "/iclock/cdata",
            self._query(options="all", pushver="2.4.1", language="69"),
        )
        lines = text.replace("\r", "").split("\n")
        if status != 200 or not lines[0].startswith("GET OPTION FROM:"):
            raise DeviceOffline(f"registration refused: {status} {text[:60]!r}")
        self.options = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
        self.say(
            f"registered: Realtime={self.options.get('Realtime')} "
            f"TimeZone={self.options.get('TimeZone')} Delay={self.options.get('Delay')}"
        )
        return self.options

    def punch(self, pin, when=None, status=0, verify=4):
        """A user presents a card: the line is buffered until acknowledged."""
        self.buffer.append(attlog_line(pin, when or self.now(), status, verify))

    async def upload(self):
        """Send the buffer, up to 500 lines a request; returns lines acknowledged."""
        sent = 0
        while self.buffer:
            batch = self.buffer[:BATCH]
            status, text = await self._call(
                "POST",
                "/iclock/cdata",
                self._query(
                    table="ATTLOG", Stamp=self.options.get("ATTLOGStamp", "9999")
                ),
                ("\n".join(batch) + "\n").encode("utf-8"),
            )
            if status != 200 or not text.startswith("OK"):
                raise DeviceOffline(f"upload refused: {status} {text[:60]!r}")
            count = text[2:].strip(" :\r\n")
            done = min(int(count), len(batch)) if count.isdigit() else len(batch)
            if done == 0:
                raise DeviceOffline("server acknowledged nothing")
            del self.buffer[:done]
            sent += done
            self.uploaded += done
            self.say(f"uploaded {done}/{len(batch)} ATTLOG lines ({text.strip()})")
        return sent

    async def poll(self):
        """One getrequest; apply the commands; post their results. -> commands run."""
        counts = f"{len(self.users)},0,{self.uploaded}"
        info = f"Ver 6.60 Apr 28 2017,{counts},127.0.0.1,10,0,0,0"
        status, text = await self._call(
            "GET", "/iclock/getrequest", self._query(INFO=info)
        )
        if status != 200:
            raise DeviceOffline(f"getrequest: {status}")
        lines = [line for line in text.replace("\r", "").split("\n") if line.strip()]
        if lines in ([], ["OK"]):
            return 0
        results = [self.apply(line) for line in lines]
        results = [r for r in results if r]
        if results:
            status, text = await self._call(
                "POST",
                "/iclock/devicecmd",
                self._query(),
                ("\n".join(results) + "\n").encode(),
            )
            self.results.extend(results)
            self.say(f"results posted: {len(results)} -> {text.strip()}")
        return len(results)

    async def sync(self, rounds=20):
        """Poll until the server has nothing more to hand out; -> commands run."""
        done = 0
        for _round in range(rounds):
            count = await self.poll()
            if not count:
                break
            done += count
        return done

    def apply(self, line):
        try:
            command = parse_command(line)
        except BuildError:
            parts = line.split(":")
            self.say(f"unknown command {line[:60]!r}")
            return f"ID={parts[1]}&Return=-1002&CMD=UNKNOWN" if len(parts) > 2 else None
        code = 0
        if command.verb == "DATA UPDATE USERINFO":
            pin = command.args.get("PIN", "")
            if pin:
                self.users[pin] = dict(command.args)
            else:
                code = -1
        elif command.verb == "DATA DELETE USERINFO":
            self.users.pop(command.args.get("PIN", ""), None)
        elif command.verb == "SET OPTION":
            for key, value in command.args.items():
                if key == "DateTime" and value.isdigit():
                    self.clock_offset = zk_decode_time(int(value)) - (
                        self.now() - self.clock_offset
                    )
                self.options[key] = value
        elif command.verb == "CLEAR LOG":
            self.buffer.clear()
        elif command.verb == "REBOOT":
            self.reboots += 1
        elif command.verb == "INFO":
            return (
                result_line(command, 0) + f"\n~DeviceName=OneCard-sim\nUserCount="
                f"{len(self.users)}\nTransactionCount={self.uploaded}"
            )
        self.say(
            f"{command.verb} {command.args.get('PIN', '')} -> Return={code}".rstrip()
        )
        return result_line(command, code)


async def run_device(device, pins, punches, offline_punches, polls, interval, rng):
    stats = {"sn": device.sn, "registered": False, "errors": []}
    try:
        await device.register()
        stats["registered"] = True
        for _ in range(punches):  # realtime: one POST per punch
            device.punch(rng.choice(pins))
            await device.upload()
        device.online = False  # offline: punches are buffered
        for i in range(offline_punches):
            device.punch(
                rng.choice(pins), device.now() - timedelta(seconds=offline_punches - i)
            )
        device.say(f"offline, {len(device.buffer)} punches buffered")
        device.online = True
        await device.upload()
        for _ in range(polls):
            await device.poll()
            await asyncio.sleep(interval)
    except DeviceOffline as exc:
        stats["errors"].append(str(exc))
        device.say(f"OFFLINE: {exc}")
    stats.update(
        uploaded=device.uploaded,
        buffered=len(device.buffer),
        users=len(device.users),
        results=len(device.results),
    )
    return stats


async def simulate(args):
    rng = random.Random(args.seed)
    log = []
    devices = [
        PushDevice(
            args.url,
            f"{args.serial_prefix}{i:04d}",
            args.tz,
            args.timeout,
            log,
            args.clock_offset,
        )
        for i in range(1, args.devices + 1)
    ]
    pins = [
        args.pin_format % p for p in range(args.pin_start, args.pin_start + args.pins)
    ]
    return await asyncio.gather(
        *(
            run_device(
                d,
                pins,
                args.punches,
                args.offline_punches,
                args.polls,
                args.poll_interval,
                rng,
            )
            for d in devices
        )
    ), log


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--devices", type=int, default=1)
    parser.add_argument("--serial-prefix", default="ZKSIM")
    parser.add_argument("--pins", type=int, default=20, help="users punching")
    parser.add_argument("--pin-start", type=int, default=1001)
    parser.add_argument(
        "--pin-format", default="%d", help="PIN of user n, e.g. ZK%%06d (holder codes)"
    )
    parser.add_argument(
        "--clock-offset", type=float, default=0.0, help="device clock off by s seconds"
    )
    parser.add_argument(
        "--punches", type=int, default=3, help="realtime punches per device"
    )
    parser.add_argument("--offline-punches", type=int, default=0)
    parser.add_argument("--polls", type=int, default=1)
    parser.add_argument("--poll-interval", type=float, default=0.0)
    parser.add_argument("--tz", type=float, default=8, help="device TimeZone, hours")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    stats, log = asyncio.run(simulate(args))
    lines = [] if args.quiet else list(log)
    for item in stats:
        lines.append(
            f"{item['sn']}: registered={item['registered']} "
            f"uploaded={item['uploaded']} buffered={item['buffered']} "
            f"users={item['users']} "
            f"results={item['results']}"
            + (f" errors={item['errors']}" if item["errors"] else "")
        )
    sys.stdout.write("\n".join(lines) + "\n")
    return 1 if any(item["errors"] for item in stats) else 0


if __name__ == "__main__":
    sys.exit(main())
