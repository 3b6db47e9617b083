#!/usr/bin/env python3
"""Benchmark: settling a day or a month of an EXISTING database under load, the claim
table (this code) against main's UPDATE that stamped settlement_id (issue 20.3).

    python3 tests/bench/bench_settlement_scale.py --db <db> --day 2025-03-10
        [--period day|month] [--company <id>] [--load 1] [--reverse-first]
        [--commit] [--skip-peer] [--addons-path /opt/odoo18/addons,<repo>]

Generates nothing: the rows are the database's (tests/bench/gen_campus.py, or
bench_settlement.py's company). Steps, all printed:
  1. the peer's schema, committed before the load starts: main's column again, as
     ``settlement_peer_id`` with main's index and foreign key (NOT VALID: nothing to
     check, every value is NULL) - building the index on a big table takes a while;
  2. ``--load`` worker processes book consumptions through the money engine
     (``onecard.ledger._book_many``, 50 holders a transaction, dated now) into the
     same company for the whole measurement: the machine is under load;
  3. this code: ``onecard.settlement.settle(company, period, day)``, timed, with its
     steps timed apart (staging, the totals' SELECT, the claim and the mark, the
     entry's lines, the debt record: whichever the code under test has, so an older
     checkout given by ``--addons-path`` is measured the same way);
  4. main's design on the same rows, in the same transaction: EXPLAIN (ANALYZE,
     BUFFERS) of its UPDATE ... SET settlement_peer_id (the rows this settlement
     claimed: main's search for them is given for free), then its aggregation
     (WHERE settlement_peer_id = S); main's settle = that + the same lines and move;
  5. rolled back (default: the run can be repeated) or ``--commit``ted (the peer
     rolled back to a savepoint first); the peer column is dropped at the end.
``--reverse-first`` reverses (committed) a posted settlement of the period first, so
a settled period can be measured again: its rows are then claimed again.
"""

# print-used: command-line tools: what they print is their result
# invalid-commit: scripts, not models: they own their transactions
# pylint: disable=print-used,invalid-commit

import argparse
import os
import subprocess
import sys
import time
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PEER = "settlement_peer_id"
# settle()'s steps timed apart; the nested ones run inside others (_move_mark in
# _claim_rows; _debt_changes, older code, in _move_lines and _debt_record).
STEPS = (
    "_stage_rows",
    "_settled_periods",
    "_claim_rows",
    "_move_mark",
    "_debt_changes",
    "_move_lines",
    "_debt_record",
)
NESTED_STEPS = ("_move_mark", "_debt_changes")
TOP_STEPS = tuple(step for step in STEPS if step not in NESTED_STEPS)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--day", help="a day of the period to settle (ISO)")
    parser.add_argument("--period", choices=("day", "month"), default="day")
    parser.add_argument("--company", type=int, help="default: the main company")
    parser.add_argument("--load", type=int, default=1, help="booking processes")
    parser.add_argument("--reverse-first", action="store_true")
    parser.add_argument("--commit", action="store_true")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--addons-path", default=f"/opt/odoo18/addons,{REPO}")
    parser.add_argument(
        "--odoo-path", default=os.environ.get("ODOO_PATH", "/opt/odoo18")
    )
    parser.add_argument("--load-worker", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def open_registry(args):
    if args.odoo_path not in sys.path:
        sys.path.insert(0, args.odoo_path)
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        ["-d", args.db, "--addons-path", args.addons_path, "--log-level", "warn"]
    )
    return odoo, Registry(args.db)


def load_worker(args):
    """Book consumptions (1 cent from cash, 50 holders a transaction) until killed;
    print how many rows it booked when it gets SIGTERM."""
    import signal

    odoo, registry = open_registry(args)
    stop, booked, started = [], [0], time.perf_counter()
    signal.signal(signal.SIGTERM, lambda *_a: stop.append(1))
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        company = env["res.company"].browse(args.company)
        cr.execute(
            "SELECT cardholder_id, id FROM onecard_wallet WHERE company_id = %s AND "
            "kind = 'cash' ORDER BY id LIMIT 5000",
            [company.id],
        )
        wallets = cr.fetchall()
        ledger, n = env["onecard.ledger"], os.getpid() * 10**9
        while not stop:
            chunk = [wallets[(n + i) % len(wallets)] for i in range(50)]
            ledger._book_many(
                "consume",
                company,
                [
                    {"cardholder_id": h, "key": f"load-{n + i}", "lines": [(w, -0.01)]}
                    for i, (h, w) in enumerate(chunk)
                ],
            )
            cr.commit()
            n += 50
            booked[0] += 50
    elapsed = time.perf_counter() - started
    print(f"{booked[0]} {elapsed:.2f}", flush=True)


def start_load(args, company_id):
    cmd = [sys.executable, os.path.abspath(__file__), "--load-worker", "--db", args.db]
    cmd += ["--company", str(company_id), "--addons-path", args.addons_path]
    return [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        for _n in range(args.load)
    ]


def stop_load(workers):
    total = seconds = 0.0
    for worker in workers:
        worker.terminate()
        out, _err = worker.communicate(timeout=120)
        if out.strip():
            rows, elapsed = out.split()
            total, seconds = total + int(rows), max(seconds, float(elapsed))
    return total, seconds


def add_peer(cr):
    cr.execute(f"ALTER TABLE onecard_transaction DROP COLUMN IF EXISTS {PEER}")
    cr.execute(f"ALTER TABLE onecard_transaction ADD COLUMN IF NOT EXISTS {PEER} int4")
    cr.execute(
        f"ALTER TABLE onecard_transaction ADD CONSTRAINT {PEER}_fkey FOREIGN KEY "
        f"({PEER}) REFERENCES onecard_settlement(id) ON DELETE SET NULL NOT VALID"
    )
    cr.execute(f"CREATE INDEX {PEER}_index ON onecard_transaction ({PEER})")
    cr.commit()


def drop_peer(cr):
    cr.rollback()
    cr.execute(f"ALTER TABLE onecard_transaction DROP COLUMN IF EXISTS {PEER}")
    cr.commit()


def line(label, value):
    print("  %-60s %s" % (label, value), flush=True)


def main():
    args = parse_args()
    if args.load_worker:
        return load_worker(args)
    odoo, registry = open_registry(args)
    day = date.fromisoformat(args.day)
    print(f"Settlement at scale on {args.db}: {args.period} of {day}", flush=True)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        company = env["res.company"].browse(args.company or env.company.id)
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        Settlement = env["onecard.settlement"]
        start = day if args.period == "day" else day.replace(day=1)
        if args.reverse_first:
            for done in Settlement.search(
                [
                    ("company_id", "=", company.id),
                    ("period", "=", args.period),
                    ("date_from", "=", start),
                    ("state", "=", "posted"),
                ]
            ):
                done.action_reverse()
                line("reversed first", done.name)
            cr.commit()
        # generated databases (gen_campus.py) have no journals for the clearing
        # methods (WeChat Pay, Alipay): settling needs them
        for method in env["onecard.payment.method"].search([]):
            if not method.with_company(company).journal_id:
                method.with_company(company).action_setup()
        cr.commit()
        cr.execute(
            "SELECT count(*), pg_size_pretty(pg_total_relation_size(%s)) "
            "FROM onecard_transaction",
            ["onecard_transaction"],
        )
        total_rows, size = cr.fetchone()
        line(
            "ledger rows in the database (table + indexes)", f"{total_rows:,} ({size})"
        )
        started = time.perf_counter()
        if not args.skip_peer:
            add_peer(cr)
            line(
                "peer schema (column, index, FK) built in",
                "%.1f s" % (time.perf_counter() - started),
            )
        workers = start_load(args, company.id) if args.load else []
        time.sleep(5 if workers else 0)  # the workers open their registries
        try:
            report(env, cr, company, args, day, workers)
        finally:
            if workers:
                rows, seconds = stop_load(workers)
                line(
                    f"load: {args.load} booking process(es)",
                    "%d rows in %.0f s (%.0f rows/s)"
                    % (rows, seconds, rows / (seconds or 1)),
                )
            if not args.skip_peer:
                drop_peer(cr)


def report(env, cr, company, args, day, workers):
    Settlement = env["onecard.settlement"]
    cls = type(Settlement)
    spent, marks, originals = {}, {}, {}

    def timed(name, method):
        def wrapper(self, *args, **kwargs):
            started = marks[name] = time.perf_counter()
            try:
                return method(self, *args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
                marks[name + ":end"] = time.perf_counter()

        return wrapper

    # Whichever of these the code under test has (an older checkout through
    # --addons-path has no _stage_rows): the aggregation runs between
    # _settled_periods and _claim_rows.
    for name in STEPS:
        if hasattr(cls, name):
            originals[name] = getattr(cls, name)
            setattr(cls, name, timed(name, originals[name]))
    try:
        started = time.perf_counter()
        settlement = Settlement.settle(company, args.period, day)
        env.flush_all()
        mine = time.perf_counter() - started
    finally:
        for name, method in originals.items():
            setattr(cls, name, method)
    name = settlement.name
    count = settlement.transaction_count
    claim = spent.get("_claim_rows", 0.0)
    my_aggregate = (
        marks["_claim_rows"] - marks["_settled_periods:end"] if claim else 0.0
    )
    line(
        "this code: settle() total",
        "%.2f s for %d rows (%.0f rows/s)" % (mine, count, count / (mine or 1)),
    )
    for step in STEPS:
        if step in spent:
            line(f"  {step}", f"{spent[step]:.2f} s")
    line("  aggregate (SELECT ... GROUP BY of the rows)", f"{my_aggregate:.2f} s")
    line(
        "  the rest (lines, entry create and post)",
        f"{mine - sum(spent.get(s, 0.0) for s in TOP_STEPS) - my_aggregate:.2f} s",
    )
    line(
        "  entry",
        "%s, %d lines"
        % (settlement.move_id.state or "none", len(settlement.move_id.line_ids)),
    )
    if workers:
        line("under load", "yes (%d booking process(es))" % len(workers))
    if not args.skip_peer and count:
        cr.execute("SAVEPOINT peer")
        cr.execute(
            f"""EXPLAIN (ANALYZE, BUFFERS) UPDATE onecard_transaction SET {PEER} = %s
                 WHERE company_id = %s AND {PEER} IS NULL AND id IN (
                       SELECT id FROM onecard_transaction_settled
                        WHERE settlement_id = %s)""",
            [settlement.id, company.id, settlement.id],
        )
        plan = [r[0] for r in cr.fetchall()]
        update = float(plan[-1].split()[2]) / 1000  # "Execution Time: N ms"
        started = time.perf_counter()
        cr.execute(
            f"""SELECT kind, wallet_kind, payment_method_id, canteen_id, meal_period_id,
                       department_id, analytic_account_id, payable_partner_id,
                       count(*), sum(amount)
                  FROM onecard_transaction WHERE {PEER} = %s
                 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8""",
            [settlement.id],
        )
        cr.fetchall()
        aggregate = time.perf_counter() - started
        cr.execute("ROLLBACK TO SAVEPOINT peer")
        peer_total = update + aggregate + (mine - claim - my_aggregate)
        print("\n  main's UPDATE (EXPLAIN ANALYZE, BUFFERS):")
        for row in plan:
            if (
                "Trigger" in row
                or "Update on" in row
                or "Buffers" in row[:20]
                or "Execution" in row
                or "Scan" in row
            ):
                print("    " + row)
        line("main: claim UPDATE of the same rows", f"{update:.2f} s")
        line("main: aggregate WHERE settlement_peer_id = S", f"{aggregate:.2f} s")
        line(
            "main: settle() estimated (UPDATE + aggregate + same totals/entry)",
            f"{peer_total:.2f} s",
        )
        print("\nSUMMARY")
        line(
            f"{args.period} {day}, {count:,} rows: claim, main / this",
            f"{update:.2f} s / {claim:.2f} s = {update / (claim or 1e-9):.1f}x",
        )
        line(
            f"{args.period} {day}, {count:,} rows: settle, main / this",
            f"{peer_total:.2f} s / {mine:.2f} s = {peer_total / mine:.1f}x",
        )
        line("this code per million rows", f"{mine / count * 1e6:.2f} s")
    if args.commit:
        cr.commit()
        line("committed", name)
    else:
        cr.rollback()
        line("rolled back (use --commit to keep)", name)


if __name__ == "__main__":
    sys.exit(main())
