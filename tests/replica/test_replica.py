"""Report reads on a PostgreSQL streaming replica (tests/run step f2b, issue 20).

One Odoo HTTP server started with ``--db_replica_host/--db_replica_port``
against the suite's own primary (5441) and hot standby (5442) (suite.py).
Where a query ran is read from each server's own statistics
(pg_stat_user_tables of the onecard_* tables): a standby counts the scans of
the queries it serves, and WAL replay counts nothing, so

1. report screens (web_read_group / web_search_read of the report views), the
   dashboard, the personal statement and the portal's account list move the
   replica's counters and not one counter of the primary;
2. a desk top-up lands on the primary and reaches the replica by replication
   only (its insert counters stay still; it refuses writes of its own);
3. with the replica stopped the same calls give the same answers, served by
   the primary (its counters move now).

A backend publishes its statistics when it goes idle, at most once a second,
otherwise within PostgreSQL's idle interval (10 s): "nothing moved" is read
after SETTLE seconds of quiet, "moved" is polled for (bounded).
ONECARD_REPLICA_DB: a database with the OneCard addons to copy (tests/run passes
the one it just tested); without it one is installed (a few minutes).
"""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from replbox import scans, table_counters  # noqa: E402
from suite import DB, ReplicaSuite  # noqa: E402

SETTLE = 11.0  # > PostgreSQL 15's PGSTAT_IDLE_INTERVAL (10 s)
RETRIED = "retrying with a read/write cursor"  # odoo/http.py: a write on the replica
FELL_BACK = "Failed to open a readonly cursor"  # odoo/modules/registry.py


@pytest.fixture(scope="module")
def suite():
    run = ReplicaSuite()
    try:
        run.start()
        run.reader = run.session()
        run.portal = run.session(run.data["portal_login"])
        yield run
    finally:
        print(f"replica suite timings (s): {run.timings}")  # noqa: T201
        run.cleanup()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the answer itself (HTTPError with the 303) is the result


def get(session, path, follow=True):
    """GET ``path`` in ``session`` (its cookie); (status, body or Location)."""
    if not session.logged:
        session.call("res.users", "context_get")  # logs in
    opener = session.opener
    if not follow:
        jar = next(
            h
            for h in session.opener.handlers
            if isinstance(h, urllib.request.HTTPCookieProcessor)
        )
        opener = urllib.request.build_opener(jar, NoRedirect)
    try:
        with opener.open(session.base + path, timeout=60) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as answer:
        if answer.code in (301, 302, 303):
            return answer.code, answer.headers["Location"]
        raise


def report_calls(suite):
    """What an accountant's screens and a cardholder ask; the answers."""
    data, reader = suite.data, suite.reader
    terminal = [("terminal_id", "=", data["terminal"])]
    mine = [("cardholder_id", "in", data["holders"])]
    swipes = reader.call(
        "onecard.report.swipe",
        "web_read_group",
        terminal,
        ["amount:sum", "swipe_count:sum"],
        ["canteen_id"],
    )
    rows = reader.call(
        "onecard.report.consumption",
        "web_search_read",
        terminal,
        {"amount": {}, "cardholder_id": {"fields": {"display_name": {}}}},
        order="id",
    )
    funds = reader.call(
        "onecard.report.fund", "web_read_group", mine, ["received:sum"], ["kind"]
    )
    topups = reader.call(
        "onecard.report.topup",
        "web_search_read",
        mine,
        {"topup_amount": {}, "cardholder_id": {"fields": {}}},
        order="id",
    )
    dashboard = reader.call("onecard.report.dashboard", "get_data", days=14)
    status, statement = get(
        reader, f"/report/html/onecard_reports.report_statement/{suite.wizard}"
    )
    assert status == 200
    portal = get(suite.portal, "/my/onecard", follow=False)
    return {
        "swipes": [
            (g["canteen_id"][1], g["swipe_count"], g["amount"])
            for g in swipes["groups"]
        ],
        "rows": [(r["cardholder_id"]["id"], r["amount"]) for r in rows["records"]],
        "received": {g["kind"]: g["received"] for g in funds["groups"]},
        "topups": sum(r["topup_amount"] for r in topups["records"]),
        "trend": {
            key: round(sum(day[key] for day in dashboard["trend"]), 2)
            for key in ("sales", "topups")
        },
        "statement": statement.count("105.00") > 0 and suite.holder_name in statement,
        "portal": portal,
    }


def quiet_counters(suite, box):
    time.sleep(SETTLE)
    return table_counters(box, DB)


def moved(before, after):
    return {
        table: {
            c: after[table][c] - v for c, v in counters.items() if after[table][c] != v
        }
        for table, counters in before.items()
        if after.get(table) != counters
    }


def poll(check, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


def test_reports_run_on_the_replica(suite):
    data, reader = suite.data, suite.reader
    # the personal statement's wizard, created (a write: the primary) as the
    # report wizard's form does, then replayed before the statement is read
    suite.holder_name = reader.call(
        "onecard.cardholder", "read", [data["holders"][0]], ["name"]
    )[0]["name"]
    suite.wizard = reader.call(
        "onecard.report.wizard",
        "create",
        [
            {
                "report": "statement",
                "period": "range",
                "date_from": "2000-01-01",
                "date_to": "2100-12-31",
                "cardholder_ids": [(6, 0, data["holders"][:1])],
            }
        ],
    )[0]
    get(suite.portal, "/my", follow=False)  # logs the portal user in
    suite.replica.wait_replayed()
    primary_before = quiet_counters(suite, suite.primary)
    replica_before = table_counters(suite.replica, DB)

    answers = report_calls(suite)

    primary_after = quiet_counters(suite, suite.primary)
    replica_after = table_counters(suite.replica, DB)
    assert answers["swipes"] == [("E2E Canteen", data["swipes"], 60.0)]
    assert len(answers["rows"]) == data["swipes"]
    assert round(sum(amount for _h, amount in answers["rows"]), 2) in (60.0, -60.0)
    assert answers["received"].get("topup") == 325.0
    assert answers["topups"] == 325.0
    assert answers["trend"]["sales"] >= 60.0 and answers["trend"]["topups"] >= 325.0
    assert answers["statement"], "the statement shows the holder and 105.00"
    assert answers["portal"] == (303, f"/my/onecard/{data['holders'][0]}")
    # served by the replica: its scans of the ledger, operations and holders
    for table in ("onecard_transaction", "onecard_operation", "onecard_cardholder"):
        assert scans(replica_after, table) > scans(replica_before, table), table
    # and not one statistic of the primary's onecard tables moved meanwhile
    assert moved(primary_before, primary_after) == {}
    suite.answers = answers
    assert RETRIED not in suite.log_text()


def test_writes_go_to_the_primary_and_replicate(suite):
    data, reader = suite.data, suite.reader
    primary_before = table_counters(suite.primary, DB)
    replica_before = table_counters(suite.replica, DB)
    wizard = reader.call(
        "onecard.card.operation.wizard",
        "create",
        [
            {
                "operation": "topup",
                "card_id": data["cards"][1],
                "amount": 25.0,
                "payment_method_id": data["cash_method"],
            }
        ],
    )
    reader.call("onecard.card.operation.wizard", "action_confirm", wizard)
    inserted = poll(
        lambda: table_counters(suite.primary, DB)["onecard_transaction"]["n_tup_ins"]
        > primary_before["onecard_transaction"]["n_tup_ins"]
    )
    assert inserted, "the top-up's ledger row was inserted on the primary"
    suite.replica.wait_replayed()
    newest = (
        "SELECT id, amount::numeric(12, 2) FROM onecard_transaction"
        " ORDER BY id DESC LIMIT 1"
    )
    row = suite.primary.psql("-d", DB, "-c", newest)
    assert row.strip().endswith("|25.00")
    assert suite.replica.psql("-d", DB, "-c", newest) == row  # replicated
    replica_after = table_counters(suite.replica, DB)
    for table, counters in replica_before.items():  # replay wrote, no statement did
        for counter in ("n_tup_ins", "n_tup_upd", "n_tup_del"):
            assert replica_after[table][counter] == counters[counter] == 0, table
    assert suite.replica.in_recovery()
    with pytest.raises(subprocess.CalledProcessError) as refused:
        suite.replica.psql(
            "-d", DB, "-c", "DELETE FROM onecard_transaction WHERE false"
        )
    assert "read-only transaction" in refused.value.stderr
    # the money: every wallet = the sum of its ledger rows, on both servers
    unbalanced = """
        SELECT w.id FROM onecard_wallet w LEFT JOIN (SELECT wallet_id, SUM(amount) s
          FROM onecard_transaction GROUP BY wallet_id) t ON t.wallet_id = w.id
         WHERE ROUND(w.balance - COALESCE(t.s, 0), 2) <> 0"""
    for box in (suite.primary, suite.replica):
        assert box.psql("-d", DB, "-c", unbalanced) == ""
    # the reports on the replica see the replicated top-up
    after = report_calls(suite)
    assert after["topups"] == suite.answers["topups"] + 25.0
    assert after["trend"]["topups"] == suite.answers["trend"]["topups"] + 25.0
    suite.answers = after
    assert RETRIED not in suite.log_text()


def test_reports_fall_back_to_the_primary(suite):
    suite.replica.stop()
    before = table_counters(suite.primary, DB)

    answers = report_calls(suite)

    assert answers == suite.answers  # the same answers, now from the primary
    assert poll(
        lambda: scans(table_counters(suite.primary, DB), "onecard_transaction")
        > scans(before, "onecard_transaction")
    ), "the primary served the reports"
    log = suite.log_text()
    assert FELL_BACK in log
    assert RETRIED not in log
    assert "Traceback" not in log and " ERROR " not in log
