"""The swipe rules alone (tools/swipe_rules.py): records in, decision out, no
database; prices and checks here, the split and the counters in
test_swipe_rules_split.py. The engine's tests (test_consumption_*) prove the same
rules through swipes that book."""

from datetime import timedelta

from odoo.tests import BaseCase, tagged

from ..tools import swipe_rules as rules
from .swipe_rules_records import (
    CATEGORY,
    DAY,
    DINNER,
    HOLDER,
    LUNCH,
    NOON,
    PIN_HASH,
    TERMINAL,
    category,
    holder,
    spent,
    swipe,
    terminal,
)


@tagged("post_install", "-at_install")
class TestSwipeRules(BaseCase):
    # ---------------------------------------------------------------- price
    def assertPrice(self, expected, term=TERMINAL, cat=CATEGORY, **request):
        self.assertEqual(rules.price(term, cat, swipe(**request)), expected)

    def test_amount_mode(self):
        self.assertPrice((12.5, None), amount=12.5)
        self.assertPrice((12.0, None), amount=12)
        self.assertPrice((0.0, "invalid_amount"))  # nothing keyed
        # a preset price stands in when the operator keys nothing, not over a keyed one
        preset = terminal(fixed_amount=8.0)
        self.assertPrice((8.0, None), term=preset)
        self.assertPrice((3.5, None), term=preset, amount=3.5)

    def test_key_mode(self):
        keypad = terminal(mode="key", keys={1: 5.0, 2: 12.5})
        self.assertPrice((12.5, None), term=keypad, key=2)
        self.assertPrice((5.0, None), term=keypad, key=1, amount=99.0)
        for key in (3, "1", None, 1.0):
            self.assertPrice((0.0, "invalid_key"), term=keypad, key=key)

    def test_fixed_mode_ignores_the_amount_keyed(self):
        fixed = terminal(mode="fixed", fixed_amount=8.0)
        self.assertPrice((8.0, None), term=fixed, amount=99.0)
        self.assertPrice((0.0, "invalid_amount"), term=terminal(mode="fixed"))

    def test_meal_mode(self):
        meal = terminal(mode="meal")
        priced = category(prices={LUNCH: 12.0})
        self.assertPrice((12.0, None), term=meal, cat=priced, amount=99.0)
        self.assertPrice((0.0, "no_price"), term=meal, cat=priced, period_id=DINNER)
        self.assertPrice(
            (0.0, "outside_meal_period"), term=meal, cat=priced, period_id=False
        )
        self.assertPrice(
            (0.0, "invalid_amount"), term=meal, cat=category(prices={2: 0})
        )

    def test_count_mode(self):
        count = terminal(mode="count", fixed_amount=6.0)
        self.assertPrice((6.0, None), term=count)
        # a free meal is a meal counted: zero is a price here, and only here
        self.assertPrice((0.0, None), term=terminal(mode="count"))
        self.assertEqual(
            rules.check(count, CATEGORY, HOLDER, swipe(period_id=False), 6.0),
            "outside_meal_period",
        )
        once = category(meals_per_period=1)
        twice = category(meals_per_period=2)
        ate = holder(spent(meal_count=1))
        self.assertEqual(
            rules.check(count, once, ate, swipe(), 6.0), "meal_count_exceeded"
        )
        self.assertIsNone(rules.check(count, twice, ate, swipe(), 6.0))
        self.assertIsNone(rules.check(count, once, ate, swipe(period_id=DINNER), 6.0))
        # the count is of count terminals only
        self.assertIsNone(rules.check(TERMINAL, once, ate, swipe(), 6.0))

    def test_postpaid_mode(self):
        postpaid = terminal(mode="postpaid")
        self.assertPrice((30.0, None), term=postpaid, amount=30.0)
        self.assertPrice((5.0, None), term=terminal(mode="postpaid", fixed_amount=5.0))
        credit = category(credit_limit=50.0)
        balances = {"subsidy": 5.0, "cash": 10.0}
        self.assertEqual(
            rules.split(postpaid, credit, "official", balances, 60.0),
            rules.Split((("subsidy", -5.0), ("cash", -55.0))),
        )
        self.assertTrue(
            rules.split(postpaid, credit, "official", balances, 65.01).short
        )
        # exactly down to the credit limit
        self.assertEqual(
            rules.split(postpaid, credit, "official", balances, 65.0).takes,
            (("subsidy", -5.0), ("cash", -60.0)),
        )
        # the credit is of postpaid terminals only
        self.assertTrue(rules.split(TERMINAL, credit, "official", balances, 20.0).short)

    def test_invalid_amounts(self):
        for amount in (True, "12", float("nan"), -1.0, 0, 0.0, 1e6 + 0.01, 12.345):
            self.assertPrice((0.0, "invalid_amount"), amount=amount)
        self.assertPrice((1e6, None), amount=1e6)  # exactly the ceiling
        self.assertPrice((0.01, None), amount=0.01)
        self.assertPrice((0.3, None), amount=0.1 + 0.2)  # float noise is not a cent

    def test_discount_rounds_half_up_to_the_cent(self):
        self.assertPrice((12.0, None), cat=category(discount=20.0), amount=15.0)
        self.assertPrice((2.68, None), cat=category(discount=50.0), amount=5.35)
        # 1.005 exactly: half up (Python's round() would give 1.0)
        self.assertPrice((1.01, None), cat=category(discount=50.0), amount=2.01)
        self.assertPrice((0.04, None), cat=category(discount=15.0), amount=0.05)
        self.assertPrice((0.0, None), cat=category(discount=100.0), amount=9.99)

    # --------------------------------------------------------------- checks
    def test_card_and_holder_checks_in_order(self):
        check = rules.check
        for state, code in (
            ("lost", "card_lost"),
            ("frozen", "card_frozen"),
            ("returned", "card_returned"),
            ("expired", "card_expired"),
        ):
            # the card is checked before anything else
            self.assertEqual(
                check(
                    TERMINAL,
                    CATEGORY,
                    holder(card_state=state, state="closed"),
                    swipe(),
                    1.0,
                ),
                code,
            )
        self.assertIsNone(
            check(TERMINAL, CATEGORY, holder(expiry_date=DAY), swipe(), 1.0)
        )  # valid through its last day
        self.assertEqual(
            check(
                TERMINAL, CATEGORY, holder(expiry_date=DAY - timedelta(1)), swipe(), 1.0
            ),
            "card_expired",
        )
        self.assertEqual(
            check(TERMINAL, CATEGORY, holder(card_kind="admin"), swipe(), 1.0),
            "card_kind",
        )
        self.assertIsNone(
            check(TERMINAL, CATEGORY, holder(card_kind="temporary"), swipe(), 1.0)
        )
        elsewhere = category(terminals=frozenset({99}))
        for closed in (holder(state="frozen"), holder(active=False)):
            self.assertEqual(
                check(TERMINAL, elsewhere, closed, swipe(), 1.0), "holder_inactive"
            )

    def test_terminal_and_meal_period_allowed(self):
        check = rules.check
        self.assertEqual(
            check(TERMINAL, category(terminals=frozenset({99})), HOLDER, swipe(), 1.0),
            "terminal_not_allowed",
        )
        self.assertIsNone(
            check(TERMINAL, category(terminals=frozenset({7})), HOLDER, swipe(), 1.0)
        )
        lunch_only = category(periods=frozenset({LUNCH}))
        self.assertEqual(
            check(TERMINAL, lunch_only, HOLDER, swipe(period_id=DINNER), 1.0),
            "meal_period_not_allowed",
        )
        self.assertIsNone(check(TERMINAL, lunch_only, HOLDER, swipe(), 1.0))
        # no period open: an amount terminal sells anyway
        self.assertIsNone(
            check(TERMINAL, lunch_only, HOLDER, swipe(period_id=False), 1.0)
        )

    def test_repeat_swipe_interval(self):
        repeat = terminal(repeat_interval=60)

        def code(seconds_ago, term=repeat):
            last = NOON - timedelta(seconds=seconds_ago)
            return rules.check(
                term, CATEGORY, holder(spent(last_swipe=last)), swipe(), 1.0
            )

        self.assertEqual(code(0), "repeat_swipe")
        self.assertEqual(code(59), "repeat_swipe")
        self.assertIsNone(code(60))  # exactly the interval: allowed
        self.assertIsNone(code(-30))  # a late record dated before the last swipe
        self.assertIsNone(code(1, term=TERMINAL))  # no interval set
        self.assertIsNone(rules.check(repeat, CATEGORY, HOLDER, swipe(), 1.0))

    def test_meal_limit(self):
        limit = category(meal_limit=60.0)
        lunch = holder(spent(day_amount=50.0, meal_amount=50.0))
        self.assertIsNone(rules.check(TERMINAL, limit, lunch, swipe(), 10.0))  # at
        self.assertEqual(
            rules.check(TERMINAL, limit, lunch, swipe(), 10.01), "meal_limit"
        )
        # the next meal starts again
        self.assertIsNone(
            rules.check(TERMINAL, limit, lunch, swipe(period_id=DINNER), 60.0)
        )
        self.assertEqual(
            rules.check(TERMINAL, limit, HOLDER, swipe(), 60.01), "meal_limit"
        )

    def test_daily_limit(self):
        limit = category(daily_limit=100.0)
        today = holder(spent(day_amount=90.0, meal_amount=90.0))
        self.assertIsNone(rules.check(TERMINAL, limit, today, swipe(), 10.0))  # at
        self.assertEqual(
            rules.check(TERMINAL, limit, today, swipe(), 10.01), "daily_limit"
        )
        self.assertEqual(
            rules.check(TERMINAL, limit, today, swipe(period_id=DINNER), 10.01),
            "daily_limit",
        )  # a day spans its meals
        tomorrow = swipe(when=NOON + timedelta(days=1), day=DAY + timedelta(days=1))
        self.assertIsNone(rules.check(TERMINAL, limit, today, tomorrow, 100.0))
        # the meal limit refuses first
        both = category(meal_limit=50.0, daily_limit=60.0)
        self.assertEqual(rules.check(TERMINAL, both, today, swipe(), 1.0), "meal_limit")

    def test_limits_compare_at_the_cent(self):
        limit = category(meal_limit=60.0, daily_limit=60.0)
        # 0.1 + 0.2 + 59.7 is 60.000000000000004 in floats: at the limit, not above
        noisy = holder(spent(day_amount=0.1 + 0.2, meal_amount=0.1 + 0.2))
        self.assertIsNone(rules.check(TERMINAL, limit, noisy, swipe(), 59.7))
        self.assertEqual(
            rules.check(TERMINAL, limit, noisy, swipe(), 59.71), "meal_limit"
        )

    def test_pin_threshold(self):
        cat = category(pin_threshold=40.0)
        check = rules.check
        self.assertIsNone(check(TERMINAL, cat, HOLDER, swipe(), 40.0))  # at: no PIN
        self.assertEqual(check(TERMINAL, cat, HOLDER, swipe(), 40.01), "pin_required")
        self.assertIsNone(check(TERMINAL, cat, HOLDER, swipe(pin="1234"), 40.01))
        self.assertEqual(
            check(TERMINAL, cat, HOLDER, swipe(pin="4321"), 40.01), "pin_wrong"
        )
        no_pin_set = holder(pin=rules.Pin(0, None, None))
        self.assertEqual(
            check(TERMINAL, cat, no_pin_set, swipe(pin="1234"), 40.01), "pin_wrong"
        )
        # the terminal's threshold wins over the category's
        strict = terminal(pin_threshold=5.0)
        self.assertEqual(check(strict, cat, HOLDER, swipe(), 5.01), "pin_required")
        self.assertIsNone(check(strict, cat, HOLDER, swipe(), 5.0))
        locked = holder(pin=rules.Pin(0, NOON + timedelta(minutes=1), PIN_HASH))
        self.assertEqual(
            check(TERMINAL, cat, locked, swipe(pin="1234"), 40.01), "pin_locked"
        )
        self.assertIsNone(check(TERMINAL, cat, locked, swipe(), 40.0))
        expired = holder(pin=rules.Pin(0, NOON, PIN_HASH))  # the lock ends now
        self.assertIsNone(check(TERMINAL, cat, expired, swipe(pin="1234"), 40.01))
        # the limits refuse before the PIN is asked for
        both = category(pin_threshold=40.0, daily_limit=40.0)
        self.assertEqual(check(TERMINAL, both, HOLDER, swipe(), 40.01), "daily_limit")

    def test_pin_failures_lock_and_reset(self):
        cat = category(pin_threshold=40.0)
        wrong = swipe(pin="0000")

        def after(state, request, code, amount=50.0):
            return rules.pin_after(TERMINAL, cat, state, request, amount, code)

        state = HOLDER
        for failures in (1, 2):
            pin = after(state, wrong, "pin_wrong")
            self.assertEqual((pin.failures, pin.locked_until), (failures, None))
            state = holder(pin=pin)
        pin = after(state, wrong, "pin_wrong")
        self.assertEqual(pin.failures, 0)
        self.assertEqual(
            pin.locked_until, NOON + timedelta(minutes=rules.PIN_LOCK_MINUTES)
        )
        self.assertEqual(pin.hash, PIN_HASH)
        # an offline record's PIN was the terminal's business: nothing counted
        self.assertIs(
            after(HOLDER, swipe(pin="0000", offline=True), "pin_wrong"), HOLDER.pin
        )
        # the right PIN clears the failures; without failures nothing changes
        failed = holder(pin=rules.Pin(2, None, PIN_HASH))
        self.assertEqual(after(failed, swipe(pin="1234"), None).failures, 0)
        self.assertIs(after(HOLDER, swipe(pin="1234"), None), HOLDER.pin)
        # no PIN asked (under the threshold, or refused earlier): nothing changes
        self.assertIs(after(failed, swipe(), None, amount=40.0), failed.pin)
        self.assertIs(after(failed, swipe(), "daily_limit"), failed.pin)
