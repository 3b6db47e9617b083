"""Prepare a OneCard database for the gateway end-to-end tests and the bench.

Run with Odoo importable (it opens the registry itself)::

    python3 tests/e2e/populate.py -d DB --addons-path=... --holders 10000 \\
        --terminal tcp:amount:SIM-AMT --terminal serial:fixed:BUS-FIX:/dev/pts/3:1 ...

Creates (idempotently) an all-day meal period, a canteen, a cardholder
category with a meal price, ``--holders`` cardholders with cards
CARD_BASE+i (sync_employees, one call) topped up in one set-based booking
(onecard.ledger._book_many), and the terminals given as
``connection:mode:serial[:port_url:bus_address]`` with secret ``--secret``.
Prints a JSON object: terminal serial -> {id, max_seq}.
"""

# print-used: command-line tools: what they print is their result
# invalid-commit: scripts, not models: they own their transactions
# pylint: disable=print-used,invalid-commit

import argparse
import json
import sys
import time

import odoo
from odoo.tools import config


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--holders", type=int, default=100)
    parser.add_argument("--card-base", default="0x10000000")
    parser.add_argument(
        "--cash", type=float, default=100000.0, help="opening cash per holder"
    )
    parser.add_argument("--secret", default="e2e-secret")
    parser.add_argument("--terminal", action="append", default=[])
    parser.add_argument("--offline-limit", type=float, default=50.0)
    run(populate, parser.parse_args())


def run(fill, args):
    """Open ``args.database`` as the superuser, ``fill(env, args)``, commit, and
    print what it returns as JSON (the tests read it from stdout)."""
    config.parse_config(
        ["-d", args.database, "--addons-path", args.addons_path, "--log-level", "warn"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(
            cr,
            odoo.SUPERUSER_ID,
            {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True},
        )
        out = fill(env, args)
        cr.commit()
    json.dump(out, sys.stdout)
    print()


def top_up(env, company, holders, prefix, amount):
    """``amount`` of cash for each of ``holders`` not topped up yet under ``prefix``:
    one set-based booking (onecard.ledger._book_many)."""
    env.cr.execute(
        "SELECT cardholder_id, id FROM onecard_wallet WHERE kind = 'cash' AND "
        "cardholder_id = ANY(%s)",
        [holders.ids],
    )
    cash = dict(env.cr.fetchall())
    env.cr.execute(
        "SELECT idempotency_key FROM onecard_operation WHERE idempotency_key LIKE %s",
        [prefix + "%"],
    )
    done = {row[0] for row in env.cr.fetchall()}
    env["onecard.ledger"]._book_many(
        "topup",
        company,
        [
            {
                "cardholder_id": h,
                "key": f"{prefix}{h}",
                "lines": [(cash[h], amount)],
            }
            for h in holders.ids
            if f"{prefix}{h}" not in done
        ],
    )


def populate(env, args):
    company = env.company
    if not company.partner_id.tz:
        company.partner_id.tz = "UTC"
    Period = env["onecard.meal.period"]
    period = Period.search([("code", "=", "E2E_ALL")]) or Period.create(
        {
            "name": "All day",
            "code": "E2E_ALL",
            "start_hour": 0.0,
            "end_hour": 24.0,
            "sequence": 0,
        }
    )
    Category = env["onecard.cardholder.category"]
    category = Category.search([("name", "=", "E2E staff")]) or Category.create(
        {
            "name": "E2E staff",
            "meals_per_period": 1000000,
            "credit_limit": 100.0,
            "meal_price_ids": [(0, 0, {"meal_period_id": period.id, "price": 7.0})],
        }
    )
    canteen = env["onecard.canteen"].search([("code", "=", "E2E")]) or env[
        "onecard.canteen"
    ].create({"name": "E2E Canteen", "code": "E2E"})
    base = int(args.card_base, 0)
    Holder = env["onecard.cardholder"]
    have = Holder.search_count([("code", "=like", "E2E%")])
    if have < args.holders:
        started = time.time()
        rows = [
            {
                "code": "E2E%06d" % i,
                "name": "Person %d" % i,
                "category": category.name,
                "card_uid": "%08X" % (base + i),
            }
            for i in range(args.holders)
        ]
        results = Holder.sync_employees(rows)
        errors = [r for r in results if r["status"] == "error"]
        if errors:
            raise SystemExit(f"sync_employees errors: {errors[:3]}")
        holders = Holder.search([("code", "=like", "E2E%")])
        if args.cash:  # --cash 0: the caller funds them (tests/chaos: through the desk)
            top_up(env, company, holders, "e2e-topup-", args.cash)
        print(
            "created %d holders in %.1fs" % (len(holders), time.time() - started),
            file=sys.stderr,
        )
    Terminal = env["onecard.terminal"].with_context(active_test=False)
    out = {}
    for spec in args.terminal:
        parts = spec.split(":")
        connection, mode, serial = parts[:3]
        port_url = parts[3] if len(parts) > 3 else False
        address = int(parts[4]) if len(parts) > 4 else 0
        vals = {
            "name": serial,
            "code": serial,
            "mode": mode,
            "canteen_id": canteen.id,
            "connection": connection,
            "serial_number": serial,
            "secret": args.secret,
            "port_url": port_url,
            "bus_address": address,
            "online_mode": True,
            "offline_limit": args.offline_limit,
            "active": True,
            "fixed_amount": 6.0 if mode in ("fixed", "count") else 0.0,
        }
        terminal = Terminal.search([("serial_number", "=", serial)])
        if terminal:
            terminal.write(vals)
        else:
            if mode == "key":
                vals["key_ids"] = [
                    (0, 0, {"key": 1, "name": "Rice", "amount": 3.0}),
                    (0, 0, {"key": 2, "name": "Noodles", "amount": 9.5}),
                ]
            terminal = Terminal.create(vals)
        env.cr.execute(
            "SELECT COALESCE(max(terminal_seq), 0) FROM onecard_operation WHERE "
            "terminal_id = %s",
            [terminal.id],
        )
        out[serial] = {"id": terminal.id, "max_seq": env.cr.fetchone()[0]}
    return out


if __name__ == "__main__":
    main()
