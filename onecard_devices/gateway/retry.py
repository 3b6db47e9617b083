"""The one retry policy of everything that owns a transaction of the engine.

Odoo cursors run at REPEATABLE READ: two requests touching the same wallet or
cardholder row make the later one fail with a serialization failure (or a
deadlock, or a lock it may not wait for): Odoo's own
``PG_CONCURRENCY_ERRORS_TO_RETRY``. One more is retried here: a unique
violation, two transactions booking the same terminal sequence at once (a
retransmission racing its original); the next try reads the first one's row and
answers it as a replay. The owner of the transaction (the HTTP controller, the
gateway's runner) rolls back and re-runs the whole unit at once -- no sleep,
unlike ``odoo.service.model.retrying`` -- and only answers the terminal after
COMMIT succeeded, so an acknowledged swipe is always durable. A connection that
is gone (PostgreSQL restarted) is a reconnect, after a short pause.
"""

import logging

import psycopg2
from psycopg2 import errorcodes

from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

_logger = logging.getLogger(__name__)

RETRY_PGCODES = frozenset(PG_CONCURRENCY_ERRORS_TO_RETRY) | {
    errorcodes.UNIQUE_VIOLATION
}
MAX_TRIES = 10
# tries to connect before answering busy (PostgreSQL restarting: ~0.5-1.1 s)
CONNECT_TRIES = 3
# The server is going away or not accepting connections yet (class 57P), or the
# connection failed (class 08): a new connection, later.
RECONNECT_PGCODES = frozenset({"57P01", "57P02", "57P03"})
CONFLICT = "conflict"  # roll back, run the unit again at once
RECONNECT = "reconnect"  # the connection is gone: a new cursor, after reconnect_delay()


class RetriesExhausted(Exception):
    """Still failing after the last try: answer "busy, retry with the same sequence"."""


def classify(exc, cr=None):
    """CONFLICT, RECONNECT or None (not retryable: propagate) for ``exc``, raised by a
    unit of work on ``cr``."""
    if isinstance(exc, psycopg2.InterfaceError):
        return RECONNECT
    pgcode = getattr(exc, "pgcode", None) or ""
    if pgcode in RECONNECT_PGCODES or pgcode.startswith("08"):
        return RECONNECT
    if type(exc) is psycopg2.DatabaseError and exc.pgcode is None:
        # libpq lost the server in the middle of a result ("server closed the
        # connection unexpectedly" while fetching): psycopg2 raises the base class
        return RECONNECT
    if isinstance(exc, psycopg2.OperationalError | psycopg2.IntegrityError):
        if exc.pgcode in RETRY_PGCODES:
            return CONFLICT
        if isinstance(exc, psycopg2.OperationalError) and (
            exc.pgcode is None or (cr is not None and cr.closed)
        ):
            return RECONNECT
    return None


def reconnect_delay(attempt):
    """Seconds to wait before the ``attempt``-th try on a new connection."""
    return min(0.2 * attempt, 2)


def run_committed(cr, func, reset=None, max_tries=MAX_TRIES):
    """Call ``func()`` then ``cr.commit()``; on a concurrency failure roll back,
    call ``reset()`` (drop ORM caches) and try again at once.

    For a caller that cannot change its cursor (Odoo's HTTP controller): a lost
    connection propagates. Any other exception rolls the transaction back and
    propagates: nothing of a refused request is written. Raises RetriesExhausted
    after ``max_tries``.
    """
    for tryno in range(1, max_tries + 1):
        try:
            result = func()
            # The caller owns the transaction: commit before the answer is sent.
            cr.commit()  # pylint: disable=invalid-commit
            return result
        except Exception as exc:
            try:
                cr.rollback()
            except psycopg2.Error:
                # the connection is gone (PostgreSQL restarted): the caller answers
                # busy; what propagates is the first error, classified RECONNECT
                raise exc from None
            if reset:
                reset()
            if classify(exc) != CONFLICT:
                raise
            _logger.info(
                "%s, try %s of %s, retrying at once",
                errorcodes.lookup(exc.pgcode),
                tryno,
                max_tries,
            )
    raise RetriesExhausted()
