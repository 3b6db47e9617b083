"""Uninstalling the OneCard addons from a database that holds real card money.

Odoo's own pattern for uninstall tests is a database of its own: this test
creates a scratch database (never the one tests/run passes in
ONECARD_E2E_DB), installs the three addons, books money through the real
engine with ``odoo-bin shell`` (a card issued with a deposit and an opening
top-up, a desk top-up, a swipe, the day settled into the general ledger),
then uninstalls onecard_reports, onecard_devices and onecard_consume one
after the other (``button_immediate_uninstall``, as the Apps menu does).

What uninstall leaves: the card tables are dropped with their addon (Odoo
drops the tables of an uninstalled addon's models, ledger included: the
append-only rules guard the books while the addon runs, not its removal).
What the settlement posted to the general ledger stays: account.move entries
are Odoo's accounting, they outlive the addon that created them, as Odoo
keeps any uninstalled addon's journal entries (their journal too, since it
holds entries). Finally an Odoo server still starts on the database and
serves its login page.
"""

import json
import random
import subprocess
import sys
import urllib.request

import psycopg2
import pytest

from .conftest import REPO, addons_path, odoo_bin
from .nginx_proxy import free_port, wait_port

ADDONS = ("onecard_consume", "onecard_devices", "onecard_reports")

BOOK = """
import json
from datetime import datetime, timedelta

import pytz

company = env.company
company.partner_id.tz = "Asia/Shanghai"
company._onecard_ensure_accounting()
cash = env.ref("onecard_consume.payment_method_cash")
env["onecard.meal.period"].create(
    {"name": "All day", "code": "U_ALL", "start_hour": 0.0, "end_hour": 24.0}
)
canteen = env["onecard.canteen"].create(
    {"name": "Uninstall canteen", "code": "U_CANTEEN", "posting": "revenue"}
)
terminal = env["onecard.terminal"].create(
    {"name": "U1", "code": "U_T1", "mode": "amount", "canteen_id": canteen.id}
)
holder = env["onecard.cardholder"].create({"name": "Uma", "code": "U001"})
card = holder.issue_card("0A0B0C0D", deposit=20.0, topup=50.0, method=cash)
card.topup(30.0, cash)
when = datetime.utcnow() - timedelta(minutes=5)
answer = env["onecard.consumption"].swipe(
    terminal, card.uid, amount=12.5, business_time=when
)
assert answer["approved"], answer
today = datetime.now(pytz.timezone("Asia/Shanghai")).date()
settlement = env["onecard.settlement"].settle(company, "day", today)
assert settlement.state == "posted" and settlement.move_id, settlement.read()
env.cr.commit()
print("BOOKED " + json.dumps({
    "move": settlement.move_id.id,
    "rows": env["onecard.transaction"].search_count([]),
    "balance": sum(holder.wallet_ids.mapped("balance")),
}))
"""

UNINSTALL = """
module = env["ir.module.module"].search([("name", "=", %r)])
assert module.state == "installed", module.state
module.button_immediate_uninstall()
print("UNINSTALLED")
"""


def _run(cmd, timeout=900, **kw):
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO, **kw
    )


def _shell(db, data_dir, script):
    proc = _run(
        [
            sys.executable,
            odoo_bin(),
            "shell",
            "-d",
            db,
            "--addons-path=" + addons_path(),
            "--data-dir",
            data_dir,
            "--no-http",
            "--log-level",
            "warn",
        ],
        input=script,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    return proc.stdout


def _sql(db, query, params=None):
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall()


@pytest.fixture
def scratch(tmp_path):
    db = "oc_uninstall_%d" % random.randrange(1 << 30)
    data_dir = str(tmp_path / "data")
    try:
        proc = _run(
            [
                sys.executable,
                odoo_bin(),
                "-d",
                db,
                "--addons-path=" + addons_path(),
                "--data-dir",
                data_dir,
                "-i",
                ",".join(ADDONS),
                "--without-demo=all",
                "--no-http",
                "--stop-after-init",
                "--log-level",
                "warn",
            ],
            timeout=1800,
        )
        assert proc.returncode == 0, proc.stderr[-5000:]
        yield db, data_dir
    finally:
        subprocess.run(["dropdb", "--if-exists", db], check=False)


def test_uninstall_with_money_booked(scratch, tmp_path):
    db, data_dir = scratch
    out = _shell(db, data_dir, BOOK)
    booked = json.loads(out.split("BOOKED ", 1)[1].splitlines()[0])
    assert booked["rows"] > 0 and booked["balance"] > 0, booked
    move_before = _sql(
        db,
        "SELECT state, amount_total, journal_id FROM account_move WHERE id = %s",
        [booked["move"]],
    )
    assert move_before and move_before[0][0] == "posted", move_before

    for name in ("onecard_reports", "onecard_devices", "onecard_consume"):
        assert "UNINSTALLED" in _shell(db, data_dir, UNINSTALL % name)

    states = dict(
        _sql(
            db,
            "SELECT name, state FROM ir_module_module WHERE name IN %s",
            [ADDONS],
        )
    )
    assert states == dict.fromkeys(ADDONS, "uninstalled"), states
    tables = _sql(
        db,
        "SELECT tablename FROM pg_tables WHERE tablename LIKE 'onecard%%'",
    )
    assert tables == [], tables
    # The general ledger keeps what the settlement posted.
    assert (
        _sql(
            db,
            "SELECT state, amount_total, journal_id FROM account_move WHERE id = %s",
            [booked["move"]],
        )
        == move_before
    )

    # And Odoo still starts on the database.
    port = free_port()
    log = open(tmp_path / "http.log", "w")
    server = subprocess.Popen(
        [
            sys.executable,
            odoo_bin(),
            "-d",
            db,
            "--db-filter",
            f"^{db}$",
            "--addons-path=" + addons_path(),
            "--data-dir",
            data_dir,
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(port),
            "--workers",
            "0",
            "--max-cron-threads",
            "0",
            "--log-level",
            "warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=REPO,
    )
    try:
        assert wait_port(port, server, 180), open(tmp_path / "http.log").read()[-3000:]
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/web/login", timeout=120
        ) as answer:
            assert answer.status == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    assert "Traceback" not in open(tmp_path / "http.log").read()
