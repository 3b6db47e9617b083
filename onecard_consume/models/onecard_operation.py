from odoo import api, fields, models
from odoo.exceptions import UserError

OPERATION_KINDS = [
    ("issue", "Card Issue"),
    ("topup", "Top-up"),
    ("consume", "Consumption"),
    ("back_entry", "Back-entry"),
    ("refund", "Refund"),
    ("return", "Card Return"),
    ("transfer", "Transfer"),
    ("deposit_in", "Deposit In"),
    ("deposit_out", "Deposit Out"),
    ("subsidy_grant", "Subsidy Grant"),
    ("subsidy_clear", "Subsidy Clear"),
    ("subsidy_expire", "Subsidy Expiry"),
    ("correction", "Correction"),
    ("payroll", "Payroll Deduction"),
]
# Money the desk took or paid out: the holder gets a receipt.
RECEIPT_KINDS = ("topup", "refund", "return")


class OnecardOperation(models.Model):
    """Header of one money request: what was asked, the answer, its ledger rows.

    Declined requests are kept too, so a replayed idempotency key or terminal
    sequence gets the first answer back, approved or not. Rows are inserted by
    onecard.ledger in SQL and never edited afterwards (but the reversal link).
    """

    _name = "onecard.operation"
    _description = "Card Operation"
    _order = "id desc"

    name = fields.Char(string="Reference", readonly=True)
    kind = fields.Selection(OPERATION_KINDS, required=True, readonly=True)
    state = fields.Selection(
        [("approved", "Approved"), ("declined", "Declined")],
        required=True,
        readonly=True,
    )
    reason_code = fields.Char(readonly=True)
    message = fields.Char(readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    cardholder_id = fields.Many2one(
        "onecard.cardholder", readonly=True, ondelete="restrict", index=True
    )
    card_id = fields.Many2one("onecard.card", readonly=True, ondelete="restrict")
    terminal_id = fields.Many2one(
        "onecard.terminal", readonly=True, ondelete="restrict"
    )
    meal_period_id = fields.Many2one(
        "onecard.meal.period", readonly=True, ondelete="restrict"
    )
    payment_method_id = fields.Many2one(
        "onecard.payment.method", readonly=True, ondelete="restrict"
    )
    amount = fields.Monetary(readonly=True)
    business_time = fields.Datetime(
        readonly=True, help="When it happened, by the terminal's clock."
    )
    offline = fields.Boolean(readonly=True)
    flagged = fields.Boolean(
        readonly=True,
        help="Booked although a rule would have refused it (offline record).",
    )
    idempotency_key = fields.Char(readonly=True)
    terminal_seq = fields.Integer(readonly=True)
    terminal_epoch = fields.Integer(
        string="Sequence Epoch",
        readonly=True,
        default=0,
        help="The terminal's sequence epoch: a new one starts after a legitimate "
        "counter reset.",
    )
    request_digest = fields.Char(
        readonly=True,
        help="Digest of the request (card, amount, key, time, ...): a request that "
        "comes back "
        "under the same key or sequence number is a replay only with the same digest.",
    )
    note = fields.Char(readonly=True)
    result = fields.Json(readonly=True, help="The answer given the first time.")
    reversal_of_id = fields.Many2one(
        "onecard.operation", readonly=True, ondelete="restrict"
    )
    # Partial index (only the corrected operations, a few in ten thousand): the
    # consumption report's "reversed" looks them up, and a swipe never writes it.
    reversed_by_id = fields.Many2one(
        "onecard.operation", readonly=True, ondelete="restrict", index="btree_not_null"
    )
    transaction_ids = fields.One2many(
        "onecard.transaction", "operation_id", string="Ledger Rows"
    )

    _sql_constraints = [
        (
            "key_uniq",
            "unique(company_id, idempotency_key)",
            "Idempotency keys are unique.",
        ),
        (
            "terminal_seq_uniq",
            "unique(terminal_id, terminal_epoch, terminal_seq)",
            "Terminal sequences are unique per terminal and sequence epoch.",
        ),
    ]

    # Append-only: the money engine writes operations in SQL (onecard.ledger); the
    # ORM's create/write refuse, on purpose without super(), and so does unlink, except
    # when the addon is uninstalled (its tables go with it).
    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        raise UserError(
            self.env._("Card operations are recorded only by the money engine.")
        )

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(
            self.env._("Card operations cannot be changed. Use a correction.")
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("Card operations cannot be deleted. Use a correction.")
        )

    def action_print_receipt(self):
        """The 80 mm receipt of a top-up, refund or card return (PDF)."""
        if not self or any(
            op.kind not in RECEIPT_KINDS or op.state != "approved" for op in self
        ):
            raise UserError(
                self.env._(
                    "Receipts are printed for approved top-ups, refunds and card "
                    "returns only."
                )
            )
        return self.env.ref(
            "onecard_consume.onecard_operation_receipt_report"
        ).report_action(self)

    def correct(self, reason):
        """Reverse this consumption with a reason: a new operation whose rows mirror
        its rows with the opposite sign; return the engine's answer.

        Operations are read-only to everyone (the engine writes them), so the right
        checked is the desk's: write access to the holder's account (operators).
        """
        self.ensure_one()
        self.cardholder_id.check_access("write")
        held = self.env["onecard.approval.request"]._hold(
            "correction", self.cardholder_id, self.amount, reason, target=self
        )
        return held or self.env["onecard.ledger"].correct(self, reason)
