#!/usr/bin/env python3
"""Benchmark: settling a day of 100,000 ledger rows, confirming a 10,000-line subsidy
batch.

    python3 tests/bench/bench_settlement.py -d <db> [--holders 10000] [--rows 100000]
        [--addons-path /opt/odoo18/addons,/work/main] [--profile]

The database must have onecard_consume installed. The script opens the
registry itself and works in its own committed data under a fresh company
it creates (with the generic chart of accounts), so it never touches other
companies' rows; it leaves that company behind (name "OneCard Bench <stamp>").

How the 100,000 rows of the day are made (all through the money engine):
  - the 10,000-line subsidy batch (onecard.subsidy.batch.action_confirm ->
    onecard.ledger._book_many)                                    10,000 rows
  - top-ups by cash / bank / WeChat, one onecard.ledger._book each   2,000 rows
  - canteen consumptions with terminal, canteen and meal period, one
    onecard.ledger._book each (what a swipe books)                   8,000 rows
  - the rest: consumptions booked set-based with onecard.ledger._book_many
    (no terminal: they post to the canteen revenue as "Desk")       80,000 rows
Targets on a 2-core machine: settlement <= 5 s, subsidy batch <= 10 s.
Main's UPDATE design against this code on the same rows, under load, and on an
existing (large) database: bench_settlement_scale.py (run it on this one after).
"""

# print-used: command-line tools: what they print is their result
# invalid-commit: scripts, not models: they own their transactions
# pylint: disable=print-used,invalid-commit

import argparse
import os
import sys
import time
from datetime import date, datetime, timedelta

import pytz

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", default=f"/opt/odoo18/addons,{REPO}")
    parser.add_argument(
        "--odoo-path", default=os.environ.get("ODOO_PATH", "/opt/odoo18")
    )
    parser.add_argument(
        "--holders", type=int, default=10000, help="cardholders = subsidy batch lines"
    )
    parser.add_argument(
        "--rows", type=int, default=100000, help="ledger rows in the settled day"
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of settle and confirm"
    )
    return parser.parse_args()


def timed(label, func, profile=False):
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        started = time.perf_counter()
        result = profiler.runcall(func)
        elapsed = time.perf_counter() - started
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    else:
        started = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - started
    print("  %-58s %8.2f s" % (label, elapsed), flush=True)
    return result, elapsed


def main():
    args = parse_args()
    if args.odoo_path not in sys.path:
        sys.path.insert(0, args.odoo_path)
    import odoo
    from odoo import Command, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        ["-d", args.database, "--addons-path", args.addons_path, "--log-level", "warn"]
    )
    registry = Registry(args.database)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    tz = pytz.timezone("Asia/Shanghai")
    day = date.today() - timedelta(days=1)

    def at(hour, minute=0, second=0):
        local = tz.localize(
            datetime(day.year, day.month, day.day, hour, minute, second)
        )
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    print(
        "OneCard settlement benchmark on %s, day %s, %d holders, %d rows"
        % (args.database, day, args.holders, args.rows),
        flush=True,
    )

    # ---------------------------------------------------- company and master data
    with registry.cursor() as cr:
        env = api.Environment(
            cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
        )
        started = time.perf_counter()
        main_company = env.ref("base.main_company")
        company = env["res.company"].create(
            {
                "name": f"OneCard Bench {stamp}",
                "currency_id": main_company.currency_id.id,
            }
        )
        env.user.company_ids = [Command.link(company.id)]
        env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
        company.partner_id.tz = "Asia/Shanghai"
        company.onecard_auto_settle = False
        assert company.onecard_journal_id, "the chart did not give the card accounts"
        company_id = company.id
        env = env(context=dict(env.context, allowed_company_ids=[company_id]))
        canteens = env["onecard.canteen"].create(
            [
                {"name": "Bench North", "code": "BN", "company_id": company_id},
                {
                    "name": "Bench South",
                    "code": "BS",
                    "company_id": company_id,
                    "posting": "payable",
                    "partner_id": env["res.partner"]
                    .create({"name": "Bench Caterer"})
                    .id,
                },
            ]
        )
        terminals = env["onecard.terminal"].create(
            [
                {
                    "name": "Bench T%d" % n,
                    "code": "BT%d" % n,
                    "canteen_id": canteens[n % 2].id,
                }
                for n in range(4)
            ]
        )
        env["onecard.meal.period"].create(
            [
                {
                    "name": "Bench lunch",
                    "code": "BL",
                    "start_hour": 10.0,
                    "end_hour": 14.0,
                    "company_id": company_id,
                }
            ]
        )
        department = env["hr.department"].create(
            {"name": "Bench department", "company_id": company_id}
        )
        category = env["onecard.cardholder.category"].create(
            {"name": "Bench staff", "company_id": company_id}
        )
        holders = env["onecard.cardholder"].create(
            [
                {
                    "name": "Bench %05d" % n,
                    "code": "BENCH%05d" % n,
                    "company_id": company_id,
                    "department_id": department.id,
                    "category_id": category.id,
                }
                for n in range(args.holders)
            ]
        )
        env.flush_all()
        # cards straight in SQL: the card office is not what is measured here
        cr.execute(
            """
            INSERT INTO onecard_card (number, uid, kind, state, cardholder_id,
                company_id, deposit,
                                      create_uid, create_date, write_uid, write_date)
            SELECT 'BENCH' || h.id, upper(lpad(to_hex(h.id), 8, '0')) || 'BE',
                'official', 'active', h.id,
                   h.company_id, 0, 1, now(), 1, now()
              FROM onecard_cardholder h WHERE h.id = ANY(%s)
        """,
            [holders.ids],
        )
        cr.commit()
        print(
            "  %-58s %8.2f s"
            % (
                "setup: company, chart, %d holders and cards" % args.holders,
                time.perf_counter() - started,
            ),
            flush=True,
        )
        holder_ids, terminal_ids = holders.ids, terminals.ids

    # ------------------------------------------------------------ subsidy batch (timed)
    with registry.cursor() as cr:
        env = api.Environment(
            cr,
            odoo.SUPERUSER_ID,
            {"tracking_disable": True, "allowed_company_ids": [company_id]},
        )
        batch = env["onecard.subsidy.batch"].create(
            {
                "company_id": company_id,
                "amount": 300.0,
                "category_ids": [Command.set(category.ids)],
            }
        )
        _r, load_time = timed(
            "subsidy batch: load %d lines" % args.holders, batch.action_load_lines
        )
        env.flush_all()
        cr.commit()
        batch = batch.with_env(env)

        def confirm():
            with freeze(at(9)):
                batch.action_confirm()
            env.flush_all()

        _r, confirm_time = timed(
            "subsidy batch: confirm %d lines" % args.holders, confirm, args.profile
        )
        cr.commit()
        cr.execute(
            "SELECT count(*), sum(granted_amount) FROM onecard_subsidy_line WHERE "
            "batch_id = %s AND "
            "state = 'granted'",
            [batch.id],
        )
        granted, granted_sum = cr.fetchone()
        print(
            "  %-58s %8d lines, %.2f granted, %.0f lines/s"
            % ("subsidy batch result", granted, granted_sum, granted / confirm_time),
            flush=True,
        )

    # ------------------------------------------------------------ the day's other rows
    with registry.cursor() as cr:
        env = api.Environment(
            cr,
            odoo.SUPERUSER_ID,
            {"tracking_disable": True, "allowed_company_ids": [company_id]},
        )
        ledger = env["onecard.ledger"]
        company = env["res.company"].browse(company_id)
        methods = [
            env.ref(f"onecard_consume.payment_method_{code}")
            for code in ("cash", "bank", "wechat")
        ]
        methods[2].with_company(company).action_setup()
        holders = env["onecard.cardholder"].browse(holder_ids)
        terminals = env["onecard.terminal"].browse(terminal_ids)
        lunch = env["onecard.meal.period"].search(
            [("code", "=", "BL"), ("company_id", "=", company_id)]
        )
        wallets = {}
        cr.execute(
            "SELECT cardholder_id, kind, id FROM onecard_wallet WHERE cardholder_id = "
            "ANY(%s)",
            [holder_ids],
        )
        for holder_id, kind, wallet_id in cr.fetchall():
            wallets[holder_id, kind] = wallet_id
        Wallet = env["onecard.wallet"]
        made = args.holders
        started = time.perf_counter()
        n_topups = min(2000, args.holders)
        for n, holder in enumerate(holders[:n_topups]):
            ledger._book(
                dict(
                    kind="topup",
                    state="approved",
                    company_id=company_id,
                    cardholder_id=holder.id,
                    payment_method_id=methods[n % 3].id,
                    business_time=at(8, n % 60, n % 59),
                ),
                [
                    {
                        "wallet": Wallet.browse(wallets[holder.id, "cash"]),
                        "amount": 200.0,
                    }
                ],
            )
        made += n_topups
        booked_topups = time.perf_counter() - started
        started = time.perf_counter()
        n_swipes = min(8000, args.rows - made)
        for n in range(n_swipes):
            holder_id = holder_ids[n % len(holder_ids)]
            terminal = terminals[n % len(terminals)]
            ledger._book(
                dict(
                    kind="consume",
                    state="approved",
                    company_id=company_id,
                    cardholder_id=holder_id,
                    terminal_id=terminal.id,
                    meal_period_id=lunch.id,
                    reason_code="ok",
                    business_time=at(11, n % 60, n % 59),
                ),
                [
                    {
                        "wallet": Wallet.browse(wallets[holder_id, "subsidy"]),
                        "amount": -1.5,
                    }
                ],
            )
        made += n_swipes
        booked_swipes = time.perf_counter() - started
        started = time.perf_counter()
        chunk, n = 10000, 0
        while made < args.rows:
            size = min(chunk, args.rows - made)
            entries = [
                {
                    "cardholder_id": holder_ids[(n + i) % len(holder_ids)],
                    "key": "bench-%s-%d" % (stamp, n + i),
                    "lines": [
                        (
                            wallets[holder_ids[(n + i) % len(holder_ids)], "subsidy"],
                            -0.5,
                        )
                    ],
                }
                for i in range(size)
            ]
            ledger._book_many(
                "consume", company, entries, business_time=at(12, (n // chunk) % 60)
            )
            n += size
            made += size
        booked_many = time.perf_counter() - started
        cr.commit()
        print(
            "  %-58s %8.2f s"
            % ("generate: %d top-ups with _book" % n_topups, booked_topups)
        )
        print(
            "  %-58s %8.2f s"
            % ("generate: %d canteen swipes with _book" % n_swipes, booked_swipes)
        )
        print(
            "  %-58s %8.2f s"
            % ("generate: %d consumptions with _book_many" % n, booked_many),
            flush=True,
        )
        cr.execute(
            "SELECT count(*) FROM onecard_transaction t WHERE company_id = %s AND NOT "
            "EXISTS (SELECT 1 FROM onecard_transaction_settled c WHERE c.id = t.id)",
            [company_id],
        )
        unsettled = cr.fetchone()[0]
        print("  %-58s %8d" % ("ledger rows to settle", unsettled), flush=True)

    # ------------------------------------------ settle (timed) and the ORM peer
    with registry.cursor() as cr:
        env = api.Environment(
            cr,
            odoo.SUPERUSER_ID,
            {"tracking_disable": True, "allowed_company_ids": [company_id]},
        )
        company = env["res.company"].browse(company_id)
        Settlement = env["onecard.settlement"]

        def settle():
            result = Settlement.settle(company, "day", day)
            env.flush_all()
            return result

        settlement, settle_time = timed(
            f"settle(company, 'day', {day})", settle, args.profile
        )
        cr.commit()
        move = settlement.move_id
        print(
            "  %-58s %8d rows, %d totals, %d move lines, %.0f rows/s"
            % (
                "settlement result",
                settlement.transaction_count,
                len(settlement.line_ids),
                len(move.line_ids),
                settlement.transaction_count / settle_time,
            ),
            flush=True,
        )

        # SQL aggregation alone (what settle does first) vs the ORM way, same totals
        def sql_totals():
            cr.execute(
                """
                SELECT kind, wallet_kind, payment_method_id, canteen_id, meal_period_id,
                       CASE WHEN kind LIKE 'subsidy%%' THEN department_id END, count(*),
                           sum(amount)
                  FROM onecard_transaction t
                  JOIN onecard_transaction_settled c ON c.id = t.id
                 WHERE c.settlement_id = %s GROUP BY 1, 2, 3, 4, 5, 6
            """,
                [settlement.id],
            )
            return {
                tuple(row[:6]): (row[6], round(float(row[7]), 2))
                for row in cr.fetchall()
            }

        def orm_totals():
            env.invalidate_all()
            rows = env["onecard.transaction"].search(
                [("settlement_id", "=", settlement.id)]
            )
            totals = {}
            for row in rows:
                key = (
                    row.kind,
                    row.wallet_kind,
                    row.payment_method_id.id or None,
                    row.canteen_id.id or None,
                    row.meal_period_id.id or None,
                    row.department_id.id or None
                    if row.kind.startswith("subsidy")
                    else None,
                )
                count, amount = totals.get(key, (0, 0.0))
                totals[key] = (count + 1, amount + row.amount)
            return {
                key: (count, round(amount, 2))
                for key, (count, amount) in totals.items()
            }

        sql, sql_time = timed("peer: the same totals in one SQL GROUP BY", sql_totals)
        orm, orm_time = timed(
            "peer: the same totals with ORM search + Python sums", orm_totals
        )
        assert sql == orm, "SQL and ORM totals differ"
        lines = {
            (
                line.kind,
                line.wallet_kind,
                line.payment_method_id.id or None,
                line.canteen_id.id or None,
                line.meal_period_id.id or None,
                line.department_id.id or None,
            ): line
            for line in settlement.line_ids
        }
        assert sum(c for c, _a in orm.values()) == settlement.transaction_count
        assert all(
            abs(sum(line.amount for k, line in lines.items() if k == key) - amount)
            < 0.005
            for key, (_c, amount) in orm.items()
        ), "settlement totals differ from the ORM peer"
        debit, credit = (
            sum(move.line_ids.mapped("debit")),
            sum(move.line_ids.mapped("credit")),
        )
        print(
            "  %-58s %8s (debit %.2f = credit %.2f)"
            % ("entry balanced and posted", move.state, debit, credit)
        )
        print("\nSUMMARY")
        print(
            "  settlement: %.2f s for %d rows (%.0f rows/s), target <= 5 s: %s"
            % (
                settle_time,
                settlement.transaction_count,
                settlement.transaction_count / settle_time,
                "OK" if settle_time <= 5 else "MISSED",
            )
        )
        print(
            "  subsidy batch: %.2f s to confirm %d lines (%.0f lines/s), "
            "target <= 10 s: %s"
            % (
                confirm_time,
                args.holders,
                args.holders / confirm_time,
                "OK" if confirm_time <= 10 else "MISSED",
            )
        )
        print(
            f"  totals: SQL {sql_time:.3f} s vs ORM search + Python {orm_time:.2f} s: "
            f"the ORM peer is {orm_time / sql_time:.0f}x slower;"
            f" the ORM totals alone take {orm_time / settle_time:.2f}x the time of the "
            "whole settle()"
        )
        print("  (load %d lines: %.2f s)" % (args.holders, load_time))


class freeze:
    """Book the batch on the benchmark day: the engine dates rows 'now'."""

    def __init__(self, when):
        self.when = when

    def __enter__(self):
        from freezegun import freeze_time

        self._freezer = freeze_time(self.when, tick=True)
        self._freezer.start()

    def __exit__(self, *exc):
        self._freezer.stop()


if __name__ == "__main__":
    main()
