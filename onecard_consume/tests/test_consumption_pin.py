"""PIN above a threshold (with lockout), and offline records booked whatever the
rules say."""

from odoo.tests import freeze_time, tagged

from .common import local_to_utc
from .test_consumption import ConsumptionCase


@tagged("post_install", "-at_install")
class TestConsumptionPin(ConsumptionCase):
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
