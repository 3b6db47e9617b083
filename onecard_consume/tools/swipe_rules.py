"""The swipe rules: price, checks, the split across purses, the usage counters.

Pure functions over small frozen records: what the engine (``onecard.consumption``)
knows of the terminal, of the holder's category, of the card and its holder and of
the swipe goes in, the decision comes out. No ORM, no environment, no SQL: the engine
builds the records (terminal and category settings once per process, the holder's
state once per batch) and books what the rules decide; these are unit-tested without
a database (``tests/test_swipe_rules.py``).

Money is float in the company currency, rounded and compared at the currency's
rounding with Odoo's ``float_utils`` (the rounding of the ledger's Monetary fields),
so a price here is the amount booked, to the cent.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from odoo.tools.float_utils import float_compare, float_round

from .pin import check_pin

PIN_MAX_FAILURES = 3
PIN_LOCK_MINUTES = 30
MAX_PRICE = 1e6  # above any meal: a keying error, not a sale
# A card that is not active says why; any other state (expired) is "card_expired".
CARD_STATE_CODES = {
    "lost": "card_lost",
    "frozen": "card_frozen",
    "returned": "card_returned",
}
PAYING_CARD_KINDS = ("official", "temporary")


@dataclass(frozen=True, slots=True)
class Terminal:
    """A terminal's settings, with its company's (``_terminal_conf``)."""

    id: int
    mode: str  # amount, key, fixed, meal, count, postpaid
    fixed_amount: float  # the price in fixed and count mode (0: none)
    repeat_interval: int  # seconds between two swipes of one holder (0: no check)
    pin_threshold: float  # 0: the category's threshold applies
    keys: dict  # keypad key -> preset amount (key mode); never mutated
    rounding: float  # the company currency's
    spend_order: str  # subsidy_first or cash_first


@dataclass(frozen=True, slots=True)
class Category:
    """A cardholder category's limits (``_category_conf``); 0 means no limit."""

    discount: float  # percent off every price
    meal_limit: float
    daily_limit: float
    meals_per_period: int  # count mode, at least 1
    credit_limit: float  # postpaid mode: how far the cash wallet may go below zero
    pin_threshold: float
    terminals: frozenset  # allowed terminal ids (empty: all)
    periods: frozenset  # allowed meal period ids (empty: all)
    prices: dict  # meal period id -> price (meal mode); never mutated


@dataclass(frozen=True, slots=True)
class MealPeriod:
    id: int
    start: float  # local hours, start <= hour < end
    end: float


@dataclass(frozen=True, slots=True)
class Usage:
    """A holder's counters, as stored on the cardholder row (None: never set)."""

    day: date | None
    day_amount: float | None
    meal_key: str | None  # "<local date>/<meal period id or 0>" (see meal_key)
    meal_amount: float | None
    meal_count: int | None
    last_swipe: datetime | None  # business time, naive UTC
    last_terminal_id: int | None


@dataclass(frozen=True, slots=True)
class Pin:
    """A holder's PIN: its hash and the lockout counters."""

    failures: int | None
    locked_until: datetime | None
    hash: str | None


@dataclass(frozen=True, slots=True)
class Holder:
    """The card swiped and its holder, as the batch has left them so far."""

    card_state: str
    card_kind: str
    expiry_date: date | None
    state: str
    active: bool
    usage: Usage
    pin: Pin
    # the holder's own daily limit, set on the portal (0: the category's only)
    daily_limit: float = 0.0


@dataclass(frozen=True, slots=True)
class Swipe:
    """One request, placed in time: ``day`` and ``period_id`` are local to the
    company (``find_period``); ``now`` is the server's clock (PIN lockout)."""

    amount: object  # as sent: checked by price()
    key: object
    pin: str | None
    when: datetime  # business time, naive UTC
    day: date
    period_id: int | bool  # False: no meal period open
    meal_key: str
    offline: bool
    now: datetime


@dataclass(frozen=True, slots=True)
class Split:
    """How a price is taken: ``takes`` ((purse kind, signed amount), ...) in spend
    order. ``short``: the money is not there, declined. ``overdrawn``: a forced
    (offline) record took more than there was; the debt is on the spending purse."""

    takes: tuple
    short: bool = False
    overdrawn: bool = False


def meal_key(day, period_id):
    """The bucket of the per-meal counters: one meal period of one local day."""
    return f"{day}/{period_id or 0}"


def find_period(periods, local):
    """Id of the meal period open at a local datetime, or False."""
    hour = local.hour + local.minute / 60.0
    return next(
        (period.id for period in periods if period.start <= hour < period.end), False
    )


def price(terminal, category, swipe):
    """(amount to charge after the category's discount, None), or (0.0, reason)."""
    mode, rounding = terminal.mode, terminal.rounding
    if mode in ("amount", "postpaid") and not (
        terminal.fixed_amount and swipe.amount is None
    ):
        base = swipe.amount
    elif mode == "key":
        if not isinstance(swipe.key, int) or swipe.key not in terminal.keys:
            return 0.0, "invalid_key"
        base = terminal.keys[swipe.key]
    elif mode == "meal":
        if not swipe.period_id:
            return 0.0, "outside_meal_period"
        if swipe.period_id not in category.prices:
            return 0.0, "no_price"
        base = category.prices[swipe.period_id]
    else:  # fixed, count, postpaid with a preset price
        base = terminal.fixed_amount
    if (
        isinstance(base, bool)
        or not isinstance(base, int | float)
        or base != base  # NaN
        or base < 0
        or (base == 0 and mode != "count")  # a free meal is counted, not sold
        or base > MAX_PRICE
        or abs(float_round(base, precision_rounding=rounding) - base)
        > rounding * 1e-6  # no sub-cent
    ):
        return 0.0, "invalid_amount"
    return float_round(
        base * (100 - category.discount) / 100.0, precision_rounding=rounding
    ), None


def check(terminal, category, holder, swipe, amount):
    """The first rule that refuses the swipe, as a reason code; None if all pass.

    In the order they refuse: the card, the holder, where and when, the counters,
    the PIN (checked last: its hash is the costly step and a refused swipe must not
    count a PIN failure it never asked for).
    """
    return (
        _card_code(holder, swipe)
        or _place_code(terminal, category, swipe)
        or _usage_code(terminal, category, holder.usage, swipe, amount)
        or _own_limit_code(terminal, holder, swipe, amount)
        or _pin_code(terminal, category, holder.pin, swipe, amount)
    )


def needs_pin(terminal, category, amount):
    """The amount is above the terminal's PIN threshold, or else the category's."""
    threshold = terminal.pin_threshold or category.pin_threshold
    return bool(
        threshold
        and float_compare(amount, threshold, precision_rounding=terminal.rounding) > 0
    )


def pin_after(terminal, category, holder, swipe, amount, code):
    """The holder's PIN counters after ``check`` said ``code``; the same object
    when they do not change.

    A wrong PIN on a live swipe counts a failure, and the third locks the PIN for
    PIN_LOCK_MINUTES (an offline record's PIN was the terminal's business). A
    right one clears earlier failures.
    """
    pin = holder.pin
    if code == "pin_wrong" and not swipe.offline:
        failures = (pin.failures or 0) + 1
        if failures >= PIN_MAX_FAILURES:
            return replace(
                pin,
                failures=0,
                locked_until=swipe.now + timedelta(minutes=PIN_LOCK_MINUTES),
            )
        return replace(pin, failures=failures, locked_until=None)
    if code is None and pin.failures and needs_pin(terminal, category, amount):
        return replace(pin, failures=0)
    return pin


def split(terminal, category, card_kind, balances, amount, forced=False):
    """Take ``amount`` from the purses (``balances``: purse kind -> balance).

    A temporary card spends its temporary purse; others the subsidy then the cash
    purse, or cash first (the company's spend order). In postpaid mode the cash
    purse may go below zero down to the category's credit limit. ``forced`` (an
    offline record: the meal was eaten) takes what is missing from the spending
    purse anyway, below zero.
    """
    if card_kind == "temporary":
        order = ("temporary",)
    elif terminal.spend_order == "cash_first":
        order = ("cash", "subsidy")
    else:
        order = ("subsidy", "cash")
    credit = category.credit_limit if terminal.mode == "postpaid" else 0.0
    lines, left = [], amount
    for kind in order:
        available = max(balances[kind] + (credit if kind != "subsidy" else 0.0), 0.0)
        take = min(available, left)
        if take > 0:
            lines.append([kind, -take])
            left = round(left - take, 6)
    overdrawn = left > 0.0001
    if overdrawn:
        if not forced:
            return Split((), short=True)
        main = "temporary" if card_kind == "temporary" else "cash"
        existing = [line for line in lines if line[0] == main]
        if existing:
            existing[0][1] -= left
        else:
            lines.append([main, -left])
    return Split(
        tuple((kind, round(taken, 2)) for kind, taken in lines), overdrawn=overdrawn
    )


def usage_after(usage, amount, swipe, terminal_id):
    """The holder's counters once ``swipe`` is booked at ``amount``.

    A late (offline) record of an earlier day or meal does not reset the counters
    of the current one: it only adds to the bucket it belongs to, and the last
    swipe stays the latest.
    """
    day = swipe.day
    if usage.day and day < usage.day:
        day, day_amount = usage.day, float(usage.day_amount or 0.0)
    else:
        day_amount = (
            float(usage.day_amount or 0.0) if usage.day == day else 0.0
        ) + amount
    same_meal = usage.meal_key == swipe.meal_key
    when = swipe.when
    if not same_meal and usage.last_swipe and when < usage.last_swipe:
        key, meal_amount, meal_count = (
            usage.meal_key,
            usage.meal_amount,
            usage.meal_count,
        )
    else:
        key = swipe.meal_key
        meal_amount = (float(usage.meal_amount or 0.0) if same_meal else 0.0) + amount
        meal_count = ((usage.meal_count or 0) if same_meal else 0) + 1
    return Usage(
        day=day,
        day_amount=day_amount,
        meal_key=key,
        meal_amount=meal_amount,
        meal_count=meal_count,
        last_swipe=max(usage.last_swipe or when, when),
        last_terminal_id=terminal_id,
    )


# ------------------------------------------------------------ the checks, in order
def _card_code(holder, swipe):
    if holder.card_state != "active":
        return CARD_STATE_CODES.get(holder.card_state, "card_expired")
    if holder.expiry_date and holder.expiry_date < swipe.day:
        return "card_expired"
    if holder.card_kind not in PAYING_CARD_KINDS:
        return "card_kind"
    if holder.state != "active" or not holder.active:
        return "holder_inactive"
    return None


def _place_code(terminal, category, swipe):
    if category.terminals and terminal.id not in category.terminals:
        return "terminal_not_allowed"
    if terminal.mode == "count" and not swipe.period_id:
        return "outside_meal_period"
    if swipe.period_id and category.periods and swipe.period_id not in category.periods:
        return "meal_period_not_allowed"
    return None


def _usage_code(terminal, category, usage, swipe, amount):
    same_meal = usage.meal_key == swipe.meal_key
    if (
        terminal.mode == "count"
        and same_meal
        and (usage.meal_count or 0) >= category.meals_per_period
    ):
        return "meal_count_exceeded"
    if (
        terminal.repeat_interval
        and usage.last_swipe
        and timedelta(0)
        <= swipe.when - usage.last_swipe
        < timedelta(seconds=terminal.repeat_interval)
    ):
        return "repeat_swipe"
    rounding = terminal.rounding
    spent_meal = float(usage.meal_amount or 0.0) if same_meal else 0.0
    if (
        category.meal_limit
        and float_compare(
            spent_meal + amount, category.meal_limit, precision_rounding=rounding
        )
        > 0
    ):
        return "meal_limit"
    spent_day = float(usage.day_amount or 0.0) if usage.day == swipe.day else 0.0
    if (
        category.daily_limit
        and float_compare(
            spent_day + amount, category.daily_limit, precision_rounding=rounding
        )
        > 0
    ):
        return "daily_limit"
    return None


def _own_limit_code(terminal, holder, swipe, amount):
    """The holder's own daily limit: never above the category's (the portal
    refuses it), so it is checked after the category's and has its own code."""
    if not holder.daily_limit:
        return None
    usage = holder.usage
    spent_day = float(usage.day_amount or 0.0) if usage.day == swipe.day else 0.0
    if (
        float_compare(
            spent_day + amount, holder.daily_limit, precision_rounding=terminal.rounding
        )
        > 0
    ):
        return "own_daily_limit"
    return None


def _pin_code(terminal, category, pin, swipe, amount):
    if not needs_pin(terminal, category, amount):
        return None
    if pin.locked_until and pin.locked_until > swipe.now:
        return "pin_locked"
    if not swipe.pin:
        return "pin_required"
    if not check_pin(swipe.pin, pin.hash):
        return "pin_wrong"
    return None
