"""The desk operations' side of approval: ``_hold`` (does this operation need a
second person? then a pending request instead of a booking) and ``_book`` (the
engine books the approved request, re-checking card, account and balances now).
"""

from odoo import api, models
from odoo.exceptions import UserError

from .onecard_approval_request import MANAGER_GROUP
from .onecard_card import LIVE_STATES

# Card states each operation allows (as onecard.ledger checks them); a correction
# checks the consumption, not the card.
CARD_STATES = {
    "refund": LIVE_STATES,
    "return": (*LIVE_STATES, "expired"),
    "back_entry": (*LIVE_STATES, "expired"),
}


class OnecardApprovalRequest(models.Model):
    _inherit = "onecard.approval.request"

    @api.model
    def _payout(self, card):
        """What returning ``card`` pays out: its positive balance and its deposit
        (a debt is collected, subsidy cleared, never paid)."""
        wallet = card.cardholder_id._wallet(card._wallet_kind())
        return max(wallet.balance, 0.0) + (card.deposit or 0.0)

    @api.model
    def _hold(
        self,
        kind,
        holder,
        amount,
        reason=None,
        card=None,
        method=None,
        target=None,
        terminal=None,
        business_time=None,
        key=None,
    ):
        """Return the pending answer of a new request when the company wants
        approval for ``amount``, else None (the caller books at once).

        The caller has checked the user's access to the card / account. What can be
        refused now is refused now (state, amount, method), so a request that cannot
        be booked is never made; it is checked again at approval.
        """
        company = holder.company_id
        if not company._onecard_needs_approval(amount):
            return None
        if key:
            known = self.sudo().search(
                [("company_id", "=", company.id), ("idempotency_key", "=", key)]
            )
            if known:
                if (
                    known.kind != kind
                    or known.card_id != (card or known.card_id.browse())
                    or company.currency_id.compare_amounts(known.amount, amount or 0.0)
                ):
                    raise UserError(
                        self.env._("This idempotency key was used for another request.")
                    )
                return known._answer()
        labels = dict(self._fields["kind"]._description_selection(self.env))
        if not (reason or "").strip():
            raise UserError(
                self.env._(
                    "%(operation)s of %(amount)s needs a manager's approval: ask "
                    "for it at the desk, with a reason.",
                    operation=labels[kind],
                    amount=company.currency_id.format(amount or 0.0),
                )
            )
        ledger = self.env["onecard.ledger"]
        if kind in CARD_STATES:
            ledger._check_card(
                card, CARD_STATES[kind], payout=kind in ("refund", "return")
            )
        if kind in ("refund", "return"):
            ledger._method(method, company)
        if kind in ("refund", "back_entry"):
            amount = ledger._check_amount(amount)
        request = self.sudo().create(
            {
                "kind": kind,
                "company_id": company.id,
                "requester_id": self.env.uid,
                "reason": reason.strip(),
                "cardholder_id": holder.id,
                "card_id": (card or target.card_id).id if (card or target) else False,
                "card_state": kind in CARD_STATES and card.state,
                "amount": amount,
                "payment_method_id": method and method.id,
                "target_operation_id": target and target.id,
                "terminal_id": terminal and terminal.id,
                "business_time": business_time,
                "idempotency_key": key,
            }
        )
        request.with_user(self.env.uid).action_submit()
        return request._answer()

    def _answer(self):
        self.ensure_one()
        answer = {
            "approved": False,
            "code": "approval_" + self.state,
            "kind": self.kind,
            "amount": self.amount,
            "approval_request_id": self.id,
            "message": self.env._(
                "Sent for approval: %(name)s waits for a manager.", name=self.name
            ),
        }
        if self.operation_id:
            answer.update(approved=True, operation_id=self.operation_id.id)
        return answer

    def _sent_action(self):
        """What the desk shows the operator: the request is waiting."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._(
                    "Sent for approval: %(name)s (%(amount)s) waits for a manager. "
                    "Nothing is booked until it is approved.",
                    name=self.name,
                    amount=self.currency_id.format(self.amount or 0.0),
                ),
                "type": "warning",
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _book(self):
        """Book the approved request through the engine as the approver, with every
        check of the engine at this moment; return the engine's answer."""
        self.ensure_one()
        ledger = self.env["onecard.ledger"]
        card, key = self.card_id, self.idempotency_key
        if self.kind in CARD_STATES and card.state != self.card_state:
            states = dict(card._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Card %(card)s was %(then)s when %(name)s was asked for and is "
                    "%(now)s now: reject the request and ask again.",
                    card=card.number,
                    then=states.get(self.card_state, ""),
                    now=card._state_label(),
                    name=self.name,
                )
            )
        if self.kind == "refund":
            return ledger.refund(card, self.amount, self.payment_method_id, key=key)
        if self.kind == "return":
            payout = self._payout(card) if card.cardholder_id else 0.0
            if self.currency_id.compare_amounts(payout, self.amount):
                raise UserError(
                    self.env._(
                        "The card's balance changed since the request: returning it "
                        "would pay out %(now)s, not %(asked)s. Reject this request "
                        "and ask again.",
                        now=self.currency_id.format(payout),
                        asked=self.currency_id.format(self.amount),
                    )
                )
            return ledger.return_card(card, self.payment_method_id)
        if self.kind == "correction":
            return ledger.correct(self.target_operation_id, self.reason)
        # back-entry: the swipe engine finds the card by UID; a UID given to another
        # card since the request must not charge that one.
        ledger._check_card(card, CARD_STATES["back_entry"])
        found = self.env["onecard.card"]._find_by_uid(card.uid, self.company_id)
        if found != card:
            raise UserError(
                self.env._("Card %s is no longer the card with its UID.", card.number)
            )
        return card._book_back_entry(
            self.terminal_id, self.amount, self.business_time, self.reason
        )

    # ------------------------------------------------------------ notices
    def _managers(self):
        """Who can decide on this request: the company's OneCard managers but the
        requester (active internal users only)."""
        self.ensure_one()
        group = self.env.ref(MANAGER_GROUP)
        return group.sudo().users.filtered(
            lambda user: user.active
            and not user.share
            and self.company_id in user.company_ids
            and user != self.requester_id
            and user.id != 1  # OdooBot / __system__
        )

    def _notify_managers(self):
        for request in self:
            summary = self.env._("Approve or reject %s", request.name)
            for manager in request._managers()[:50]:  # bounded: a card office's size
                request.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=summary,
                    note=request.reason,
                    user_id=manager.id,
                )

    def _close_activities(self, feedback):
        self.sudo().activity_feedback(
            ["mail.mail_activity_data_todo"], feedback=feedback
        )
