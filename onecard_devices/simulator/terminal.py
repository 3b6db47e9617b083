"""A virtual terminal: modes, display, offline buffer, sequence epochs."""

import asyncio
import random
import time

from ..lib import messages as M
from ..lib.errors import RETRY_CODES
from ..lib.servers import parse_address
from .clients import Refused, Unreachable

AMOUNTS = (5.0, 8.0, 10.0, 12.5, 15.0, 20.0)


# ------------------------------------------------------------------ terminal
class VirtualTerminal:
    def __init__(
        self,
        serial,
        secret,
        address,
        cards,
        stats,
        show=False,
        force_offline=False,
        sign=True,
        first_seq=None,
        epoch=0,
        reset_epoch=False,
        clock=None,
    ):
        self.serial, self.secret, self.address = serial, secret, address
        self.key = secret if (secret and sign) else None
        self.cards, self.stats, self.show = cards, stats, show
        self.force_offline = force_offline
        self.client = None
        self.config = {}
        self.record_seq = (
            first_seq
            if first_seq is not None
            else int(time.time() * 10) % 1000000 * 1000
        )
        self.epoch, self.reset_epoch, self.clock = epoch, reset_epoch, clock
        self.buffer = []  # offline records not yet acknowledged, in sequence order
        self.blacklist = set()
        self.rng = random.Random(serial)

    # what the LCD shows
    def display(self, text):
        if self.show:
            # --show: what the display shows, the point of the option
            print(f"[{self.serial}] {text}", flush=True)  # pylint: disable=print-used

    def answer(self, frame):
        body = M.decode_message(frame.type, frame.payload)
        if frame.type == M.NAK:
            if body.get("code") not in RETRY_CODES:  # busy: retried by the client
                self.stats.refused += 1
            raise Refused(body.get("code"), body.get("message"))
        return body

    @property
    def online(self):
        return not self.force_offline and self.config.get("online", True)

    def now(self):
        """The terminal's clock (unix seconds): --clock, or the real one."""
        return self.clock if self.clock is not None else int(time.time())

    async def start(self):
        await self.client.call(
            M.HEARTBEAT,
            {
                "serial": self.serial,
                "time": int(time.time()),
                "firmware": "sim-1.0",
                "last_seq": self.record_seq,
            },
        )
        if self.reset_epoch:  # the counter was reset: number the records in a new epoch
            self.epoch = (await self.client.call(M.SEQUENCE_RESET, {}))["epoch"]
            self.display("new sequence epoch %d" % self.epoch)
        self.config = await self.client.call(M.CONFIG, {})
        self._apply_servers()
        if not self.online:
            lists = await self.client.call(M.LISTS, {})
            self.blacklist = set(lists.get("blacklist") or [])
        self.display(
            "{} ready ({}, {})".format(
                self.config.get("name", "?"),
                self.config.get("mode"),
                "online" if self.online else "offline",
            )
        )

    def _apply_servers(self):
        """The settings' primary / fallback server (kept, as a terminal keeps them in
        flash): the client follows them from the next request on."""
        servers = getattr(self.client, "servers", None)
        if servers is None:
            return
        current = servers.address()
        addresses = []
        for name in ("primary_server", "fallback_server"):
            try:
                addresses.append(parse_address(self.config.get(name), current[1]))
            except ValueError:  # empty (none set) or unusable: keep what we have
                addresses.append(None)
        servers.configure(
            primary=addresses[0],
            fallback=addresses[1] if self.config.get("fallback_server") else None,
            failback_minutes=self.config.get("failback_minutes")
            if self.config.get("fallback_server")
            else None,
        )

    def _request(self, uid):
        mode = self.config.get("mode")
        body = {"uid": uid, "time": self.now()}
        if mode in ("amount", "postpaid"):
            body["amount"] = self.rng.choice(AMOUNTS)
        elif mode == "key":
            keys = self.config.get("keys") or [{"key": 1}]
            body["key"] = self.rng.choice(keys)["key"]
        return body

    async def swipe(self, uid=None):
        uid = uid or self.rng.choice(self.cards)
        self.record_seq += 1
        body = dict(self._request(uid), seq=self.record_seq)
        if self.epoch:
            body["epoch"] = self.epoch
        if not self.online:
            return self._record_offline(body)
        self.stats.sent += 1
        started = time.perf_counter()
        measured = time.monotonic() >= self.stats.window_start
        try:
            answer = await self.client.call(M.SWIPE, body)
        except Unreachable:
            self.stats.unreachable += 1
            self.display("NO CONNECTION")
            return None
        except Refused as exc:
            self.display(f"ERROR {exc.code}")
            return None
        if measured:
            self.stats.latencies.append(time.perf_counter() - started)
            self.stats.window_approved += bool(answer.get("approved"))
        self._count(answer, body["seq"], offline=False, epoch=self.epoch)
        if answer.get("approved"):
            balance = sum(
                (answer.get("balances") or {}).get(k, 0.0)
                for k in ("cash", "subsidy", "temporary")
            )
            self.display(
                "{}  {:.2f}  balance {:.2f}".format(
                    answer.get("holder") or uid, answer.get("amount") or 0.0, balance
                )
            )
        else:
            self.display(
                answer.get("display") or answer.get("message") or answer.get("code")
            )
        return answer

    def _count(self, answer, seq, offline, epoch=0):
        if (
            answer.get("code") == "sequence_conflict"
        ):  # refused, nothing booked: not an acknowledged record
            self.stats.conflicts += 1
            self.stats.declined += 1
            return
        key = (self.serial, epoch or 0, seq)
        if key not in self.stats.acked:
            self.stats.acked[key] = {
                "approved": bool(answer.get("approved")),
                "amount": answer.get("amount") or 0.0,
                "replay": bool(answer.get("replay")),
                "offline": offline,
                "operation_id": answer.get("operation_id"),
            }
            if answer.get("approved"):
                self.stats.approved += 1
            else:
                self.stats.declined += 1
        if answer.get("replay"):
            self.stats.replays += 1

    def _record_offline(self, body):
        uid = body["uid"]
        if uid in self.blacklist:
            self.display("OFFLINE: card blocked")
            return {"approved": False, "code": "blacklist"}
        limit = self.config.get("offline_limit") or 0.0
        amount = body.get("amount") or self.config.get("fixed_amount") or 0.0
        if limit and amount > limit:
            self.display(f"OFFLINE: above offline limit {limit:.2f}")
            return {"approved": False, "code": "offline_limit"}
        record = {
            k: v
            for k, v in body.items()
            if k in ("seq", "epoch", "uid", "amount", "key", "time")
        }
        self.buffer.append(record)
        self.stats.offline_recorded += 1
        self.display(
            "OFFLINE OK %s %.2f (%d to upload)" % (uid, amount, len(self.buffer))
        )
        return {"approved": True, "code": "offline"}

    async def upload(self, batch=100):
        """Send buffered records in order; drop only what the server acknowledged."""
        while self.buffer:
            records = self.buffer[:batch]
            try:
                ack = await self.client.call(M.UPLOAD, {"records": records})
            except Unreachable:
                self.display("UPLOAD: no connection, %d kept" % len(self.buffer))
                return False
            done = {
                (result.get("epoch") or 0, result.get("seq"))
                for result in ack.get("results") or []
            }
            for result in ack.get("results") or []:
                self._count(
                    result, result.get("seq"), offline=True, epoch=result.get("epoch")
                )
            self.stats.uploaded += len(done)
            self.buffer = [
                r for r in self.buffer if (r.get("epoch") or 0, r["seq"]) not in done
            ]
            self.display(
                "UPLOAD %d acknowledged, %d left, gaps %s"
                % (len(done), len(self.buffer), ack.get("gaps") or "none")
            )
            if not done:
                return False
        return True

    async def run(
        self, swipes=None, rate=None, deadline=None, upload_every=2.0, stop=None
    ):
        """Swipe ``swipes`` times, or at ``rate`` per second until ``deadline``
        (monotonic) or until ``stop()`` says so."""
        interval = 1.0 / rate if rate else 0.0
        next_at = time.monotonic() + self.rng.random() * interval
        last_upload = time.monotonic()
        done = 0
        while (swipes is None or done < swipes) and (
            deadline is None or time.monotonic() < deadline
        ):
            if stop is not None and stop():
                break
            if interval:
                delay = next_at - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                next_at = max(next_at + interval, time.monotonic() - 1.0)
            await self.swipe()
            done += 1
            if self.buffer and time.monotonic() - last_upload > upload_every:
                await self.upload()
                last_upload = time.monotonic()
        if self.buffer:
            await self.upload()
