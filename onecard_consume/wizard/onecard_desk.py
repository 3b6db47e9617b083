"""Operator desk: swipe (or type) a card UID, see the card and act on it.

A keyboard-wedge reader types the UID and Enter; Odoo's char field commits on
Enter, which runs the onchange and fills the desk (the desk's form controller,
static/src/js/onecard_desk_form.esm.js, keeps the UID field ready for the next
swipe). Every figure on the desk is computed from ``card_uid`` at read time, so
the desk shows fresh balances after a wizard closes and the form reloads.
"""

from odoo import api, fields, models
from odoo.tools.misc import format_amount

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
    card_kind = fields.Selection(related="card_id.kind", string="Card Kind")
    card_state = fields.Selection(CARD_STATES, compute="_compute_card")
    card_expiry_date = fields.Date(related="card_id.expiry_date", string="Expiry Date")
    card_deposit = fields.Monetary(related="card_id.deposit", string="Deposit")
    cardholder_id = fields.Many2one(
        "onecard.cardholder", string="Cardholder", compute="_compute_card"
    )
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
    last_operation_id = fields.Many2one(
        "onecard.operation",
        string="Last Operation",
        readonly=True,
        help="The operation just booked on this desk: its receipt can be printed.",
    )
    last_operation_kind = fields.Selection(related="last_operation_id.kind")

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
        """Normalise what the reader typed (04:a1:b2:c3 -> 04A1B2C3); a new card
        on the desk is not the one the last receipt was for."""
        uid = normalize_uid(self.card_uid)
        if uid and uid != self.card_uid:
            self.card_uid = uid
        self.last_operation_id = False

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

    def action_print_receipt(self):
        self.ensure_one()
        return self.last_operation_id.action_print_receipt()

    def _show(self, uid, label, operation=None):
        """After a wizard: point the desk at ``uid``, remember the operation booked
        (its receipt), and end as every operation does (``_done_action``)."""
        self.ensure_one()
        self.write({"card_uid": uid, "last_operation_id": operation and operation.id})
        return self._done_action(label, self.cardholder_id)

    @api.model
    def _done_action(self, label, holder):
        """Close the operation's dialog with a success notification that says the
        balances after it (the form under the dialog reloads)."""
        # The engine wrote the balances in SQL and dropped the wallets' cache, not
        # the holder's totals computed from them.
        holder.invalidate_recordset(
            ["cash_balance", "subsidy_balance", "temporary_balance"]
        )
        currency = holder.currency_id or self.env.company.currency_id
        values = {
            "operation": label,
            "holder": holder.name,
            "cash": format_amount(self.env, holder.cash_balance, currency),
            "subsidy": format_amount(self.env, holder.subsidy_balance, currency),
            "temporary": format_amount(self.env, holder.temporary_balance, currency),
        }
        if currency.is_zero(holder.temporary_balance):
            message = self.env._(
                "%(operation)s done for %(holder)s. Balance: cash %(cash)s, "
                "subsidy %(subsidy)s.",
                **values,
            )
        else:
            message = self.env._(
                "%(operation)s done for %(holder)s. Balance: cash %(cash)s, "
                "subsidy %(subsidy)s, temporary %(temporary)s.",
                **values,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
