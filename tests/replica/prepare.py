"""A little data for the replica suite, booked through the real engine.

Run with Odoo importable, against the suite's primary (PGHOST/PGPORT)::

    python3 tests/replica/prepare.py -d DB --addons-path=...

Reuses tests/e2e/populate.py (meal period, canteen, category, holders with
cards, an opening top-up in one set-based booking, a terminal), then swipes
each card a few times at the terminal (onecard.consumption.swipe, the one
entry point of every channel), tops the first card up at the desk and creates
an accountant (password = login) who reads the reports and a portal login
for the first holder. Prints JSON: the
cards, holders, terminal, cash method and the user.
"""

# print-used: a command-line tool: what it prints is its result
# pylint: disable=print-used

import argparse
import os
import sys
from datetime import datetime, timedelta

sys.path.insert(
    0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "e2e")
)
from populate import populate, run  # noqa: E402  (tests/e2e)

LOGIN = "oc_rep_reader"
PORTAL_LOGIN = "oc_rep_portal"
TERMINAL = "REP-AMT-1"
HOLDERS = 3
SWIPES = 4  # per card


def prepare(env, args):
    terminals = populate(env, args)
    terminal = env["onecard.terminal"].browse(terminals[TERMINAL]["id"])
    holders = env["onecard.cardholder"].search([("code", "=like", "E2E%")], order="id")
    cards = holders.card_ids.filtered(lambda c: c.state == "active").sorted("id")
    now = datetime.now().replace(microsecond=0)
    Consumption = env["onecard.consumption"]
    answers = []
    for n, card in enumerate(cards):
        for i in range(SWIPES):
            answers.append(
                Consumption.swipe(
                    terminal,
                    card.uid,
                    amount=3.5 + i,
                    terminal_seq=n * SWIPES + i + 1,
                    business_time=now - timedelta(hours=2 * i + n),
                )
            )
    refused = [a for a in answers if not a["approved"]]
    if refused:
        raise SystemExit(f"swipes refused: {refused[:3]}")
    cash = env.ref("onecard_consume.payment_method_cash")
    cards[0].topup(25.0, cash, key="rep-desk-1")
    user = env["res.users"].search([("login", "=", LOGIN)])
    if not user:
        user = env["res.users"].create(
            {
                "name": "Replica Reader",
                "login": LOGIN,
                "password": LOGIN,
                "tz": "UTC",
                "groups_id": [
                    (4, env.ref("base.group_user").id),
                    (4, env.ref("onecard_consume.group_onecard_accountant").id),
                    # the desk top-up of the suite's write
                    (4, env.ref("onecard_consume.group_onecard_operator").id),
                ],
            }
        )
    # a cardholder of the portal: the first holder's own login
    portal = env["res.users"].search([("login", "=", PORTAL_LOGIN)])
    if not portal:
        portal = env["res.users"].create(
            {
                "name": holders[0].name,
                "login": PORTAL_LOGIN,
                "password": PORTAL_LOGIN,
                "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
            }
        )
    holders[0].partner_id = portal.partner_id
    return {
        "cards": cards.ids,
        "holders": holders.ids,
        "terminal": terminal.id,
        "cash_method": cash.id,
        "company": env.company.id,
        "login": LOGIN,
        "portal_login": PORTAL_LOGIN,
        "swipes": len(answers),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    args = parser.parse_args()
    # what populate() reads: few holders, one amount terminal, an opening balance
    args.holders = HOLDERS
    args.card_base = "0x5E000000"
    args.cash = 100.0
    args.secret = "replica-secret"
    args.terminal = [f"http:amount:{TERMINAL}"]
    args.offline_limit = 50.0
    run(prepare, args)


if __name__ == "__main__":
    main()
