from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import OnecardCase, local_to_utc


class IdempotencyCase(OnecardCase):
    def tearDown(self):
        if getattr(self, "_undo_tamper", None):
            self._undo_tamper()
        self.assertLedgerInvariant()
        super().tearDown()

    def counts(self):
        self.env.cr.execute(
            "SELECT (SELECT count(*) FROM onecard_transaction), (SELECT count(*) "
            "FROM onecard_operation)"
        )
        return self.env.cr.fetchone()

    def assertReplayOf(self, first, again):
        self.assertTrue(again["replay"])
        self.assertFalse(first["replay"])
        self.assertEqual(again["operation_id"], first["operation_id"])
        for field in (
            "approved",
            "code",
            "amount",
            "subsidy_amount",
            "cash_amount",
            "balances",
        ):
            self.assertEqual(again[field], first[field], field)


@tagged("post_install", "-at_install")
class TestIdempotency(IdempotencyCase):
    # ------------------------------------------------------------- replays
    def test_same_key_approved(self):
        first = self.swipe(
            self.t_amount, self.alice_card, amount=10.0, idempotency_key="k-approved"
        )
        self.assertTrue(first["approved"])
        counts = self.counts()
        self.assertReplayOf(
            first,
            self.swipe(
                self.t_amount,
                self.alice_card,
                amount=10.0,
                idempotency_key="k-approved",
            ),
        )
        # the same key with another amount or another time is another request: refused,
        # nothing booked
        for amount, at in ((99.0, None), (None, None), (10.0, local_to_utc(18, 0))):
            self.assertConflict(
                self.swipe(
                    self.t_amount,
                    self.alice_card,
                    amount=amount,
                    idempotency_key="k-approved",
                    at=at,
                )
            )
        self.assertEqual(self.counts(), counts)
        self.assertBalances(self.alice, subsidy=40.0, cash=100.0)

    def test_same_key_declined(self):
        first = self.swipe(
            self.t_amount, self.alice_card, amount=0.0, idempotency_key="k-declined"
        )
        self.assertDeclined(first, "invalid_amount")
        counts = self.counts()
        again = self.swipe(
            self.t_amount, self.alice_card, amount=0.0, idempotency_key="k-declined"
        )
        self.assertReplayOf(first, again)
        self.assertFalse(
            again["approved"], "a refused request stays refused when replayed"
        )
        self.assertConflict(
            self.swipe(
                self.t_amount, self.alice_card, amount=5.0, idempotency_key="k-declined"
            )
        )
        self.assertEqual(self.counts(), counts)
        self.assertBalances(self.alice, subsidy=50.0, cash=100.0)

    def test_same_terminal_sequence(self):
        first = self.swipe(self.t_fixed, self.alice_card, terminal_seq=41)
        self.assertTrue(first["approved"])
        declined = self.swipe(self.t_fixed, "DEADBEEF", terminal_seq=42)
        self.assertDeclined(declined, "unknown_card")
        counts = self.counts()
        self.assertReplayOf(
            first, self.swipe(self.t_fixed, self.alice_card, terminal_seq=41)
        )
        self.assertReplayOf(
            declined, self.swipe(self.t_fixed, "DEADBEEF", terminal_seq=42)
        )
        self.assertConflict(
            self.swipe(self.t_fixed, self.alice_card, terminal_seq=42)
        )  # another card
        self.assertEqual(self.counts(), counts)
        # the same sequence on another terminal is another record
        other = self.swipe(self.t_key, self.alice_card, key=1, terminal_seq=41)
        self.assertTrue(other["approved"])
        self.assertFalse(other["replay"])
        self.assertNotEqual(other["operation_id"], first["operation_id"])
        self.assertBalances(self.alice, subsidy=50.0 - 8.0 - 5.0)

    def test_offline_upload_replayed(self):
        first = self.swipe(self.t_fixed, self.alice_card, terminal_seq=7, offline=True)
        counts = self.counts()
        for _i in range(3):
            self.assertReplayOf(
                first,
                self.swipe(self.t_fixed, self.alice_card, terminal_seq=7, offline=True),
            )
        self.assertEqual(self.counts(), counts)

    def test_desk_key_replayed(self):
        first = self.ledger.topup(self.alice_card, 25.0, self.wechat, key="desk-42")
        again = self.ledger.topup(self.alice_card, 25.0, self.wechat, key="desk-42")
        self.assertEqual(again["operation_id"], first["operation_id"])
        self.assertTrue(again["replay"])
        self.assertBalances(self.alice, cash=125.0)

    # ---------------------------------------- reused sequence numbers and keys (issue
    # 14.9)
    def assertConflict(self, answer):
        """A reused sequence number or key with another request: refused, not booked,
        not a replay."""
        self.assertFalse(answer["approved"], answer)
        self.assertEqual(answer["code"], "sequence_conflict", answer)
        self.assertTrue(answer["message"])
        self.assertFalse(answer["replay"], answer)
        self.assertFalse(
            answer.get("operation_id"), "a conflicting request is not recorded"
        )
        self.assertEqual(answer["amount"], 0.0)

    def test_reused_sequence_with_other_request_is_refused(self):
        """A terminal whose counter restarted sends seq 51 again for another swipe: no
        free meal."""
        first = self.swipe(self.t_fixed, self.alice_card, terminal_seq=51)
        self.assertTrue(first["approved"])
        amount = self.swipe(
            self.t_amount, self.alice_card, amount=10.0, terminal_seq=52
        )
        key = self.swipe(self.t_key, self.alice_card, key=1, terminal_seq=53)
        offline = self.swipe(
            self.t_fixed,
            self.alice_card,
            terminal_seq=54,
            offline=True,
            at=local_to_utc(12, 30),
        )
        counts, balances = (
            self.counts(),
            (self.balances(self.alice), self.balances(self.bob)),
        )
        conflicts = [
            self.swipe(self.t_fixed, self.bob_card, terminal_seq=51),  # another card
            self.swipe(
                self.t_fixed, self.alice_card, terminal_seq=51, at=local_to_utc(12, 40)
            ),  # another time
            self.swipe(
                self.t_fixed, self.alice_card, terminal_seq=51, offline=True
            ),  # now an offline record
            self.swipe(
                self.t_fixed, self.alice_card, terminal_seq=51, idempotency_key="other"
            ),  # another key
            self.swipe(
                self.t_amount, self.alice_card, amount=11.0, terminal_seq=52
            ),  # another amount
            self.swipe(
                self.t_key, self.alice_card, key=2, terminal_seq=53
            ),  # another key of the keypad
            self.swipe(
                self.t_fixed,
                self.bob_card,
                terminal_seq=54,
                offline=True,
                at=local_to_utc(12, 30),
            ),
        ]
        for answer in conflicts:
            self.assertConflict(answer)
        # within one batch too: the first of the batch is booked, the second refused
        batch = self.consumption.swipe_many(
            [
                dict(
                    terminal_id=self.t_fixed.id,
                    uid=self.bob_card.uid,
                    terminal_seq=60,
                    business_time=local_to_utc(12, 0),
                ),
                dict(
                    terminal_id=self.t_fixed.id,
                    uid=self.alice_card.uid,
                    terminal_seq=60,
                    business_time=local_to_utc(12, 0),
                ),
            ]
        )
        self.assertTrue(batch[0]["approved"], batch)
        self.assertConflict(batch[1])
        self.assertEqual(
            self.counts(),
            (counts[0] + 1, counts[1] + 1),
            "only the batch's first swipe is booked",
        )
        self.assertEqual(self.balances(self.alice), balances[0])
        self.assertBalances(self.bob, cash=balances[1]["cash"] - 6.4)  # 8.0 less 20 %
        # the identical requests are still replays of their first answer
        self.assertReplayOf(
            first, self.swipe(self.t_fixed, self.alice_card, terminal_seq=51)
        )
        self.assertReplayOf(
            amount,
            self.swipe(self.t_amount, self.alice_card, amount=10.0, terminal_seq=52),
        )
        self.assertReplayOf(
            key, self.swipe(self.t_key, self.alice_card, key=1, terminal_seq=53)
        )
        self.assertReplayOf(
            offline,
            self.swipe(
                self.t_fixed,
                self.alice_card,
                terminal_seq=54,
                offline=True,
                at=local_to_utc(12, 30),
            ),
        )

    def test_new_sequence_epoch(self):
        """After a legitimate counter reset the terminal numbers its records in a new
        epoch."""
        first = self.swipe(self.t_fixed, self.alice_card, terminal_seq=1)
        counts = self.counts()
        again = self.swipe(
            self.t_fixed, self.bob_card, terminal_seq=1, terminal_epoch=1
        )
        self.assertTrue(again["approved"], again)
        self.assertFalse(again["replay"])
        self.assertEqual(self.counts(), (counts[0] + 1, counts[1] + 1))
        # records of the old epoch keep their identity
        self.assertReplayOf(
            first,
            self.swipe(self.t_fixed, self.alice_card, terminal_seq=1, terminal_epoch=0),
        )
        self.assertConflict(
            self.swipe(self.t_fixed, self.bob_card, terminal_seq=1, terminal_epoch=0)
        )

    def test_desk_key_reused_with_other_request(self):
        """Like Stripe: an idempotency key reused with other parameters is an error,
        nothing booked."""
        first = self.ledger.topup(self.alice_card, 25.0, self.wechat, key="desk-43")
        counts = self.counts()
        for call in (
            lambda: self.ledger.topup(
                self.alice_card, 30.0, self.wechat, key="desk-43"
            ),
            lambda: self.ledger.topup(self.bob_card, 25.0, self.wechat, key="desk-43"),
            lambda: self.ledger.topup(self.alice_card, 25.0, self.cash, key="desk-43"),
            lambda: self.ledger.refund(
                self.alice_card, 25.0, self.wechat, key="desk-43"
            ),
        ):
            with self.assertRaisesRegex(UserError, "already used"):
                call()
        self.assertEqual(self.counts(), counts)
        self.assertBalances(self.alice, cash=125.0)
        self.assertBalances(self.bob, cash=100.0)
        self.assertEqual(
            self.ledger.topup(self.alice_card, 25.0, self.wechat, key="desk-43")[
                "operation_id"
            ],
            first["operation_id"],
        )
