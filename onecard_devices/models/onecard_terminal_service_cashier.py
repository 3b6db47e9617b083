"""Terminal service: cashier terminals (operator card login, top-up, refund) and
self-service kiosks (balance, subsidy collection, top-up paid outside)."""

import hashlib
import secrets

from odoo import fields, models

from odoo.addons.onecard_consume.models.onecard_ledger import IdempotencyConflict
from odoo.addons.onecard_consume.tools import check_pin

from ..lib.errors import TerminalError


# One handler group a file (onecard_terminal_service.py lists them): apart on purpose.
class OnecardTerminalService(models.AbstractModel):
    _inherit = "onecard.terminal.service"  # pylint: disable=consider-merging-classes-inherited

    def _msg_operator_login(self, terminal, payload):
        """An operator card logs its Odoo user in on a cashier terminal."""
        card = self._card(terminal, payload["uid"])
        user = card.user_id
        if (
            card.kind not in ("operator", "admin")
            or card.state != "active"
            or not user
            or not user.active
            or not user.has_group("onecard_consume.group_onecard_operator")
        ):
            raise TerminalError(
                "not_operator", self.env._("This card cannot log in an operator.")
            )
        pin_hash = card.cardholder_id.sudo().pin_hash
        if pin_hash and not check_pin(payload.get("pin") or "", pin_hash):
            raise TerminalError("not_operator", self.env._("Wrong PIN."))
        token = secrets.token_urlsafe(24)
        terminal.write(
            {
                "operator_user_id": user.id,
                "operator_session": hashlib.sha256(token.encode()).hexdigest(),
                "operator_since": fields.Datetime.now(),
            }
        )
        return {"session": token, "operator": user.name}

    def _operator(self, terminal, session):
        digest = hashlib.sha256(session.encode()).hexdigest()
        if (
            not terminal.operator_session
            or not terminal.operator_user_id
            or not secrets.compare_digest(digest, terminal.operator_session)
        ):
            raise TerminalError(
                "operator_required", self.env._("Log in with an operator card first.")
            )
        return terminal.operator_user_id

    def _msg_operator_logout(self, terminal, payload):
        self._operator(terminal, payload["session"])
        terminal.write(
            {
                "operator_user_id": False,
                "operator_session": False,
                "operator_since": False,
            }
        )
        return {"ok": True}

    def _method(self, code, default="cash"):
        method = self.env["onecard.payment.method"].search(
            [("code", "=", code or default)], limit=1
        )
        if not method:
            raise TerminalError(
                "invalid_value",
                self.env._(
                    "Unknown payment method %(method)s.", method=(code or default)[:32]
                ),
            )
        return method

    def _cashier(self, terminal, payload, operation):
        user = self._operator(terminal, payload["session"])
        card = self._card(terminal, payload["uid"])
        method = self._method(payload.get("method"))
        desk = card.with_user(user).sudo()
        key = "T{}:{}".format(terminal.id, payload["request_id"])
        result = getattr(desk, operation)(payload["amount"], method, key=key)
        self.env.cr.execute(
            "UPDATE onecard_operation SET terminal_id = %s WHERE id = %s AND "
            "terminal_id IS NULL",
            [terminal.id, result["operation_id"]],
        )
        return dict(
            result,
            holder=card.cardholder_id.name,
            operator=user.name,
            balances=self._balances(card.cardholder_id),
        )

    def _msg_cashier_topup(self, terminal, payload):
        return self._cashier(terminal, payload, "topup")

    def _msg_cashier_refund(self, terminal, payload):
        return self._cashier(terminal, payload, "refund")

    # ------------------------------------------------------------ kiosk
    def _balances(self, holder):
        holder.invalidate_recordset(["wallet_ids"])
        return {w.kind: w.balance for w in holder.wallet_ids}

    def _msg_kiosk_balance(self, terminal, payload):
        card = self._card(terminal, payload["uid"])
        holder = card.cardholder_id
        return {
            "holder": holder.name,
            "card_state": card.state,
            "balances": self._balances(holder),
            "subsidy_pending": holder.subsidy_pending,
        }

    def _msg_kiosk_collect(self, terminal, payload):
        """Collect pending subsidies (collection-mode batches) at a kiosk."""
        card = self._card(terminal, payload["uid"])
        if card.state != "active":
            raise TerminalError(
                "refused", self.env._("Card %(card)s is not active.", card=card.number)
            )
        holder = card.cardholder_id
        self.env.cr.execute(
            "SELECT subsidy_pending FROM onecard_cardholder WHERE id = %s FOR UPDATE",
            [holder.id],
        )
        pending = self.env.cr.fetchone()[0]
        collected = (
            self.env["onecard.subsidy.batch"]._collect(holder) if pending else 0.0
        )
        holder.invalidate_recordset(["subsidy_pending"])
        return {
            "holder": holder.name,
            "collected": collected,
            "balances": self._balances(holder),
        }

    def _msg_kiosk_topup(self, terminal, payload):
        """Top-up paid outside (WeChat/Alipay...); the payment reference is the
        idempotency key."""
        card = self._card(terminal, payload["uid"])
        method = self._method(payload["method"])
        key = "kiosk:{}:{}".format(method.code, payload["reference"])
        try:
            result = card.topup(
                payload["amount"], method, key=key, reference=payload["reference"]
            )
        except (
            IdempotencyConflict
        ) as exc:  # the same payment reference for another card or amount
            raise TerminalError(
                "reference_reused",
                self.env._("This payment reference was already used."),
            ) from exc
        if result.get("replay"):
            self.env.cr.execute(
                "SELECT card_id, amount FROM onecard_operation WHERE id = %s",
                [result.get("operation_id")],
            )
            row = self.env.cr.fetchone()
            if row and (
                row[0] != card.id
                or terminal.currency_id.compare_amounts(
                    float(row[1]), payload["amount"]
                )
            ):
                raise TerminalError(
                    "reference_reused",
                    self.env._("This payment reference was already used."),
                )
        else:
            self.env.cr.execute(
                "UPDATE onecard_operation SET terminal_id = %s WHERE id = %s",
                [terminal.id, result["operation_id"]],
            )
        return dict(
            result,
            holder=card.cardholder_id.name,
            balances=self._balances(card.cardholder_id),
        )
