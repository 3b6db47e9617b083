#!/usr/bin/env python3
"""Benchmark of the onecard_reports read paths over a million ledger rows.

    python3 tests/bench/bench_reports.py -d <db> [--rows 1000000] [--holders 5000]
        [--commit]

The database must have onecard_reports installed. The script opens the
registry itself, generates the rows with INSERT ... SELECT generate_series
(plain SQL, no engine: this is a READ benchmark, so the rows have no hash
chain and wallet balances do not match them), runs ANALYZE, then times:

  1. the monthly per-cardholder consumption summary: the screen's grouped
     list call (web_read_group) and the _read_group behind the XLSX/PDF
     (target <= 1 s);
  2. per-terminal statistics for a month by terminal x meal period
     (target <= 1 s);
  3. the XLSX detail export of every consumption row, 1,000,000 rows
     (target <= 60 s, memory growth < 200 MB, RSS sampled every 50 ms);
  4. the same two summaries done the naive way, ORM search + Python sums,
     and the ratio.

Everything runs in one transaction that is rolled back at the end (unless
--commit), so the database is left as it was.
"""

# print-used: command-line tools: what they print is their result
# pylint: disable=print-used

import argparse
import os
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))
MAIN = os.path.dirname(os.path.dirname(HERE))
ODOO = os.environ.get("ODOO_PATH", "/opt/odoo18")
sys.path.insert(0, ODOO)

import psycopg2  # noqa: E402 - imports after ODOO is on sys.path

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402

MONTH = date(2025, 6, 15)


def parse():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--holders", type=int, default=5000)
    parser.add_argument("--terminals", type=int, default=40)
    parser.add_argument("--addons-path", default=f"{ODOO}/addons,{MAIN}")
    parser.add_argument(
        "--commit",
        action="store_true",
        help="keep the generated rows (a dedicated database!); later runs reuse them",
    )
    return parser.parse_args()


class RssSampler(threading.Thread):
    """Peak resident memory of this process while a block runs."""

    def __init__(self):
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process()
        self.start_rss = self.peak = self.process.memory_info().rss
        self.running = True

    def run(self):
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.05)

    def stop(self):
        self.running = False
        self.join()
        return (self.peak - self.start_rss) / 2**20


def timed(label, func, repeat=3):
    best, result = None, None
    for _i in range(repeat):
        start = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print("  %-58s %8.3f s" % (label, best))
    return best, result


def generate(env, rows, holders, terminals):
    """Setup records through the ORM, then the ledger rows in SQL (reused when a
    --commit run left them)."""
    cr = env.cr
    cr.execute(
        "SELECT count(*) FROM onecard_transaction WHERE idempotency_key LIKE %s",
        ["bench-%"],
    )
    existing = cr.fetchone()[0]
    if existing:
        print("  reusing %d ledger rows of an earlier --commit run" % existing)
        return existing
    company = env.company
    company.partner_id.tz = "Asia/Shanghai"
    periods = env["onecard.meal.period"].create(
        [
            {
                "name": "Bench breakfast",
                "code": "BENCH_B",
                "start_hour": 6,
                "end_hour": 9,
                "sequence": 1,
            },
            {
                "name": "Bench lunch",
                "code": "BENCH_L",
                "start_hour": 11,
                "end_hour": 13.5,
                "sequence": 1,
            },
            {
                "name": "Bench dinner",
                "code": "BENCH_D",
                "start_hour": 17,
                "end_hour": 20,
                "sequence": 1,
            },
        ]
    )
    categories = env["onecard.consume.category"].create(
        [
            {"name": "Bench meals", "code": "BENCH_M"},
            {"name": "Bench shop", "code": "BENCH_S"},
        ]
    )
    canteens = env["onecard.canteen"].create(
        [{"name": "Bench canteen %d" % i, "code": "BENCH_C%d" % i} for i in range(4)]
    )
    terms = env["onecard.terminal"].create(
        [
            {
                "name": "Bench T%02d" % i,
                "code": "BENCH_T%02d" % i,
                "mode": "amount",
                "canteen_id": canteens[i % 4].id,
                "consume_category_id": categories[i % 7 == 0 and 1 or 0].id,
            }
            for i in range(terminals)
        ]
    )
    departments = env["hr.department"].create(
        [{"name": "Bench dept %d" % i} for i in range(20)]
    )
    people = (
        env["onecard.cardholder"]
        .with_context(tracking_disable=True)
        .create(
            [
                {
                    "name": "Bench %05d" % i,
                    "code": "BENCH%05d" % i,
                    "department_id": departments[i % 20].id,
                }
                for i in range(holders)
            ]
        )
    )
    env.flush_all()
    cr.execute(
        """
        CREATE TEMP TABLE bench_holder ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY h.id) - 1 AS idx, h.id AS holder_id,
            h.department_id,
               cash.id AS cash_id, sub.id AS subsidy_id
          FROM onecard_cardholder h
          JOIN onecard_wallet cash ON cash.cardholder_id = h.id AND cash.kind = 'cash'
          JOIN onecard_wallet sub ON sub.cardholder_id = h.id AND sub.kind = 'subsidy'
         WHERE h.id = ANY(%s)
    """,
        [people.ids],
    )
    cr.execute(
        "CREATE TEMP TABLE bench_terminal ON COMMIT DROP AS SELECT row_number() OVER "
        "(ORDER BY id) - 1 AS idx,"
        " id, canteen_id, consume_category_id FROM onecard_terminal WHERE id = ANY(%s)",
        [terms.ids],
    )
    cr.execute("CREATE INDEX ON bench_holder (idx)")
    cr.execute("CREATE INDEX ON bench_terminal (idx)")
    start = time.perf_counter()
    # The generated ids are valid by construction: skip the per-row foreign-key
    # triggers while inserting (needs a superuser; without it, only slower).
    cr.execute("SAVEPOINT bench_replica")
    try:
        cr.execute("SET LOCAL session_replication_role = replica")
        cr.execute("RELEASE SAVEPOINT bench_replica")
    except psycopg2.Error:
        cr.execute("ROLLBACK TO SAVEPOINT bench_replica")
    # One operation per row: a year of meals, ~1/3 breakfast, lunch, dinner
    # (Shanghai time), amounts 3.00 .. 30.99, 1 row in 50 offline, every
    # fourth one paid from the subsidy wallet.
    cr.execute(
        """
        INSERT INTO onecard_operation (name, kind, state, company_id, cardholder_id,
            terminal_id, meal_period_id,
                                       amount, business_time, offline, flagged,
                                       idempotency_key, result,
                                       create_uid, create_date, write_uid, write_date)
        SELECT NULL, 'consume', 'approved', %(company)s, h.holder_id, t.id,
               (%(periods)s::int[])[1 + g %% 3],
               3 + (g %% 2800) / 100.0,
               TIMESTAMP '2025-01-01' + ((g::bigint * 7919) %% 365) * INTERVAL '1 day'
                   + (ARRAY[-1.5, 3.5, 9.5])[1 + g %% 3] * INTERVAL '1 hour'
                   + (g %% 3600) * INTERVAL '1 second',
               g %% 50 = 0, false, 'bench-' || g, '{}', 1, now(), 1, now()
          FROM generate_series(1, %(rows)s) g
          JOIN bench_holder h ON h.idx = g %% %(holders)s
          JOIN bench_terminal t ON t.idx = g %% %(terminals)s
    """,
        {
            "company": company.id,
            "periods": periods.ids,
            "rows": rows,
            "holders": len(people),
            "terminals": len(terms),
        },
    )
    cr.execute("""
        INSERT INTO onecard_transaction (operation_id, kind, wallet_id, wallet_kind,
            cardholder_id, department_id,
                                         terminal_id, canteen_id, meal_period_id,
                                         consume_category_id, company_id,
                                         amount, balance_after, business_time,
                                         offline, idempotency_key,
                                         create_uid, create_date, write_uid, write_date)
        SELECT o.id, 'consume', CASE WHEN o.id % 4 = 0 THEN h.subsidy_id ELSE h.cash_id
            END,
               CASE WHEN o.id % 4 = 0 THEN 'subsidy' ELSE 'cash' END, o.cardholder_id,
                   h.department_id,
               o.terminal_id, t.canteen_id, o.meal_period_id, t.consume_category_id,
               o.company_id,
               -o.amount, 0, o.business_time, o.offline, o.idempotency_key, 1, now(),
               1, now()
          FROM onecard_operation o
          JOIN bench_holder h ON h.holder_id = o.cardholder_id
          JOIN onecard_terminal t ON t.id = o.terminal_id
         WHERE o.idempotency_key LIKE 'bench-%'
    """)
    generated = cr.rowcount
    cr.execute("SET LOCAL session_replication_role = DEFAULT")
    cr.execute("ANALYZE onecard_operation")
    cr.execute("ANALYZE onecard_transaction")
    print(
        "  generated %d ledger rows (+ as many operations) in %.1f s"
        % (generated, time.perf_counter() - start)
    )
    return generated


def main():
    args = parse()
    odoo.tools.config.parse_config(
        ["-d", args.database, "--addons-path", args.addons_path, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    results = {}
    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tz": "Asia/Shanghai", "lang": "en_US"}
        )
        print("Generating data")
        generated = generate(env, args.rows, args.holders, args.terminals)
        Wizard = env["onecard.report.wizard"]
        Consumption, Swipe = (
            env["onecard.report.consumption"],
            env["onecard.report.swipe"],
        )

        print("XLSX detail export of every consumption row")
        export = Wizard.create(
            {
                "report": "consumption",
                "detail": True,
                "period": "range",
                "date_from": date(2024, 12, 1),
                "date_to": date(2025, 12, 31),
            }
        )
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        env.invalidate_all()
        print("  RSS before the export: %.0f MB" % (RssSampler().start_rss / 2**20))
        sampler = RssSampler()
        sampler.start()
        start = time.perf_counter()
        count = export._write_xlsx(path)
        results["xlsx"] = time.perf_counter() - start
        results["xlsx_mb"] = sampler.stop()
        size = os.path.getsize(path) / 2**20
        os.unlink(path)
        print(
            "  %-58s %8.3f s"
            % ("%d rows, 15 columns, %.0f MB file" % (count, size), results["xlsx"])
        )
        print(
            "  %-58s %8.1f MB"
            % ("peak RSS growth during the export", results["xlsx_mb"])
        )

        month = Wizard.create({"report": "cardholder", "period": "month", "day": MONTH})
        domain = month._domain()
        month_rows = Consumption.search_count(domain)
        print("Per-cardholder summary, one month (%d rows)" % month_rows)
        results["screen"], _r = timed(
            "screen: web_read_group by cardholder (list, 80 groups)",
            lambda: (
                env.invalidate_all(),
                Consumption.web_read_group(
                    domain,
                    ["swipe_ref", "cash_amount", "subsidy_amount", "amount"],
                    ["cardholder_id"],
                    limit=80,
                ),
            ),
        )
        results["summary"], groups = timed(
            "_read_group by cardholder (all groups: XLSX / PDF)",
            lambda: (
                Consumption._read_group(
                    domain,
                    ["cardholder_id"],
                    [
                        "swipe_ref:count_distinct",
                        "cash_amount:sum",
                        "subsidy_amount:sum",
                        "amount:sum",
                    ],
                )
            ),
        )

        def orm_summary():
            env.invalidate_all()
            rows = env["onecard.transaction"].search(
                [
                    ("company_id", "=", env.company.id),
                    ("kind", "in", ("consume", "back_entry", "correction")),
                    ("business_time", ">=", domain[1][2]),
                    ("business_time", "<", domain[2][2]),
                ]
            )
            sums = defaultdict(float)
            for row in rows:
                sums[row.cardholder_id.id] -= row.amount
            return sums

        results["summary_orm"], sums = timed(
            "ORM search + Python sums (same figures)", orm_summary, repeat=1
        )
        assert len(sums) == len(groups) and all(
            abs(sums[h.id] - a) < 0.01 for h, *_x, a in groups
        )
        print(
            "  ratio ORM / SQL report: %.0fx"
            % (results["summary_orm"] / results["summary"])
        )

        terminal = Wizard.create(
            {"report": "terminal", "period": "month", "day": MONTH}
        )
        tdomain = terminal._domain()
        print(
            "Per-terminal statistics, one month (%d operations)"
            % Swipe.search_count(tdomain)
        )
        results["terminal"], _groups = timed(
            "_read_group terminal x meal period",
            lambda: Swipe._read_group(
                tdomain,
                ["terminal_id", "meal_period_id"],
                [
                    "swipe_count:sum",
                    "declined_count:sum",
                    "offline_count:sum",
                    "amount:sum",
                ],
            ),
        )
        results["terminal_day"], _r = timed(
            "_read_group terminal x day (pivot)",
            lambda: Swipe._read_group(
                tdomain, ["terminal_id", "date:day"], ["swipe_count:sum", "amount:sum"]
            ),
        )

        def orm_terminal():
            env.invalidate_all()
            ops = env["onecard.operation"].search(
                [
                    ("company_id", "=", env.company.id),
                    ("kind", "in", ("consume", "back_entry", "correction")),
                    ("business_time", ">=", tdomain[1][2]),
                    ("business_time", "<", tdomain[2][2]),
                ]
            )
            stats = defaultdict(lambda: [0, 0.0])
            for op in ops:
                key = (op.terminal_id.id, op.meal_period_id.id)
                stats[key][0] += op.state == "approved"
                stats[key][1] += op.amount
            return stats

        results["terminal_orm"], _stats = timed(
            "ORM search + Python sums (same figures)", orm_terminal, repeat=1
        )
        print(
            "  ratio ORM / SQL report: %.0fx"
            % (results["terminal_orm"] / results["terminal"])
        )
        results["year"], _r = timed(
            "_read_group by cardholder, whole year (%d rows)" % generated,
            lambda: (
                Consumption._read_group(
                    [("company_id", "=", env.company.id)],
                    ["cardholder_id"],
                    ["amount:sum"],
                )
            ),
            repeat=1,
        )

        if not args.commit:
            cr.rollback()
    print()
    checks = [
        ("screen grouped list <= 1 s", results["screen"] <= 1),
        ("summary <= 1 s", results["summary"] <= 1),
        ("terminal stats <= 1 s", results["terminal"] <= 1),
        ("XLSX <= 60 s", results["xlsx"] <= 60),
        ("XLSX memory < 200 MB", results["xlsx_mb"] < 200),
    ]
    for label, ok in checks:
        print("%-30s %s" % (label, "OK" if ok else "MISSED"))
    return 0 if all(ok for _l, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
