"""Every decline of the engine, and the limits and counters behind them."""

from datetime import date

from odoo.tests import tagged

from ..models.onecard_consumption import REASONS
from .common import local_to_utc
from .test_consumption import ConsumptionCase


@tagged("post_install", "-at_install")
class TestConsumptionDeclines(ConsumptionCase):
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
        self.bob.own_daily_limit = 5.0  # Bob's 20% discount: 7.00 costs 5.60
        declined("own_daily_limit", self.t_amount, self.bob_card, amount=7.0)
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
