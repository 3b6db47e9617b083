"""The swipe engine's second step: decide each swipe of the batch, write them all.

``_decide`` builds the rules' records for one swipe, asks the rules
(``tools/swipe_rules.py``) and queues what they decide; ``_write`` books the whole
batch in one statement through the ledger's writer (``onecard.ledger._write_book``).
"""

import uuid

import pytz

from odoo import models

from ..tools import swipe_rules as rules
from .onecard_ledger import chain_row


class OnecardConsumptionDecide(models.AbstractModel):
    # one model, one file per step (see onecard_consumption.py)
    _inherit = "onecard.consumption"  # pylint: disable=consider-merging-classes-inherited

    def _collect_pending(self, items):
        """Collection-mode subsidies wait for the holder's next swipe with a live card;
        return those holders."""
        collected = []
        for item in items:
            card = item["card"]
            if (
                card
                and card["holder"]["subsidy_pending"]
                and card["card_state"] == "active"
            ):
                self.env["onecard.subsidy.batch"]._collect(
                    self.env["onecard.cardholder"].browse(card["holder"]["id"])
                )
                card["holder"]["subsidy_pending"] = False
                collected.append(card["holder"]["id"])
        self.env.flush_all()
        return collected

    def _decide(self, item, wallets, book):
        """Apply the rules to one swipe and queue what it books (nothing is written
        here)."""
        conf, header, card = item["conf"], item["header"], item["card"]
        offline = header["offline"]
        if not card:
            return self._decline(item, "unknown_card", book)
        holder = card["holder"]
        header.update(
            card_id=card["card_id"],
            cardholder_id=holder["id"],
            department_id=holder["department_id"],
            cardholder_category_id=holder["category_id"],
        )
        when = header["business_time"]
        local = pytz.utc.localize(when).astimezone(conf["tz"])
        period_id = rules.find_period(
            self._memo(book["memo"], "_meal_periods", conf["company_id"]), local
        )
        header["meal_period_id"] = period_id
        terminal = conf["rules"]
        category = self._memo(
            book["memo"], "_category_conf", holder["category_id"] or 0
        )
        day = local.date()
        swipe = rules.Swipe(
            amount=item.get("amount"),
            key=item.get("key"),
            pin=item.get("pin"),
            when=when,
            day=day,
            period_id=period_id,
            meal_key=rules.meal_key(day, period_id),
            offline=offline,
            now=book["now"],
        )
        price, code = rules.price(terminal, category, swipe)
        if code:
            return self._decline(item, code, book, wallets[holder["id"]])
        state = rules.Holder(
            card_state=card["card_state"],
            card_kind=card["card_kind"],
            expiry_date=card["expiry_date"],
            state=holder["state"],
            active=holder["active"],
            usage=holder["usage"],
            pin=holder["pin"],
            daily_limit=holder["daily_limit"],
        )
        code = rules.check(terminal, category, state, swipe, price)
        pin = rules.pin_after(terminal, category, state, swipe, price, code)
        if pin is not holder["pin"]:
            holder["pin"] = pin
            book["dirty"].add(holder["id"])
        if code and not offline:
            return self._decline(item, code, book, wallets[holder["id"]])
        wallet_state = wallets[holder["id"]]
        by_kind, balances = {}, {}
        for wallet_id, (balance, _head, kind) in wallet_state.items():
            by_kind[kind], balances[kind] = wallet_id, balance
        split = rules.split(
            terminal, category, card["card_kind"], balances, price, forced=offline
        )
        if split.short:
            return self._decline(item, "insufficient_balance", book, wallet_state)
        flagged = bool(code) or split.overdrawn
        header.update(state="approved", reason_code="ok", amount=price, flagged=flagged)
        header["idempotency_key"] = header["idempotency_key"] or uuid.uuid4().hex
        taken = {}
        for kind, amount in split.takes:
            chain_row(
                wallet_state,
                header,
                by_kind[kind],
                amount,
                book["rows"],
                book["wallets"],
            )
            taken[kind] = taken.get(kind, 0.0) - amount
        balances = {kind: balance for balance, _head, kind in wallet_state.values()}
        header["result"] = self._result(
            holder, "ok", price, taken, balances, flagged, memo=book["memo"]
        )
        book["headers"].append(header)
        holder["usage"] = rules.usage_after(holder["usage"], price, swipe, conf["id"])
        book["dirty"].add(holder["id"])

    def _decline(self, item, code, book, state=None):
        header, card = item["header"], item["card"]
        header.update(
            state="declined",
            reason_code=code,
            message=self._reason_text(code, book["memo"]),
            amount=0.0,
        )
        header["idempotency_key"] = header["idempotency_key"] or uuid.uuid4().hex
        balances = {kind: balance for balance, _head, kind in (state or {}).values()}
        header["result"] = self._result(
            card and card["holder"], code, 0.0, {}, balances, memo=book["memo"]
        )
        book["headers"].append(header)

    def _write(self, book, holders):
        """Write the batch in one statement: operations, ledger rows, wallets, usage
        counters."""
        if not book["headers"]:
            return
        usage = []
        for holder_id in book["dirty"]:
            holder = holders[holder_id]
            counters, pin = holder["usage"], holder["pin"]
            usage.append(
                (  # USAGE_COLUMNS
                    holder_id,
                    counters.day,
                    counters.day_amount,
                    counters.meal_key,
                    counters.meal_amount,
                    counters.meal_count,
                    counters.last_swipe,
                    counters.last_terminal_id,
                    pin.failures,
                    pin.locked_until,
                )
            )
        op_ids = self.env["onecard.ledger"]._write_book(
            book["headers"], book["rows"], book["wallets"], usage
        )
        for header, op_id in zip(book["headers"], op_ids, strict=False):
            header["id"] = op_id
