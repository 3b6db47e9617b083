"""The holder's own daily limit in the swipe rules alone (no database)."""

from datetime import timedelta

from odoo.tests import BaseCase, tagged

from ..tools import swipe_rules as rules
from .swipe_rules_records import (
    CATEGORY,
    DAY,
    HOLDER,
    NOON,
    TERMINAL,
    category,
    holder,
    spent,
    swipe,
)


@tagged("post_install", "-at_install")
class TestSwipeRulesOwnLimit(BaseCase):
    def test_unset_is_the_category_alone(self):
        self.assertEqual(HOLDER.daily_limit, 0.0)
        self.assertIsNone(rules.check(TERMINAL, CATEGORY, HOLDER, swipe(), 500.0))

    def test_own_limit_declines_with_its_code(self):
        own = holder(spent(day_amount=20.0, meal_amount=20.0), daily_limit=30.0)
        self.assertIsNone(rules.check(TERMINAL, CATEGORY, own, swipe(), 10.0))  # at
        self.assertEqual(
            rules.check(TERMINAL, CATEGORY, own, swipe(), 10.01), "own_daily_limit"
        )
        # a new day starts from zero
        tomorrow = swipe(when=NOON + timedelta(days=1), day=DAY + timedelta(days=1))
        self.assertIsNone(rules.check(TERMINAL, CATEGORY, own, tomorrow, 30.0))
        self.assertEqual(
            rules.check(TERMINAL, CATEGORY, own, tomorrow, 30.01), "own_daily_limit"
        )

    def test_category_limit_refuses_first(self):
        own = holder(spent(day_amount=20.0, meal_amount=20.0), daily_limit=30.0)
        self.assertEqual(
            rules.check(TERMINAL, category(daily_limit=25.0), own, swipe(), 10.0),
            "daily_limit",
        )
        self.assertEqual(
            rules.check(TERMINAL, category(daily_limit=100.0), own, swipe(), 10.01),
            "own_daily_limit",
        )

    def test_compares_at_the_cent(self):
        noisy = holder(spent(day_amount=0.1 + 0.2, meal_amount=0.3), daily_limit=60.0)
        self.assertIsNone(rules.check(TERMINAL, CATEGORY, noisy, swipe(), 59.7))
        self.assertEqual(
            rules.check(TERMINAL, CATEGORY, noisy, swipe(), 59.71), "own_daily_limit"
        )

    def test_before_the_pin(self):
        """A swipe the own limit refuses never asks for (nor counts) a PIN."""
        pin = category(pin_threshold=10.0)
        own = holder(daily_limit=20.0)
        self.assertEqual(
            rules.check(TERMINAL, pin, own, swipe(), 20.01), "own_daily_limit"
        )
        self.assertEqual(rules.check(TERMINAL, pin, own, swipe(), 20.0), "pin_required")
