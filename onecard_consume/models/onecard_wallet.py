from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import chain_hash
from ..tools.chain import GENESIS

WALLET_KIND_SELECTION = [
    ("cash", "Cash"),
    ("subsidy", "Subsidy"),
    ("temporary", "Temporary Card"),
    ("deposit", "Deposit"),
]


class OnecardWallet(models.Model):
    """A purse of a cardholder. Its balance is written only by onecard.ledger (SQL)."""

    _name = "onecard.wallet"
    _description = "Card Wallet"
    _order = "cardholder_id, kind"
    _rec_names_search = ["cardholder_id"]

    cardholder_id = fields.Many2one(
        "onecard.cardholder", required=True, ondelete="restrict", index=True
    )
    kind = fields.Selection(WALLET_KIND_SELECTION, required=True)
    company_id = fields.Many2one("res.company", required=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    balance = fields.Monetary(readonly=True, default=0.0)
    chain_head = fields.Char(
        readonly=True,
        default=GENESIS,
        help="Hash of the last ledger row of this wallet.",
    )
    transaction_ids = fields.One2many(
        "onecard.transaction", "wallet_id", string="Ledger"
    )

    _sql_constraints = [
        (
            "holder_kind_uniq",
            "unique(cardholder_id, kind)",
            "One wallet of each kind per cardholder.",
        )
    ]

    @api.model_create_multi
    def create(self, vals_list):
        wallets = super().create(vals_list)
        # its settled split from the start (onecard_wallet_settled.py)
        self.env["onecard.wallet.settled"].sudo()._ensure_rows(wallets.ids)
        return wallets

    def _compute_display_name(self):
        kinds = dict(WALLET_KIND_SELECTION)
        for wallet in self:
            wallet.display_name = (
                f"{wallet.cardholder_id.name} / {self.env._(kinds[wallet.kind])}"
            )

    def write(self, vals):
        if {"balance", "chain_head", "cardholder_id", "kind"} & set(vals):
            raise UserError(
                self.env._("Wallet balances change only through card operations.")
            )
        return super().write(vals)

    # A wallet carries its ledger's hash chain: never deleted, except when the addon is
    # uninstalled (its tables go with it).
    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("Wallets cannot be deleted; close the account instead.")
        )

    def _verify_chain(self):
        """Return a list of problems: rows whose hash or link is wrong, sum mismatches.

        Walks each wallet's rows in order; the first row whose recomputed hash
        differs is the tampered one (or the first after a deleted row).
        """
        self.env["onecard.transaction"].flush_model()
        self.flush_recordset()
        problems = []
        for wallet in self:
            self.env.cr.execute(
                """
                SELECT id, prev_hash, hash, idempotency_key, amount, balance_after,
                business_time
                  FROM onecard_transaction WHERE wallet_id = %s ORDER BY id
            """,
                [wallet.id],
            )
            prev, total = GENESIS, 0.0
            for (
                row_id,
                prev_hash,
                row_hash,
                key,
                amount,
                balance_after,
                when,
            ) in self.env.cr.fetchall():
                total += float(amount)
                expected = chain_hash(
                    prev, wallet.id, key, float(amount), float(balance_after), when
                )
                if (
                    prev_hash != prev
                    or row_hash != expected
                    or abs(total - float(balance_after)) > 0.001
                ):
                    problems.append({"wallet_id": wallet.id, "transaction_id": row_id})
                    break
                prev = row_hash
            else:
                self.env.cr.execute(
                    "SELECT balance, chain_head FROM onecard_wallet WHERE id = %s",
                    [wallet.id],
                )
                balance, head = self.env.cr.fetchone()
                if head != prev or wallet.currency_id.compare_amounts(
                    float(balance), total
                ):
                    problems.append({"wallet_id": wallet.id, "transaction_id": False})
        return problems

    def action_verify_chain(self):
        problems = self._verify_chain()
        if not problems:
            message, kind = (
                self.env._(
                    "%s wallet(s) verified: every ledger row is intact.", len(self)
                ),
                "success",
            )
        else:
            rows = ", ".join(
                self.env._(
                    "wallet %(w)s row %(r)s",
                    w=p["wallet_id"],
                    r=p["transaction_id"] or self.env._("(head/balance)"),
                )
                for p in problems
            )
            message, kind = self.env._("Tampering detected: %s", rows), "danger"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": bool(problems)},
        }
