"""The consumption engine through real swipes: modes, prices, purses.

``ConsumptionCase`` is the base of every test_consumption_* file: each test ends by
checking that every wallet equals the sum of its ledger rows.
"""

from datetime import date

from odoo.tests import tagged

from .common import OnecardCase, local_to_utc


class ConsumptionCase(OnecardCase):
    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def assertApproved(self, answer, amount, subsidy=0.0, cash=0.0):
        self.assertTrue(answer["approved"], answer)
        self.assertEqual(answer["code"], "ok")
        self.assertAlmostEqual(answer["amount"], amount, places=2)
        self.assertAlmostEqual(answer["subsidy_amount"], subsidy, places=2)
        self.assertAlmostEqual(answer["cash_amount"], cash, places=2)
        operation = self.env["onecard.operation"].browse(answer["operation_id"])
        self.assertEqual((operation.state, operation.reason_code), ("approved", "ok"))
        self.assertAlmostEqual(
            -sum(operation.transaction_ids.mapped("amount")), amount, places=2
        )
        return operation

    def ledger_count(self):
        self.env.cr.execute("SELECT count(*) FROM onecard_transaction")
        return self.env.cr.fetchone()[0]


@tagged("post_install", "-at_install")
class TestConsumption(ConsumptionCase):
    # ---------------------------------------------------------------- modes
    def test_amount_mode_subsidy_first_then_cash(self):
        operation = self.assertApproved(
            self.swipe(self.t_amount, self.alice_card, amount=30.0), 30.0, subsidy=30.0
        )
        self.assertEqual(operation.transaction_ids.wallet_kind, "subsidy")
        self.assertEqual(operation.transaction_ids.terminal_id, self.t_amount)
        self.assertEqual(operation.transaction_ids.canteen_id, self.canteen)
        self.assertEqual(operation.transaction_ids.consume_category_id, self.meals)
        self.assertEqual(operation.meal_period_id, self.lunch)
        self.assertApproved(
            self.swipe(
                self.t_amount, self.alice_card, amount=25.5, at=local_to_utc(18, 0)
            ),
            25.5,
            subsidy=20.0,
            cash=5.5,
        )
        self.assertBalances(self.alice, subsidy=0.0, cash=94.5)

    def test_cash_first_setting(self):
        self.company.onecard_spend_order = "cash_first"
        self.assertApproved(
            self.swipe(self.t_amount, self.alice_card, amount=30.0), 30.0, cash=30.0
        )
        self.assertBalances(self.alice, subsidy=50.0, cash=70.0)

    def test_key_mode(self):
        self.assertApproved(
            self.swipe(self.t_key, self.alice_card, key=2), 12.5, subsidy=12.5
        )
        self.assertApproved(
            self.swipe(self.t_key, self.bob_card, key=1), 4.0, cash=4.0
        )  # 20 % off
        self.assertDeclined(
            self.swipe(self.t_key, self.alice_card, key=9), "invalid_key"
        )
        self.assertDeclined(
            self.swipe(self.t_key, self.alice_card, key="2"), "invalid_key"
        )
        self.assertDeclined(self.swipe(self.t_key, self.alice_card), "invalid_key")
        self.assertBalances(self.alice, subsidy=37.5)

    def test_fixed_mode_ignores_keyed_amount(self):
        self.assertApproved(
            self.swipe(self.t_fixed, self.alice_card, amount=999.0), 8.0, subsidy=8.0
        )
        self.assertApproved(self.swipe(self.t_fixed, self.bob_card), 6.4, cash=6.4)

    def test_settings_change_reaches_the_next_swipe(self):
        """The engine keeps terminal settings per process (_settings_memo): a change
        must clear them."""
        self.assertApproved(self.swipe(self.t_fixed, self.alice_card), 8.0, subsidy=8.0)
        self.t_fixed.fixed_amount = 9.0
        self.assertApproved(
            self.swipe(self.t_fixed, self.bob_card), 7.2, cash=7.2
        )  # 20 % off

    def test_meal_mode_price_by_period_and_category(self):
        self.assertApproved(
            self.swipe(self.t_meal, self.alice_card, at=local_to_utc(7, 30)),
            3.0,
            subsidy=3.0,
        )
        self.assertApproved(
            self.swipe(self.t_meal, self.alice_card, at=local_to_utc(11, 0)),
            12.0,
            subsidy=12.0,
        )
        self.assertApproved(
            self.swipe(self.t_meal, self.bob_card, at=local_to_utc(13, 29)),
            12.0,
            cash=12.0,
        )
        self.assertDeclined(
            self.swipe(self.t_meal, self.alice_card, at=local_to_utc(18, 0)), "no_price"
        )
        self.assertDeclined(
            self.swipe(self.t_meal, self.alice_card, at=local_to_utc(13, 30)),
            "outside_meal_period",
        )
        self.assertDeclined(
            self.swipe(self.t_meal, self.alice_card, at=local_to_utc(5, 59)),
            "outside_meal_period",
        )
        self.assertBalances(self.alice, subsidy=35.0, cash=100.0)

    def test_meal_period_uses_company_timezone(self):
        """04:00 UTC is noon in Shanghai: lunch, not breakfast or nothing."""
        answer = self.swipe(self.t_meal, self.alice_card, at=local_to_utc(12, 0))
        self.assertEqual(local_to_utc(12, 0).hour, 4)
        operation = self.assertApproved(answer, 12.0, subsidy=12.0)
        self.assertEqual(operation.meal_period_id, self.lunch)

    def test_count_mode(self):
        self.assertApproved(
            self.swipe(self.t_count, self.alice_card, at=local_to_utc(7, 0)),
            6.0,
            subsidy=6.0,
        )
        self.assertDeclined(
            self.swipe(self.t_count, self.alice_card, at=local_to_utc(8, 0)),
            "meal_count_exceeded",
        )
        self.assertApproved(
            self.swipe(self.t_count, self.alice_card, at=local_to_utc(12, 0)),
            6.0,
            subsidy=6.0,
        )
        self.assertDeclined(
            self.swipe(self.t_count, self.alice_card, at=local_to_utc(15, 0)),
            "outside_meal_period",
        )
        # the next day the count starts again
        tomorrow = local_to_utc(7, 0, day=date(2025, 3, 11))
        self.assertApproved(
            self.swipe(self.t_count, self.alice_card, at=tomorrow), 6.0, subsidy=6.0
        )
        # vip: two meals per period
        self.assertApproved(
            self.swipe(self.t_count, self.bob_card, at=local_to_utc(12, 0)),
            4.8,
            cash=4.8,
        )
        self.assertApproved(
            self.swipe(self.t_count, self.bob_card, at=local_to_utc(12, 5)),
            4.8,
            cash=4.8,
        )
        self.assertDeclined(
            self.swipe(self.t_count, self.bob_card, at=local_to_utc(12, 10)),
            "meal_count_exceeded",
        )

    def test_count_mode_free_meal_books_nothing(self):
        self.t_count.fixed_amount = 0.0
        rows = self.ledger_count()
        answer = self.swipe(self.t_count, self.alice_card, at=local_to_utc(12, 0))
        self.assertTrue(answer["approved"])
        self.assertEqual(answer["amount"], 0.0)
        self.assertEqual(self.ledger_count(), rows)
        self.assertDeclined(
            self.swipe(self.t_count, self.alice_card, at=local_to_utc(12, 1)),
            "meal_count_exceeded",
        )

    def test_postpaid_goes_below_zero_up_to_credit(self):
        # staff: credit 50; cash 100 + subsidy 50 → 200 can be spent
        spent = 0.0
        for hour in (7, 12, 18):
            answer = self.swipe(
                self.t_postpaid, self.alice_card, amount=33.0, at=local_to_utc(hour, 0)
            )
            self.assertTrue(answer["approved"], answer)
            spent += 33.0
        tomorrow = date(2025, 3, 11)
        for hour in (7, 12, 18):
            self.assertTrue(
                self.swipe(
                    self.t_postpaid,
                    self.alice_card,
                    amount=33.0,
                    at=local_to_utc(hour, 0, day=tomorrow),
                )["approved"]
            )
            spent += 33.0
        self.assertBalances(self.alice, subsidy=0.0, cash=150.0 - spent)  # -48.00
        day3 = date(2025, 3, 12)
        answer = self.swipe(
            self.t_postpaid,
            self.alice_card,
            amount=2.01,
            at=local_to_utc(7, 0, day=day3),
        )
        self.assertDeclined(answer, "insufficient_balance")
        operation = self.assertApproved(
            self.swipe(
                self.t_postpaid,
                self.alice_card,
                amount=2.0,
                at=local_to_utc(7, 1, day=day3),
            ),
            2.0,
            cash=2.0,
        )
        self.assertFalse(operation.flagged)
        self.assertBalances(self.alice, cash=-50.0)
        # an ordinary terminal never uses the credit
        self.assertDeclined(
            self.swipe(self.t_fixed, self.alice_card, at=local_to_utc(12, 0, day=day3)),
            "insufficient_balance",
        )

    def test_discount(self):
        self.assertApproved(
            self.swipe(self.t_amount, self.bob_card, amount=10.0), 8.0, cash=8.0
        )
        self.assertApproved(
            self.swipe(self.t_amount, self.bob_card, amount=0.05), 0.04, cash=0.04
        )
        self.assertApproved(
            self.swipe(self.t_meal, self.bob_card, at=local_to_utc(12, 30)),
            12.0,
            cash=12.0,
        )
        self.assertBalances(self.bob, cash=100.0 - 8.0 - 0.04 - 12.0)

    def test_temporary_card_spends_temporary_wallet(self):
        temp = self.ledger.issue_card(self.alice, "0B0B0C01", kind="temporary")
        self.ledger.transfer(self.alice, 10.0)
        operation = self.assertApproved(self.swipe(self.t_fixed, temp), 8.0, cash=8.0)
        self.assertEqual(operation.transaction_ids.wallet_kind, "temporary")
        self.assertDeclined(
            self.swipe(self.t_fixed, temp, at=local_to_utc(12, 5)),
            "insufficient_balance",
        )
        self.assertBalances(self.alice, temporary=2.0, subsidy=50.0, cash=90.0)
