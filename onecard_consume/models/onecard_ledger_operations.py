"""The engine's desk operations: issue, top-up, refund, transfer, lost / found /
frozen, replacement, return, correction.

Each checks the card's state, the account and the amount, then books through the
core (``_simple`` -> ``_book``, onecard_ledger.py); none writes a balance itself.

Callers use the records' business methods instead (``onecard.card.topup``,
``.refund``, ``.replace`` ..., ``onecard.cardholder.issue_card`` / ``.transfer``,
``onecard.operation.correct``): they ensure one record, check the user's access and
call these. Access is checked there and not here because the engine trusts its
caller (it writes in SQL, and card states as superuser). These keep their public
names as the engine's API, the one implementation behind those methods: they take
records, never ids, so they are no RPC door, and the engine's own tests drive them
without a user's rights in between.
"""

import hashlib

from odoo import api, models
from odoo.exceptions import UserError

from .onecard_card import LIVE_STATES


def desk_digest(
    kind, holder_id, lines, card_id=None, method_id=None, amount=None, **extra
):
    """Digest of a desk operation (what makes a keyed request that request): see
    ``_simple``."""
    parts = [
        "1",
        kind,
        holder_id,
        card_id or "",
        method_id or "",
        "" if amount is None else repr(float(amount)),
    ]
    for line in lines:
        wallet_id = line.get("wallet_id") or (
            line["wallet"].id if line.get("wallet") else ""
        )
        parts += [
            wallet_id,
            "drain" if line.get("drain") else repr(float(line.get("amount") or 0.0)),
        ]
    parts += [
        f"{name}={extra[name]}"
        for name in sorted(extra)
        if extra[name] not in (None, False)
    ]
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


class OnecardLedger(models.AbstractModel):
    _inherit = "onecard.ledger"

    def _check_amount(self, amount):
        if (
            not isinstance(amount, int | float)
            or amount != amount
            or amount <= 0
            or amount == float("inf")
        ):
            raise UserError(self.env._("The amount must be a positive number."))
        currency = self.env.company.currency_id
        # Not compare_amounts(): it rounds both sides, so 10.001 would pass as 10.00.
        if abs(currency.round(amount) - amount) > currency.rounding * 1e-6:
            raise UserError(
                self.env._("The amount has more decimals than the currency allows.")
            )
        return currency.round(amount)

    def _check_card(self, card, allowed=("active",), payout=False):
        if not card:
            raise UserError(self.env._("Unknown card."))
        card.ensure_one()
        if card.state not in allowed:
            raise UserError(
                self.env._(
                    "Card %(card)s is %(state)s: this operation is not possible.",
                    card=card.number,
                    state=card._state_label(),
                )
            )
        card.cardholder_id._check_usable(payout=payout)

    def _simple(
        self,
        kind,
        holder,
        lines,
        card=None,
        method=None,
        amount=None,
        key=None,
        note=None,
        **extra,
    ):
        """Book a desk operation and return its answer dict.

        With a key: the same key again with the same request (kind, holder,
        card, method, amount, wallets and amounts, note) is a replay of the first
        answer; with anything else an IdempotencyConflict (nothing booked).
        """
        digest = None
        if key:
            digest = desk_digest(
                kind,
                holder.id,
                lines,
                card_id=card and card.id,
                method_id=method and method.id,
                amount=amount,
                note=note,
                **extra,
            )
            replay = self._replay(holder.company_id.id, key, digest=digest)
            if replay:
                return replay
        # department (and a subsidy's analytic account) are looked up by _book unless
        # given in extra
        header = dict(
            kind=kind,
            state="approved",
            company_id=holder.company_id.id,
            cardholder_id=holder.id,
            card_id=card and card.id,
            payment_method_id=method and method.id,
            amount=amount,
            idempotency_key=key,
            note=note,
            request_digest=digest,
            **extra,
        )
        op_id, _balances = self._book(
            header,
            lines,
            answer=lambda balances: {
                "approved": True,
                "code": "ok",
                "kind": kind,
                "amount": header["amount"],
                "balances": balances,
            },
        )
        return dict(header["result"], operation_id=op_id)

    def _method(self, method, company):
        if not method:
            raise UserError(self.env._("Choose a payment method."))
        method._journal_for(
            company
        )  # refused before anything is booked, not at settlement
        return method

    @api.model
    def issue_card(
        self,
        holder,
        uid,
        kind="official",
        deposit=0.0,
        topup=0.0,
        method=None,
        number=None,
        expiry_date=None,
        user=None,
        business_time=None,
    ):
        """Issue a card to a holder, taking a deposit and an opening top-up.
        business_time: when the money changed hands, for a caller recording the past
        (the demo's week); the desk books now. The rows keep the real server time."""
        holder._check_usable()
        if any(
            isinstance(value, int | float) and value < 0 for value in (deposit, topup)
        ):
            raise UserError(
                self.env._("Deposit and opening top-up cannot be negative.")
            )
        # Validate both amounts before the card exists: nothing is written on bad input.
        deposit = self._check_amount(deposit) if deposit else 0.0
        topup = self._check_amount(topup) if topup else 0.0
        if (deposit or topup) and not method:
            raise UserError(
                self.env._("Choose a payment method for the deposit and the top-up.")
            )
        if deposit or topup:
            self._method(method, holder.company_id)
        card = self.env["onecard.card"].create(
            {
                "cardholder_id": holder.id,
                "uid": uid,
                "kind": kind,
                "number": number or "/",
                "expiry_date": expiry_date,
                "user_id": user and user.id,
                "deposit": deposit,
            }
        )
        if deposit:
            self._simple(
                "deposit_in",
                holder,
                [{"wallet": holder._wallet("deposit"), "amount": deposit}],
                card=card,
                method=method,
                amount=deposit,
                business_time=business_time,
            )
        if topup:
            self.topup(card, topup, method, business_time=business_time)
        return card

    @api.model
    def topup(self, card, amount, method, key=None, reference=None, business_time=None):
        """Top up the card's account; business_time: see issue_card."""
        self._check_card(card, LIVE_STATES)
        amount = self._check_amount(amount)
        holder = card.cardholder_id
        wallet = holder._wallet(card._wallet_kind())
        return self._simple(
            "topup",
            holder,
            [{"wallet": wallet, "amount": amount}],
            card=card,
            method=self._method(method, holder.company_id),
            amount=amount,
            key=key,
            note=reference,
            business_time=business_time,
        )

    @api.model
    def refund(self, card, amount, method, key=None, business_time=None):
        """Pay part of the balance back; never below zero. business_time: see
        issue_card."""
        self._check_card(card, LIVE_STATES, payout=True)
        amount = self._check_amount(amount)
        wallet = card.cardholder_id._wallet(card._wallet_kind())
        return self._simple(
            "refund",
            card.cardholder_id,
            [{"wallet": wallet, "amount": -amount, "floor": 0.0}],
            card=card,
            method=self._method(method, card.company_id),
            amount=amount,
            key=key,
            business_time=business_time,
        )

    @api.model
    def transfer(self, holder, amount, to_temporary=True, key=None):
        """Move money between the official (cash) and temporary accounts."""
        holder._check_usable()
        amount = self._check_amount(amount)
        source, target = holder._wallet("cash"), holder._wallet("temporary")
        if not to_temporary:
            source, target = target, source
        return self._simple(
            "transfer",
            holder,
            [
                {"wallet": source, "amount": -amount, "floor": 0.0},
                {"wallet": target, "amount": amount},
            ],
            amount=amount,
            key=key,
        )

    @api.model
    def report_lost(self, card):
        self._check_card(card, ("active", "frozen"))
        card._set_state("lost", self.env._("Reported lost"))

    @api.model
    def unlock(self, card):
        self._check_card(card, ("lost",))
        if card.replaced_by_id:
            raise UserError(
                self.env._(
                    "Card %(card)s was replaced by card %(new)s: it stays blocked.",
                    card=card.number,
                    new=card.replaced_by_id.number,
                )
            )
        card._set_state("active", self.env._("Found and unlocked"))

    @api.model
    def freeze(self, card, reason=None):
        self._check_card(card, ("active",))
        card._set_state("frozen", reason or self.env._("Frozen"))

    @api.model
    def unfreeze(self, card):
        self._check_card(card, ("frozen",))
        card._set_state("active", self.env._("Unfrozen"))

    @api.model
    def replace_card(self, card, new_uid, number=None):
        """Issue a new card to the same holder; the old one stays blocked (lost).

        Wallets belong to the holder, so the balance follows by itself; the
        deposit moves to the new card without money changing hands.
        """
        self._check_card(card, LIVE_STATES)
        new = self.env["onecard.card"].create(
            {
                "cardholder_id": card.cardholder_id.id,
                "uid": new_uid,
                "kind": card.kind,
                "number": number or "/",
                "expiry_date": card.expiry_date,
                "user_id": card.user_id.id,
                "deposit": card.deposit,
            }
        )
        if card.state != "lost":
            card._set_state("lost", self.env._("Replaced by card %s", new.number))
        card.sudo().write({"deposit": 0.0, "replaced_by_id": new.id})
        return new

    @api.model
    def return_card(self, card, method):
        """Take a card back: pay out its balance and deposit, close it.

        A negative balance (postpaid debt) is collected instead of paid. When
        the holder's last live card goes, unspent subsidy is cleared: subsidy
        is the company's money, never paid out in cash.
        """
        self._check_card(card, (*LIVE_STATES, "expired"), payout=True)
        method = self._method(method, card.company_id)
        holder = card.cardholder_id
        wallet = holder._wallet(card._wallet_kind())
        lines = [{"wallet": wallet, "drain": True, "amount": 0.0}]
        if card.deposit:
            lines.append(
                {
                    "wallet": holder._wallet("deposit"),
                    "amount": -card.deposit,
                    "floor": 0.0,
                }
            )
        others = holder.card_ids.filtered(
            lambda c: c != card and c.state in LIVE_STATES and not c.replaced_by_id
        )
        if not others:
            self._simple(
                "subsidy_clear",
                holder,
                [{"wallet": holder._wallet("subsidy"), "drain": True, "amount": 0.0}],
                card=card,
                amount=None,
                note=self.env._("Card returned"),
            )
        result = self._simple(
            "return", holder, lines, card=card, method=method, amount=None
        )
        card._set_state("returned", self.env._("Returned"))
        card.sudo().write({"deposit": 0.0})
        return result

    @api.model
    def correct(self, operation, reason, business_time=None):
        """Reverse a consumption with a reason: a new operation, rows of opposite
        sign. business_time: see issue_card."""
        if not reason:
            raise UserError(self.env._("A correction needs a reason."))
        if (
            operation.kind not in ("consume", "back_entry")
            or operation.state != "approved"
        ):
            raise UserError(self.env._("Only approved consumptions can be corrected."))
        if operation.reversed_by_id:
            raise UserError(self.env._("This consumption was already corrected."))
        rows = operation.transaction_ids
        lines = [{"wallet": row.wallet_id, "amount": -row.amount} for row in rows]
        # The reversal mirrors the sale's rows (one header: they all carry the same
        # values), not the terminal's or the holder's configuration of today: the
        # terminal may have moved to another canteen, the holder to another department,
        # the canteen to another analytic account or contract (the caterer paid for the
        # sale gives it back).
        sale = rows[:1]
        result = self._simple(
            "correction",
            operation.cardholder_id,
            lines,
            card=operation.card_id,
            amount=operation.amount,
            note=reason,
            reversal_of_id=operation.id,
            terminal_id=operation.terminal_id.id,
            meal_period_id=(sale.meal_period_id or operation.meal_period_id).id,
            canteen_id=sale.canteen_id.id,
            consume_category_id=sale.consume_category_id.id,
            department_id=sale.department_id.id,
            cardholder_category_id=sale.cardholder_category_id.id,
            analytic_account_id=sale.analytic_account_id.id,
            payable_partner_id=sale.payable_partner_id.id,
            business_time=business_time,
        )
        self.env.cr.execute(
            "UPDATE onecard_operation SET reversed_by_id = %s WHERE id = %s",
            [result["operation_id"], operation.id],
        )
        operation.invalidate_recordset(["reversed_by_id"])
        return result
