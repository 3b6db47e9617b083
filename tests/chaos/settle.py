"""Settle today and reconcile: GL against sub-ledger (the fault run's last check).

Run with Odoo importable, against the run's PostgreSQL (PGHOST/PGPORT)::

    python3 tests/chaos/settle.py -d DB --addons-path=...

Settles the company's day (``onecard.settlement.settle``: one balanced move of
every unsettled ledger row up to the end of today), then computes the
reconciliation of today. Prints JSON: the move's debit total, whether it is
balanced, the reconciliation's account lines and their differences.
"""

# print-used: a command-line tool: what it prints is its result
# invalid-commit: a script, not a model: it owns its transaction
# pylint: disable=print-used,invalid-commit

import argparse
import json

import odoo
from odoo import fields
from odoo.tools import config


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    args = parser.parse_args()
    config.parse_config(["--addons-path", args.addons_path, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.company
        today = fields.Date.context_today(env["onecard.settlement"])
        settlement = env["onecard.settlement"].settle(company, "day", today)
        move = settlement.move_id
        env.cr.execute(
            "SELECT count(*) FROM onecard_transaction t WHERE NOT EXISTS "
            "(SELECT 1 FROM onecard_transaction_settled c WHERE c.id = t.id)"
        )
        unsettled = env.cr.fetchone()[0]
        rec = env["onecard.reconciliation"].create(
            {"company_id": company.id, "date": today}
        )
        rec.action_compute()
        out = {
            "settlement": settlement.id,
            "move": move.id,
            "move_state": move.state,
            "debit": round(sum(move.line_ids.mapped("debit")), 2),
            "credit": round(sum(move.line_ids.mapped("credit")), 2),
            "unsettled_rows": unsettled,
            "balanced": rec.balanced,
            "accounts": [
                {
                    "name": line.name,
                    "ledger": line.ledger_amount,
                    "gl": line.gl_amount,
                    "difference": line.difference,
                }
                for line in rec.line_ids
                if line.section == "account"
            ],
        }
        cr.commit()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
