"""Consumption rules: what a terminal asks when a card is swiped.

``swipe`` is the one entry point of every channel (terminal API, gateway,
desk back-entry). It never raises for a business refusal: it returns an
answer with a stable reason code, stored under the request key so a replay
gets the same answer. Cost per swipe is a handful of indexed statements,
whatever the history size: limits and counts come from counters kept on the
cardholder row, never from scanning the ledger; terminal, category and meal
period settings come from a per-process cache cleared when they change.
A swipe is about seven statements: replay check, card + holder lock, wallet
lock, then operation, wallet update and ledger rows, usage counters.
"""
from datetime import timedelta

import pytz

from odoo import api, fields, models, tools
from odoo.tools import float_compare, float_round
from odoo.tools.translate import LazyTranslate

from ..tools import check_pin, normalize_uid

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
        conf = self._terminal_conf(terminal.id)
        ledger = self.env["onecard.ledger"]
        replay = ledger._replay(conf["company_id"], idempotency_key, terminal.id, terminal_seq)
        if replay:
            return replay
        when = business_time or fields.Datetime.now()
        header = dict(kind=kind, company_id=conf["company_id"], terminal_id=terminal.id, canteen_id=conf["canteen_id"],
                      consume_category_id=conf["consume_category_id"], business_time=when, offline=offline,
                      idempotency_key=idempotency_key, terminal_seq=terminal_seq, note=note)
        card = self._lock_card(uid, conf["company_id"])
        if not card:
            return self._decline(header, "unknown_card", None)
        header.update(card_id=card["card_id"], cardholder_id=card["holder_id"], department_id=card["department_id"])
        if card["subsidy_pending"] and card["card_state"] == "active":  # collection-mode subsidy waits for a swipe
            self.env["onecard.subsidy.batch"]._collect(self.env["onecard.cardholder"].browse(card["holder_id"]))
        local = pytz.utc.localize(when).astimezone(pytz.timezone(conf["tz"]))
        period_id = self._find_period(conf["company_id"], local)
        header["meal_period_id"] = period_id
        category = self._category_conf(card["category_id"] or 0)
        price, code = self._price(conf, category, period_id, amount, key)
        if code and not (offline and price):
            return self._decline(header, code, card)
        meal_key = "%s/%s" % (local.date(), period_id or 0)
        code = self._check_rules(conf, category, card, period_id, price, when, local, meal_key, pin)
        if code == "pin_wrong" and not offline:
            self._pin_attempt(card)
        if code and not offline:
            return self._decline(header, code, card)
        state = ledger._lock_wallets(holder_id=card["holder_id"])
        lines, short = self._split(conf, category, card, state, price, forced=offline)
        if short:
            return self._decline(header, "insufficient_balance", card, state)
        flagged = bool(code) or short is None
        header.update(state="approved", reason_code="ok", amount=price, flagged=flagged)
        taken = {}
        for line in lines:
            wallet_kind = state[line["wallet_id"]][2]
            taken[wallet_kind] = taken.get(wallet_kind, 0.0) - line["amount"]
        op_id, _balances = ledger._book(header, lines, state=state, answer=lambda balances: self._result(
            card, "ok", price, taken, balances, flagged))
        self._record_usage(card, price, when, terminal.id, local, meal_key)
        return dict(header["result"], operation_id=op_id)

    # ----------------------------------------------------- cached settings
    @api.model
    @tools.ormcache("terminal_id")
    def _terminal_conf(self, terminal_id):
        """What the engine needs of a terminal and its company (never mutate it)."""
        terminal = self.env["onecard.terminal"].sudo().with_context(active_test=False).browse(terminal_id)
        company = terminal.company_id
        return {
            "id": terminal.id, "company_id": company.id, "canteen_id": terminal.canteen_id.id,
            "consume_category_id": terminal.consume_category_id.id, "mode": terminal.mode,
            "fixed_amount": terminal.fixed_amount, "repeat_interval": terminal.repeat_interval,
            "pin_threshold": terminal.pin_threshold, "keys": {k.key: k.amount for k in terminal.key_ids},
            "rounding": company.currency_id.rounding, "tz": company.partner_id.tz or "UTC",
            "spend_order": company.onecard_spend_order,
        }

    @api.model
    @tools.ormcache("category_id")
    def _category_conf(self, category_id):
        category = self.env["onecard.cardholder.category"].sudo().browse(category_id or [])
        return {
            "discount": category.discount_percent or 0.0, "meal_limit": category.meal_limit or 0.0,
            "daily_limit": category.daily_limit or 0.0, "meals_per_period": max(category.meals_per_period or 1, 1),
            "credit_limit": category.credit_limit or 0.0, "pin_threshold": category.pin_threshold or 0.0,
            "terminals": frozenset(category.allowed_terminal_ids.ids),
            "periods": frozenset(category.allowed_meal_period_ids.ids),
            "prices": {price.meal_period_id.id: price.price for price in category.meal_price_ids},
        }

    @api.model
    @tools.ormcache("company_id")
    def _meal_periods(self, company_id):
        periods = self.env["onecard.meal.period"].sudo().search([("company_id", "in", [company_id, False])])
        return tuple((period.id, period.start_hour, period.end_hour) for period in periods)

    def _find_period(self, company_id, local):
        hour = local.hour + local.minute / 60.0
        return next((pid for pid, start, end in self._meal_periods(company_id) if start <= hour < end), False)

    # ------------------------------------------------------------ helpers
    def _lock_card(self, raw_uid, company_id):
        """Card and holder in one statement, the holder row locked.

        Locking the holder serialises one person's swipes, so limits, counts
        and the repeat interval are exact. A live card wins over a returned
        one with the same UID.
        """
        card_uid = normalize_uid(raw_uid)
        if not card_uid:
            return None
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT c.id, c.state, c.kind, c.expiry_date, h.id, h.name, h.state, h.active, h.category_id,
                   h.department_id, h.usage_day, h.usage_day_amount, h.usage_meal_key, h.usage_meal_amount,
                   h.usage_meal_count, h.last_swipe_at, h.pin_failures, h.pin_locked_until, h.subsidy_pending,
                   h.pin_hash
              FROM onecard_card c JOIN onecard_cardholder h ON h.id = c.cardholder_id
             WHERE c.uid = %s AND c.company_id = %s
             ORDER BY c.state IN ('active', 'lost', 'frozen') DESC, c.id DESC
             LIMIT 1 FOR UPDATE OF h
        """, [card_uid, company_id])
        row = self.env.cr.fetchone()
        names = ("card_id", "card_state", "card_kind", "expiry_date", "holder_id", "name", "holder_state", "active",
                 "category_id", "department_id", "day", "day_amount", "meal_key", "meal_amount", "meal_count",
                 "last_swipe", "pin_failures", "pin_locked_until", "subsidy_pending", "pin_hash")
        return dict(zip(names, row)) if row else None

    def _decline(self, header, code, card, state=None):
        header.update(state="declined", reason_code=code, message=str(REASONS[code]), amount=0.0)
        if card and state is None:
            self.env.cr.execute("SELECT id, balance, chain_head, kind FROM onecard_wallet WHERE cardholder_id = %s",
                                [card["holder_id"]])
            state = {row[0]: (float(row[1]), row[2], row[3]) for row in self.env.cr.fetchall()}
        balances = {kind: balance for balance, _head, kind in (state or {}).values()}
        op_id, _balances = self.env["onecard.ledger"]._book(header, [], answer=lambda _b: self._result(
            card, code, 0.0, {}, balances))
        return dict(header["result"], operation_id=op_id)

    def _result(self, card, code, amount, taken, balances, flagged=False):
        message = str(REASONS[code])
        display = message
        if code == "ok":
            display = "%s %.2f / %.2f" % (message, amount, balances.get("cash", 0.0) + balances.get("subsidy", 0.0))
        return {
            "approved": code == "ok", "code": code, "message": message, "display": display,
            "amount": amount, "subsidy_amount": taken.get("subsidy", 0.0),
            "cash_amount": taken.get("cash", 0.0) + taken.get("temporary", 0.0),
            "balances": balances, "holder": card["name"] if card else "", "flagged": flagged, "replay": False,
        }

    def _price(self, conf, category, period_id, amount, key):
        """Amount to charge by the terminal's mode, after discount; or a reason code."""
        mode, rounding = conf["mode"], conf["rounding"]
        if mode in ("amount", "postpaid") and not (conf["fixed_amount"] and amount is None):
            base = amount
        elif mode == "key":
            if not isinstance(key, int) or key not in conf["keys"]:
                return 0.0, "invalid_key"
            base = conf["keys"][key]
        elif mode == "meal":
            if not period_id:
                return 0.0, "outside_meal_period"
            if period_id not in category["prices"]:
                return 0.0, "no_price"
            base = category["prices"][period_id]
        else:  # fixed, count, postpaid with a preset price
            base = conf["fixed_amount"]
        if isinstance(base, bool) or not isinstance(base, (int, float)) or base != base or base < 0 \
                or (base == 0 and mode != "count") or base > 1e6 \
                or abs(float_round(base, precision_rounding=rounding) - base) > rounding * 1e-6:  # no sub-cent
            return 0.0, "invalid_amount"
        return float_round(base * (100 - category["discount"]) / 100.0, precision_rounding=rounding), None

    def _check_rules(self, conf, category, card, period_id, price, when, local, meal_key, pin):
        """First rule that refuses the swipe, as a reason code; None if all pass."""
        if card["card_state"] != "active":
            return {"lost": "card_lost", "frozen": "card_frozen", "returned": "card_returned"}.get(
                card["card_state"], "card_expired")
        if card["expiry_date"] and card["expiry_date"] < local.date():
            return "card_expired"
        if card["card_kind"] not in ("official", "temporary"):
            return "card_kind"
        if card["holder_state"] != "active" or not card["active"]:
            return "holder_inactive"
        mode, rounding = conf["mode"], conf["rounding"]
        if category["terminals"] and conf["id"] not in category["terminals"]:
            return "terminal_not_allowed"
        if mode == "count" and not period_id:
            return "outside_meal_period"
        if period_id and category["periods"] and period_id not in category["periods"]:
            return "meal_period_not_allowed"
        same_meal = card["meal_key"] == meal_key
        if mode == "count" and same_meal and (card["meal_count"] or 0) >= category["meals_per_period"]:
            return "meal_count_exceeded"
        if conf["repeat_interval"] and card["last_swipe"] and \
                timedelta(0) <= when - card["last_swipe"] < timedelta(seconds=conf["repeat_interval"]):
            return "repeat_swipe"
        spent_meal = float(card["meal_amount"] or 0.0) if same_meal else 0.0
        if category["meal_limit"] and \
                float_compare(spent_meal + price, category["meal_limit"], precision_rounding=rounding) > 0:
            return "meal_limit"
        spent_day = float(card["day_amount"] or 0.0) if card["day"] == local.date() else 0.0
        if category["daily_limit"] and \
                float_compare(spent_day + price, category["daily_limit"], precision_rounding=rounding) > 0:
            return "daily_limit"
        threshold = conf["pin_threshold"] or category["pin_threshold"]
        if threshold and float_compare(price, threshold, precision_rounding=rounding) > 0:
            if card["pin_locked_until"] and card["pin_locked_until"] > fields.Datetime.now():
                return "pin_locked"
            if not pin:
                return "pin_required"
            if not check_pin(pin, card["pin_hash"]):
                return "pin_wrong"
            if card["pin_failures"]:
                self.env.cr.execute("UPDATE onecard_cardholder SET pin_failures = 0 WHERE id = %s", [card["holder_id"]])
        return None

    def _pin_attempt(self, card):
        """Count a wrong PIN; lock the PIN after repeated failures."""
        failures = (card["pin_failures"] or 0) + 1
        locked = fields.Datetime.now() + timedelta(minutes=PIN_LOCK_MINUTES) if failures >= PIN_MAX_FAILURES else None
        self.env.cr.execute("UPDATE onecard_cardholder SET pin_failures = %s, pin_locked_until = %s WHERE id = %s",
                            [0 if locked else failures, locked, card["holder_id"]])
        self.env["onecard.cardholder"].browse(card["holder_id"]).invalidate_recordset(
            ["pin_failures", "pin_locked_until"])

    def _split(self, conf, category, card, state, price, forced):
        """Ledger lines taking ``price`` from the wallets in the company's order.

        state: the holder's locked wallets. Returns (lines, short): short is
        True when the money is not there (declined), None when a forced
        record drove a balance below zero.
        """
        by_kind = {kind: wallet_id for wallet_id, (_b, _h, kind) in state.items()}
        if card["card_kind"] == "temporary":
            order = ["temporary"]
        elif conf["spend_order"] == "cash_first":
            order = ["cash", "subsidy"]
        else:
            order = ["subsidy", "cash"]
        credit = category["credit_limit"] if conf["mode"] == "postpaid" else 0.0
        lines, left = [], price
        for kind in order:
            available = max(state[by_kind[kind]][0] + (credit if kind != "subsidy" else 0.0), 0.0)
            take = min(available, left)
            if take > 0:
                lines.append({"wallet_id": by_kind[kind], "amount": -take})
                left = round(left - take, 6)
        if left > 0.0001:
            if not forced:
                return [], True
            # Offline record: the meal was eaten; the debt lands on the spending (cash) wallet.
            main = by_kind["temporary" if card["card_kind"] == "temporary" else "cash"]
            existing = [line for line in lines if line["wallet_id"] == main]
            if existing:
                existing[0]["amount"] -= left
            else:
                lines.append({"wallet_id": main, "amount": -left})
            return lines, None
        return lines, False

    def _record_usage(self, card, price, when, terminal_id, local, meal_key):
        day = local.date()
        # A late (offline) record of an earlier day or meal must not reset the
        # counters of the current one: it only adds to the bucket it belongs to.
        if card["day"] and day < card["day"]:
            day, day_amount = card["day"], float(card["day_amount"] or 0.0)
        else:
            day_amount = (float(card["day_amount"] or 0.0) if card["day"] == day else 0.0) + price
        same_meal = card["meal_key"] == meal_key
        if not same_meal and card["last_swipe"] and when < card["last_swipe"]:
            meal_key, meal_amount, meal_count = card["meal_key"], card["meal_amount"], card["meal_count"]
        else:
            meal_amount = (float(card["meal_amount"] or 0.0) if same_meal else 0.0) + price
            meal_count = (card["meal_count"] or 0 if same_meal else 0) + 1
        self.env.cr.execute("""
            UPDATE onecard_cardholder
               SET usage_day = %s, usage_day_amount = %s, usage_meal_key = %s, usage_meal_amount = %s,
                   usage_meal_count = %s, last_swipe_at = GREATEST(last_swipe_at, %s), last_swipe_terminal_id = %s
             WHERE id = %s
        """, [day, day_amount, meal_key, meal_amount, meal_count, when, terminal_id, card["holder_id"]])
        self.env["onecard.cardholder"].browse(card["holder_id"]).invalidate_recordset()
