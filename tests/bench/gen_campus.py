#!/usr/bin/env python3
"""The campus generator: a year of a 30,000-person campus as ledger history, set-based.

    python3 tests/bench/gen_campus.py --db <db> [--holders 30000] [--days 365]
        [--scale 1.0] [--seed 1] [--start 2025-01-01] [--batch-days 30]
        [--method bulk|indexed] [--addons-path /opt/odoo18/addons,<repo>]

<db>: a DEDICATED database (``createdb -T oc_tpl <db>``, then ``odoo-bin -d <db> -u
onecard_consume,onecard_devices,onecard_reports --stop-after-init``); the rows go to
its main company and stay (committed). One run per database and seed. The whole run
is ONE transaction: a failure leaves the database as it was, indexes included.

The small master data goes through the ORM (departments with analytic accounts,
holder categories, 3 meal periods, 2 consumption categories, 4 canteens with analytic
accounts, 40 terminals: 10 per canteen, the last of each a shop). Everything that
grows is plain SQL, INSERT ... SELECT over generate_series, never the engine row by
row: holders with an official card and a cash and a subsidy wallet; then the days,
--batch-days at a time, of operations with their ledger rows:
  - meals by meal period (breakfast 06-09, lunch 11-13:30, dinner 17-20, local time)
    at a terminal of the holder's home canteen, a shop purchase (08-20); weekends
    at 60 %; lunch from the subsidy wallet, the rest from cash; 1 % offline rows;
  - 5 % of the lunches split as the engine books a split (one operation, a subsidy
    row of 8.00 then a cash row of the rest, both chained, one terminal sequence);
  - a cash top-up every 14 days (500 on day 0, then 300 to 500) at the desk, by a
    payment method: a little more than a fortnight of cash meals;
  - a subsidy grant on the first day of each month (and day 0), by holder category
    (450 / 400 / 400 / 600: about a month of lunches);
  - corrections: 0.05 % of the unsplit consumptions reversed the next day
    (reversal_of_id / reversed_by_id).
Every column the engine (``_write_book``) fills is filled: the operation's head
(kind, state, amount, business time, offline, idempotency key, terminal sequence and
epoch, request digest, result) and the row's history columns (department, holder
category, card, terminal, canteen, meal period, consumption category, analytic,
payment method); balance_after is the running sum per wallet in id order, and the hash
chain is computed for real (``tools/chain.py``'s text, sha256 in SQL, one PL/pgSQL
pass in wallet order), so "Verify chain" reports the generated wallets intact. The
holders' usage counters are what the engine's ``usage_after`` leaves after their last
swipe (its day and the day's spending, its meal bucket with amount and count, its time
and terminal). At --scale 1 a weekday books ~3.45 meals/holder: ~100,000 rows a day
at 30,000.

Shortcuts (generated history, not the engine's decisions): no swipe is declined, so
a wallet may go below zero (offline rows are forced; the top-ups and subsidies are
sized so that few do); a split is drawn at random (5 % of lunches, 8.00 from the
subsidy purse), not caused by the subsidy purse running dry; a consumption on a batch's
last day is never corrected (its correction would fall in the next batch); the shop's
rows have no meal period (the engine would put the open one), so their meal bucket is
"<day>/0". Not generated: settlements (every row is unsettled: the benchmark settles
month by month with the real settle()), flagged rows, payroll, transfers. Random
numbers: setseed(--seed) with parallel query off, so one seed, one size, one
--batch-days and one PostgreSQL version give the same data.

--method bulk (the default) drops the ledger tables' unique constraints and
secondary indexes before the load (their definitions read from PostgreSQL first,
``gen_campus_checks.py``) and runs with ``session_replication_role = replica`` (the
foreign keys' triggers off: the ids come from the tables themselves, and a check
proves every row's operation exists), then rebuilds them with maintenance_work_mem
1 GB and verifies the set of indexes and constraints is identical to before.
--method indexed inserts into the live indexes with the foreign keys checked (the
first version's way): the peer to measure against.

Checked at the end, in SQL over every generated row, printed: wallet balance = sum
of its rows and its head = its last hash; balance_after = running sum; prev_hash =
the previous row's hash; every hash recomputed from its row; no duplicate
idempotency keys or terminal sequences; each operation's rows (1, or 2 purses for a
split) sum to its amount; every row's operation exists; the usage counters recomputed
from the operations; then ``onecard.wallet._verify_chain`` (the Python of "Verify
chain") on a sample of wallets. Exit status 1 if one fails.
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

from gen_campus_checks import (  # noqa: E402 - the SQL text, beside this file
    LEDGER_TABLES,
    check,
    drop_indexes,
    schema,
)
from gen_campus_sql import (  # noqa: E402
    CARRY_SQL,
    CHAIN_FUNCTION_SQL,
    EVENT_SQL,
    FINISH_SQL,
    HOLDER_SQL,
    OPERATION_INSERT_SQL,
    ORDER_SQL,
    STATE_SQL,
    TRANSACTION_INSERT_SQL,
)


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
    parser.add_argument(
        "--batch-days", type=int, default=30, help="days staged and inserted at once"
    )
    parser.add_argument(
        "--method",
        choices=("bulk", "indexed"),
        default="bulk",
        help="bulk: drop the secondary indexes and skip FK triggers, rebuild after;"
        " indexed: insert into the live indexes (the first version's way)",
    )
    parser.add_argument("--addons-path", default=f"/opt/odoo18/addons,{REPO}")
    parser.add_argument(
        "--odoo-path", default=os.environ.get("ODOO_PATH", "/opt/odoo18")
    )
    args = parser.parse_args()
    if not (0 < args.holders <= 1_000_000 and 0 < args.days <= 3660):
        parser.error("--holders in 1..1,000,000 and --days in 1..3,660")
    if not 0 < args.batch_days <= 3660:
        parser.error("--batch-days in 1..3,660")
    if not 0 < args.scale <= 3:
        parser.error("--scale in (0, 3]")
    args.start = date.fromisoformat(args.start)
    return args


class Phases:
    """Seconds per phase, summed over the batches, in first-seen order."""

    def __init__(self):
        self.seconds = {}
        self.started = time.perf_counter()

    def done(self, label):
        now = time.perf_counter()
        self.seconds[label] = self.seconds.get(label, 0.0) + now - self.started
        self.started = now

    def report(self):
        for label, seconds in self.seconds.items():
            print("  %-50s %8.1f s" % (label, seconds), flush=True)


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


def generate(cr, args, prefix, ids, phases):
    """Holders, then the days in batches; return (operations, ledger rows)."""
    cr.execute("SET LOCAL max_parallel_workers_per_gather = 0")
    cr.execute("SET LOCAL work_mem = '256MB'")
    cr.execute("SET LOCAL temp_buffers = '256MB'")
    cr.execute("SELECT setseed(%s)", [(args.seed % 1000) / 1000.0])
    params = {
        "company": ids["company"],
        "uid": ids["uid"],
        "prefix": prefix,
        "holders": args.holders,
        "departments": ids["departments"],
        "categories": ids["categories"],
        "start": args.start,
        "scale": args.scale,
        "periods": ids["periods"],
        "terminals": ids["terminals"],
        "methods": ids["methods"],
    }
    cr.execute(HOLDER_SQL, params)
    cr.execute(STATE_SQL, params)
    cr.execute(CHAIN_FUNCTION_SQL.split("CREATE TEMP TABLE gen_hash")[0])
    phases.done("holders, cards, wallets, state")
    rebuild, before = [], schema(cr)
    if args.method == "bulk":
        # Foreign keys are triggers: replica mode skips them (the ids come from the
        # tables themselves; a check below proves every row's operation exists).
        cr.execute("SET LOCAL session_replication_role = replica")
        rebuild = drop_indexes(cr, before)
        built = sum(not statement.startswith("COMMENT") for statement in rebuild)
        phases.done("drop %d indexes / unique constraints" % built)
    cr.execute("SELECT last_value FROM onecard_operation_id_seq")
    op_base = cr.fetchone()[0]
    cr.execute("SELECT last_value FROM onecard_transaction_id_seq")
    tx_base = cr.fetchone()[0]
    ops = rows = 0
    for day_from in range(0, args.days, args.batch_days):
        day_to = min(day_from + args.batch_days, args.days)
        batch = dict(params, day_from=day_from, day_to=day_to)
        cr.execute(EVENT_SQL, batch)
        phases.done("events (staging)")
        batch.update(op_base=op_base + ops, tx_base=tx_base + rows, op_done=ops)
        cr.execute(ORDER_SQL, batch)
        cr.execute("SELECT count(*), max(opn) FROM gen_ord")
        batch_rows, batch_ops = cr.fetchone()
        phases.done("ordered: ids, balances, terminal sequences")
        cr.execute(
            "CREATE TEMP TABLE gen_hash"
            + CHAIN_FUNCTION_SQL.split("CREATE TEMP TABLE gen_hash")[1]
        )
        phases.done("hash chains (sha256, PL/pgSQL pass)")
        cr.execute(OPERATION_INSERT_SQL, batch)
        phases.done("INSERT onecard_operation")
        cr.execute(TRANSACTION_INSERT_SQL, batch)
        phases.done("INSERT onecard_transaction")
        cr.execute(CARRY_SQL, batch)
        phases.done("carry: balances, heads, sequences, counters")
        ops, rows = ops + (batch_ops or 0), rows + batch_rows
        print(
            "    days %3d-%3d: %9d ledger rows, %9d in all, %7.0f s"
            % (day_from, day_to - 1, batch_rows, rows, sum(phases.seconds.values())),
            flush=True,
        )
    cr.execute(FINISH_SQL)
    for sequence, base, count in (
        ("onecard_operation_id_seq", op_base, ops),
        ("onecard_transaction_id_seq", tx_base, rows),
    ):
        cr.execute("SELECT setval(%s, %s)", [sequence, base + count])
    phases.done("wallets and holders: balances, heads, counters")
    if rebuild:
        cr.execute("SET LOCAL session_replication_role = origin")
        cr.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for statement in rebuild:
            cr.execute(statement)
        phases.done("rebuild %d indexes / unique constraints" % built)
    after = schema(cr)
    if after != before:
        raise SystemExit(
            "indexes / constraints differ after the rebuild: "
            f"{sorted(set(before) ^ set(after))}"
        )
    print(
        "  indexes and constraints: %d, identical to before (comments too)" % len(after)
    )
    return ops, rows


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
        phases = Phases()
        ids = masters(env, prefix)
        phases.done("master data (ORM)")
        ops, rows = generate(cr, args, prefix, ids, phases)
        cr.execute("ANALYZE onecard_operation; ANALYZE onecard_transaction")
        phases.done("ANALYZE")
        cr.commit()
        phases.done("COMMIT")
        phases.report()
        seconds = sum(phases.seconds.values())
        sizes = []
        for table in LEDGER_TABLES:
            cr.execute(
                "SELECT count(*), pg_table_size(%s), pg_indexes_size(%s) FROM " + table,
                [table, table],
            )
            sizes.append(cr.fetchone())
        cr.execute("SELECT pg_database_size(current_database())")
        database = cr.fetchone()[0]
        print(
            "Generated %d operations, %d ledger rows (%s, batches of %d days)"
            % (ops, rows, args.method, args.batch_days)
        )
        print(
            f"  {seconds:.1f} s, {rows / seconds:.0f} ledger rows/s;"
            f" database {database / 2**30:.2f} GiB; the ledger tables (whole):"
        )
        for table, (count, heap, index) in zip(LEDGER_TABLES, sizes, strict=True):
            print(
                "    %-22s %10d rows  table %8.1f MiB  indexes %8.1f MiB"
                "  %5.0f bytes/row"
                % (
                    table,
                    count,
                    heap / 2**20,
                    index / 2**20,
                    (heap + index) / max(count, 1),
                )
            )
        print("Invariants:")
        failed = check(env, args)
        cr.rollback()
    print("invariants: %s" % ("passed" if not failed else "%d FAILED" % failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
