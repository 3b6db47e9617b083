"""What the general ledger already holds for each cash wallet, as of its last
settlement: the settled balance, and the part of it that is debt (on the employee
receivable) rather than credit (on the card cash liability).

A settlement moves only the change against this split (the rows it settles plus the
last split, never a recount of the wallet's history): a late postpaid record landing
in a later period reclassifies just what it changes. One row per wallet, written
only by the settlement in SQL, in a table of its own so that settling never
updates the wallet rows the swipes lock.
"""

from odoo import fields, models


class OnecardWalletSettled(models.Model):
    _name = "onecard.wallet.settled"
    _description = "Settled Wallet Split"
    _rec_name = "wallet_id"

    wallet_id = fields.Many2one(
        "onecard.wallet", required=True, readonly=True, ondelete="cascade"
    )
    cardholder_id = fields.Many2one(related="wallet_id.cardholder_id", store=True)
    company_id = fields.Many2one(related="wallet_id.company_id", store=True)
    currency_id = fields.Many2one(related="wallet_id.currency_id")
    balance = fields.Monetary(
        string="Settled Balance",
        readonly=True,
        help="Sum of the wallet's rows posted by settlements.",
    )
    debt = fields.Monetary(
        string="Settled Debt",
        readonly=True,
        help="What the employee receivable holds for the wallet.",
    )

    _sql_constraints = [
        ("wallet_uniq", "unique(wallet_id)", "One settled split per wallet.")
    ]
