"""Operators and data for the desk channel of the fault run (after populate.py).

Run with Odoo importable, against the run's own PostgreSQL (PGHOST/PGPORT)::

    python3 tests/chaos/prepare.py -d DB --addons-path=... --login chaos_op

Creates (idempotently) an operator user (the lowest OneCard group that may top
up) and an accountant (subsidy batches, reports), password = login; tops
every active card up with an opening balance paid in cash; creates the ZKTeco
PUSH terminals of zk.py already approved (fixed price, the canteen of the other
terminals); prints JSON: {"cards": [card ids], "holders": [their holders],
"cash_method": id, "pins": [holder codes: device PINs], ...}.
"""

# print-used: a command-line tool: what it prints is its result
# invalid-commit: a script, not a model: it owns its transaction
# pylint: disable=print-used,invalid-commit

import argparse
import json

from zk import ZK_PRICE, zk_serials  # this script's folder: tests/chaos

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
        approve_zk_devices(env)
        cards = everyone[: args.cards]
        out = {
            "cards": cards.ids,
            "cash_method": cash.id,
            "company": env.company.id,
            "holders": cards.cardholder_id.ids,
            "pins": everyone.cardholder_id.mapped("code"),
            "user": users[args.login].id,
        }
        cr.commit()
    print(json.dumps(out))


def approve_zk_devices(env):
    """The ZKTeco devices, approved before they first call (no pending state)."""
    canteen = env["onecard.canteen"].search([("code", "=", "E2E")], limit=1)
    Terminal = env["onecard.terminal"].with_context(active_test=False)
    for serial in zk_serials():
        vals = {
            "name": serial,
            "code": serial,
            "serial_number": serial,
            "canteen_id": canteen.id,
            "connection": "zk_push",
            "zk_state": "approved",
            "mode": "fixed",
            "fixed_amount": ZK_PRICE,
            "online_mode": False,
            "active": True,
        }
        terminal = Terminal.search([("serial_number", "=", serial)])
        if terminal:
            terminal.write(vals)
        else:
            Terminal.create(vals)


if __name__ == "__main__":
    main()
