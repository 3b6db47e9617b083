from odoo import fields, models


class OnecardReconciliationLine(models.TransientModel):
    _name = "onecard.reconciliation.line"
    _description = "Card Reconciliation Line"
    _order = "sequence, id"

    reconciliation_id = fields.Many2one(
        "onecard.reconciliation", required=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    section = fields.Selection(
        [
            ("account", "Liability Account"),
            ("manual", "Manual Entry"),
            ("terminal", "Terminal"),
        ],
        required=True,
    )
    name = fields.Char(required=True)
    currency_id = fields.Many2one(related="reconciliation_id.currency_id")
    ledger_amount = fields.Monetary(
        string="Ledger", help="Wallets: sum of the ledger up to the date."
    )
    unsettled_amount = fields.Monetary(
        string="Not Yet Posted", help="Ledger rows of the period not in the GL yet."
    )
    gl_amount = fields.Monetary(
        string="General Ledger", help="Balance of the account (credit shown positive)."
    )
    manual_amount = fields.Monetary(
        string="Manual Entries",
        help="GL entries on the account not made by a settlement: they are in the "
        "difference, each listed below.",
    )
    difference = fields.Monetary(
        help="Ledger - not yet posted - general ledger: zero when reconciled. A "
        "manual entry on a card account "
        "is a difference."
    )
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True)
    count = fields.Integer(string="Swipes")
