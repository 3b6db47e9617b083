"""Prepare a company for the ZKTeco end-to-end tests and the punch benchmark.

Run with Odoo importable (it opens the registry itself)::

    python3 tests/e2e/zk_populate.py -d DB --addons-path=... --holders 50

Creates (idempotently) the company ``ZK E2E`` in Asia/Shanghai (so a device's
local day differs from the UTC day), its meal periods (breakfast 06:00-09:00,
lunch 11:00-13:30, dinner 17:00-19:30) with prices 3 / 12 / 9, a cardholder
category, the canteen ``ZKC`` and ``--holders`` cardholders ``ZK000000``... with
cards, each topped up with ``--cash``. With ``--fixed-terminals N`` also N
approved ZKTeco PUSH terminals ``ZKBENCH0001``... in fixed mode (the bench).
Prints a JSON object: company id, canteen id, period code -> id, PIN -> card UID.
"""

# print-used: command-line tools: what they print is their result
# invalid-commit: scripts, not models: they own their transactions
# pylint: disable=print-used,invalid-commit

import argparse

from populate import run, top_up  # this script's folder: tests/e2e

PERIODS = (  # code, name, start, end, price
    ("ZKB", "ZK breakfast", 6.0, 9.0, 3.0),
    ("ZKL", "ZK lunch", 11.0, 13.5, 12.0),
    ("ZKD", "ZK dinner", 17.0, 19.5, 9.0),
)
CARD_BASE = 0x5A000000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--holders", type=int, default=50)
    parser.add_argument("--cash", type=float, default=100000.0)
    parser.add_argument("--fixed-terminals", type=int, default=0)
    run(populate, parser.parse_args())


def populate(env, args):
    company = env["res.company"].search([("name", "=", "ZK E2E")]) or env[
        "res.company"
    ].create({"name": "ZK E2E"})
    company.partner_id.tz = "Asia/Shanghai"
    env.user.company_ids |= company
    env.ref("base.user_admin").company_ids |= company  # the tests' RPC user
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    Period = env["onecard.meal.period"]
    periods = {}
    for code, name, start, end, _price in PERIODS:
        periods[code] = Period.search(
            [("code", "=", code), ("company_id", "=", company.id)]
        ) or Period.create(
            {
                "name": name,
                "code": code,
                "start_hour": start,
                "end_hour": end,
                "company_id": company.id,
            }
        )
    Category = env["onecard.cardholder.category"]
    category = Category.search([("name", "=", "ZK staff")]) or Category.create(
        {
            "name": "ZK staff",
            "meals_per_period": 1000000,
            "credit_limit": 100.0,
            "meal_price_ids": [
                (0, 0, {"meal_period_id": periods[code].id, "price": price})
                for code, _n, _s, _e, price in PERIODS
            ],
        }
    )
    canteen = env["onecard.canteen"].search([("code", "=", "ZKC")]) or env[
        "onecard.canteen"
    ].create({"name": "ZK Canteen", "code": "ZKC", "company_id": company.id})
    Holder = env["onecard.cardholder"].with_company(company)
    rows = [
        {
            "code": "ZK%06d" % i,
            "name": "ZK Person %d" % i,
            "category": category.name,
            "card_uid": "%08X" % (CARD_BASE + i),
        }
        for i in range(args.holders)
    ]
    errors = [r for r in Holder.sync_employees(rows) if r["status"] == "error"]
    if errors:
        raise SystemExit(f"sync_employees errors: {errors[:3]}")
    holders = Holder.search([("code", "=like", "ZK%"), ("company_id", "=", company.id)])
    top_up(env, company, holders, "zk-topup-", args.cash)
    Terminal = env["onecard.terminal"].with_context(active_test=False)
    for i in range(1, args.fixed_terminals + 1):
        serial = "ZKBENCH%04d" % i
        vals = {
            "name": serial,
            "code": serial,
            "serial_number": serial,
            "canteen_id": canteen.id,
            "connection": "zk_push",
            "zk_state": "approved",
            "mode": "fixed",
            "fixed_amount": 5.0,
            "online_mode": False,
            "active": True,
        }
        terminal = Terminal.search([("serial_number", "=", serial)])
        terminal.write(vals) if terminal else Terminal.create(vals)
    return {
        "company_id": company.id,
        "canteen_id": canteen.id,
        "periods": {code: period.id for code, period in periods.items()},
        "cards": {h.code: h.card_ids[:1].uid for h in holders},
    }


if __name__ == "__main__":
    main()
