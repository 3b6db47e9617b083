"""Records the swipe rules' tests share (test_swipe_rules*): a terminal, a
category and a holder with nothing set, and builders for variations of them."""

from dataclasses import replace
from datetime import date, datetime

from ..tools import hash_pin
from ..tools import swipe_rules as rules

DAY = date(2025, 3, 10)
NOON = datetime(2025, 3, 10, 4, 0)  # 12:00 in Asia/Shanghai, naive UTC
LUNCH, DINNER = 2, 3
PIN_HASH = hash_pin("1234")  # once: PBKDF2 is slow on purpose

TERMINAL = rules.Terminal(
    id=7,
    mode="amount",
    fixed_amount=0.0,
    repeat_interval=0,
    pin_threshold=0.0,
    keys={},
    rounding=0.01,
    spend_order="subsidy_first",
)
CATEGORY = rules.Category(
    discount=0.0,
    meal_limit=0.0,
    daily_limit=0.0,
    meals_per_period=1,
    credit_limit=0.0,
    pin_threshold=0.0,
    terminals=frozenset(),
    periods=frozenset(),
    prices={},
)
FRESH = rules.Usage(None, None, None, None, None, None, None)
HOLDER = rules.Holder(
    card_state="active",
    card_kind="official",
    expiry_date=None,
    state="active",
    active=True,
    usage=FRESH,
    pin=rules.Pin(0, None, PIN_HASH),
)


def terminal(**changes):
    return replace(TERMINAL, **changes)


def category(**changes):
    return replace(CATEGORY, **changes)


def holder(usage=None, **changes):
    return replace(HOLDER, usage=usage or FRESH, **changes)


def swipe(when=NOON, day=DAY, period_id=LUNCH, **changes):
    values = dict(
        amount=None,
        key=None,
        pin=None,
        when=when,
        day=day,
        period_id=period_id,
        meal_key=rules.meal_key(day, period_id),
        offline=False,
        now=NOON,
    )
    values.update(changes)
    return rules.Swipe(**values)


def spent(day_amount=0.0, meal_amount=0.0, meal_count=0, last_swipe=None, **changes):
    """Counters of a holder who already spent today, at lunch."""
    values = dict(
        day=DAY,
        day_amount=day_amount,
        meal_key=rules.meal_key(DAY, LUNCH),
        meal_amount=meal_amount,
        meal_count=meal_count,
        last_swipe=last_swipe,
        last_terminal_id=TERMINAL.id,
    )
    values.update(changes)
    return rules.Usage(**values)
