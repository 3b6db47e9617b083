"""Operator desk: swipe (or type) a card UID, see the card and act on it.

A keyboard-wedge reader types the UID and Enter; Odoo's char field commits on
Enter, which runs the onchange and fills the desk. Every figure on the desk is
computed from ``card_uid`` at read time, so the desk shows fresh balances
after a wizard closes and the form reloads.
"""

from odoo import api, fields, models

from ..models.onecard_card import CARD_STATES, LIVE_STATES
from ..tools import normalize_uid

DESK_OPERATIONS = {
    # operation: card states that allow it (mirrors onecard.ledger's checks)
    "topup": LIVE_STATES,
    "refund": LIVE_STATES,
    "report_lost": ("active", "frozen"),
    "unlock": ("lost",),
    "freeze": ("active",),
    "unfreeze": ("frozen",),
    "replace": LIVE_STATES,
    "return": (*LIVE_STATES, "expired"),
    "transfer": LIVE_STATES,
    "correction": (*LIVE_STATES, "returned", "expired"),
    "back_entry": (*LIVE_STATES, "expired"),
}


class OnecardDesk(models.TransientModel):
    _name = "onecard.desk"
    _description = "Card Office Desk"

    card_uid = fields.Char(
        string="Card UID",
        help="Swipe the card on the desk reader, or type its UID and press Enter.",
    )
    card_id = fields.Many2one("onecard.card", string="Card", compute="_compute_card")
    message = fields.Char(compute="_compute_card")
    card_found = fields.Boolean(compute="_compute_card")
    card_number = fields.Char(related="card_id.number", string="Card Number")
    card_kind = fields.Selection(related="card_id.kind", string="Card Kind")
    card_state = fields.Selection(CARD_STATES, compute="_compute_card")
    card_expiry_date = fields.Date(related="card_id.expiry_date", string="Expiry Date")
    card_deposit = fields.Monetary(related="card_id.deposit", string="Deposit")
    cardholder_id = fields.Many2one(
        "onecard.cardholder", string="Cardholder", compute="_compute_card"
    )
    holder_name = fields.Char(related="cardholder_id.name", string="Holder")
    holder_code = fields.Char(related="cardholder_id.code", string="Code")
    holder_state = fields.Selection(
        related="cardholder_id.state", string="Account State"
    )
    department_id = fields.Many2one(
        related="cardholder_id.department_id", string="Department"
    )
    category_id = fields.Many2one(
        related="cardholder_id.category_id", string="Category"
    )
    refund_pending = fields.Boolean(related="cardholder_id.refund_pending")
    currency_id = fields.Many2one("res.currency", compute="_compute_card")
    cash_balance = fields.Monetary(related="cardholder_id.cash_balance", string="Cash")
    subsidy_balance = fields.Monetary(
        related="cardholder_id.subsidy_balance", string="Subsidy"
    )
    temporary_balance = fields.Monetary(
        related="cardholder_id.temporary_balance", string="Temporary"
    )
    operation_ids = fields.Many2many(
        "onecard.operation", string="Last Operations", compute="_compute_operation_ids"
    )
    can_issue = fields.Boolean(compute="_compute_card")

    @api.depends("card_uid")
    def _compute_card(self):
        Card = self.env["onecard.card"]
        for desk in self:
            # not "uid": _() would take a local of that name for a user id
            code = normalize_uid(desk.card_uid)
            card = Card._find_by_uid(code).sudo(False) if code else Card
            desk.card_id = card
            desk.card_found = bool(card)
            desk.card_state = card.state
            desk.cardholder_id = card.cardholder_id
            desk.currency_id = card.currency_id or self.env.company.currency_id
            desk.can_issue = bool(code) and (
                not card or card.state in ("returned", "expired")
            )
            if not desk.card_uid:
                desk.message = False
            elif not code:
                desk.message = self.env._(
                    "“%s” is not a card UID: 4 to 10 bytes in hexadecimal.",
                    desk.card_uid.strip(),
                )
            elif not card:
                desk.message = self.env._(
                    "Card %s is unknown: issue a new card to it.", code
                )
            elif card.state in ("returned", "expired"):
                desk.message = self.env._(
                    "Card %(uid)s is %(state)s: it may be issued again.",
                    uid=code,
                    state=card._state_label(),
                )
            else:
                desk.message = False

    @api.depends("card_uid")
    def _compute_display_name(self):
        for desk in self:
            desk.display_name = self.env._("Operator Desk")

    @api.depends("card_uid")
    def _compute_operation_ids(self):
        Operation = self.env["onecard.operation"]
        for desk in self:
            holder = desk.cardholder_id
            desk.operation_ids = (
                Operation.search([("cardholder_id", "=", holder.id)], limit=10)
                if holder
                else Operation
            )

    @api.onchange("card_uid")
    def _onchange_card_uid(self):
        """Normalise what the reader typed (04:a1:b2:c3 -> 04A1B2C3)."""
        uid = normalize_uid(self.card_uid)
        if uid and uid != self.card_uid:
            self.card_uid = uid

    def action_issue_card(self):
        self.ensure_one()
        return self.env["onecard.issue.wizard"]._open_action(
            {
                "default_uid": normalize_uid(self.card_uid) or False,
                "onecard_desk_id": self.id,
            }
        )

    def action_operation(self):
        """Open the operation wizard; the button passes ``onecard_operation`` in its
        context."""
        self.ensure_one()
        operation = self.env.context.get("onecard_operation")
        return self.env["onecard.card.operation.wizard"]._open_action(
            {
                "default_operation": operation,
                "default_card_id": self.card_id.id,
                "onecard_desk_id": self.id,
            }
        )

    def action_open_card(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "onecard.card",
            "res_id": self.card_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_open_cardholder(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "onecard.cardholder",
            "res_id": self.cardholder_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def _show(self, uid):
        """After a wizard: point the desk at ``uid`` and reload it (the wizard
        closes)."""
        self.ensure_one()
        self.card_uid = uid
        return {"type": "ir.actions.act_window_close"}
