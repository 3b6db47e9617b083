#!/usr/bin/env python3
"""The campus generator: a year of a 30,000-person campus as ledger history, set-based.

    python3 tests/bench/gen_campus.py --db <db> [--holders 30000] [--days 365]
        [--scale 1.0] [--seed 1] [--start 2025-01-01]
        [--addons-path /opt/odoo18/addons,<repo>]

<db>: a DEDICATED database (``createdb -T oc_tpl <db>``, then ``odoo-bin -d <db> -u
onecard_consume,onecard_devices,onecard_reports --stop-after-init``); the rows go to
its main company and stay (committed). One run per database and seed.

The small master data goes through the ORM (departments with analytic accounts,
holder categories, 3 meal periods, 2 consumption categories, 4 canteens with analytic
accounts, 40 terminals: 10 per canteen, the last of each a shop). Everything that
grows is plain SQL, INSERT ... SELECT over generate_series, never the engine row by
row: holders with an official card and a cash and a subsidy wallet; then a year of
operations, each with its one ledger row:
  - meals by meal period (breakfast 06-09, lunch 11-13:30, dinner 17-20, local time)
    at a terminal of the holder's home canteen, a shop purchase (08-20); weekends
    at 60 %; lunch from the subsidy wallet, the rest from cash; 1 % offline rows;
  - a cash top-up every 14 days (and on day 0) at the desk, by a payment method;
  - a subsidy grant on the first day of each month (and day 0), by holder category;
  - corrections: 0.05 % of consumptions reversed the next day (reversal_of_id).
Every column the engine (``_write_book``) fills is filled: the operation's head
(kind, state, amount, business time, offline, idempotency key, terminal sequence and
epoch, request digest, result) and the row's history columns (department, holder
category, card, terminal, canteen, meal period, consumption category, analytic,
payment method); balance_after is the running sum per wallet in id order, and the hash
chain is computed for real (``tools/chain.py``'s text, sha256 in SQL, one PL/pgSQL
pass in wallet order), so "Verify chain" reports the generated wallets intact.
At --scale 1 a weekday books ~3.45 meals/holder: ~100,000 rows a day at 30,000.

Not generated: the holders' usage counters (last swipe, meal counts of the day),
settlements (every generated row is unsettled), flagged rows, payroll, transfers.
Random numbers: setseed(--seed) with parallel query off, so one seed, one size and
one PostgreSQL version give the same data.

Checked at the end, in SQL over every generated row, printed: wallet balance = sum
of its rows and its head = its last hash; balance_after = running sum; prev_hash =
the previous row's hash; every hash recomputed from its row; no duplicate
idempotency keys or terminal sequences; then ``onecard.wallet._verify_chain`` (the
Python of "Verify chain") on a sample of wallets. Exit status 1 if one fails.
"""

# print-used: command-line tools: what they print is their result
# invalid-commit: a script, not a model: it owns its transactions
# pylint: disable=print-used,invalid-commit

import argparse
import os
import sys
import time
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from gen_campus_sql import (  # noqa: E402 - the SQL text, beside this file
    CHAIN_FUNCTION_SQL,
    CHECKS,
    EVENT_SQL,
    HOLDER_SQL,
    OPERATION_INSERT_SQL,
    ORDER_SQL,
    TRANSACTION_INSERT_SQL,
    WALLET_UPDATE_SQL,
)

LEDGER_TABLES = ("onecard_operation", "onecard_transaction")


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("--holders", type=int, default=30000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiplies the meal probabilities"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", default="2025-01-01", help="first day (ISO)")
    parser.add_argument("--sample", type=int, default=200, help="wallets for Verify")
    parser.add_argument("--addons-path", default=f"/opt/odoo18/addons,{REPO}")
    parser.add_argument(
        "--odoo-path", default=os.environ.get("ODOO_PATH", "/opt/odoo18")
    )
    args = parser.parse_args()
    if not (0 < args.holders <= 1_000_000 and 0 < args.days <= 3660):
        parser.error("--holders in 1..1,000,000 and --days in 1..3,660")
    if not 0 < args.scale <= 3:
        parser.error("--scale in (0, 3]")
    args.start = date.fromisoformat(args.start)
    return args


def step(label, started):
    elapsed = time.perf_counter() - started
    print("  %-50s %8.1f s" % (label, elapsed), flush=True)
    return time.perf_counter()


def masters(env, prefix):
    """The small configured part, through the ORM: what an administrator sets up."""
    company = env.company
    company.partner_id.tz = "Asia/Shanghai"
    plan = env["account.analytic.plan"].create({"name": f"{prefix} campus"})

    def analytic(name):
        return env["account.analytic.account"].create(
            {"name": name, "plan_id": plan.id, "company_id": company.id}
        )

    departments = env["hr.department"].create(
        [
            {
                "name": f"{prefix} department {i:02d}",
                "company_id": company.id,
                "onecard_analytic_account_id": analytic(f"{prefix} dept {i:02d}").id,
            }
            for i in range(20)
        ]
    )
    categories = env["onecard.cardholder.category"].create(
        [{"name": f"{prefix} {name}"} for name in ("staff", "student", "guest", "vip")]
    )
    periods = env["onecard.meal.period"].create(
        [
            {"name": f"{prefix} {name}", "code": f"{prefix}_{code}", "sequence": 1}
            | hours
            for name, code, hours in (
                ("breakfast", "B", {"start_hour": 6, "end_hour": 9}),
                ("lunch", "L", {"start_hour": 11, "end_hour": 13.5}),
                ("dinner", "D", {"start_hour": 17, "end_hour": 20}),
            )
        ]
    )
    consume = env["onecard.consume.category"].create(
        [
            {"name": f"{prefix} meals", "code": f"{prefix}_M"},
            {"name": f"{prefix} shop", "code": f"{prefix}_S"},
        ]
    )
    canteens = env["onecard.canteen"].create(
        [
            {
                "name": f"{prefix} canteen {i}",
                "code": f"{prefix}_C{i}",
                "company_id": company.id,
                "analytic_account_id": analytic(f"{prefix} canteen {i}").id,
            }
            for i in range(4)
        ]
    )
    terminals = env["onecard.terminal"].create(
        [
            {
                "name": f"{prefix} T{i:02d}",
                "code": f"{prefix}_T{i:02d}",
                "mode": "amount",
                "canteen_id": canteens[i // 10].id,
                "consume_category_id": consume[1 if i % 10 == 9 else 0].id,
            }
            for i in range(40)
        ]
    )
    env.flush_all()
    methods = env["onecard.payment.method"].search([], order="id", limit=4)
    return {
        "company": company.id,
        "uid": env.uid,
        "departments": departments.ids,
        "categories": categories.ids,
        "periods": periods.ids,
        "terminals": terminals.ids,
        "methods": methods.ids,
    }


def generate(cr, args, prefix, ids):
    started = time.perf_counter()
    cr.execute("SET LOCAL max_parallel_workers_per_gather = 0")
    cr.execute("SELECT setseed(%s)", [(args.seed % 1000) / 1000.0])
    params = {
        "company": ids["company"],
        "uid": ids["uid"],
        "prefix": prefix,
        "holders": args.holders,
        "departments": ids["departments"],
        "categories": ids["categories"],
    }
    cr.execute(HOLDER_SQL, params)
    started = step("%d holders, cards, wallets" % args.holders, started)
    params.update(
        days=args.days,
        start=args.start,
        scale=args.scale,
        periods=ids["periods"],
        terminals=ids["terminals"],
        methods=ids["methods"],
    )
    cr.execute(EVENT_SQL, params)
    cr.execute("SELECT count(*) FROM gen_event")
    events = cr.fetchone()[0]
    started = step("%d events (staging)" % events, started)
    cr.execute("SELECT last_value FROM onecard_operation_id_seq")
    op_base = cr.fetchone()[0]
    cr.execute("SELECT last_value FROM onecard_transaction_id_seq")
    tx_base = cr.fetchone()[0]
    cr.execute(ORDER_SQL, dict(params, op_base=op_base, tx_base=tx_base))
    started = step("ordered: ids, balances, terminal sequences", started)
    cr.execute(CHAIN_FUNCTION_SQL)
    cr.execute(
        "CREATE TEMP TABLE gen_hash AS SELECT * FROM pg_temp.gen_chain();"
        "CREATE UNIQUE INDEX ON gen_hash (n)"
    )
    started = step("hash chains (sha256, PL/pgSQL pass)", started)
    cr.execute(OPERATION_INSERT_SQL, params)
    started = step("INSERT onecard_operation", started)
    cr.execute(TRANSACTION_INSERT_SQL, params)
    started = step("INSERT onecard_transaction", started)
    cr.execute(WALLET_UPDATE_SQL)
    for sequence, base in (
        ("onecard_operation_id_seq", op_base),
        ("onecard_transaction_id_seq", tx_base),
    ):
        cr.execute(
            "SELECT setval(%s, %s + (SELECT max(n) FROM gen_ord))", [sequence, base]
        )
    step("wallets: balance and chain head", started)
    return events


def check(env, args):
    """The invariants over every generated row (SQL), then Verify chain on a sample."""
    cr = env.cr
    failed = 0
    for label, query in CHECKS:
        cr.execute(query)
        bad = cr.fetchone()[0]
        failed += bool(bad)
        print("  %-58s %s" % (label, "ok" if not bad else "FAILED: %d" % bad))
    cr.execute(
        "SELECT wallet_id FROM gen_wallet ORDER BY md5(wallet_id::text) LIMIT %s",
        [args.sample],
    )
    wallets = env["onecard.wallet"].browse([row[0] for row in cr.fetchall()])
    problems = wallets._verify_chain()
    failed += bool(problems)
    print(
        "  %-58s %s"
        % (
            "Verify chain (onecard.wallet) on %d wallets" % len(wallets),
            "ok" if not problems else f"FAILED: {problems[:5]}",
        )
    )
    return failed


def main():
    args = parse_args()
    if args.odoo_path not in sys.path:
        sys.path.insert(0, args.odoo_path)
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        ["-d", args.db, "--addons-path", args.addons_path, "--log-level", "warn"]
    )
    registry = Registry(args.db)
    prefix = f"GEN{args.seed}"
    print(
        "OneCard campus generator on %s: %d holders x %d days from %s, scale %.2f, "
        "seed %d"
        % (args.db, args.holders, args.days, args.start, args.scale, args.seed)
    )
    with registry.cursor() as cr:
        env = api.Environment(
            cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
        )
        if env["onecard.cardholder"].search_count([("code", "=like", prefix + "-%")]):
            print(
                "  this database already has seed %d's campus: nothing done" % args.seed
            )
            return 2
        total = time.perf_counter()
        started = time.perf_counter()
        ids = masters(env, prefix)
        started = step("master data (ORM)", started)
        events = generate(cr, args, prefix, ids)
        cr.commit()
        seconds = time.perf_counter() - total
        started = time.perf_counter()
        cr.execute("ANALYZE onecard_operation; ANALYZE onecard_transaction")
        step("ANALYZE", started)
        sizes = []
        for table in LEDGER_TABLES:
            cr.execute(
                "SELECT count(*), pg_total_relation_size(%s) FROM " + table, [table]
            )
            sizes.append(cr.fetchone())
        print("Generated %d operations, %d ledger rows" % (events, events))
        print(
            f"  {seconds:.1f} s, {events / seconds:.0f} ledger rows/s;"
            " on disk (tables + indexes, whole tables):"
        )
        for table, (count, size) in zip(LEDGER_TABLES, sizes, strict=True):
            print(
                "    %-22s %10d rows %9.1f MB  %6.0f bytes/row"
                % (table, count, size / 2**20, size / max(count, 1))
            )
        print("Invariants:")
        failed = check(env, args)
        cr.rollback()
    print("invariants: %s" % ("passed" if not failed else "%d FAILED" % failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
