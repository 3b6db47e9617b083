"""Settling under load (issue 20, item 3): the debt trail points at the wallet's
settled split instead of the wallet (onecard_settlement_debt.py). Its new key is
filled from the old one before the ORM makes it required; every trail row has its
split (a settlement writes the split before the trail)."""

from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not column_exists(cr, "onecard_settlement_debt", "wallet_id"):
        return  # already moved
    cr.execute(
        "ALTER TABLE onecard_settlement_debt ADD COLUMN IF NOT EXISTS settled_id int"
    )
    cr.execute(
        """
        UPDATE onecard_settlement_debt d SET settled_id = s.id
          FROM onecard_wallet_settled s
         WHERE s.wallet_id = d.wallet_id AND d.settled_id IS NULL
        """
    )
