"""Operators and data for the desk channel of the fault run (after populate.py).

Run with Odoo importable, against the run's own PostgreSQL (PGHOST/PGPORT)::

    python3 tests/chaos/prepare.py -d DB --addons-path=... --login chaos_op

Creates (idempotently) an operator user (the lowest OneCard group that may top
up) and an accountant (subsidy batches, reports), password = login; tops
every active card up with an opening balance paid in cash; prints JSON:
{"cards": [card ids], "holders": [their holders], "cash_method": id, ...}.
"""

# print-used: a command-line tool: what it prints is its result
# invalid-commit: a script, not a model: it owns its transaction
# pylint: disable=print-used,invalid-commit

import argparse
import json

import odoo
from odoo.tools import config


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--login", default="chaos_op")
    parser.add_argument("--cards", type=int, default=40)
    parser.add_argument("--opening", type=float, default=500.0)
    args = parser.parse_args()
    config.parse_config(["--addons-path", args.addons_path, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        users = {}
        for login, name, group in (
            (args.login, "Chaos Operator", "group_onecard_operator"),
            ("chaos_acc", "Chaos Accountant", "group_onecard_accountant"),
        ):
            user = env["res.users"].search([("login", "=", login)])
            if not user:
                groups = [env.ref("base.group_user").id]
                groups.append(env.ref("onecard_consume." + group).id)
                user = env["res.users"].create(
                    {
                        "name": name,
                        "login": login,
                        "password": login,
                        "groups_id": [(6, 0, groups)],
                    }
                )
            users[login] = user
        cash = env.ref("onecard_consume.payment_method_cash")
        everyone = env["onecard.card"].search([("state", "=", "active")], order="id")
        # opening balances paid in cash at the desk (through the engine, with a
        # payment method: the settlement posts them to the cash journal)
        for card in everyone:
            card.topup(args.opening, cash, key=f"chaos-opening-{card.id}")
        cards = everyone[: args.cards]
        out = {
            "cards": cards.ids,
            "cash_method": cash.id,
            "company": env.company.id,
            "holders": cards.cardholder_id.ids,
            "user": users[args.login].id,
        }
        cr.commit()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
