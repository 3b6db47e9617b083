"""Server-side prepared statements for cursors that live long (the gateway's, the HTTP
workers' own).

A batch statement of the engine costs PostgreSQL ~0.6 ms to parse and ~0.7-0.9 ms
to plan, whatever the batch size. A cursor whose owner keeps it for its whole life
comes from ``own_cursor``; the engine then PREPAREs each statement once
per connection and EXECUTEs it afterwards. Other cursors run the statements as
they are: Odoo resets a pooled connection each time it lends it (DISCARD ALL),
which drops prepared statements, so preparing there would only add a round trip.

Generic plans: left to itself (``plan_cache_mode = auto``) PostgreSQL plans a
prepared statement anew for its first five executions and then goes on doing so
whenever the generic plan's estimate looks worse than the custom plans' average.
For these statements (arrays of ids, JSON rows) it always looks worse, so
preparing saved nothing: the one-swipe lookup took 1.7-1.9 ms either way and
0.3-0.4 ms with the generic plan (EXPLAIN EXECUTE: planning 0.7 -> 0.02 ms, the
same index scans). ``own_cursor`` therefore opens its connection with
``force_generic_plan`` (a connection option: no SET to commit, and it outlives
RESET). It applies only to prepared statements (ours, and PostgreSQL's own
foreign-key checks), never to the ORM's queries, which are planned each time.
"""

import contextlib
import logging
import re
import threading

import psycopg2

from odoo import sql_db

_logger = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"%%|%s")  # psycopg2's escaped percent, or a parameter


def own_cursor(pool, dbname):
    """A cursor for an owner that keeps it for life, on a connection of ``pool`` (not
    Odoo's pool, which resets what it lends): generic plans, our statements prepared on
    it."""
    info = dict(sql_db.connection_info_for(dbname)[1])
    info["options"] = (
        f"{info.get('options', '')} -c plan_cache_mode=force_generic_plan"
    ).strip()
    cr = sql_db.Connection(pool, dbname, info).cursor()
    cr.onecard_prepared = set()
    return cr


def execute_prepared(cr, name, query, params, **kwargs):
    """``cr.execute(query, params)``, through PREPARE/EXECUTE when the cursor asked for
    it."""
    prepared = getattr(cr, "onecard_prepared", None)
    if prepared is None:
        return cr.execute(query, params, **kwargs)
    if name not in prepared:
        numbers = iter(range(1, len(params) + 1))
        numbered = _PLACEHOLDER.sub(
            lambda match: "%" if match.group() == "%%" else f"${next(numbers)}", query
        )
        # name and query are the engine's own constants, never input; PREPARE takes
        # no parameters (its text is the statement itself)
        cr.execute(f"PREPARE {name} AS {numbered}")  # pylint: disable=sql-injection
        # PREPARE outlives a rollback: it belongs to the session, not the transaction
        prepared.add(name)
    return cr.execute(
        f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params, **kwargs
    )


class LongCursors:
    """Cursors kept open for the life of an Odoo HTTP worker process.

    Odoo's pool resets a connection each time it lends it (DISCARD ALL), which
    also throws away what PostgreSQL had cached for it: the plans of the
    foreign-key checks of every ledger row, and the prepared statements above.
    A terminal request's transaction instead runs on one of these cursors,
    never given back to Odoo's pool and so never reset (as the gateway's
    cursors). Their connections come from a pool of their own, so they never
    take one of Odoo's (db_maxconn) from the requests. A prefork worker serves
    one request at a time: one is enough. When all ``keep`` are in use
    (threaded server) or in Odoo's test mode (one shared test transaction),
    ``cursor()`` yields None and the caller uses its request cursor.
    """

    def __init__(self, keep=1):
        self.keep = keep
        self._pool = sql_db.ConnectionPool(keep)
        self._free = {}  # database name -> [kept cursor not in use]
        self._open = {}  # database name -> kept cursors, in use or not
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def cursor(self, registry):
        cr = self._take(registry)
        try:
            yield cr
        finally:
            if cr is not None:
                self._give_back(registry.db_name, cr)

    def _take(self, registry):
        if registry.in_test_mode():
            return None
        db = registry.db_name
        with self._lock:
            free = self._free.setdefault(db, [])
            while free:
                cr = free.pop()
                if not cr.closed:
                    return cr
                self._open[db] -= 1
            if self._open.get(db, 0) >= self.keep:
                return None
            self._open[db] = self._open.get(db, 0) + 1
        try:
            return own_cursor(self._pool, db)
        except Exception:
            with self._lock:
                self._open[db] -= 1
            raise

    def _give_back(self, db, cr):
        try:
            cr.rollback()  # no round trip unless the caller left a transaction open
        except (
            psycopg2.Error
        ) as exc:  # the connection is broken: a fresh one comes next time
            _logger.warning("kept cursor dropped: %s", exc)
            with contextlib.suppress(psycopg2.Error):
                cr.close()
        with self._lock:
            if cr.closed:
                self._open[db] -= 1
            else:
                self._free[db].append(cr)
