"""The one retry policy (onecard_devices/gateway/retry.py): what is retried, how often,
and that nothing is committed of a unit that failed. Needs Odoo importable (the policy
is built on odoo.service.model.PG_CONCURRENCY_ERRORS_TO_RETRY), no database."""

import psycopg2
import pytest
from psycopg2 import errorcodes

model = pytest.importorskip("odoo.service.model")

from onecard_devices.gateway import retry  # noqa: E402 - after the importorskip


def pg_error(base, code):
    """A psycopg2 error as PostgreSQL raises it (pgcode is set by the server)."""
    return type("PgError", (base,), {"pgcode": code})()


class FakeCursor:
    def __init__(self):
        self.commits = self.rollbacks = 0
        self.closed = False

    def commit(self):
        self.commits += 1

    def rollback(self):
        self.rollbacks += 1


def failing(*errors, result="booked"):
    """A unit of work raising ``errors`` in turn, then returning ``result``."""
    errors = list(errors)

    def work():
        if errors:
            raise errors.pop(0)
        return result

    return work


def test_odoo_codes_and_unique_violation_are_the_retried_ones():
    assert set(model.PG_CONCURRENCY_ERRORS_TO_RETRY) <= retry.RETRY_PGCODES
    assert retry.RETRY_PGCODES == {
        errorcodes.SERIALIZATION_FAILURE,
        errorcodes.DEADLOCK_DETECTED,
        errorcodes.LOCK_NOT_AVAILABLE,
        errorcodes.UNIQUE_VIOLATION,
    }


@pytest.mark.parametrize(
    "error, action",
    [
        (pg_error(psycopg2.OperationalError, "40001"), retry.CONFLICT),
        (pg_error(psycopg2.OperationalError, "40P01"), retry.CONFLICT),
        (pg_error(psycopg2.OperationalError, "55P03"), retry.CONFLICT),
        (pg_error(psycopg2.IntegrityError, "23505"), retry.CONFLICT),
        (pg_error(psycopg2.IntegrityError, "23503"), None),  # foreign key: a bug
        (pg_error(psycopg2.OperationalError, None), retry.RECONNECT),  # connection lost
        (psycopg2.InterfaceError("connection already closed"), retry.RECONNECT),
        (pg_error(psycopg2.OperationalError, "57014"), None),  # statement timeout
        (ValueError("refused"), None),
    ],
)
def test_classify(error, action):
    assert retry.classify(error) == action


def test_a_closed_cursor_is_a_reconnect():
    cr = FakeCursor()
    cr.closed = True
    # e.g. 57P01, the server shut down: the rollback failed and dropped the cursor
    assert retry.classify(pg_error(psycopg2.OperationalError, "57P01"), cr) == (
        retry.RECONNECT
    )


def test_conflicts_are_retried_at_once_then_committed():
    cr, resets = FakeCursor(), []
    work = failing(
        pg_error(psycopg2.OperationalError, "40001"),
        pg_error(psycopg2.IntegrityError, "23505"),
    )
    assert retry.run_committed(cr, work, reset=lambda: resets.append(1)) == "booked"
    assert (cr.commits, cr.rollbacks, len(resets)) == (1, 2, 2)


def test_other_errors_roll_back_and_propagate():
    cr = FakeCursor()
    with pytest.raises(ValueError):
        retry.run_committed(cr, failing(ValueError("refused")))
    assert (cr.commits, cr.rollbacks) == (0, 1)


def test_retries_are_bounded():
    cr = FakeCursor()
    errors = [pg_error(psycopg2.OperationalError, "40P01")] * 3
    with pytest.raises(retry.RetriesExhausted):
        retry.run_committed(cr, failing(*errors), max_tries=3)
    assert (cr.commits, cr.rollbacks) == (0, 3)


def test_reconnect_delay_grows_and_is_capped():
    delays = [retry.reconnect_delay(n) for n in range(1, 20)]
    assert delays == sorted(delays) and delays[0] > 0 and max(delays) == 2
