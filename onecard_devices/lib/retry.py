"""Run one unit of work in its own transaction, retrying serialization failures at once.

Odoo cursors run at REPEATABLE READ: two requests touching the same wallet or
cardholder row make the later one fail with a serialization failure (or a
deadlock). The transport that owns the transaction (HTTP controller, gateway)
rolls back and re-runs the whole unit immediately -- no sleep, unlike
``odoo.service.model.retrying`` -- and only answers the terminal after COMMIT
succeeded, so an acknowledged swipe is always durable.
"""

import logging

from psycopg2 import OperationalError, errorcodes

_logger = logging.getLogger(__name__)

RETRY_CODES = {
    errorcodes.SERIALIZATION_FAILURE,
    errorcodes.DEADLOCK_DETECTED,
    errorcodes.LOCK_NOT_AVAILABLE,
}
MAX_TRIES = 10


class RetriesExhausted(Exception):
    pass


def run_committed(cr, func, reset=None, max_tries=MAX_TRIES):
    """Call ``func()`` then ``cr.commit()``; on a concurrency failure roll back,
    call ``reset()`` (drop ORM caches) and try again at once.

    Any other exception rolls the transaction back and propagates: nothing of
    a refused request is written. Raises RetriesExhausted after ``max_tries``.
    """
    for tryno in range(1, max_tries + 1):
        try:
            result = func()
            cr.commit()
            return result
        except OperationalError as exc:
            cr.rollback()
            if reset:
                reset()
            if exc.pgcode not in RETRY_CODES:
                raise
            _logger.info(
                "%s, try %s of %s, retrying at once",
                errorcodes.lookup(exc.pgcode),
                tryno,
                max_tries,
            )
        except Exception:
            cr.rollback()
            if reset:
                reset()
            raise
    raise RetriesExhausted()
