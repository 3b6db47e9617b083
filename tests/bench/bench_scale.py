#!/usr/bin/env python3
"""Reports, rollups, settlement and exports on a generated campus (issue 20).

    python3 tests/bench/bench_scale.py -d <db> [--skip fold|reports|orm|settle|xlsx]
        [--settle-month 2025-11] [--settle-day 2025-12-01]

<db>: a database made by tests/bench/gen_campus.py (oc_campus1m, oc_campus10m,
oc_campus33m on the bench machine), upgraded to the code's schema. Prints figures,
never asserts times. In order:

  1. sizes: ledger rows, operations, bytes on disk;
  2. fold: the rollups brought up to date (the first run folds the whole history:
     its rate is the cost of the rollups per million rows), committed;
  3. reports, each the way the screen reads it (the wizard's rollup path) against
     its peers in the same run: ``_read_group`` on the ledger rows' report view, and
     (``orm``) ORM search + Python sums, skipped where it would load more than
     ``--orm-limit`` records (then its rate on the month is the estimate). Every
     rollup figure is checked against the ledger rows' figure ("same figures");
  4. settlement (``--settle-month`` / ``--settle-day``, committed: the next run
     measures the next period);
  5. the XLSX detail of one department's year (rows streamed, RSS sampled).
"""

# print-used: command-line tools: what they print is their result
# invalid-commit: a script, not a model: it owns its transactions
# pylint: disable=print-used,invalid-commit

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
MAIN = os.path.dirname(os.path.dirname(HERE))
ODOO = os.environ.get("ODOO_PATH", "/opt/odoo18")
sys.path.insert(0, ODOO)
sys.path.insert(0, HERE)

from bench_reports import RssSampler, timed  # noqa: E402
from freezegun import freeze_time  # noqa: E402

import odoo  # noqa: E402 - imports after ODOO is on sys.path
from odoo import SUPERUSER_ID, api  # noqa: E402

CONSUME = ("consume", "back_entry", "correction")


def parse():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", default=f"{ODOO}/addons,{MAIN}")
    parser.add_argument("--skip", action="append", default=[])
    parser.add_argument("--orm-limit", type=int, default=1_500_000)
    parser.add_argument(
        "--peer-repeat",
        type=int,
        default=3,
        help="runs of each ledger rows' view read (best kept); 1 on big databases",
    )
    parser.add_argument("--settle-month", help="YYYY-MM: settle this month")
    parser.add_argument("--settle-day", help="YYYY-MM-DD: settle this day")
    return parser.parse_args()


def sizes(cr):
    cr.execute(
        """SELECT (SELECT count(*) FROM onecard_transaction),
                  (SELECT count(*) FROM onecard_operation),
                  pg_total_relation_size('onecard_transaction'),
                  pg_total_relation_size('onecard_operation'),
                  pg_database_size(current_database()),
                  (SELECT min(business_time) FROM onecard_operation),
                  (SELECT max(business_time) FROM onecard_operation)"""
    )
    return cr.fetchone()


def local_range(cr):
    """First day of the first month that starts in the data, its last local day."""
    cr.execute(
        """SELECT min(local)::date, max(local)::date FROM (
               SELECT (o.business_time AT TIME ZONE 'UTC') AT TIME ZONE
                      COALESCE(NULLIF(p.tz, ''), 'UTC') AS local
                 FROM (SELECT min(business_time) AS business_time, company_id
                         FROM onecard_operation GROUP BY company_id
                       UNION ALL
                       SELECT max(business_time), company_id
                         FROM onecard_operation GROUP BY company_id) o
                 JOIN res_company c ON c.id = o.company_id
                 JOIN res_partner p ON p.id = c.partner_id) t"""
    )
    first, last = cr.fetchone()
    if first.day != 1:
        first = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, last


def fold(registry):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute("SELECT source, folded_id FROM onecard_rollup_state")
        before = dict(cr.fetchall())
        start = time.perf_counter()
        left = env["onecard.report.rollup"]._fold(chunk=10**12)
        elapsed = time.perf_counter() - start
        cr.execute("SELECT source, folded_id FROM onecard_rollup_state")
        after = dict(cr.fetchall())
        tables = []
        for name in ("holder_month", "ledger_day", "swipe_day"):
            cr.execute(
                f"SELECT count(*), pg_total_relation_size('onecard_rollup_{name}') "
                f"FROM onecard_rollup_{name}"
            )
            tables.append((f"onecard_rollup_{name}", *cr.fetchone()))
        cr.commit()
    cr_rows = sum(after[s] - before.get(s, 0) for s in after)
    print(
        f"  folded ids (rows + operations)  {cr_rows:>12,}   {elapsed:8.1f} s   "
        f"left {left}"
    )
    if cr_rows:
        print(f"  fold cost per million ids       {elapsed / cr_rows * 1e6:8.2f} s")
    for name, rows, size in tables:
        print(f"  {name:<34} {rows:>10,} rows  {size / 2**20:8.1f} MB")


def compare(env, label, wizard, orm=None, orm_rows=0, orm_limit=0, peer_repeat=3):
    """Time the wizard's rollup read against the ledger rows' read (and ORM)."""
    fast_spec, raw_spec = wizard._screen_spec(), wizard._spec()
    assert fast_spec is not raw_spec, f"{label}: no rollup path for these filters"
    groupby = wizard._groupby(fast_spec)
    results = []
    for spec in (fast_spec, raw_spec):
        repeat = 3 if spec is fast_spec else peer_repeat
        model = env[spec["model"]]
        aggregates = [
            f"{m}:{model._fields[m].aggregator or 'sum'}" for m in spec["measures"]
        ]
        domain = wizard._domain(spec)
        timed(
            f"{label}: screen (grouped list, 80 groups)",
            lambda model=model, domain=domain, spec=spec: (
                env.invalidate_all(),
                model.web_read_group(domain, spec["measures"], groupby[:1], limit=80),
            )[1],
            repeat,
        )
        results.append(
            timed(
                f"{label}: {spec['model']} (every group: PDF, XLSX)",
                lambda model=model, domain=domain, aggregates=aggregates: (
                    env.invalidate_all(),
                    model._read_group(domain, groupby, aggregates),
                )[1],
                repeat,
            )
        )
    (fast_s, fast_groups), (raw_s, raw_groups) = results
    ok = _same_groups(fast_groups, raw_groups, len(groupby))
    print(
        f"  {'':<58} ratio ledger rows / rollups {raw_s / fast_s:7.1f}x   "
        f"same figures: {'yes' if ok else 'NO'}"
    )
    if orm:
        if orm_rows > orm_limit:
            print(f"  ORM peer skipped: {orm_rows:,} records (> --orm-limit)")
        else:
            orm_s, _r = timed(f"{label}: ORM search + Python sums", orm, repeat=1)
            print(
                f"  {'':<58} ratio ORM / rollups {orm_s / fast_s:7.1f}x   "
                f"({orm_rows / orm_s:,.0f} records/s)"
            )
    return fast_s, ok


def _same_groups(fast, raw, width):
    def norm(groups):
        return {
            tuple(g[:width]): [round(v or 0, 2) for v in g[width:]]
            for g in groups
            if any(g[width:])
        }

    return norm(fast) == norm(raw)


def orm_sums(env, model, domain, key, value):
    def run():
        env.invalidate_all()
        sums = defaultdict(float)
        for record in env[model].search(domain):
            sums[key(record)] += value(record)
        return sums

    return run


def reports(env, first, last, orm_limit, peer_repeat):
    Wizard = env["onecard.report.wizard"]
    company = env.company
    month_day = first  # the first whole local month of the data
    year = {"period": "range", "date_from": first.replace(month=1, day=1)}
    year["date_to"] = date(last.year, 12, 31)
    figures = {}

    month = Wizard.create({"report": "cardholder", "period": "month", "day": month_day})
    start, end = month._utc_bounds()
    tdomain = [
        ("company_id", "=", company.id),
        ("business_time", ">=", start),
        ("business_time", "<", end),
    ]
    rows = env["onecard.transaction"].search_count(tdomain)
    figures["holder month"] = compare(
        env,
        "holders, a month",
        month,
        orm_sums(
            env,
            "onecard.transaction",
            [*tdomain, ("kind", "in", CONSUME)],
            lambda r: r.cardholder_id.id,
            lambda r: -r.amount,
        ),
        rows,
        orm_limit,
        peer_repeat,
    )
    terminal = Wizard.create(
        {"report": "terminal", "period": "month", "day": month_day}
    )
    ops = env["onecard.operation"].search_count(tdomain)
    figures["terminal month"] = compare(
        env,
        "terminals, a month",
        terminal,
        orm_sums(
            env,
            "onecard.operation",
            [*tdomain, ("kind", "in", CONSUME)],
            lambda o: (o.terminal_id.id, o.meal_period_id.id),
            lambda o: o.amount if o.state == "approved" else 0,
        ),
        ops,
        orm_limit,
        peer_repeat,
    )
    fund = Wizard.create({"report": "fund", **year})
    figures["fund year"] = compare(
        env, "fund in/out, a year", fund, peer_repeat=peer_repeat
    )
    env.cr.execute(
        "SELECT department_id FROM onecard_transaction WHERE department_id IS NOT "
        "NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )
    [department] = env.cr.fetchone()
    category = Wizard.create(
        {"report": "category", "department_ids": [department], **year}
    )
    figures["department year"] = compare(
        env, "a department's year by category", category, peer_repeat=peer_repeat
    )

    env.cr.execute(
        "SELECT cardholder_id, count(*) FROM onecard_transaction GROUP BY 1 "
        "ORDER BY 2 DESC LIMIT 1"
    )
    holder, holder_rows = env.cr.fetchone()
    statement = Wizard.create(
        {"report": "statement", "cardholder_ids": [holder], **year}
    )
    Statement = env["report.onecard_reports.report_statement"]
    figures["statement"] = timed(
        f"personal statement, a year ({holder_rows} rows)",
        lambda: (env.invalidate_all(), Statement._statements(statement))[1],
    )
    # as on the last day of the data (tick: the clock runs, so the timing is real)
    with freeze_time(datetime.combine(last, datetime.min.time()), tick=True):
        figures["dashboard"] = timed(
            "dashboard (14 days up to the last day)",
            lambda: (
                env.invalidate_all(),
                env["onecard.report.dashboard"].get_data(days=14),
            )[1],
        )
    return figures


def settle(registry, month, day):
    for period, value in (("month", month), ("day", day)):
        if not value:
            continue
        when = datetime.strptime(value, "%Y-%m" if period == "month" else "%Y-%m-%d")
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            start = time.perf_counter()
            settlement = env["onecard.settlement"].settle(
                env.company, period, when.date()
            )
            cr.commit()
            elapsed = time.perf_counter() - start
            print(
                f"  settle {period} {value}: {settlement.transaction_count:,} rows "
                f"({settlement.late_count:,} late)   {elapsed:8.1f} s"
            )


def xlsx(env, first, last):
    env.cr.execute(
        "SELECT department_id, count(*) FROM onecard_transaction WHERE kind IN %s "
        "AND department_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
        [CONSUME],
    )
    department, _rows = env.cr.fetchone()
    wizard = env["onecard.report.wizard"].create(
        {
            "report": "consumption",
            "detail": True,
            "period": "range",
            "date_from": first,
            "date_to": last,
            "department_ids": [department],
        }
    )
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    sampler = RssSampler()
    sampler.start()
    start = time.perf_counter()
    count = wizard._write_xlsx(path)
    elapsed = time.perf_counter() - start
    grown = sampler.stop()
    size = os.path.getsize(path) / 2**20
    os.unlink(path)
    print(
        f"  {count:,} rows of one department, {size:.0f} MB file   {elapsed:8.1f} s   "
        f"RSS growth {grown:.0f} MB"
    )


def main():
    args = parse()
    odoo.tools.config.parse_config(
        ["-d", args.database, "--addons-path", args.addons_path, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        rows, ops, t_size, o_size, db_size, first, last = sizes(cr)
    print(
        f"{args.database}: {rows:,} ledger rows, {ops:,} operations; on disk: ledger "
        f"{t_size / 2**30:.1f} GB, operations {o_size / 2**30:.1f} GB, database "
        f"{db_size / 2**30:.1f} GB; {first:%Y-%m-%d} .. {last:%Y-%m-%d}"
    )
    if "fold" not in args.skip:
        print("Rollups")
        fold(registry)
    if "reports" not in args.skip:
        print(
            f"Reports (rollups best of 3, the ledger rows' view, the peer, best of "
            f"{args.peer_repeat})"
        )
        with registry.cursor() as cr:
            env = api.Environment(
                cr, SUPERUSER_ID, {"tz": "Asia/Shanghai", "lang": "en_US"}
            )
            limit = 0 if "orm" in args.skip else args.orm_limit
            reports(env, *local_range(cr), limit, args.peer_repeat)
            cr.rollback()
    if "settle" not in args.skip:
        print("Settlement (committed)")
        settle(registry, args.settle_month, args.settle_day)
    if "xlsx" not in args.skip:
        print("XLSX detail export")
        with registry.cursor() as cr:
            env = api.Environment(
                cr, SUPERUSER_ID, {"tz": "Asia/Shanghai", "lang": "en_US"}
            )
            xlsx(env, *local_range(cr))
            cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
