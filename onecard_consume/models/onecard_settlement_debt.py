"""One wallet's debt reclassification in one settlement (the trail, and what a
reversal of the settlement takes back).

It points at the wallet's settled split, not at the wallet: the settlement has just
updated that split row itself, so the foreign key's check locks a row it holds. A
key to the wallet (or the cardholder) would lock a row the swipes update, and under
REPEATABLE READ a wallet swiped after the settlement began fails that check with a
serialization error: the settlement would fail at every lunch rush.
"""

from odoo import fields, models


class OnecardSettlementDebt(models.Model):
    _name = "onecard.settlement.debt"
    _description = "Settlement Debt Reclassification"
    _order = "settlement_id desc, id"

    settlement_id = fields.Many2one(
        "onecard.settlement", required=True, ondelete="cascade", index=True
    )
    settled_id = fields.Many2one(
        "onecard.wallet.settled",
        string="Settled Split",
        required=True,
        ondelete="restrict",
        index=True,
    )
    wallet_id = fields.Many2one(related="settled_id.wallet_id")
    cardholder_id = fields.Many2one(related="settled_id.cardholder_id")
    partner_id = fields.Many2one("res.partner", string="Debtor", required=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    rows_amount = fields.Monetary(
        string="Settled Rows", help="Sum of the wallet's rows in this settlement."
    )
    balance_after = fields.Monetary(string="Settled Balance")
    debt_before = fields.Monetary()
    debt_after = fields.Monetary()
    amount = fields.Monetary(
        string="Reclassified",
        help="Positive: moved from the card cash liability to the employee "
        "receivable; negative: repaid, moved back.",
    )
