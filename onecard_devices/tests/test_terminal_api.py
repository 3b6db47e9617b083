import time

from odoo.tests import tagged

from ..lib.routes import MESSAGES as ROUTES
from ..lib.schema import MESSAGES
from .common import TerminalApiCase, local_unix

# Python types of the answer field types of lib/schema.py.
TYPES = {
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "string": str,
    "array": list,
    "object": dict,
    "map": dict,
}


class TerminalApiSchemaCase(TerminalApiCase):
    """Every answer of ``ok`` is held to its description in lib/schema.py (the one
    docs/terminal-api.yaml is checked against); the ledger invariant after each
    test."""

    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def swipe(self, terminal, card, **payload):
        return self.ok(terminal, "swipe", dict(uid=card.uid, **payload))

    def ok(self, terminal, endpoint, payload=None):
        data = super().ok(terminal, endpoint, payload)
        self.assertAnswer(MESSAGES[ROUTES[endpoint]].answer, data, endpoint)
        return data

    def assertAnswer(self, fields, value, where):
        by_name = {field.name: field for field in fields}
        self.assertLessEqual(
            set(value), set(by_name), f"{where}: fields not in lib/schema.py"
        )
        for field in fields:
            if field.required:
                self.assertIn(field.name, value, where)
            if field.name in value:
                self.assertValue(field, value[field.name], f"{where}.{field.name}")

    def assertValue(self, field, value, where):
        if value is None:
            self.assertTrue(field.nullable, f"{where} is null")
            return
        self.assertIsInstance(value, TYPES[field.type], where)
        if field.type in ("integer", "number"):
            self.assertNotIsInstance(value, bool, where)
        if field.type == "map":
            for key, number in value.items():
                self.assertIsInstance(number, (int, float), f"{where}.{key}")
        elif field.type == "object" and field.fields:
            self.assertAnswer(field.fields, value, where)
        elif field.type == "array" and field.items:
            for item in value:
                self.assertValue(field.items, item, f"{where}[]")


@tagged("post_install", "-at_install")
class TestTerminalApi(TerminalApiSchemaCase):
    # ------------------------------------------------------------ modes online
    def test_each_mode_online(self):
        lunch = local_unix(12, 0)
        # Count mode first: a back-dated swipe after a later one does not move the meal
        # counters.
        answer = self.swipe(self.t_count, self.alice_card, time=lunch + 60)
        self.assertEqual((answer["code"], answer["amount"]), ("ok", 6.0))
        self.assertEqual(
            self.swipe(self.t_count, self.alice_card, time=lunch + 120)["code"],
            "meal_count_exceeded",
        )
        answer = self.swipe(self.t_amount, self.alice_card, amount=30.0, seq=1)
        self.assertTrue(answer["approved"], answer)
        self.assertEqual(
            (answer["amount"], answer["subsidy_amount"]), (30.0, 30.0)
        )  # 44 subsidy -> 14
        answer = self.swipe(self.t_key, self.alice_card, key=2)
        self.assertEqual((answer["code"], answer["amount"]), ("ok", 12.5))
        self.assertEqual(
            self.swipe(self.t_key, self.alice_card, key=9)["code"], "invalid_key"
        )
        answer = self.swipe(self.t_fixed, self.alice_card, amount=999)
        self.assertEqual((answer["code"], answer["amount"]), ("ok", 8.0))
        answer = self.swipe(self.t_meal, self.bob_card, time=lunch)
        self.assertEqual((answer["code"], answer["amount"]), ("ok", 12.0))
        self.assertEqual(
            self.swipe(self.t_meal, self.bob_card, time=local_unix(15, 0))["code"],
            "outside_meal_period",
        )
        # Postpaid: Bob has 8 left, a credit limit of 50 lets him go below zero.
        answer = self.swipe(self.t_postpaid, self.bob_card, amount=30.0)
        self.assertEqual(answer["code"], "ok", answer)
        self.assertAlmostEqual(self.balances(self.bob)["cash"], -22.0, places=2)
        self.assertEqual(
            self.swipe(self.t_postpaid, self.bob_card, amount=40.0)["code"],
            "insufficient_balance",
        )
        self.assertEqual(
            self.swipe(self.t_amount, self.alice_card, amount=1000.0)["code"],
            "insufficient_balance",
        )
        self.assertEqual(
            self.ok(self.t_amount, "swipe", {"uid": "DEADBEEF"})["code"], "unknown_card"
        )
        balances = self.balances(self.alice)
        self.assertEqual((balances["subsidy"], balances["cash"]), (0.0, 93.5))

    def test_swipe_replay_by_sequence_and_key(self):
        before = self.counts()
        first = self.swipe(self.t_amount, self.alice_card, amount=5.0, seq=77)
        again = self.swipe(
            self.t_amount, self.alice_card, amount=5.0, seq=77
        )  # re-signed: new timestamp
        self.assertTrue(again["replay"])
        self.assertEqual(dict(first, replay=True), again)
        # the record number comes back, so a terminal can match answer and request
        self.assertEqual((first["seq"], first["epoch"]), (77, 0))
        keyed = self.swipe(
            self.t_amount, self.alice_card, amount=4.0, idempotency_key="abc-1"
        )
        self.assertEqual(
            self.swipe(
                self.t_amount, self.alice_card, amount=4.0, idempotency_key="abc-1"
            )["operation_id"],
            keyed["operation_id"],
        )
        self.assertEqual(self.counts()[0], before[0] + 2)
        self.assertEqual(self.balances(self.alice)["subsidy"], 41.0)

    # ------------------------------------------------------------ offline upload
    def test_offline_upload_gaps_and_replay(self):
        now = int(time.time())
        records = [
            {"seq": 1, "uid": self.alice_card.uid, "time": now - 300},
            {"seq": 2, "uid": self.bob_card.uid, "time": now - 200},
            {"seq": 5, "uid": self.bob_card.uid, "time": now - 100},
        ]
        answer = self.ok(self.t_offline, "upload", {"records": records})
        self.assertEqual(answer["accepted"], 3)
        self.assertEqual(answer["gaps"], [[3, 4]])
        self.assertEqual(answer["last_seq"], 5)
        self.assertTrue(all(r["approved"] for r in answer["results"]), answer)
        # Bob had 20 and ate twice for 10: the offline record is booked anyway.
        self.assertAlmostEqual(self.balances(self.bob)["cash"], 0.0, places=2)
        before = self.counts()
        again = self.ok(self.t_offline, "upload", {"records": records})
        self.assertEqual(self.counts(), before, "a replayed upload books nothing")
        self.assertEqual(
            [dict(r, replay=False) for r in again["results"]], answer["results"]
        )
        self.assertTrue(all(r["replay"] for r in again["results"]))
        # Third meal for Bob (no money left): booked, flagged, balance below zero.
        answer = self.ok(
            self.t_offline,
            "upload",
            {
                "records": [
                    {"seq": 4, "uid": self.bob_card.uid, "time": now - 150},
                    {"seq": 3, "uid": self.alice_card.uid, "time": now - 250},
                ]
            },
        )
        self.assertEqual(answer["gaps"], [])
        self.assertTrue(answer["results"][1]["flagged"])
        self.assertAlmostEqual(self.balances(self.bob)["cash"], -10.0, places=2)
        self.assertEqual(self.t_offline.last_seq, 5)

    def test_upload_validation(self):
        before = self.counts()
        self.error(
            400,
            "missing_field",
            self.t_offline,
            "upload",
            {"records": [{"seq": 1, "uid": "04D1B2C3"}]},
        )
        self.error(
            400,
            "invalid_value",
            self.t_offline,
            "upload",
            {"records": [{"seq": 1, "uid": "04D1B2C3", "time": int(time.time())}] * 2},
        )
        self.error(400, "invalid_type", self.t_offline, "upload", {"records": "all"})
        self.error(400, "invalid_body", self.t_offline, "upload", {"records": [7]})
        self.error(
            400,
            "out_of_range",
            self.t_offline,
            "upload",
            {"records": [{"seq": 2**40, "uid": "04D1B2C3", "time": int(time.time())}]},
        )
        self.assertEqual(self.counts(), before)
