from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import normalize_uid

OPERATIONS = [
    ("topup", "Top Up"),
    ("refund", "Refund"),
    ("report_lost", "Report Lost"),
    ("unlock", "Unlock"),
    ("freeze", "Freeze"),
    ("unfreeze", "Unfreeze"),
    ("replace", "Replace Card"),
    ("return", "Return Card"),
    ("transfer", "Transfer"),
    ("correction", "Correction"),
    ("back_entry", "Back-entry"),
]
# Operations on the account rather than on one card.
HOLDER_OPERATIONS = ("transfer", "correction")


class OnecardCardOperationWizard(models.TransientModel):
    """One desk operation on a card: the card's (or the holder's, the operation's)
    business method, which books through onecard.ledger (the swipe engine for
    back-entries)."""

    _name = "onecard.card.operation.wizard"
    _description = "Card Operation"

    operation = fields.Selection(OPERATIONS, required=True, default="topup")
    card_id = fields.Many2one("onecard.card", string="Card")
    cardholder_id = fields.Many2one(
        "onecard.cardholder",
        string="Cardholder",
        compute="_compute_cardholder_id",
        store=True,
        readonly=False,
    )
    card_state = fields.Selection(related="card_id.state", string="Card State")
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    cash_balance = fields.Monetary(related="cardholder_id.cash_balance", string="Cash")
    temporary_balance = fields.Monetary(
        related="cardholder_id.temporary_balance", string="Temporary"
    )
    amount = fields.Monetary()
    payment_method_id = fields.Many2one(
        "onecard.payment.method", string="Payment Method"
    )
    reference = fields.Char(help="Receipt or payment reference of the top-up.")
    reason = fields.Char()
    direction = fields.Selection(
        [
            ("to_temporary", "Official → Temporary"),
            ("to_official", "Temporary → Official"),
        ],
        default="to_temporary",
        required=True,
    )
    new_uid = fields.Char(
        string="New Card UID", help="Swipe the new card, or type its UID."
    )
    new_number = fields.Char(
        string="New Card Number", help="Leave empty to number the card automatically."
    )
    operation_id = fields.Many2one(
        "onecard.operation",
        string="Consumption to Correct",
        domain="[('cardholder_id', '=', cardholder_id), ('kind', 'in', ('consume', "
        "'back_entry')),"
        " ('state', '=', 'approved'), ('reversed_by_id', '=', False)]",
    )
    terminal_id = fields.Many2one("onecard.terminal", string="Terminal")
    business_time = fields.Datetime(
        default=fields.Datetime.now, help="When the meal was eaten."
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "payment_method_id" in fields_list and not values.get("payment_method_id"):
            values["payment_method_id"] = (
                self.env["onecard.payment.method"].search([], limit=1).id
            )
        return values

    @api.depends("card_id")
    def _compute_cardholder_id(self):
        for wizard in self:
            if wizard.card_id:
                wizard.cardholder_id = wizard.card_id.cardholder_id

    @api.onchange("new_uid")
    def _onchange_new_uid(self):
        uid = normalize_uid(self.new_uid)
        if uid and uid != self.new_uid:
            self.new_uid = uid

    @api.model
    def _open_action(self, context):
        labels = dict(self._fields["operation"]._description_selection(self.env))
        return {
            "type": "ir.actions.act_window",
            "name": labels.get(
                context.get("default_operation"), self.env._("Card Operation")
            ),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": context,
        }

    def action_confirm(self):
        self.ensure_one()
        if self.operation not in HOLDER_OPERATIONS and not self.card_id:
            raise UserError(self.env._("Choose the card."))
        if not self.cardholder_id:
            raise UserError(self.env._("Choose the cardholder."))
        done = getattr(self, f"_do_{self.operation}")() or {}
        if done.get("approval_request_id"):  # nothing booked: a manager decides
            return (
                self.env["onecard.approval.request"]
                .browse(done["approval_request_id"])
                ._sent_action()
            )
        label = dict(self._fields["operation"]._description_selection(self.env))[
            self.operation
        ]
        Desk = self.env["onecard.desk"]
        desk = Desk.browse(self.env.context.get("onecard_desk_id")).exists()
        if desk:
            operation = self.env["onecard.operation"].browse(done.get("operation_id"))
            return desk._show(
                done.get("uid") or self.card_id.uid or desk.card_uid, label, operation
            )
        return Desk._done_action(label, self.cardholder_id)

    # One method per operation; each returns None or a dict: "uid", the card the
    # desk shows next; "operation_id", the operation booked (the engine's answer).
    def _do_topup(self):
        return self.card_id.topup(
            self.amount, self.payment_method_id, reference=self.reference
        )

    def _do_refund(self):
        return self.card_id.refund(
            self.amount, self.payment_method_id, reason=self.reason
        )

    def _do_report_lost(self):
        self.card_id.report_lost()

    def _do_unlock(self):
        self.card_id.unlock()

    def _do_freeze(self):
        self.card_id.freeze(self.reason or None)

    def _do_unfreeze(self):
        self.card_id.unfreeze()

    def _do_replace(self):
        if not normalize_uid(self.new_uid):
            raise UserError(
                self.env._(
                    "“%s” is not a card UID: 4 to 10 bytes in hexadecimal.",
                    self.new_uid or "",
                )
            )
        new = self.card_id.replace(self.new_uid, number=self.new_number or None)
        return {"uid": new.uid}

    def _do_return(self):
        return self.card_id.return_card(self.payment_method_id, reason=self.reason)

    def _do_transfer(self):
        self.cardholder_id.transfer(
            self.amount, to_temporary=self.direction == "to_temporary"
        )

    def _do_correction(self):
        if not self.operation_id:
            raise UserError(self.env._("Choose the consumption to correct."))
        if self.operation_id.cardholder_id != self.cardholder_id:
            raise UserError(
                self.env._("This consumption belongs to another cardholder.")
            )
        return self.operation_id.correct(self.reason)

    def _do_back_entry(self):
        if not self.terminal_id:
            raise UserError(self.env._("Choose the terminal where the meal was eaten."))
        if not self.reason:
            raise UserError(self.env._("A back-entry needs a reason."))
        if not self.amount or self.amount <= 0:
            raise UserError(self.env._("The amount must be a positive number."))
        self.card_id.check_access("write")
        held = self.env["onecard.approval.request"]._hold(
            "back_entry",
            self.cardholder_id,
            self.amount,
            self.reason,
            self.card_id,
            terminal=self.terminal_id,
            business_time=self.business_time,
        )
        if held:
            return held
        self.card_id._book_back_entry(
            self.terminal_id, self.amount, self.business_time, self.reason
        )
