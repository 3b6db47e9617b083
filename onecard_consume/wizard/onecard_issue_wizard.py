from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import normalize_uid


class OnecardIssueWizard(models.TransientModel):
    """Open an account (or pick one) and issue a card, deposit and opening top-up
    included."""

    _name = "onecard.issue.wizard"
    _description = "Issue a Card"

    holder_mode = fields.Selection(
        [("new", "New cardholder"), ("existing", "Existing cardholder")],
        string="Account",
        default="new",
        required=True,
    )
    cardholder_id = fields.Many2one("onecard.cardholder", string="Cardholder")
    name = fields.Char(string="Holder Name")
    code = fields.Char(help="Employee number, unique per company.")
    department_id = fields.Many2one("hr.department", string="Department")
    category_id = fields.Many2one("onecard.cardholder.category", string="Category")
    uid = fields.Char(
        string="Card UID", help="Swipe the card on the desk reader, or type its UID."
    )
    kind = fields.Selection(
        [
            ("official", "Official"),
            ("temporary", "Temporary"),
            ("admin", "Admin"),
            ("operator", "Operator"),
        ],
        string="Card Kind",
        default="official",
        required=True,
    )
    number = fields.Char(
        string="Card Number", help="Leave empty to number the card automatically."
    )
    expiry_date = fields.Date()
    user_id = fields.Many2one(
        "res.users",
        string="Odoo User",
        help="Admin and operator cards log this user in.",
    )
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    deposit = fields.Monetary()
    topup = fields.Monetary(string="Opening Top-up")
    payment_method_id = fields.Many2one(
        "onecard.payment.method", string="Payment Method"
    )

    @api.onchange("uid")
    def _onchange_uid(self):
        uid = normalize_uid(self.uid)
        if uid and uid != self.uid:
            self.uid = uid

    @api.onchange("cardholder_id")
    def _onchange_cardholder_id(self):
        if self.cardholder_id:
            self.holder_mode = "existing"

    @api.onchange("code")
    def _onchange_code(self):
        """An employee's account already exists (HR feeds the cardholders): a code
        typed for a "new" holder that is already taken picks that account instead
        of failing on save."""
        code = (self.code or "").strip()
        if self.holder_mode != "new" or not code:
            return
        holder = self.env["onecard.cardholder"].search(
            [("code", "=", code), ("company_id", "=", self.env.company.id)], limit=1
        )
        if holder:
            self.cardholder_id = holder
            self.holder_mode = "existing"

    @api.model
    def _open_action(self, context):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Issue a Card"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": context,
        }

    def _get_holder(self):
        if self.holder_mode == "existing":
            if not self.cardholder_id:
                raise UserError(self.env._("Choose the cardholder."))
            return self.cardholder_id
        if not (self.name and self.code):
            raise UserError(self.env._("A new cardholder needs a name and a code."))
        return self.env["onecard.cardholder"].create(
            {
                "name": self.name.strip(),
                "code": self.code.strip(),
                "department_id": self.department_id.id,
                "category_id": self.category_id.id,
            }
        )

    def action_confirm(self):
        self.ensure_one()
        if not normalize_uid(self.uid):
            raise UserError(
                self.env._(
                    "“%s” is not a card UID: 4 to 10 bytes in hexadecimal.",
                    self.uid or "",
                )
            )
        holder = self._get_holder()
        card = holder.issue_card(
            self.uid,
            kind=self.kind,
            deposit=self.deposit,
            topup=self.topup,
            method=self.payment_method_id,
            number=self.number or None,
            expiry_date=self.expiry_date,
            user=self.user_id,
        )
        desk = (
            self.env["onecard.desk"]
            .browse(self.env.context.get("onecard_desk_id"))
            .exists()
        )
        if desk:
            return desk._show(card.uid, self.env._("Card issue"))
        return {
            "type": "ir.actions.act_window",
            "res_model": "onecard.card",
            "res_id": card.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
