"""ZKTeco PUSH devices in the fault run: punches through the gateway's HTTP port.

A few simulated devices (``onecard_devices.zkteco.simulator.PushDevice``,
approved up front by prepare.py, fixed price) punch the holders' codes (the
device PIN) into ``/iclock/cdata`` through the fault proxy in front of both
gateways. A line leaves a device's buffer only when ``OK: n`` acknowledged it;
now and then a device posts an acknowledged batch again (its answer "was
lost"): the replay must book nothing. The record (every line punched, every
line acknowledged) is checked against the operations of these terminals:
every acknowledged punch booked exactly once, nothing booked no device punched.
"""

import asyncio
import random
import time
from datetime import datetime, timezone

ZK_PREFIX = "ZKCX-"  # not "CX": the terminals' checker counts those
ZK_DEVICES = 3
ZK_PRICE = 4.0


def punch_key(tid, pin, utc):
    """The idempotency key the server gives a punch (onecard_zkteco_service)."""
    return f"ZK{tid}:{pin}:{utc:%Y%m%d%H%M%S}"


class ZkLoad:
    """Runs in a thread of the fault run until ``deadline`` (monotonic), then
    uploads what the devices still hold for up to ``grace`` seconds."""

    def __init__(self, url, serials, pins, seed, grace=90.0):
        self.url, self.serials, self.pins = url, serials, pins
        self.rng = random.Random(seed)
        self.grace = grace
        self.record = {
            "punched": {},  # serial -> {(pin, utc)}
            "acked": {},  # serial -> {(pin, utc)}
            "uploads_failed": 0,
            "replays": 0,  # acknowledged batches posted again
            "left_in_buffer": 0,
        }

    def run(self, deadline):
        asyncio.run(self._run(deadline))

    async def _run(self, deadline):
        await asyncio.gather(*(self._device(sn, deadline) for sn in self.serials))

    async def _device(self, sn, deadline):
        # imported here: prepare.py (inside Odoo) imports this module's constants
        from onecard_devices.zkteco.clock import utc_to_device
        from onecard_devices.zkteco.simulator import DeviceOffline, PushDevice

        device = PushDevice(self.url, sn, timeout=5.0)
        punched = self.record["punched"].setdefault(sn, set())
        acked = self.record["acked"].setdefault(sn, set())
        pending = []  # (pin, utc) of the lines in the buffer, in order
        while not device.options and time.monotonic() < deadline:
            try:
                await device.register()
                device.tz = float(device.options.get("TimeZone") or device.tz)
            except (DeviceOffline, ValueError):
                await asyncio.sleep(1.0)
        end = deadline + self.grace
        while time.monotonic() < end and (time.monotonic() < deadline or pending):
            if time.monotonic() < deadline:
                await asyncio.sleep(self.rng.uniform(0.5, 1.5))
                utc = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
                pin = self.rng.choice(self.pins)
                if (pin, utc) not in punched:  # one punch a person a second
                    punched.add((pin, utc))
                    pending.append((pin, utc))
                    device.punch(pin, utc_to_device(utc, device.tz))
            else:
                await asyncio.sleep(1.0)
            try:
                batch = list(device.buffer)
                done = await device.upload()
            except DeviceOffline:
                self.record["uploads_failed"] += 1
                continue
            acked.update(pending[:done])
            del pending[:done]
            if done and self.rng.random() < 0.2:
                # the answer "was lost": the same lines again
                device.buffer[:0] = batch[:done]
                try:
                    await device.upload()
                    self.record["replays"] += 1
                except DeviceOffline:
                    del device.buffer[:done]  # given up: it was booked already
                    self.record["uploads_failed"] += 1
        self.record["left_in_buffer"] += len(pending)

    def check(self, conn, max_op, table, violations):
        """The devices' record against the database; return the money booked."""
        with conn.cursor() as cur:
            cur.execute(
                "SELECT serial_number, id FROM onecard_terminal WHERE serial_number"
                " = ANY(%s)",
                [list(self.serials)],
            )
            tids = dict(cur.fetchall())
            cur.execute(
                """SELECT o.idempotency_key, o.state, COALESCE(o.amount, 0)
                     FROM onecard_operation o
                     JOIN onecard_terminal t ON t.id = o.terminal_id
                    WHERE o.id > %s AND t.serial_number LIKE %s""",
                [max_op, ZK_PREFIX + "%"],
            )
            rows = cur.fetchall()
        booked = {}
        for key, state, amount in rows:
            booked.setdefault(key, []).append((state, float(amount)))
        rec = self.record

        def keys(field):
            return {
                punch_key(tids.get(sn), pin, utc)
                for sn, lines in rec[field].items()
                for pin, utc in lines
            }

        acked, punched = keys("acked"), keys("punched")
        doubled = [k for k, ops in booked.items() if len(ops) > 1]
        lost = [k for k in acked if k not in booked]
        unknown = [k for k in booked if k not in punched]
        if doubled:
            violations.append(f"zk: {len(doubled)} punches booked twice: {doubled[:3]}")
        if lost:
            violations.append(f"zk: {len(lost)} acknowledged punches lost: {lost[:3]}")
        if unknown:
            violations.append(f"zk: {len(unknown)} booked, never punched")
        money = sum(a for ops in booked.values() for s, a in ops if s == "approved")
        approved = sum(1 for ops in booked.values() for s, _a in ops if s == "approved")
        table.update(
            {
                "zk punches punched / acked / booked": (
                    f"{len(punched)} / {len(acked)} / {len(booked)}"
                ),
                "zk approved / money": f"{approved} / {money:.2f}",
                "zk replays (booked nothing) / failed uploads": (
                    f"{rec['replays']} / {rec['uploads_failed']}"
                ),
                "zk left in a device's buffer": rec["left_in_buffer"],
            }
        )
        return money


def zk_serials():
    return ["%s%04d" % (ZK_PREFIX, i) for i in range(1, ZK_DEVICES + 1)]
