"""The HTTP workers' own cursors (LongCursors): kept, never reset, replaced when broken.

Runs against the real database outside Odoo's test mode (in test mode the
controller uses the request's cursor), in this process.
"""

# invalid-commit: scripts, not models: they own their transactions
# pylint: disable=invalid-commit

import psycopg2
import pytest

from .conftest import addons_path


@pytest.fixture(scope="module")
def registry(e2e):
    import odoo
    from odoo.tools import config

    config.parse_config(
        ["-d", e2e.db, "--addons-path", addons_path(), "--log-level", "warn"]
    )
    return odoo.modules.registry.Registry(e2e.db)


def _close(pool, registry):
    """Close what the pool keeps (a kept cursor collected at exit would log a
    warning)."""
    with pool.cursor(registry) as cr:
        pass
    cr.close()


def _pid(cr):
    cr.execute("SELECT pg_backend_pid()")
    return cr.fetchone()[0]


def test_a_cursor_keeps_its_connection_and_plans(e2e, registry):
    from odoo.addons.onecard_consume.tools.prepared import LongCursors, execute_prepared

    pool = LongCursors(keep=1)
    with pool.cursor(registry) as cr:
        pid = _pid(cr)
        cr.execute("SELECT current_setting('plan_cache_mode')")
        assert cr.fetchone()[0] == "force_generic_plan"
        execute_prepared(cr, "e2e_probe", "SELECT %s::int + 1", [41])
        assert cr.fetchone()[0] == 42
        cr.commit()
    with pool.cursor(
        registry
    ) as cr:  # the same connection, not reset: the statement is still prepared
        assert _pid(cr) == pid
        cr.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE name = 'e2e_probe'"
        )
        assert cr.fetchone()[0] == 1
    with pytest.raises(ZeroDivisionError), pool.cursor(registry) as cr:
        cr.execute("CREATE TEMP TABLE e2e_left_open (x int)")
        1 / 0  # noqa: B018  # pylint: disable=pointless-statement - fails mid-transaction
    with pool.cursor(registry) as cr:  # rolled back and kept
        assert _pid(cr) == pid
        cr.execute("SELECT to_regclass('pg_temp.e2e_left_open')")
        assert cr.fetchone()[0] is None
    _close(pool, registry)


def test_a_broken_connection_is_replaced(e2e, registry):
    from odoo.addons.onecard_consume.tools.prepared import LongCursors

    pool = LongCursors(keep=1)
    with pool.cursor(registry) as cr:
        pid = _pid(cr)
        cr.commit()
    e2e.sql("SELECT pg_terminate_backend(%s)", [pid])
    with pytest.raises(psycopg2.Error), pool.cursor(registry) as cr:
        cr.execute("SELECT 1")  # the first use finds it dead: that one request fails
    with pool.cursor(registry) as cr:
        assert _pid(cr) != pid
    _close(pool, registry)


def test_at_most_keep_cursors_then_none(e2e, registry):
    """Two requests at once (threaded server) with keep=1: the second gets None and uses
    its own
    request cursor, so the kept cursors never take Odoo's pool (db_maxconn) from the
    requests."""
    from odoo.addons.onecard_consume.tools.prepared import LongCursors

    pool = LongCursors(keep=1)
    with pool.cursor(registry) as first, pool.cursor(registry) as second:
        assert first is not None and second is None
        first.commit()
    with pool.cursor(registry) as again:
        assert again is first
    _close(pool, registry)


def test_none_in_test_mode(registry):
    """Odoo's test mode: one shared test transaction, nothing of our own."""
    from odoo.addons.onecard_consume.tools.prepared import LongCursors

    registry.enter_test_mode(registry.cursor())
    try:
        with LongCursors().cursor(registry) as cr:
            assert cr is None
    finally:
        registry.test_cr.close()
        registry.leave_test_mode()
