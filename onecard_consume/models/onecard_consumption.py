"""Consumption rules: what a terminal asks when a card is swiped.

``swipe`` is the one entry point of every channel (terminal API, gateway,
desk back-entry). It never raises for a business refusal: it returns an
answer with a stable reason code, stored under the request key so a replay
gets the same answer. Cost per swipe is a handful of indexed statements,
whatever the history size: limits and counts come from counters kept on the
cardholder row, never from scanning the ledger.
"""
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

from ..tools import check_pin

_lt = LazyTranslate(__name__)

PIN_MAX_FAILURES = 3
PIN_LOCK_MINUTES = 30

REASONS = {
    "ok": _lt("Approved"),
    "unknown_card": _lt("Unknown card"),
    "card_lost": _lt("Card reported lost"),
    "card_frozen": _lt("Card frozen"),
    "card_returned": _lt("Card returned"),
    "card_expired": _lt("Card expired"),
    "card_kind": _lt("This card cannot pay"),
    "holder_inactive": _lt("Account closed or frozen"),
    "terminal_not_allowed": _lt("Not allowed at this terminal"),
    "outside_meal_period": _lt("No meal served now"),
    "meal_period_not_allowed": _lt("Meal period not allowed"),
    "meal_count_exceeded": _lt("Meals for this period used up"),
    "repeat_swipe": _lt("Already swiped, wait a moment"),
    "meal_limit": _lt("Meal limit reached"),
    "daily_limit": _lt("Daily limit reached"),
    "pin_required": _lt("Enter PIN"),
    "pin_wrong": _lt("Wrong PIN"),
    "pin_locked": _lt("PIN locked, see the card office"),
    "insufficient_balance": _lt("Insufficient balance"),
    "invalid_amount": _lt("Invalid amount"),
    "invalid_key": _lt("Undefined key"),
    "no_price": _lt("No price for this meal"),
}


class OnecardConsumption(models.AbstractModel):
    _name = "onecard.consumption"
    _description = "Consumption Engine"

    @api.model
    def swipe(self, terminal, uid, amount=None, key=None, pin=None, idempotency_key=None,
              terminal_seq=None, business_time=None, offline=False, kind="consume", note=None):
        """Charge a card at a terminal; return the answer dict (see module doc).

        offline=True: a record the terminal already accepted (the meal was
        eaten). It is booked whatever the rules say, even below zero, and
        flagged when a rule would have refused it.
        """
        company = terminal.company_id
        ledger = self.env["onecard.ledger"]
        replay = ledger._replay(company.id, idempotency_key, terminal.id, terminal_seq)
        if replay:
            return replay
        when = business_time or fields.Datetime.now()
        header = dict(kind=kind, company_id=company.id, terminal_id=terminal.id, business_time=when,
                      offline=offline, idempotency_key=idempotency_key, terminal_seq=terminal_seq, note=note)
        card = self.env["onecard.card"]._find_by_uid(uid, company)
        if not card:
            return self._decline(header, "unknown_card")
        holder = card.cardholder_id
        header.update(card_id=card.id, cardholder_id=holder.id)
        usage = self._lock_usage(holder)
        if usage["subsidy_pending"] and card.state == "active":  # collection-mode subsidy waits for this swipe
            self.env["onecard.subsidy.batch"]._collect(holder)
        local = pytz.utc.localize(when).astimezone(pytz.timezone(company.partner_id.tz or "UTC"))
        period = self.env["onecard.meal.period"]._find(local, company)
        header["meal_period_id"] = period.id
        price, code = self._price(terminal, holder, period, amount, key)
        if code and not (offline and price):
            return self._decline(header, code)
        meal_key = "%s/%s" % (local.date(), period.id or 0)
        code = self._check_rules(terminal, card, holder, period, usage, price, when, local, meal_key, pin)
        if code and code.startswith("pin") and not offline:
            self._pin_attempt(holder, usage, code)
        if code and not offline:
            return self._decline(header, code)
        lines, short = self._split(card, holder, price, terminal.mode == "postpaid", forced=offline)
        if short:
            return self._decline(header, "insufficient_balance")
        header.update(state="approved", reason_code="ok", amount=price, flagged=bool(code) or short is None)
        op_id, balances = ledger._book(header, lines)
        self._record_usage(holder, usage, price, when, terminal, local, meal_key)
        taken = {line["wallet"].kind: -line["amount"] for line in lines}
        return ledger._answer(op_id, self._result(holder, "ok", price, taken, flagged=header["flagged"]))

    # ------------------------------------------------------------ helpers
    def _decline(self, header, code):
        ledger = self.env["onecard.ledger"]
        header.update(state="declined", reason_code=code, message=str(REASONS[code]), amount=0.0)
        holder = self.env["onecard.cardholder"].browse(header.get("cardholder_id"))
        op_id, _balances = ledger._book(header, [])
        return ledger._answer(op_id, self._result(holder, code, 0.0, {}))

    def _result(self, holder, code, amount, taken, flagged=False):
        balances = {w.kind: w.balance for w in holder.wallet_ids} if holder else {}
        message = str(REASONS[code])
        if code == "ok":
            display = "%s %.2f / %.2f" % (message, amount, balances.get("cash", 0.0) + balances.get("subsidy", 0.0))
        else:
            display = message
        return {
            "approved": code == "ok", "code": code, "message": message, "display": display,
            "amount": amount, "subsidy_amount": taken.get("subsidy", 0.0),
            "cash_amount": taken.get("cash", 0.0) + taken.get("temporary", 0.0),
            "balances": balances, "holder": holder.name or "", "flagged": flagged, "replay": False,
        }

    def _lock_usage(self, holder):
        """Lock the holder row: swipes of one person are serialised, limits exact."""
        self.env.cr.execute("""
            SELECT usage_day, usage_day_amount, usage_meal_key, usage_meal_amount, usage_meal_count,
                   last_swipe_at, pin_failures, pin_locked_until, subsidy_pending
              FROM onecard_cardholder WHERE id = %s FOR UPDATE
        """, [holder.id])
        names = ("day", "day_amount", "meal_key", "meal_amount", "meal_count", "last_swipe", "pin_failures",
                 "pin_locked_until", "subsidy_pending")
        return dict(zip(names, self.env.cr.fetchone()))

    def _price(self, terminal, holder, period, amount, key):
        """Amount to charge by the terminal's mode, after discount; or a reason code."""
        currency = terminal.currency_id
        mode = terminal.mode
        if mode in ("amount", "postpaid") and not (terminal.fixed_amount and amount is None):
            base = amount
        elif mode == "key":
            match = terminal.key_ids.filtered(lambda k: k.key == key) if isinstance(key, int) else None
            if not match:
                return 0.0, "invalid_key"
            base = match.amount
        elif mode == "meal":
            if not period:
                return 0.0, "outside_meal_period"
            price = holder.category_id.meal_price_ids.filtered(lambda p: p.meal_period_id == period)
            if not price:
                return 0.0, "no_price"
            base = price.price
        else:  # fixed, count, postpaid with a preset price
            base = terminal.fixed_amount
        if not isinstance(base, (int, float)) or base != base or base < 0 or (base == 0 and mode != "count") \
                or base > 1e6 or currency.compare_amounts(currency.round(base), base):
            return 0.0, "invalid_amount"
        discount = holder.category_id.discount_percent
        return currency.round(base * (100 - discount) / 100.0), None

    def _check_rules(self, terminal, card, holder, period, usage, price, when, local, meal_key, pin):
        """First rule that refuses the swipe, as a reason code; None if all pass."""
        if card.state != "active":
            return {"lost": "card_lost", "frozen": "card_frozen", "returned": "card_returned"}.get(
                card.state, "card_expired")
        if card.expiry_date and card.expiry_date < local.date():
            return "card_expired"
        if card.kind not in ("official", "temporary"):
            return "card_kind"
        if holder.state != "active" or not holder.active:
            return "holder_inactive"
        category = holder.category_id
        if category.allowed_terminal_ids and terminal not in category.allowed_terminal_ids:
            return "terminal_not_allowed"
        if terminal.mode == "count" and not period:
            return "outside_meal_period"
        if period and category.allowed_meal_period_ids and period not in category.allowed_meal_period_ids:
            return "meal_period_not_allowed"
        same_meal = usage["meal_key"] == meal_key
        if terminal.mode == "count" and same_meal and usage["meal_count"] >= max(category.meals_per_period, 1):
            return "meal_count_exceeded"
        if terminal.repeat_interval and usage["last_swipe"] and \
                timedelta(0) <= when - usage["last_swipe"] < timedelta(seconds=terminal.repeat_interval):
            return "repeat_swipe"
        currency = terminal.currency_id
        spent_meal = float(usage["meal_amount"] or 0.0) if same_meal else 0.0
        if category.meal_limit and currency.compare_amounts(spent_meal + price, category.meal_limit) > 0:
            return "meal_limit"
        spent_day = float(usage["day_amount"] or 0.0) if usage["day"] == local.date() else 0.0
        if category.daily_limit and currency.compare_amounts(spent_day + price, category.daily_limit) > 0:
            return "daily_limit"
        threshold = terminal.pin_threshold or category.pin_threshold
        if threshold and currency.compare_amounts(price, threshold) > 0:
            if usage["pin_locked_until"] and usage["pin_locked_until"] > fields.Datetime.now():
                return "pin_locked"
            if not pin:
                return "pin_required"
            if not check_pin(pin, holder.sudo().pin_hash):
                return "pin_wrong"
            if usage["pin_failures"]:
                self.env.cr.execute("UPDATE onecard_cardholder SET pin_failures = 0 WHERE id = %s", [holder.id])
        return None

    def _pin_attempt(self, holder, usage, code):
        """Count a wrong PIN; lock the PIN after repeated failures."""
        if code != "pin_wrong":
            return
        failures = (usage["pin_failures"] or 0) + 1
        locked = fields.Datetime.now() + timedelta(minutes=PIN_LOCK_MINUTES) if failures >= PIN_MAX_FAILURES else None
        self.env.cr.execute("UPDATE onecard_cardholder SET pin_failures = %s, pin_locked_until = %s WHERE id = %s",
                            [0 if locked else failures, locked, holder.id])
        holder.invalidate_recordset(["pin_failures", "pin_locked_until"])

    def _split(self, card, holder, price, postpaid, forced):
        """Ledger lines taking ``price`` from the wallets in the company's order.

        Returns (lines, short): short is True when the money is not there
        (declined), None when a forced record drove a balance below zero.
        """
        if card.kind == "temporary":
            order = [holder._wallet("temporary")]
        elif holder.company_id.onecard_spend_order == "cash_first":
            order = [holder._wallet("cash"), holder._wallet("subsidy")]
        else:
            order = [holder._wallet("subsidy"), holder._wallet("cash")]
        state = self.env["onecard.ledger"]._lock_wallets([w.id for w in order])
        credit = holder.category_id.credit_limit if postpaid else 0.0
        lines, left = [], price
        for wallet in order:
            available = max(state[wallet.id][0] + (credit if wallet.kind != "subsidy" else 0.0), 0.0)
            take = min(available, left)
            if take > 0:
                lines.append({"wallet": wallet, "amount": -take})
                left = round(left - take, 6)
        if left > 0.0001:
            if not forced:
                return [], True
            # Offline record: the meal was eaten; the debt lands on the last wallet.
            main = order[-1] if card.kind != "temporary" else order[0]
            existing = [line for line in lines if line["wallet"] == main]
            if existing:
                existing[0]["amount"] -= left
            else:
                lines.append({"wallet": main, "amount": -left})
            return lines, None
        return lines, False

    def _record_usage(self, holder, usage, price, when, terminal, local, meal_key):
        day = local.date()
        # A late (offline) record of an earlier day or meal must not reset the
        # counters of the current one: it only adds to the bucket it belongs to.
        if usage["day"] and day < usage["day"]:
            day, day_amount = usage["day"], float(usage["day_amount"] or 0.0)
        else:
            day_amount = (float(usage["day_amount"] or 0.0) if usage["day"] == day else 0.0) + price
        same_meal = usage["meal_key"] == meal_key
        if not same_meal and usage["last_swipe"] and when < usage["last_swipe"]:
            meal_key, meal_amount, meal_count = usage["meal_key"], usage["meal_amount"], usage["meal_count"]
        else:
            meal_amount = (float(usage["meal_amount"] or 0.0) if same_meal else 0.0) + price
            meal_count = (usage["meal_count"] or 0 if same_meal else 0) + 1
        self.env.cr.execute("""
            UPDATE onecard_cardholder
               SET usage_day = %s, usage_day_amount = %s, usage_meal_key = %s, usage_meal_amount = %s,
                   usage_meal_count = %s, last_swipe_at = GREATEST(last_swipe_at, %s), last_swipe_terminal_id = %s
             WHERE id = %s
        """, [day, day_amount, meal_key, meal_amount, meal_count, when, terminal.id, holder.id])
        holder.invalidate_recordset()
