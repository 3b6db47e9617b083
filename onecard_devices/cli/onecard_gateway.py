"""``odoo-bin onecard-gateway``: binary-protocol gateway for TCP and RS-485 terminals.

    odoo-bin --addons-path=... onecard-gateway -d DB [--tcp-port 9100] [--serial URL ...]

asyncio does the I/O (a TCP server, one polling loop per RS-485 port); a
pool of worker threads, each holding one cursor of the single registry,
runs the engine. Nothing is answered before it is committed: the engine
runs, the transaction commits, and only THEN the answer (the
acknowledgement) is written to the wire. A serialization failure is retried
at once. A frame whose answer was lost is retransmitted by the terminal with
the same terminal sequence and gets the stored first answer back (no second
charge). See docs/binary-protocol.md.

Group commit: swipes that arrive while a batch is being decided wait in a
queue; the next batch takes all of them (up to --batch-size) and the engine
decides them in order in one transaction (``onecard.consumption.swipe_many``:
the same rules, a fixed handful of statements per batch, one COMMIT). At the
lunch rush this turns one commit per swipe into one per burst; an idle
terminal's swipe still goes alone at once. If a batch fails for anything but
a retryable conflict, its swipes are redone one per transaction so that one
bad request cannot refuse the others.
"""

import argparse
import asyncio
import gc
import logging
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor

import psycopg2
from psycopg2.extensions import (
    ISOLATION_LEVEL_READ_COMMITTED,
    ISOLATION_LEVEL_REPEATABLE_READ,
)

import odoo
from odoo.cli.command import Command
from odoo.tools import config

from odoo.addons.onecard_consume.tools.prepared import own_cursor

from ..lib import messages as M
from ..lib.errors import TerminalError
from ..lib.frame import FLAG_RESPONSE, FrameError, encode
from ..lib.transport import LinkClosed, SerialLink, TcpLink
from .http_front import MAX_HEAD, HttpFront

_logger = logging.getLogger("odoo.addons.onecard_devices.gateway")

RETRY_PGCODES = {
    "40001",
    "40P01",
    "55P03",
    "23505",
}  # serialization, deadlock, lock, unique (racing replays)
# The counters of the status lines and of the end-of-run totals, in this order (0 when nothing happened:
# an operator grepping "naks=" must find it).
TOTALS = (
    "frames",
    "http_requests",
    "approved",
    "declined",
    "replays",
    "conflicts",
    "batches",
    "uploaded",
    "naks",
    "retries",
    "crc_errors",
    "poll_timeouts",
)


class GatewayError(Exception):
    """A refusal sent back as a NAK frame (code, message)."""

    def __init__(self, code, message=None):
        super().__init__(message or code)
        self.code, self.message = code, message or code


# ------------------------------------------------------------------ the gateway
class Gateway:
    def __init__(self, dbname, opts):
        self.dbname = dbname
        self.opts = opts
        self.registry = odoo.modules.registry.Registry(dbname)
        self.pool = ThreadPoolExecutor(
            max_workers=opts.workers, thread_name_prefix="gw-db"
        )
        self.db_pool = odoo.sql_db.ConnectionPool(
            opts.workers
        )  # one connection per worker thread, kept
        self.local = threading.local()
        self.cursors = []  # every worker thread's cursor, closed at shutdown (see close_cursors)
        self.cursors_lock = threading.Lock()
        self.stats = Counter()
        self.stats_lock = threading.Lock()
        self.latencies = []
        self.stopping = False
        self.inflight = 0
        self.tasks = set()
        self.terminals = {}  # id -> dict(serial, secret, port_url, bus_address)
        self.by_serial = {}
        self.by_bus = {}
        self.swipes = (
            deque()
        )  # (kind, data, future) waiting for the next batch (see handle_swipes)
        self.swipes_ready = None  # asyncio.Event, created in the loop

    # ---- DB side (worker threads) ----
    def _cursor(self):
        cr = getattr(self.local, "cr", None)
        if cr is None or cr.closed:
            # Kept for the thread's life, never re-borrowed (so never reset): the engine
            # prepares its batch statements once on it (onecard_consume/tools/prepared.py).
            cr = self.local.cr = own_cursor(self.db_pool, self.dbname)
            with self.cursors_lock:
                self.cursors.append(cr)
        return cr

    def _drop_cursor(self):
        cr = getattr(self.local, "cr", None)
        self.local.cr = None
        if cr is not None:
            with self.cursors_lock:
                if cr in self.cursors:
                    self.cursors.remove(cr)
            self._close(cr)

    @staticmethod
    def _close(cr):
        try:
            cr.close()
        except Exception:  # noqa: BLE001 - the connection may be gone already
            pass

    def close_cursors(self):
        """Close the worker threads' cursors (after the pool has stopped: no thread uses them any more).

        They live in thread-local storage; left to the garbage collector at exit,
        each one logged "Cursor not closed explicitly" and its connection was
        dropped without a goodbye to PostgreSQL.
        """
        with self.cursors_lock:
            cursors, self.cursors = self.cursors, []
        for cr in cursors:
            self._close(cr)
        self.db_pool.close_all()

    def load_terminals(self):
        def work(env):
            self.languages = [code for code, _name in env["res.lang"].get_installed()]
            env.cr.execute("""SELECT id, serial_number, secret, port_url, bus_address, connection
                                FROM onecard_terminal WHERE active""")
            return env.cr.fetchall()

        rows = self.run_db(work)
        self.terminals = {
            r[0]: {
                "id": r[0],
                "serial": r[1],
                "secret": r[2],
                "port_url": r[3],
                "bus_address": r[4],
                "connection": r[5],
            }
            for r in rows
        }
        self.by_serial = {
            t["serial"]: t for t in self.terminals.values() if t["serial"]
        }
        self.by_bus = {
            (t["port_url"], t["bus_address"]): t
            for t in self.terminals.values()
            if t["port_url"] and t["bus_address"]
        }

    def run_db(self, func, tries=None, isolation=None):
        """Run func(env) in its own transaction on this thread's cursor; commit; retry at once.

        isolation: a psycopg2 isolation level for this transaction instead of Odoo's
        REPEATABLE READ. psycopg2 sends it with the transaction's BEGIN: no round trip
        of its own (a SET TRANSACTION was one more per batch), and the cursor is back
        at Odoo's level afterwards.
        """
        try:
            return self._run_db(func, tries or self.opts.max_tries, isolation)
        finally:
            cr = getattr(self.local, "cr", None)
            if isolation is not None and cr is not None and not cr.closed:
                cr.connection.set_isolation_level(ISOLATION_LEVEL_REPEATABLE_READ)

    def _run_db(self, func, tries, isolation):
        for attempt in range(1, tries + 1):
            cr = self._cursor()
            if isolation is not None:
                cr.connection.set_isolation_level(
                    isolation
                )  # no transaction open here: applied at BEGIN
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            try:
                result = func(env)
                cr.commit()
                return result
            except psycopg2.OperationalError as exc:
                self._rollback(cr)
                if exc.pgcode in RETRY_PGCODES and attempt < tries:
                    self._count("retries")
                    continue
                if (
                    exc.pgcode is None or cr.closed
                ):  # connection lost: reconnect at the next try
                    self._drop_cursor()
                    self._count("reconnects")
                    if attempt < tries:
                        time.sleep(min(0.2 * attempt, 2))
                        continue
                raise
            except psycopg2.IntegrityError as exc:
                self._rollback(cr)
                if (
                    exc.pgcode in RETRY_PGCODES and attempt < tries
                ):  # a racing replay: the next try sees it
                    self._count("retries")
                    continue
                raise
            except psycopg2.InterfaceError:
                self._drop_cursor()
                self._count("reconnects")
                if attempt < tries:
                    time.sleep(min(0.2 * attempt, 2))
                    continue
                raise
            except BaseException:
                self._rollback(cr)
                raise
        raise GatewayError("busy", "too many retries")

    def _rollback(self, cr):
        try:
            cr.rollback()
        except Exception:  # noqa: BLE001
            self._drop_cursor()

    def _count(self, key, n=1):
        with self.stats_lock:
            self.stats[key] += n

    def handle_request(self, terminal_id, msg_type, body):
        """Worker thread: one request -> (response type, dict). Committed before return."""
        name = M.NAMES[msg_type]

        def work(env):
            terminal = env["onecard.terminal"].browse(terminal_id)
            return env["onecard.terminal.service"].handle(terminal, name, body)

        try:
            result = self.run_db(work)
        except (GatewayError, TerminalError):
            raise
        except Exception as exc:  # noqa: BLE001 - a server fault becomes a NAK; the terminal retries
            _logger.exception("terminal %s: %s failed", terminal_id, name)
            raise GatewayError("server_error", "internal error") from exc
        if msg_type == M.SWIPE:
            return self._swipe_answer(result, body)
        if msg_type == M.UPLOAD:
            self._count("uploaded", len(result.get("results") or []))
        return msg_type | M.RESPONSE_BIT, result

    def handle_swipes(self, batch):
        """Worker thread: a batch of swipes in one transaction -> [answer or exception].

        batch: [("frame", (terminal_id, body)) or ("http", signed request)].
        Frames get (response type, dict); HTTP requests the JSON answer.
        """
        frames = [(i, data) for i, (kind, data) in enumerate(batch) if kind == "frame"]
        https = [(i, data) for i, (kind, data) in enumerate(batch) if kind == "http"]

        def work(env):
            # Two batches in progress often share a holder (14 random swipes each among 10,000
            # people: ~2 % of batches). Under Odoo's REPEATABLE READ the later batch waits for
            # the holder's row lock, then fails with a serialization error and is redone whole:
            # the p99 of its swipes. The engine decides only on rows it has locked (holder,
            # wallets; FOR UPDATE returns their latest committed version under READ COMMITTED)
            # and writes balances as deltas, so the waiting batch can simply go on (READ COMMITTED,
            # set by run_db below).
            service = env["onecard.terminal.service"]
            results = [None] * len(batch)
            for (i, _data), result in zip(
                frames,
                service.handle_swipes([data for _i, data in frames]),
                strict=False,
            ):
                results[i] = result
            for (i, _data), result in zip(
                https,
                service.serve_signed_swipes([data for _i, data in https]),
                strict=False,
            ):
                results[i] = result
            return results

        try:
            results = self.run_db(work, isolation=ISOLATION_LEVEL_READ_COMMITTED)
        except Exception as exc:  # noqa: BLE001 - redo one by one: a bad request must not refuse the others
            self._count("batch_splits")
            _logger.warning(
                "batch of %d swipe(s) failed (%s); deciding them one by one",
                len(batch),
                exc,
            )
            return [
                self._one_swipe(*data)
                if kind == "frame"
                else self.handle_signed("swipe", data)
                for kind, data in batch
            ]
        answers = []
        for (kind, data), result in zip(batch, results, strict=False):
            if isinstance(result, Exception):
                answers.append(result)
            elif kind == "frame":
                answers.append(self._swipe_answer(result, data[1]))
            else:
                self._count_swipe(result)
                answers.append(result)
        return answers

    def handle_signed(self, message, signed):
        """Worker thread: one signed HTTP request in its own transaction -> answer or exception."""
        try:
            result = self.run_db(
                lambda env: env["onecard.terminal.service"].serve_signed(
                    message, signed
                )
            )
        except (GatewayError, TerminalError) as exc:
            return exc
        except Exception:  # noqa: BLE001 - a server fault is a 500; the terminal retries
            _logger.exception("HTTP %s failed", message)
            return GatewayError("server_error", "internal error")
        if message == "swipe":
            self._count_swipe(result)
        return result

    def _one_swipe(self, terminal_id, body):
        try:
            return self.handle_request(terminal_id, M.SWIPE, body)
        except (GatewayError, TerminalError) as exc:
            return exc

    def _count_swipe(self, result):
        self._count("approved" if result.get("approved") else "declined")
        if result.get("replay"):
            self._count("replays")
        if result.get("code") == "sequence_conflict":
            self._count("conflicts")

    def _swipe_answer(self, result, body):
        self._count_swipe(result)
        return M.SWIPE | M.RESPONSE_BIT, dict(result, seq=body.get("seq"))

    # ---- asyncio side ----
    async def queue_swipe(self, kind, data):
        """Queue a swipe for the next batch; return its committed answer (or the exception refusing it)."""
        future = asyncio.get_running_loop().create_future()
        self.swipes.append((kind, data, future))
        self.swipes_ready.set()
        return await future

    async def batch_loop(self):
        """Take what is queued (up to --batch-size), decide it in one transaction, answer each."""
        loop = asyncio.get_running_loop()
        while True:
            await self.swipes_ready.wait()
            batch = [
                self.swipes.popleft()
                for _i in range(min(len(self.swipes), self.opts.batch_size))
            ]
            if not self.swipes:
                self.swipes_ready.clear()
            if not batch:
                continue
            try:
                started = time.perf_counter()
                results = await loop.run_in_executor(
                    self.pool,
                    self.handle_swipes,
                    [(kind, data) for kind, data, _f in batch],
                )
                self._count("batches")
                self._count("batched", len(batch))
                self._count("batch_us", int((time.perf_counter() - started) * 1e6))
            except Exception as exc:  # noqa: BLE001 - e.g. the pool is shut down: refuse, the terminal retries
                results = [GatewayError("server_error", str(exc)[:100])] * len(batch)
            for (_kind, _data, future), result in zip(batch, results, strict=False):
                if not future.done():
                    future.set_result(result)

    async def dispatch(self, terminal, frame):
        """Decode, run in the pool, return the answer frame bytes (already committed)."""
        key = terminal.get("secret") if frame.mac is not None else None
        if frame.mac is not None and not (key and frame.verify_mac(key)):
            return self.nak(frame, "bad_signature", "MAC does not match"), None
        if frame.mac is None and terminal.get("secret") and self.requires_mac(terminal):
            return self.nak(frame, "missing_auth", "frames must carry a MAC"), None
        if frame.type not in M.SCHEMAS:
            return self.nak(frame, "invalid_type", "unknown message type", key), None
        try:
            body = M.decode_message(frame.type, frame.payload)
        except FrameError as exc:
            self._count("bad_payload")
            return self.nak(frame, "invalid_body", str(exc), key), None
        if frame.type not in M.SERVICE_MESSAGES:
            return self.nak(frame, "invalid_type", "unexpected message type", key), None
        body.pop("serial", None)
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        self.inflight += 1
        try:
            if frame.type == M.SWIPE:
                result = await self.queue_swipe("frame", (terminal["id"], body))
                if isinstance(result, Exception):
                    raise result
                rtype, result = result
            else:
                rtype, result = await loop.run_in_executor(
                    self.pool, self.handle_request, terminal["id"], frame.type, body
                )
        except (GatewayError, TerminalError) as exc:
            return self.nak(frame, exc.code, exc.message, key), None
        finally:
            self.inflight -= 1
        self._count("frames")
        self.latencies.append(time.perf_counter() - started)
        try:
            payload = M.encode_message(rtype, result)
        except FrameError as exc:
            _logger.error("cannot encode answer %s: %s", result, exc)
            return self.nak(frame, "server_error", "bad answer", key), None
        return encode(
            rtype, payload, frame.address, frame.seq, FLAG_RESPONSE, key
        ), body

    def requires_mac(self, terminal):
        return terminal.get("via") == "tcp" and not self.opts.allow_unsigned

    def nak(self, frame, code, message, key=None):
        """A NAK frame; counted here, where every NAK is made (bad MAC, unknown terminal, bad payload,
        refusals of the service): it was counted on the service's refusals only."""
        self._count("naks")
        payload = M.encode_message(
            M.NAK, {"code": code, "message": (message or "")[:200]}
        )
        return encode(M.NAK, payload, frame.address, frame.seq, FLAG_RESPONSE, key)

    async def serve_tcp(self, reader, writer):
        link = TcpLink(reader, writer)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            import socket

            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        peer = writer.get_extra_info("peername")
        self._count("connections")
        terminal = None
        try:
            while not self.stopping:
                frame = await link.recv(timeout=1.0)
                if frame is None:
                    continue
                if frame.is_response:
                    continue
                if terminal is None:
                    terminal = await self.bind_tcp(frame)
                    if terminal is None:
                        await link.send(
                            self.nak(
                                frame,
                                "unknown_terminal",
                                "send a heartbeat with your serial first",
                            )
                        )
                        continue
                answer, _body = await self.dispatch(terminal, frame)
                await link.send(answer)
        except (LinkClosed, ConnectionError, OSError):
            pass
        finally:
            self._count("crc_errors", link.errors)
            await link.close()
            _logger.debug("connection %s closed", peer)

    async def bind_tcp(self, frame):
        """First frame on a connection: a heartbeat naming the terminal's serial number."""
        if frame.type != M.HEARTBEAT:
            return None
        try:
            serial = M.decode_message(M.HEARTBEAT, frame.payload).get("serial")
        except FrameError:
            return None
        terminal = self.by_serial.get(serial)
        if terminal is None:  # created since start: reload once
            await asyncio.get_running_loop().run_in_executor(
                self.pool, self.load_terminals
            )
            terminal = self.by_serial.get(serial)
        return dict(terminal, via="tcp") if terminal else None

    async def poll_port(self, url, addresses):
        """RS-485 master: poll each address in turn; answer its request after commit."""
        backoff = 0.5
        while not self.stopping:
            link = SerialLink(url, self.opts.baudrate)
            try:
                await link.open()
                _logger.info(
                    "serial %s open, polling addresses %s", url, sorted(addresses)
                )
                backoff = 0.5
                seq = 0
                while not self.stopping:
                    for address in sorted(addresses):
                        if self.stopping:
                            break
                        seq = (seq + 1) & 0xFFFFFFFF
                        await link.send(encode(M.POLL, b"", address, seq))
                        frame = await link.recv(timeout=self.opts.poll_timeout)
                        if frame is None:
                            self._count("poll_timeouts")
                            continue
                        if (
                            frame.address != address
                            or not frame.is_response
                            and frame.type == M.POLL
                        ):
                            self._count("bus_errors")
                            link.drop_input()
                            continue
                        if frame.type == M.IDLE:
                            continue
                        terminal = dict(
                            self.by_bus.get((url, address)) or {}, via="serial"
                        )
                        if "id" not in terminal:
                            await link.send(
                                self.nak(
                                    frame,
                                    "unknown_terminal",
                                    "no terminal at this address",
                                )
                            )
                            continue
                        answer, _body = await self.dispatch(terminal, frame)
                        await link.send(answer)
                    if not addresses:
                        await asyncio.sleep(1)
            except (OSError, LinkClosed, Exception) as exc:  # noqa: BLE001 - reopen the port, never die
                if self.stopping:
                    break
                self._count("serial_reconnects")
                _logger.warning("serial %s: %s; reopening in %.1fs", url, exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10)
            finally:
                self._count("crc_errors", link.errors)
                await link.close()

    async def status_loop(self):
        last = Counter()
        while not self.stopping:
            await asyncio.sleep(self.opts.status_interval)
            with self.stats_lock:
                now = Counter(self.stats)
            lat, self.latencies = self.latencies, []
            lat.sort()
            p50 = lat[len(lat) // 2] * 1000 if lat else 0.0
            p99 = lat[min(int(len(lat) * 0.99), len(lat) - 1)] * 1000 if lat else 0.0
            delta = {k: now[k] - last[k] for k in now}
            _logger.info(
                "status: %s connections=%d inflight=%d p50=%.1fms p99=%.1fms "
                "batch=%.1f swipes/%.1fms (last %ds)",
                self._totals(delta),
                now.get("connections", 0),
                self.inflight,
                p50,
                p99,
                # what group commit achieves: swipes per batch, and how long a batch takes (queue to commit)
                delta.get("batched", 0) / max(delta.get("batches", 0), 1),
                delta.get("batch_us", 0) / 1000 / max(delta.get("batches", 0), 1),
                self.opts.status_interval,
            )
            last = now

    @staticmethod
    def _totals(counts):
        """ "frames=3 http=0 ... naks=2 ...": every counter of TOTALS, zeros included."""
        return " ".join(
            "%s=%d" % ("http" if key == "http_requests" else key, counts.get(key, 0))
            for key in TOTALS
        )

    async def main(self):
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await loop.run_in_executor(self.pool, self.load_terminals)
        # The loaded registry is hundreds of thousands of objects that live as long as we do; a
        # full (generation 2) collection walking them stopped the whole gateway for ~140 ms
        # (measured, once in a 25 s run at 1,000 swipes/s): the p99 of the swipes in flight.
        # Frozen, collections only walk what was allocated since.
        gc.freeze()
        self.swipes_ready = asyncio.Event()
        batchers = [
            asyncio.create_task(self.batch_loop()) for _i in range(self.opts.batchers)
        ]
        servers = []
        if self.opts.tcp_port is not None and self.opts.tcp_port >= 0:
            server = await asyncio.start_server(
                self.serve_tcp,
                self.opts.tcp_host,
                self.opts.tcp_port,
                backlog=512,
                reuse_port=self.opts.processes > 1,
            )
            servers.append(server)
            ports = [s.getsockname()[1] for s in server.sockets]
            _logger.info(
                "onecard-gateway listening on %s:%s (db %s, %d workers)",
                self.opts.tcp_host,
                ports[0],
                self.dbname,
                self.opts.workers,
            )
            if self.opts.port_file:
                with open(self.opts.port_file, "w") as handle:
                    handle.write(str(ports[0]))
        if self.opts.http_port is not None and self.opts.http_port >= 0:
            server = await asyncio.start_server(
                HttpFront(self).serve,
                self.opts.tcp_host,
                self.opts.http_port,
                backlog=512,
                limit=MAX_HEAD,
                reuse_port=self.opts.processes > 1,
            )
            servers.append(server)
            _logger.info(
                "onecard-gateway serving the terminal HTTP API on %s:%s",
                self.opts.tcp_host,
                server.sockets[0].getsockname()[1],
            )
        ports = {}
        # Extra processes (--processes) only share the TCP port: one process polls the buses.
        for terminal in self.terminals.values() if self.opts.serial_owner else ():
            if (
                terminal["connection"] == "serial"
                and terminal["port_url"]
                and not self.opts.no_db_ports
            ):
                ports.setdefault(terminal["port_url"], set()).add(
                    terminal["bus_address"]
                )
        for url in (self.opts.serial or []) if self.opts.serial_owner else ():
            ports.setdefault(url, set()).update(a for (u, a) in self.by_bus if u == url)
        tasks = [
            asyncio.create_task(self.poll_port(url, addrs))
            for url, addrs in ports.items()
        ]
        tasks.append(asyncio.create_task(self.status_loop()))
        print("onecard-gateway ready", flush=True)
        await stop.wait()
        _logger.info(
            "onecard-gateway stopping: finishing %d in-flight frame(s)", self.inflight
        )
        self.stopping = True
        for server in servers:
            server.close()
        deadline = time.monotonic() + self.opts.shutdown_timeout
        while self.inflight and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for task in tasks + batchers:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.pool.shutdown(wait=True)
        self.close_cursors()
        with self.stats_lock:
            stats = Counter(self.stats)
        _logger.info(
            "onecard-gateway stopped: %s connections=%d batched=%d (since start)",
            self._totals(stats),
            stats.get("connections", 0),
            stats.get("batched", 0),
        )


class OnecardGateway(Command):
    """Binary-protocol gateway for TCP and RS-485 terminals"""

    name = "onecard-gateway"

    def run(self, cmdargs):
        parser = argparse.ArgumentParser(
            prog="odoo-bin onecard-gateway",
            description=self.__doc__,
            epilog="Other options are Odoo's (-d, --db_host, -c, --addons-path, ...).",
        )
        parser.add_argument("--tcp-host", default="0.0.0.0")
        parser.add_argument(
            "--tcp-port",
            type=int,
            default=9100,
            help="-1: no TCP server; 0: any free port",
        )
        parser.add_argument("--port-file", help="write the bound TCP port to this file")
        parser.add_argument(
            "--http-port",
            type=int,
            default=-1,
            help="also serve the terminal HTTP API (same endpoints and signatures as Odoo's "
            "/onecard/api/v1) on this port, with group commit; -1: off",
        )
        parser.add_argument(
            "--http-idle",
            type=float,
            default=60.0,
            help="seconds an idle keep-alive connection stays",
        )
        parser.add_argument(
            "--serial",
            action="append",
            metavar="URL",
            help="RS-485 port to poll (pyserial URL); repeatable. Ports of serial terminals in "
            "the database are polled anyway.",
        )
        parser.add_argument(
            "--no-db-ports", action="store_true", help="poll only the --serial ports"
        )
        parser.add_argument("--baudrate", type=int, default=115200)
        parser.add_argument(
            "--poll-timeout",
            type=float,
            default=0.2,
            help="seconds to wait for a polled terminal",
        )
        parser.add_argument(
            "--workers", type=int, default=8, help="database worker threads (cursors)"
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="gateway processes sharing the TCP port (SO_REUSEPORT): one Python process is "
            "bound to one CPU by the GIL; the first one also polls the serial ports",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=200,
            help="most swipes decided and committed together (group commit); 1 = one per commit",
        )
        parser.add_argument(
            "--batchers",
            type=int,
            default=2,
            help="batches in progress at once (each on its own cursor)",
        )
        parser.add_argument(
            "--max-tries",
            type=int,
            default=8,
            help="tries per frame on serialization failures",
        )
        parser.add_argument("--status-interval", type=float, default=60.0)
        parser.add_argument("--shutdown-timeout", type=float, default=10.0)
        parser.add_argument(
            "--allow-unsigned",
            action="store_true",
            help="accept TCP frames without a MAC",
        )
        opts, odoo_args = parser.parse_known_args(cmdargs)
        config.parse_config(odoo_args, setup_logging=True)
        dbname = config["db_name"]
        if isinstance(dbname, (list, tuple)):
            dbname = dbname[0] if dbname else None
        if dbname and "," in dbname:
            dbname = dbname.split(",")[0]
        if not dbname:
            sys.exit("onecard-gateway: give the database with -d")
        opts.batch_size, opts.batchers = (
            max(opts.batch_size, 1),
            max(min(opts.batchers, opts.workers), 1),
        )
        config["db_maxconn"] = max(config["db_maxconn"], opts.workers + 4)
        if opts.processes > 1 and (not opts.tcp_port or opts.http_port == 0):
            sys.exit("onecard-gateway: --processes needs fixed ports")
        opts.serial_owner = True
        children = []
        for _index in range(opts.processes - 1):
            pid = os.fork()
            if pid == 0:  # child: TCP only, its own registry and cursors
                opts.serial_owner, opts.port_file = False, None
                children = None
                break
            children.append(pid)
        gateway = Gateway(dbname, opts)
        try:
            asyncio.run(gateway.main())
        finally:
            for pid in children or []:  # the parent stops its children on the way out
                try:
                    os.kill(pid, signal.SIGTERM)
                    os.waitpid(pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
