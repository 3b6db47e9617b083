"""Consumption rules: what a terminal asks when a card is swiped.

``swipe`` is the one entry point of every channel (terminal API, gateway,
desk back-entry). It never raises for a business refusal: it returns an
answer with a stable reason code, stored under the request key so a replay
gets the same answer. Cost per swipe is a handful of indexed statements,
whatever the history size: limits and counts come from counters kept on the
cardholder row, never from scanning the ledger; terminal, category and meal
period settings come from a per-process cache cleared when they change.
Swipes are decided in batches (``swipe_many``; ``swipe`` is a batch of one)
with two statements per batch, whatever its size: one looking up replays and
locking the cards' holders and wallets, one writing the operations, ledger
rows, balances and usage counters. The gateway's group commit relies on
that: a burst of swipes costs about what one swipe costs. Only records dated
before their terminal last moved (offline uploads, back-entries) cost one more
statement per batch: the canteen the terminal had at their business time.

A replay must BE a replay: every request is stored with a digest of what
makes it that request (``request_digest``). A request that comes back under
a known key or (terminal, epoch, sequence) with another digest (a terminal
whose counter restarted, a key reused for another swipe) is refused with
``sequence_conflict``: nothing booked, no operation, the terminal alerted.

The model spans four files, one per step: this one (the entry points, the reasons,
the request digest, the answer), ``onecard_consumption_lookup.py`` (requests, replays,
the locking lookup), ``onecard_consumption_decide.py`` (deciding and writing the
batch) and ``onecard_consumption_settings.py`` (the cached settings). The rules
themselves are pure functions in ``tools/swipe_rules.py``.
"""

import hashlib

from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

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
    "own_daily_limit": _lt("Your own daily limit reached"),
    "pin_required": _lt("Enter PIN"),
    "pin_wrong": _lt("Wrong PIN"),
    "pin_locked": _lt("PIN locked, see the card office"),
    "insufficient_balance": _lt("Insufficient balance"),
    "invalid_amount": _lt("Invalid amount"),
    "invalid_key": _lt("Undefined key"),
    "no_price": _lt("No price for this meal"),
    "sequence_conflict": _lt("Record number already used: refused"),
}
DIGEST_VERSION = "1"


def request_digest(request, uid):
    """Digest of what makes a swipe request this request (stored with its operation).

    A retransmission carries the same values; a terminal whose counter
    restarted, or a key reused for another swipe, does not. Covered: kind,
    terminal, card UID, amount as sent, keypad key, offline flag, the time
    the terminal sent (None when it sent none: the server's clock is not part
    of the request), the caller's idempotency key and (epoch, sequence). Not
    covered: the PIN (a digest over a 4-6 digit PIN and known fields would
    give the PIN away) and the terminal's settings (a retransmission after a
    settings push is still the same request).
    """
    amount = request.get("amount")
    if isinstance(amount, int | float) and not isinstance(amount, bool):
        amount = repr(float(amount))  # 12, 12.0 and 12.50 are the same amount
    when = request.get("business_time")
    parts = (
        DIGEST_VERSION,
        request.get("kind") or "consume",
        request["terminal_id"],
        uid or "",
        amount,
        request.get("key"),
        "1" if request.get("offline") else "0",
        when.isoformat() if when else "",
        request.get("idempotency_key") or "",
        request.get("terminal_epoch") or 0,
        request.get("terminal_seq"),
    )
    return hashlib.sha256(
        "\x1f".join("" if part is None else str(part) for part in parts).encode()
    ).hexdigest()


class OnecardConsumption(models.AbstractModel):
    _name = "onecard.consumption"
    _description = "Consumption Engine"

    @api.model
    def swipe(
        self,
        terminal,
        uid,
        amount=None,
        key=None,
        pin=None,
        idempotency_key=None,
        terminal_seq=None,
        business_time=None,
        offline=False,
        kind="consume",
        note=None,
        terminal_epoch=0,
    ):
        """Charge a card at a terminal; return the answer dict (see module doc).

        offline=True: a record the terminal already accepted (the meal was
        eaten). It is booked whatever the rules say, even below zero, and
        flagged when a rule would have refused it. terminal_epoch: the
        terminal's sequence epoch (a new one after a legitimate counter
        reset); a record is identified by (terminal, epoch, sequence).
        """
        return self.swipe_many(
            [
                dict(
                    terminal_id=terminal.id,
                    uid=uid,
                    amount=amount,
                    key=key,
                    pin=pin,
                    idempotency_key=idempotency_key,
                    terminal_seq=terminal_seq,
                    business_time=business_time,
                    offline=offline,
                    kind=kind,
                    note=note,
                    terminal_epoch=terminal_epoch,
                )
            ]
        )[0]

    @api.model
    def swipe_many(self, requests):
        """Decide and book many swipes in one go; return their answers in order.

        requests: dicts with the arguments of ``swipe`` (terminal_id instead of
        the record). They are decided in order, each seeing the effect of the
        ones before it (a card swiped twice in one batch is charged twice, or
        refused the second time by the repeat interval), with two statements
        for the whole batch: replay lookup with the card + holder + wallet
        lock (``_lookup``), and one statement writing everything
        (``_write_book``). This is what lets the gateway commit a burst of
        swipes at once (group commit).
        """
        now, memo = fields.Datetime.now(), self._settings_memo()
        items = [self._prepare(request, now, memo) for request in requests]
        answers = [None] * len(items)
        self.env.flush_all()
        self._assign_past(items)
        stored, cards, wallets = self._lookup(items)
        conflicts = self._replays(items, answers, stored)
        todo = [
            item
            for item, answer in zip(items, answers, strict=False)
            if answer is None and item["duplicate_of"] is None
        ]
        holders = {card["holder"]["id"]: card["holder"] for card in cards.values()}
        for item in todo:
            item["card"] = cards.get((item["conf"]["company_id"], item["uid"]))
        collected = self._collect_pending(todo)
        for holder_id in collected:  # the subsidy just granted changed their wallets
            wallets[holder_id] = self.env["onecard.ledger"]._lock_wallets(
                holder_id=holder_id
            )
        book = dict(headers=[], rows=[], wallets={}, dirty=set(), memo=memo, now=now)
        for item in todo:
            self._decide(item, wallets, book)
        self._write(book, holders)
        for index, item in enumerate(items):
            if item["duplicate_of"] is not None:  # the same request twice in one batch
                first = items[item["duplicate_of"]]
                answers[index] = dict(
                    first["header"]["result"],
                    operation_id=first["header"]["id"],
                    replay=True,
                )
            elif answers[index] is None:
                answers[index] = dict(
                    item["header"]["result"], operation_id=item["header"]["id"]
                )
        if conflicts:  # rare: what it costs (the terminal's alert) is paid only then
            self._report_conflicts([items[index] for index in conflicts])
        return answers

    # ------------------------------------------------------------ helpers
    def _reason_text(self, code, memo=None):
        """The reason's text in the caller's language; with the batch's settings
        memo, translated once per process and language (a lazy translation looks the
        language up through frame inspection each time: ~10 us a swipe)."""
        if memo is None:
            return str(REASONS[code])
        key = ("_reason_text", self.env.lang, code)
        if key not in memo:
            memo[key] = str(REASONS[code])
        return memo[key]

    def _result(self, holder, code, amount, taken, balances, flagged=False, memo=None):
        message = self._reason_text(code, memo)
        display = message
        if code == "ok":
            display = "{} {:.2f} / {:.2f}".format(  # float(): as "%.2f" did
                message,
                float(amount),
                float(balances.get("cash", 0.0) + balances.get("subsidy", 0.0)),
            )
        return {
            "approved": code == "ok",
            "code": code,
            "message": message,
            "display": display,
            "amount": amount,
            "subsidy_amount": taken.get("subsidy", 0.0),
            "cash_amount": taken.get("cash", 0.0) + taken.get("temporary", 0.0),
            "balances": balances,
            "holder": holder["name"] if holder else "",
            "flagged": flagged,
            "replay": False,
        }
