import time

from odoo.tests import tagged

from .common import TerminalApiCase


@tagged("post_install", "-at_install")
class TestSequenceConflict(TerminalApiCase):
    """Issue 14.9: a reused sequence number or key with another request is refused,
    never a free replay."""

    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def swipe(self, terminal, card, **payload):
        return self.ok(terminal, "swipe", dict(uid=card.uid, **payload))

    def assertConflict(self, answer):
        self.assertEqual(
            (answer["approved"], answer["code"], answer["replay"]),
            (False, "sequence_conflict", False),
            answer,
        )
        self.assertTrue(answer["message"])
        self.assertFalse(answer.get("operation_id"), answer)
        self.assertEqual(answer["amount"], 0.0)

    def test_reused_sequence_is_refused_and_alerted(self):
        now = int(time.time())
        first = self.swipe(
            self.t_amount, self.alice_card, amount=5.0, seq=500, time=now
        )
        self.assertTrue(first["approved"], first)
        before, alice, bob = (
            self.counts(),
            self.balances(self.alice),
            self.balances(self.bob),
        )
        self.assertConflict(
            self.swipe(self.t_amount, self.bob_card, amount=5.0, seq=500, time=now)
        )
        self.assertConflict(
            self.swipe(self.t_amount, self.alice_card, amount=50.0, seq=500, time=now)
        )
        self.assertEqual(self.counts(), before, "a conflicting request books nothing")
        self.assertEqual(
            (self.balances(self.alice), self.balances(self.bob)), (alice, bob)
        )
        # the terminal says so: a counter, an open alert, one activity for the
        # operators, the chatter
        terminal = self.t_amount
        self.assertEqual(terminal.sequence_conflict_count, 2)
        self.assertTrue(terminal.sequence_alert)
        self.assertEqual(
            len(terminal.activity_ids), 1, "one activity while the alert is open"
        )
        self.assertIn("500", terminal.message_ids[0].body)
        # the identical request is still the replay of the first answer
        self.assertEqual(
            self.swipe(self.t_amount, self.alice_card, amount=5.0, seq=500, time=now),
            dict(first, replay=True),
        )
        terminal.action_clear_sequence_alert()
        self.assertFalse(terminal.sequence_alert)
        self.assertFalse(terminal.activity_ids)

    def test_reused_upload_record_is_refused(self):
        now = int(time.time())
        records = [
            {"seq": 1, "uid": self.alice_card.uid, "time": now - 300},
            {"seq": 2, "uid": self.bob_card.uid, "time": now - 200},
        ]
        self.assertEqual(
            self.ok(self.t_offline, "upload", {"records": records})["accepted"], 2
        )
        before = self.counts()
        answer = self.ok(
            self.t_offline,
            "upload",
            {
                "records": [
                    {
                        "seq": 1,
                        "uid": self.bob_card.uid,
                        "time": now - 100,
                    },  # counter restarted: another meal
                    {"seq": 2, "uid": self.bob_card.uid, "time": now - 200},
                ]
            },
        )  # a true retransmission
        self.assertConflict(answer["results"][0])
        self.assertEqual(answer["results"][0]["seq"], 1)
        self.assertTrue(answer["results"][1]["replay"])
        self.assertEqual(answer["accepted"], 1, "the refused record is not accepted")
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.t_offline.sequence_conflict_count, 1)

    def test_sequence_reset_starts_a_new_epoch(self):
        now = int(time.time())
        first = self.swipe(self.t_fixed, self.alice_card, seq=7, time=now)
        self.assertEqual(self.ok(self.t_fixed, "heartbeat", {})["epoch"], 0)
        reset = self.ok(self.t_fixed, "sequence/reset", {})
        self.assertEqual(reset["epoch"], 1)
        self.assertEqual(self.ok(self.t_fixed, "heartbeat", {})["epoch"], 1)
        self.assertEqual((self.t_fixed.seq_epoch, self.t_fixed.last_seq), (1, 0))
        before = self.counts()
        again = self.swipe(self.t_fixed, self.bob_card, seq=7, epoch=1, time=now)
        self.assertTrue(again["approved"] and not again["replay"], again)
        self.assertEqual(self.counts()[1], before[1] + 1)
        # records of the old epoch (buffered before the reset) keep their identity
        self.assertEqual(
            self.swipe(self.t_fixed, self.alice_card, seq=7, epoch=0, time=now),
            dict(first, replay=True),
        )
        self.assertEqual(self.ok(self.t_fixed, "sequence/reset", {})["epoch"], 2)
        self.error(
            400,
            "out_of_range",
            self.t_fixed,
            "swipe",
            {"uid": self.bob_card.uid, "seq": 8, "epoch": -1},
        )

    def test_reused_idempotency_keys(self):
        keyed = self.swipe(
            self.t_amount, self.alice_card, amount=4.0, idempotency_key="abc-2"
        )
        self.assertTrue(keyed["approved"], keyed)
        self.assertConflict(
            self.swipe(
                self.t_amount, self.alice_card, amount=9.0, idempotency_key="abc-2"
            )
        )
        login = self.ok(
            self.t_cashier, "operator/login", {"uid": self.operator_card.uid}
        )
        payload = {
            "session": login["session"],
            "uid": self.bob_card.uid,
            "amount": 10.0,
            "request_id": "rq-1",
        }
        first = self.ok(self.t_cashier, "cashier/topup", payload)
        before = self.counts()
        self.error(
            409,
            "idempotency_conflict",
            self.t_cashier,
            "cashier/topup",
            dict(payload, amount=11.0),
        )
        self.error(
            409,
            "idempotency_conflict",
            self.t_cashier,
            "cashier/topup",
            dict(payload, uid=self.alice_card.uid),
        )
        self.error(
            409, "idempotency_conflict", self.t_cashier, "cashier/refund", payload
        )
        self.assertEqual(self.counts(), before)
        self.assertEqual(
            self.ok(self.t_cashier, "cashier/topup", payload)["operation_id"],
            first["operation_id"],
        )
        self.assertEqual(self.balances(self.bob)["cash"], 30.0)
