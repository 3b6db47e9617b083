"""The database side of the gateway: worker threads, each with its own cursor.

Every unit of work runs in its own transaction, under the one retry policy
(``retry.py``), and is committed before it returns: the asyncio side answers
the terminal only with what this module returned.
"""

import contextlib
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from psycopg2.extensions import (
    ISOLATION_LEVEL_READ_COMMITTED,
    ISOLATION_LEVEL_REPEATABLE_READ,
)

import odoo

from odoo.addons.onecard_consume.tools.prepared import own_cursor

from ..lib import messages as M
from ..lib.errors import TerminalError
from .outage import Outage
from .retry import CONFLICT, CONNECT_TRIES, RECONNECT, classify, reconnect_delay
from .signaling import Signaling

_logger = logging.getLogger("odoo.addons.onecard_devices.gateway")
STARTUP_WAIT = 60  # seconds a starting gateway waits for its database


def load_registry(dbname, wait=STARTUP_WAIT):
    """The database's registry, waiting out a database that is restarting: a gateway
    started (by its supervisor, after a crash) while PostgreSQL restarts must come
    up when it is back, not die of it. Other failures propagate at once."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return odoo.modules.registry.Registry(dbname)
        except Exception as exc:
            if classify(exc) != RECONNECT or time.monotonic() > deadline:
                raise
            _logger.warning(
                "onecard-gateway: database %s unreachable at start (%s); retrying",
                dbname,
                str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc),
            )
            time.sleep(1)


class GatewayError(Exception):
    """A refusal sent back as a NAK frame (code, message)."""

    def __init__(self, code, message=None):
        super().__init__(message or code)
        self.code, self.message = code, message or code


class Runner:
    """A pool of ``workers`` threads running the engine on one registry."""

    def __init__(self, dbname, opts, stats):
        self.dbname = dbname
        self.opts = opts
        self.stats = stats
        self.registry = load_registry(dbname)
        self.pool = ThreadPoolExecutor(
            max_workers=opts.workers, thread_name_prefix="gw-db"
        )
        # one connection per worker thread, kept
        self.db_pool = odoo.sql_db.ConnectionPool(opts.workers)
        self.local = threading.local()
        # every worker thread's cursor, closed at shutdown (see close)
        self.cursors = []
        self.cursors_lock = threading.Lock()
        self.languages = ["en_US"]
        self.outage = Outage()
        # settings changed by other processes (Odoo, the other gateways): signaling.py
        self.signaling = Signaling(self.registry)

    # ---- cursors ----
    def _cursor(self):
        cr = getattr(self.local, "cr", None)
        if cr is None or cr.closed:
            # Kept for the thread's life, never re-borrowed (so never reset): the
            # engine prepares its batch statements once on it
            # (onecard_consume/tools/prepared.py).
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
        with contextlib.suppress(Exception):  # the connection may be gone already
            cr.close()

    def _rollback(self, cr):
        try:
            cr.rollback()
        except Exception:  # noqa: BLE001
            self._drop_cursor()

    def close(self):
        """Stop the threads, then close their cursors (no thread uses them any more).

        They live in thread-local storage; left to the garbage collector at exit,
        each one logged "Cursor not closed explicitly" and its connection was
        dropped without a goodbye to PostgreSQL.
        """
        self.pool.shutdown(wait=True)
        with self.cursors_lock:
            cursors, self.cursors = self.cursors, []
        for cr in cursors:
            self._close(cr)
        self.db_pool.close_all()

    # ---- transactions ----
    def run_db(self, func, tries=None, isolation=None):
        """Run func(env) in its own transaction on this thread's cursor; commit; retry.

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
            try:
                cr = self._cursor()
            except Exception as exc:
                # PostgreSQL refuses connections (restarting): retry a moment, then
                # "busy, retry with the same sequence" (the terminal's own retry).
                if classify(exc) != RECONNECT:
                    raise
                if attempt >= min(tries, CONNECT_TRIES) or self.outage.down:
                    raise self._busy(exc) from exc
                time.sleep(reconnect_delay(attempt))
                continue
            if isolation is not None:
                # no transaction open here: applied at BEGIN
                cr.connection.set_isolation_level(isolation)
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            committing = False
            try:
                self.signaling.check(cr)
                result = func(env)
                committing = True
                # The gateway owns its transactions: commit, then answer.
                cr.commit()  # pylint: disable=invalid-commit
                self.outage.succeeded()
                self.signaling.send()
                return result
            except BaseException as exc:
                # first: a rollback that fails drops the cursor (closed: reconnect)
                self._rollback(cr)
                action = classify(exc, cr)
                if action == RECONNECT:
                    self._drop_cursor()
                    self.stats.count("reconnects")
                    if committing:
                        # The connection died with our COMMIT in flight: booked or
                        # not, only PostgreSQL knows. Running the work again would
                        # find an HTTP request's signature burnt ("replayed", a
                        # refusal of a booked swipe); the terminal's retransmission
                        # gets the stored answer, or books it now.
                        raise self._busy(exc) from exc
                    # during an outage one fresh connection is tried (this thread's
                    # was the dead one), then busy
                    if attempt >= tries or (self.outage.down and attempt > 1):
                        raise self._busy(exc) from exc
                if action is None or attempt >= tries:
                    raise
                if action == CONFLICT:
                    self.stats.count("retries")
                else:
                    time.sleep(reconnect_delay(attempt))
        raise GatewayError("busy", "too many retries")

    def _busy(self, exc):
        """The database is away: counted (one log line per outage), answered busy."""
        self.stats.count("busy")
        self.outage.failed(exc)
        return GatewayError("busy", "database unavailable, retry")

    def load_terminals(self):
        """[(id, serial, secret, port_url, bus_address, connection)] of the active
        terminals; the installed languages in self.languages."""

        def work(env):
            self.languages = [code for code, _name in env["res.lang"].get_installed()]
            env.cr.execute(
                """SELECT id, serial_number, secret, port_url, bus_address, connection
                     FROM onecard_terminal WHERE active"""
            )
            return env.cr.fetchall()

        return self.run_db(work)

    # ---- units of work ----
    def handle_request(self, terminal_id, msg_type, body):
        """One request -> (response type, dict). Committed before return."""
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
            self.stats.count("uploaded", len(result.get("results") or []))
        return msg_type | M.RESPONSE_BIT, result

    def handle_swipes(self, batch):
        """A batch of swipes in one transaction -> [answer or exception].

        batch: [("frame", (terminal_id, body)), ("http", signed request) or
        ("zk", ZKTeco ATTLOG upload)]. Frames get (response type, dict); HTTP
        requests the JSON answer; ZKTeco uploads their plain-text Response.
        """
        frames = [(i, data) for i, (kind, data) in enumerate(batch) if kind == "frame"]
        https = [(i, data) for i, (kind, data) in enumerate(batch) if kind == "http"]
        zks = [(i, data) for i, (kind, data) in enumerate(batch) if kind == "zk"]

        def work(env):
            # Two batches in progress often share a holder (14 random swipes each among
            # 10,000 people: ~2 % of batches). Under Odoo's REPEATABLE READ the later
            # batch waits for the holder's row lock, then fails with a serialization
            # error and is redone whole: the p99 of its swipes. The engine decides only
            # on rows it has locked (holder, wallets; FOR UPDATE returns their latest
            # committed version under READ COMMITTED) and writes balances as deltas, so
            # the waiting batch can simply go on (READ COMMITTED, set by run_db below).
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
            if zks:
                for (i, _data), result in zip(
                    zks,
                    env["onecard.zkteco.service"].serve_many([d for _i, d in zks]),
                    strict=True,
                ):
                    results[i] = result
            return results

        try:
            results = self.run_db(work, isolation=ISOLATION_LEVEL_READ_COMMITTED)
        except GatewayError as exc:
            # busy: nothing of the batch was committed (or, COMMIT lost, nothing is
            # known): every swipe of it is retried by its terminal, none refused
            return [exc] * len(batch)
        except Exception as exc:  # noqa: BLE001 - redo one by one: a bad request must not refuse the others
            self.stats.count("batch_splits")
            _logger.warning(
                "batch of %d swipe(s) failed (%s); deciding them one by one",
                len(batch),
                exc,
            )
            return [self._one(kind, data) for kind, data in batch]
        answers = []
        for (kind, data), result in zip(batch, results, strict=False):
            if isinstance(result, Exception) or kind == "zk":
                answers.append(result)
            elif kind == "frame":
                answers.append(self._swipe_answer(result, data[1]))
            else:
                self._count_swipe(result)
                answers.append(result)
        return answers

    def handle_signed(self, message, signed):
        """One signed HTTP request in its own transaction -> answer or exception."""
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

    def _one(self, kind, data):
        """One item of a failed batch, in its own transaction."""
        if kind == "zk":
            return self.handle_zk(data)
        if kind == "http":
            return self.handle_signed("swipe", data)
        try:
            return self.handle_request(data[0], M.SWIPE, data[1])
        except (GatewayError, TerminalError) as exc:
            return exc

    def handle_zk(self, request):
        """One ZKTeco PUSH request in its own transaction -> its Response, or a
        GatewayError (busy or a fault, logged) the front answers ``ERROR: busy``."""
        try:
            return self.run_db(
                lambda env: env["onecard.zkteco.service"].serve_many([request])[0]
            )
        except GatewayError as exc:
            return exc
        except Exception:  # noqa: BLE001 - the device retries after ErrorDelay
            _logger.exception("ZKTeco %s failed", request[1])
            return GatewayError("busy", "internal error")

    def _count_swipe(self, result):
        self.stats.count("approved" if result.get("approved") else "declined")
        if result.get("replay"):
            self.stats.count("replays")
        if result.get("code") == "sequence_conflict":
            self.stats.count("conflicts")

    def _swipe_answer(self, result, body):
        self._count_swipe(result)
        return M.SWIPE | M.RESPONSE_BIT, dict(result, seq=body.get("seq"))
