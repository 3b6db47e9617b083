"""The swipe rules alone: the split across purses, the usage counters, the meal
periods (prices and checks: test_swipe_rules.py)."""

from dataclasses import replace
from datetime import datetime, timedelta

from odoo.tests import BaseCase, tagged

from ..tools import swipe_rules as rules
from .swipe_rules_records import (
    CATEGORY,
    DAY,
    DINNER,
    FRESH,
    LUNCH,
    NOON,
    TERMINAL,
    spent,
    swipe,
    terminal,
)


@tagged("post_install", "-at_install")
class TestSwipeRulesSplit(BaseCase):
    # ---------------------------------------------------------------- split
    def test_split_across_purses(self):
        split = rules.split
        purses = {"subsidy": 20.0, "cash": 100.0, "temporary": 2.0}
        self.assertEqual(
            split(TERMINAL, CATEGORY, "official", purses, 25.5),
            rules.Split((("subsidy", -20.0), ("cash", -5.5))),
        )
        self.assertEqual(
            split(TERMINAL, CATEGORY, "official", purses, 20.0).takes,
            (("subsidy", -20.0),),
        )
        self.assertEqual(
            split(
                terminal(spend_order="cash_first"), CATEGORY, "official", purses, 25.5
            ).takes,
            (("cash", -25.5),),
        )
        self.assertEqual(
            split(TERMINAL, CATEGORY, "temporary", purses, 2.0).takes,
            (("temporary", -2.0),),
        )
        self.assertEqual(
            split(TERMINAL, CATEGORY, "temporary", purses, 2.01).short, True
        )
        # exactly everything there is, then one cent more
        self.assertFalse(split(TERMINAL, CATEGORY, "official", purses, 120.0).short)
        self.assertEqual(
            split(TERMINAL, CATEGORY, "official", purses, 120.01),
            rules.Split((), short=True),
        )
        # a free meal takes nothing; an empty or overdrawn purse gives nothing
        self.assertEqual(
            split(TERMINAL, CATEGORY, "official", purses, 0.0), rules.Split(())
        )
        self.assertEqual(
            split(
                TERMINAL, CATEGORY, "official", {"subsidy": -5.0, "cash": 3.0}, 3.0
            ).takes,
            (("cash", -3.0),),
        )

    def test_split_in_cents(self):
        # 0.1 + 0.2 is 0.30000000000000004: the cash still pays exactly 1.00
        purses = {"subsidy": 0.1 + 0.2, "cash": 1.0}
        self.assertEqual(
            rules.split(TERMINAL, CATEGORY, "official", purses, 1.3),
            rules.Split((("subsidy", -0.3), ("cash", -1.0))),
        )

    def test_forced_split_goes_below_zero_on_the_spending_purse(self):
        split = rules.split
        purses = {"subsidy": 5.0, "cash": 3.0, "temporary": 1.0}
        self.assertEqual(
            split(TERMINAL, CATEGORY, "official", purses, 10.0, forced=True),
            rules.Split((("subsidy", -5.0), ("cash", -5.0)), overdrawn=True),
        )
        self.assertEqual(
            split(
                TERMINAL,
                CATEGORY,
                "official",
                {"subsidy": 5.0, "cash": 0.0},
                8.0,
                forced=True,
            ),
            rules.Split((("subsidy", -5.0), ("cash", -3.0)), overdrawn=True),
        )
        self.assertEqual(
            split(TERMINAL, CATEGORY, "temporary", purses, 2.5, forced=True),
            rules.Split((("temporary", -2.5),), overdrawn=True),
        )
        # forced but covered: not overdrawn
        self.assertEqual(
            split(TERMINAL, CATEGORY, "official", purses, 8.0, forced=True),
            rules.Split((("subsidy", -5.0), ("cash", -3.0))),
        )

    # ---------------------------------------------------------------- usage
    def test_usage_counts_days_and_meals(self):
        first = rules.usage_after(FRESH, 12.0, swipe(), TERMINAL.id)
        self.assertEqual(
            first,
            spent(day_amount=12.0, meal_amount=12.0, meal_count=1, last_swipe=NOON),
        )
        later = NOON + timedelta(minutes=5)
        second = rules.usage_after(first, 3.5, swipe(when=later), 8)
        self.assertEqual(
            second,
            spent(15.5, 15.5, 2, last_swipe=later, last_terminal_id=8),
        )
        dinner_at = NOON + timedelta(hours=6)
        dinner = rules.usage_after(
            second, 10.0, swipe(when=dinner_at, period_id=DINNER), 7
        )
        self.assertEqual(
            (dinner.day_amount, dinner.meal_key, dinner.meal_amount, dinner.meal_count),
            (25.5, rules.meal_key(DAY, DINNER), 10.0, 1),
        )
        next_day = DAY + timedelta(days=1)
        tomorrow = rules.usage_after(
            dinner, 4.0, swipe(when=NOON + timedelta(days=1), day=next_day), 7
        )
        self.assertEqual(
            (tomorrow.day, tomorrow.day_amount, tomorrow.meal_amount),
            (next_day, 4.0, 4.0),
        )
        free = rules.usage_after(FRESH, 0.0, swipe(), 7)  # count mode's free meal
        self.assertEqual((free.day_amount, free.meal_count), (0.0, 1))

    def test_late_record_keeps_the_current_counters(self):
        dinner_at = NOON + timedelta(hours=6)
        now = spent(
            30.0, 10.0, 1, last_swipe=dinner_at, meal_key=rules.meal_key(DAY, DINNER)
        )
        # an offline record of this lunch, uploaded after dinner: today's amount grows,
        # the dinner's counters and the last swipe stay
        late = rules.usage_after(now, 12.0, swipe(), 9)
        self.assertEqual(late, replace(now, day_amount=42.0, last_terminal_id=9))
        # yesterday's record: nothing of today's counters moves
        yesterday = DAY - timedelta(days=1)
        old = rules.usage_after(
            now, 12.0, swipe(when=NOON - timedelta(days=1), day=yesterday), 9
        )
        self.assertEqual(old, replace(now, last_terminal_id=9))

    # ------------------------------------------------------- meal periods
    def test_find_period(self):
        periods = (
            rules.MealPeriod(1, 6.0, 9.0),
            rules.MealPeriod(LUNCH, 11.0, 13.5),
        )
        self.assertEqual(
            rules.find_period(periods, datetime(2025, 3, 10, 11, 0)), LUNCH
        )
        self.assertEqual(
            rules.find_period(periods, datetime(2025, 3, 10, 13, 29)), LUNCH
        )
        self.assertIs(rules.find_period(periods, datetime(2025, 3, 10, 13, 30)), False)
        self.assertIs(rules.find_period(periods, datetime(2025, 3, 10, 10, 59)), False)
        self.assertIs(rules.find_period((), datetime(2025, 3, 10, 12, 0)), False)
        self.assertEqual(rules.meal_key(DAY, LUNCH), "2025-03-10/2")
        self.assertEqual(rules.meal_key(DAY, False), "2025-03-10/0")
