"""Settling under load (issue 20, item 3): every cash wallet gets its settled split
row now (onecard_wallet_settled.py), and the debt trail's old keys to the wallet and
the cardholder go (a catalogue change: the rows are not rewritten)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    api.Environment(cr, SUPERUSER_ID, {})["onecard.wallet.settled"]._ensure_rows()
    cr.execute(
        "ALTER TABLE onecard_settlement_debt DROP COLUMN IF EXISTS wallet_id, "
        "DROP COLUMN IF EXISTS cardholder_id"
    )
