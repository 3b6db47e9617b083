"""PostgreSQL away (restarting): answered "busy, retry", one log line per outage.

Regressions of issue 21 (found by tests/chaos):
- every swipe of a restart was NAKed ``server_error`` (documented as a refusal),
  with a traceback each (~60 a restart);
- a failure to connect (the server still starting) escaped the retry policy;
- "server closed the connection unexpectedly" while fetching is a bare
  ``psycopg2.DatabaseError``: it was not a reconnect;
- a COMMIT whose connection died was run again: an HTTP swipe then met its own
  burnt signature (``replayed``), a refusal of a booked swipe.
Needs Odoo importable, no database: the runner runs on fake cursors.
"""

import logging
import os
import types

import psycopg2
import pytest

pytest.importorskip("odoo")
import odoo.addons  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# our addons and Odoo's (onecard_consume imports payment's and portal's controllers)
ODOO_ADDONS = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "addons")
for path in (REPO, ODOO_ADDONS):
    if os.path.isdir(path) and path not in odoo.addons.__path__:
        odoo.addons.__path__.append(path)

from onecard_devices.gateway import retry, runner  # noqa: E402
from onecard_devices.gateway.outage import Outage  # noqa: E402
from onecard_devices.gateway.signaling import Signaling  # noqa: E402
from onecard_devices.gateway.status import Stats  # noqa: E402
from onecard_devices.lib.errors import RETRY_CODES  # noqa: E402


def lost():
    return psycopg2.OperationalError("server closed the connection unexpectedly")


class FakeCursor:
    def __init__(self, commit_error=None):
        self.closed = False
        self.commits = self.rollbacks = 0
        self.commit_error = commit_error
        self.connection = types.SimpleNamespace(set_isolation_level=lambda _l: None)

    def commit(self):
        if self.commit_error:
            self.closed = True
            raise self.commit_error
        self.commits += 1

    def rollback(self):
        self.rollbacks += 1

    def close(self):
        self.closed = True


class QuietRegistry:
    """No other process changes settings here: nothing to clear, nothing to signal."""

    registry_invalidated = cache_invalidated = False

    def check_signaling(self, cr):
        return self


def make_runner(cursors, monkeypatch):
    """A Runner on ``cursors`` (cursor objects, or exceptions raised on connect)."""
    gw = runner.Runner.__new__(runner.Runner)
    gw.opts = types.SimpleNamespace(max_tries=8)
    gw.stats = Stats()
    gw.outage = Outage(clock=iter(range(100)).__next__)
    gw.cursors, gw.cursors_lock = [], __import__("threading").Lock()
    gw.local = types.SimpleNamespace(cr=None)
    gw.signaling = Signaling(QuietRegistry())
    handed = []

    def cursor():
        item = cursors.pop(0)
        if isinstance(item, Exception):
            raise item
        gw.local.cr = item
        handed.append(item)
        return item

    gw._cursor = cursor
    monkeypatch.setattr(runner.time, "sleep", lambda _s: None)
    monkeypatch.setattr(runner.odoo.api, "Environment", lambda cr, uid, ctx: cr)
    return gw, handed


def test_outage_logs_one_line_at_start_and_one_at_end(caplog):
    outage = Outage(clock=iter([10.0, 11.25]).__next__)
    with caplog.at_level(logging.WARNING):
        assert outage.failed(lost()) is True
        for _i in range(59):
            assert outage.failed(lost()) is False
        assert outage.succeeded() == 1.25
        assert outage.succeeded() is None
    assert [r.getMessage() for r in caplog.records] == [
        "database unreachable (server closed the connection unexpectedly): "
        "answering terminals busy, retry",
        "database back after 1.25 s: 60 request(s) were answered busy",
    ]
    assert not any(r.exc_info for r in caplog.records)
    assert (outage.outages, outage.down) == (1, False)


@pytest.mark.parametrize(
    "error",
    [
        psycopg2.DatabaseError("server closed the connection unexpectedly"),
        type("E", (psycopg2.OperationalError,), {"pgcode": "57P01"})(),  # shutdown
        type("E", (psycopg2.OperationalError,), {"pgcode": "57P03"})(),  # starting up
        type("E", (psycopg2.OperationalError,), {"pgcode": "08006"})(),
    ],
)
def test_lost_server_is_a_reconnect(error):
    assert retry.classify(error) == retry.RECONNECT


def test_a_commit_lost_with_its_connection_is_busy_not_run_again(monkeypatch):
    calls = []
    gw, _handed = make_runner(
        [FakeCursor(commit_error=lost()), FakeCursor()], monkeypatch
    )
    with pytest.raises(runner.GatewayError) as caught:
        gw.run_db(lambda cr: calls.append(cr) or "approved")
    assert caught.value.code == "busy" and caught.value.code in RETRY_CODES
    assert len(calls) == 1, "a COMMIT of unknown outcome must not be redone"
    assert gw.stats.counts["busy"] == 1 and gw.outage.down


def test_database_refusing_connections_is_busy_after_a_few_tries(monkeypatch):
    refused = [psycopg2.OperationalError("could not connect: No such file")] * 8
    gw, _handed = make_runner(refused, monkeypatch)
    with pytest.raises(runner.GatewayError) as caught:
        gw.run_db(lambda cr: "approved")
    assert caught.value.code == "busy"
    # CONNECT_TRIES tries, then busy; during the outage the next request fails at once
    assert len(refused) == 8 - retry.CONNECT_TRIES
    with pytest.raises(runner.GatewayError):
        gw.run_db(lambda cr: "approved")
    assert len(refused) == 8 - retry.CONNECT_TRIES - 1
    assert gw.stats.counts["busy"] == 2 and gw.outage.busy == 2


def test_dead_kept_cursor_then_a_fresh_one_commits_and_ends_the_outage(monkeypatch):
    dead = FakeCursor()

    def work(cr):
        if cr is dead:
            dead.closed = True
            raise lost()
        return "approved"

    fresh = FakeCursor()
    gw, handed = make_runner([dead, fresh], monkeypatch)
    gw.outage.failed(lost())  # another thread saw the outage start
    assert gw.run_db(work) == "approved"
    assert handed == [dead, fresh] and fresh.commits == 1
    assert not gw.outage.down and gw.outage.last_duration is not None


def test_a_lost_batch_is_busy_for_every_swipe_never_split(monkeypatch):
    gw, _handed = make_runner([psycopg2.OperationalError("gone")] * 8, monkeypatch)
    gw._one = lambda kind, data: pytest.fail("a busy batch must not be split")
    answers = gw.handle_swipes([("frame", (1, {"seq": 1})), ("http", {})])
    assert [a.code for a in answers] == ["busy", "busy"]


def test_run_committed_on_a_dead_connection_propagates_the_first_error():
    class Dead(FakeCursor):
        def rollback(self):
            raise psycopg2.InterfaceError("connection already closed")

    first = lost()

    def work():
        raise first

    with pytest.raises(psycopg2.OperationalError) as caught:
        retry.run_committed(Dead(), work)
    assert caught.value is first and retry.classify(first) == retry.RECONNECT


def test_a_starting_gateway_waits_out_a_restarting_database(monkeypatch):
    # Bug: a gateway restarted by its supervisor while PostgreSQL restarted died in
    # its registry load ("Failed to load registry") and stayed down.
    failures = [lost(), lost()]

    def registry(dbname):
        if failures:
            raise failures.pop(0)
        return ("registry", dbname)

    monkeypatch.setattr(runner.odoo.modules.registry, "Registry", registry)
    monkeypatch.setattr(runner.time, "sleep", lambda _s: None)
    assert runner.load_registry("db") == ("registry", "db")
    assert not failures


def test_a_starting_gateway_gives_up_on_other_errors_and_after_its_wait(monkeypatch):
    def broken(dbname):
        raise KeyError(dbname)

    monkeypatch.setattr(runner.odoo.modules.registry, "Registry", broken)
    with pytest.raises(KeyError):
        runner.load_registry("db")

    def away(dbname):
        raise lost()

    monkeypatch.setattr(runner.odoo.modules.registry, "Registry", away)
    monkeypatch.setattr(runner.time, "sleep", lambda _s: None)
    with pytest.raises(psycopg2.OperationalError):
        runner.load_registry("db", wait=0)
