from datetime import date

from odoo.tests import freeze_time, tagged

from ..models.onecard_consumption import REASONS
from .common import OnecardCase, local_to_utc


@tagged("post_install", "-at_install")
class TestConsumption(OnecardCase):
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

    # ------------------------------------------------------- every decline
    def test_every_reason_code_declines_and_books_nothing(self):
        seen = set()

        def declined(code, terminal, card, **kw):
            before, rows = self.snapshot()["wallets"], self.ledger_count()
            self.assertDeclined(self.swipe(terminal, card, **kw), code)
            self.assertEqual(
                self.ledger_count(),
                rows,
                f"a declined swipe ({code}) booked ledger rows",
            )
            self.assertEqual(
                self.snapshot()["wallets"],
                before,
                f"a declined swipe ({code}) moved money",
            )
            seen.add(code)

        declined("unknown_card", self.t_fixed, "DEADBEEF")
        declined("unknown_card", self.t_fixed, "not a uid")
        carl, carl_card = self.make_holder(
            "Carl", "T020", self.staff, "0C0C0C01", cash=20.0
        )
        self.ledger.report_lost(carl_card)
        declined("card_lost", self.t_fixed, carl_card)
        self.ledger.unlock(carl_card)
        self.ledger.freeze(carl_card)
        declined("card_frozen", self.t_fixed, carl_card)
        self.ledger.unfreeze(carl_card)
        carl_card.expiry_date = date(2025, 3, 9)
        declined("card_expired", self.t_fixed, carl_card)
        carl_card.expiry_date = False
        carl_card.sudo().write({"state": "expired"})
        declined("card_expired", self.t_fixed, carl_card)
        carl_card.sudo().write({"state": "active"})
        admin_card = self.env["onecard.card"].create(
            {
                "cardholder_id": carl.id,
                "uid": "0C0C0C02",
                "kind": "admin",
                "user_id": self.operator.id,
            }
        )
        declined("card_kind", self.t_fixed, admin_card)
        carl.state = "frozen"
        declined("holder_inactive", self.t_fixed, carl_card)
        carl.state = "active"
        carl.active = False
        declined("holder_inactive", self.t_fixed, carl_card)
        carl.active = True
        self.ledger.return_card(carl_card, self.cash)
        declined("card_returned", self.t_fixed, carl_card)
        declined("terminal_not_allowed", self.t_amount, self.vera_card, amount=5.0)
        declined(
            "meal_period_not_allowed",
            self.t_fixed,
            self.vera_card,
            at=local_to_utc(7, 0),
        )
        declined(
            "outside_meal_period", self.t_meal, self.alice_card, at=local_to_utc(10, 0)
        )
        declined(
            "outside_meal_period", self.t_count, self.alice_card, at=local_to_utc(10, 0)
        )
        declined("no_price", self.t_meal, self.alice_card, at=local_to_utc(17, 30))
        for bad in (-1.0, 0.0, float("nan"), float("inf"), 1.005, "5", None, 2e6):
            declined("invalid_amount", self.t_amount, self.alice_card, amount=bad)
        declined("invalid_key", self.t_key, self.alice_card, key=7)
        poor, poor_card = self.make_holder(
            "Poor", "T021", self.staff, "0C0C0C03", cash=5.0
        )
        declined("insufficient_balance", self.t_fixed, poor_card)
        # the rules that need history, in the order of a day
        self.assertTrue(
            self.swipe(self.t_count, self.alice_card, at=local_to_utc(7, 0))["approved"]
        )
        declined(
            "meal_count_exceeded", self.t_count, self.alice_card, at=local_to_utc(7, 30)
        )
        declined(
            "pin_required",
            self.t_amount,
            self.alice_card,
            amount=41.0,
            at=local_to_utc(11, 0),
        )
        self.alice.action_set_pin("1234")
        for _attempt in range(3):
            declined(
                "pin_wrong",
                self.t_amount,
                self.alice_card,
                amount=41.0,
                pin="9999",
                at=local_to_utc(11, 0),
            )
        declined(
            "pin_locked",
            self.t_amount,
            self.alice_card,
            amount=41.0,
            pin="1234",
            at=local_to_utc(11, 0),
        )
        self.assertTrue(
            self.swipe(self.t_repeat, self.alice_card, at=local_to_utc(12, 0))[
                "approved"
            ]
        )
        declined(
            "repeat_swipe",
            self.t_repeat,
            self.alice_card,
            at=local_to_utc(12, 0, second=30),
        )
        declined(
            "meal_limit",
            self.t_amount,
            self.alice_card,
            amount=58.01,
            at=local_to_utc(12, 5),
        )
        self.assertTrue(
            self.swipe(
                self.t_amount, self.alice_card, amount=40.0, at=local_to_utc(12, 5)
            )["approved"]
        )
        self.assertTrue(
            self.swipe(
                self.t_amount, self.alice_card, amount=40.0, at=local_to_utc(17, 0)
            )["approved"]
        )
        declined(
            "daily_limit",
            self.t_amount,
            self.alice_card,
            amount=13.0,
            at=local_to_utc(17, 10),
        )
        # a record number reused for another request: refused and not even recorded (the
        # number is taken)
        self.swipe(self.t_fixed, self.bob_card, terminal_seq=9001)
        before, rows = self.snapshot()["wallets"], self.ledger_count()
        conflict = self.swipe(self.t_fixed, self.vera_card, terminal_seq=9001)
        self.assertEqual(
            (conflict["approved"], conflict["code"], conflict["operation_id"]),
            (False, "sequence_conflict", None),
        )
        self.assertEqual(
            (self.snapshot()["wallets"], self.ledger_count()), (before, rows)
        )
        seen.add(conflict["code"])
        self.assertEqual(seen, set(REASONS) - {"ok"}, "every reason code is reachable")

    def test_repeat_swipe_interval(self):
        self.assertApproved(
            self.swipe(
                self.t_repeat, self.alice_card, at=local_to_utc(12, 0, second=0)
            ),
            2.0,
            subsidy=2.0,
        )
        rows = self.ledger_count()
        self.assertDeclined(
            self.swipe(
                self.t_repeat, self.alice_card, at=local_to_utc(12, 0, second=59)
            ),
            "repeat_swipe",
        )
        self.assertEqual(self.ledger_count(), rows)
        self.assertApproved(
            self.swipe(
                self.t_repeat, self.alice_card, at=local_to_utc(12, 1, second=0)
            ),
            2.0,
            subsidy=2.0,
        )
        # other people are not affected; terminals without an interval neither
        self.assertApproved(
            self.swipe(self.t_repeat, self.bob_card, at=local_to_utc(12, 1, second=1)),
            1.6,
            cash=1.6,
        )
        self.assertApproved(
            self.swipe(self.t_fixed, self.alice_card, at=local_to_utc(12, 1, second=2)),
            8.0,
            subsidy=8.0,
        )

    def test_meal_limit(self):
        self.assertApproved(
            self.swipe(
                self.t_amount, self.alice_card, amount=35.0, at=local_to_utc(11, 0)
            ),
            35.0,
            subsidy=35.0,
        )
        self.assertDeclined(
            self.swipe(
                self.t_amount, self.alice_card, amount=25.01, at=local_to_utc(12, 0)
            ),
            "meal_limit",
        )
        self.assertApproved(
            self.swipe(
                self.t_amount, self.alice_card, amount=25.0, at=local_to_utc(12, 0)
            ),
            25.0,
            subsidy=15.0,
            cash=10.0,
        )
        # another meal period: a new limit
        self.assertApproved(
            self.swipe(
                self.t_amount, self.alice_card, amount=30.0, at=local_to_utc(17, 0)
            ),
            30.0,
            cash=30.0,
        )
        self.assertBalances(self.alice, subsidy=0.0, cash=60.0)

    def test_daily_limit(self):
        for hour in (7, 12):
            self.assertTrue(
                self.swipe(
                    self.t_amount,
                    self.alice_card,
                    amount=40.0,
                    at=local_to_utc(hour, 0),
                )["approved"]
            )
        self.assertDeclined(
            self.swipe(
                self.t_amount, self.alice_card, amount=20.01, at=local_to_utc(18, 0)
            ),
            "daily_limit",
        )
        self.assertTrue(
            self.swipe(
                self.t_amount, self.alice_card, amount=20.0, at=local_to_utc(18, 0)
            )["approved"]
        )
        self.assertDeclined(
            self.swipe(
                self.t_amount, self.alice_card, amount=0.01, at=local_to_utc(18, 5)
            ),
            "daily_limit",
        )
        self.assertTrue(
            self.swipe(
                self.t_amount,
                self.alice_card,
                amount=0.01,
                at=local_to_utc(7, 0, day=date(2025, 3, 11)),
            )["approved"]
        )

    def test_late_offline_record_does_not_reset_todays_counters(self):
        """An offline record of yesterday uploaded today must not hand out a fresh daily
        limit."""
        self.assertTrue(
            self.swipe(
                self.t_amount, self.alice_card, amount=40.0, at=local_to_utc(7, 0)
            )["approved"]
        )
        self.assertTrue(
            self.swipe(
                self.t_amount, self.alice_card, amount=40.0, at=local_to_utc(12, 0)
            )["approved"]
        )
        yesterday = local_to_utc(12, 0, day=date(2025, 3, 9))
        self.assertTrue(
            self.swipe(
                self.t_amount, self.alice_card, amount=5.0, at=yesterday, offline=True
            )["approved"]
        )
        self.assertDeclined(
            self.swipe(
                self.t_amount, self.alice_card, amount=20.01, at=local_to_utc(18, 0)
            ),
            "daily_limit",
        )

    # ------------------------------------------------------------------ PIN
    def test_pin_threshold(self):
        self.alice.action_set_pin("4321")
        at = local_to_utc(12, 0)
        self.assertDeclined(
            self.swipe(self.t_amount, self.alice_card, amount=40.01, at=at),
            "pin_required",
        )
        self.assertApproved(
            self.swipe(self.t_amount, self.alice_card, amount=40.0, at=at),
            40.0,
            subsidy=40.0,
        )
        self.assertApproved(
            self.swipe(
                self.t_amount,
                self.alice_card,
                amount=45.0,
                pin="4321",
                at=local_to_utc(18, 0),
            ),
            45.0,
            subsidy=10.0,
            cash=35.0,
        )
        answer = self.swipe(self.t_amount, self.bob_card, amount=60.0, at=at)
        self.assertApproved(answer, 48.0, cash=48.0)  # no threshold in Bob's category
        self.t_amount.pin_threshold = (
            10.0  # a terminal threshold wins over the category's
        )
        self.bob.action_set_pin("1111")
        self.assertApproved(
            self.swipe(self.t_amount, self.bob_card, amount=12.5, at=at),
            10.0,
            cash=10.0,
        )
        self.assertDeclined(
            self.swipe(self.t_amount, self.bob_card, amount=20.0, at=at), "pin_required"
        )
        self.assertApproved(
            self.swipe(self.t_amount, self.bob_card, amount=20.0, pin="1111", at=at),
            16.0,
            cash=16.0,
        )
        self.assertBalances(self.alice, subsidy=0.0, cash=65.0)

    def test_pin_wrong_three_times_locks(self):
        self.alice.action_set_pin("4321")
        at = local_to_utc(12, 0)
        with freeze_time("2025-03-10 04:00:00"):
            for failures in (1, 2):
                self.assertDeclined(
                    self.swipe(
                        self.t_amount, self.alice_card, amount=45.0, pin="0000", at=at
                    ),
                    "pin_wrong",
                )
                self.assertEqual(self.alice.pin_failures, failures)
            self.assertDeclined(
                self.swipe(
                    self.t_amount, self.alice_card, amount=45.0, pin="0000", at=at
                ),
                "pin_wrong",
            )
            self.assertTrue(self.alice.pin_locked_until)
            self.assertDeclined(
                self.swipe(
                    self.t_amount, self.alice_card, amount=45.0, pin="4321", at=at
                ),
                "pin_locked",
            )
            # below the threshold the card still pays
            self.assertApproved(
                self.swipe(self.t_amount, self.alice_card, amount=5.0, at=at),
                5.0,
                subsidy=5.0,
            )
        with freeze_time("2025-03-10 04:29:00"):
            self.assertDeclined(
                self.swipe(
                    self.t_amount, self.alice_card, amount=45.0, pin="4321", at=at
                ),
                "pin_locked",
            )
        with freeze_time("2025-03-10 04:31:00"):
            self.assertApproved(
                self.swipe(
                    self.t_amount, self.alice_card, amount=45.0, pin="4321", at=at
                ),
                45.0,
                subsidy=45.0,
            )
        self.assertBalances(self.alice, subsidy=0.0, cash=100.0)

    def test_right_pin_resets_failures(self):
        self.alice.action_set_pin("4321")
        self.assertDeclined(
            self.swipe(self.t_amount, self.alice_card, amount=45.0, pin="1"),
            "pin_wrong",
        )
        self.assertDeclined(
            self.swipe(self.t_amount, self.alice_card, amount=45.0, pin="2"),
            "pin_wrong",
        )
        self.assertTrue(
            self.swipe(self.t_amount, self.alice_card, amount=45.0, pin="4321")[
                "approved"
            ]
        )
        self.alice.invalidate_recordset()
        self.assertEqual(self.alice.pin_failures, 0)
        self.assertDeclined(
            self.swipe(
                self.t_amount,
                self.alice_card,
                amount=41.0,
                pin="3",
                at=local_to_utc(18, 0),
            ),
            "pin_wrong",
        )
        self.assertEqual(
            self.alice.pin_failures, 1, "two earlier failures were forgotten"
        )

    # -------------------------------------------------------------- offline
    def test_offline_record_booked_below_zero_and_flagged(self):
        poor, card = self.make_holder("Poor", "T030", self.staff, "0D0D0D01", cash=5.0)
        answer = self.swipe(self.t_fixed, card, offline=True, terminal_seq=1)
        operation = self.assertApproved(answer, 8.0, cash=8.0)
        self.assertTrue(operation.offline and operation.flagged)
        self.assertTrue(answer["flagged"])
        self.assertTrue(all(operation.transaction_ids.mapped("offline")))
        self.assertBalances(poor, cash=-3.0)
        # a rule that would refuse online (lost card) does not stop an offline record,
        # but flags it
        self.ledger.report_lost(card)
        operation = self.assertApproved(
            self.swipe(
                self.t_fixed,
                card,
                offline=True,
                terminal_seq=2,
                at=local_to_utc(12, 30),
            ),
            8.0,
            cash=8.0,
        )
        self.assertTrue(operation.flagged)
        self.assertBalances(poor, cash=-11.0)
        # an offline record within the balance is not flagged
        self.ledger.unlock(card)
        self.ledger.topup(card, 50.0, self.cash)
        operation = self.assertApproved(
            self.swipe(
                self.t_fixed, card, offline=True, terminal_seq=3, at=local_to_utc(18, 0)
            ),
            8.0,
            cash=8.0,
        )
        self.assertFalse(operation.flagged)
        # an unknown card cannot be booked, even offline
        self.assertDeclined(
            self.swipe(self.t_fixed, "DEADBEEF", offline=True, terminal_seq=4),
            "unknown_card",
        )

    def test_offline_subsidy_then_cash_below_zero(self):
        poor, card = self.make_holder(
            "Poor", "T031", self.staff, "0D0D0D02", cash=1.0, subsidy=2.0
        )
        self.assertApproved(
            self.swipe(self.t_fixed, card, offline=True), 8.0, subsidy=2.0, cash=6.0
        )
        self.assertBalances(poor, subsidy=0.0, cash=-5.0)
