"""What the general ledger already holds for each cash wallet, as of its last
settlement: the settled balance, and the part of it that is debt (on the employee
receivable) rather than credit (on the card cash liability).

A settlement moves only the change against this split (the rows it settles plus the
last split, never a recount of the wallet's history): a late postpaid record landing
in a later period reclassifies just what it changes. One row per wallet, written
only by the settlement in SQL, in a table of its own so that settling never
updates the wallet rows the swipes lock.

Each cash wallet gets its row (zero) when it is created, not at its first
settlement: a settlement then only updates these rows. Inserting one would check
its foreign keys by locking the wallet and cardholder rows, which the swipes update,
and under REPEATABLE READ a wallet swiped since the settlement began fails that
check with a serialization error.
"""

from odoo import api, fields, models
from odoo.tools import SQL

DEBT_WALLET_KINDS = ("cash", "temporary")  # the wallets on the card cash liability


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

    @api.model
    def _ensure_rows(self, wallet_ids=None):
        """Give the cash wallets (those of ``wallet_ids``, or all) their zero split
        where they have none."""
        if wallet_ids is not None and not wallet_ids:
            return
        only = SQL(" AND w.id = ANY(%s)", list(wallet_ids)) if wallet_ids else SQL()
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO onecard_wallet_settled
                   (wallet_id, cardholder_id, company_id, balance, debt,
                    create_uid, create_date, write_uid, write_date)
            SELECT w.id, w.cardholder_id, w.company_id, 0, 0,
                   %s, now() at time zone 'UTC', %s, now() at time zone 'UTC'
              FROM onecard_wallet w
             WHERE w.kind IN %s%s
            ON CONFLICT (wallet_id) DO NOTHING
        """,
                self.env.uid,
                self.env.uid,
                DEBT_WALLET_KINDS,
                only,
            )
        )
