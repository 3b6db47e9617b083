import json
import time

from odoo.tests import tagged

from .common import TerminalApiCase, local_unix


@tagged("post_install", "-at_install")
class TestTerminalApi(TerminalApiCase):
    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def swipe(self, terminal, card, **payload):
        return self.ok(terminal, "swipe", dict(uid=card.uid, **payload))

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

    # ------------------------------------------------------------ refusals
    def test_auth_and_malformed_requests_write_nothing(self):
        before = self.counts()
        body = json.dumps({"uid": self.alice_card.uid, "amount": 5.0}).encode()
        t = self.t_amount
        self.error(401, "bad_signature", t, "swipe", body=body, signature="00" * 32)
        self.error(401, "bad_signature", t, "swipe", body=body, secret="not-the-secret")
        self.error(
            401, "stale_timestamp", t, "swipe", body=body, ts=int(time.time()) - 301
        )
        self.error(
            401, "stale_timestamp", t, "swipe", body=body, ts=int(time.time()) + 400
        )
        self.error(401, "bad_timestamp", t, "swipe", body=body, ts="yesterday")
        self.error(
            401, "unknown_terminal", t, "swipe", body=body, serial="OCTEST-SN-NOPE"
        )
        self.error(
            401, "missing_auth", t, "swipe", body=body, headers={"X-Signature": ""}
        )
        # The same signed request twice: the second is a replay.
        ts = int(time.time())
        status, first = self.call(t, "heartbeat", {}, ts=ts, nonce="")
        self.assertEqual(status, 200, first)
        self.error(401, "replayed", t, "heartbeat", {}, ts=ts, nonce="")
        self.assertEqual(self.call(t, "heartbeat", {}, ts=ts, nonce="n-1")[0], 200)
        self.error(401, "replayed", t, "heartbeat", {}, ts=ts, nonce="n-1")
        self.error(401, "bad_signature", t, "heartbeat", {}, nonce="x" * 65)
        # Signed but malformed.
        for bad in (
            b"{",
            b"[1, 2",
            b"\xff\xfe",
            b"NaN",
            b'{"uid": "04D1B2C3", "amount": NaN}',
            b"[" * 100000,
        ):
            self.error(400, "invalid_json", t, "swipe", body=bad)
        self.error(400, "invalid_body", t, "swipe", body=b"[1, 2]")
        self.error(400, "invalid_body", t, "swipe", body=b'"text"')
        self.error(400, "missing_field", t, "swipe", {"amount": 5})
        self.error(400, "invalid_type", t, "swipe", {"uid": 12345678, "amount": 5})
        self.error(
            400, "invalid_type", t, "swipe", {"uid": self.alice_card.uid, "amount": "5"}
        )
        self.error(
            400,
            "invalid_type",
            t,
            "swipe",
            {"uid": self.alice_card.uid, "amount": True},
        )
        self.error(
            400,
            "invalid_type",
            t,
            "swipe",
            {"uid": self.alice_card.uid, "amount": 5, "seq": 1.5},
        )
        self.error(
            400,
            "out_of_range",
            t,
            "swipe",
            {"uid": self.alice_card.uid, "amount": 10**30},
        )
        self.error(
            400,
            "invalid_json",
            t,
            "swipe",
            {"uid": self.alice_card.uid, "amount": 1e308 * 10},
        )
        self.error(
            400,
            "out_of_range",
            t,
            "swipe",
            body=b'{"uid": "04D1B2C3", "amount": 1e999}',
        )
        self.error(
            400, "out_of_range", t, "swipe", {"uid": self.alice_card.uid, "amount": -5}
        )
        self.error(
            400,
            "out_of_range",
            t,
            "swipe",
            {"uid": self.alice_card.uid, "amount": 5, "seq": 2**31},
        )
        self.error(
            400,
            "out_of_range",
            t,
            "swipe",
            {"uid": self.alice_card.uid, "amount": 5, "time": 10**12},
        )
        self.error(400, "out_of_range", t, "swipe", {"uid": "A" * 5000, "amount": 5})
        self.error(
            400, "invalid_value", t, "heartbeat", body=b'{"firmware": "\\udc00x"}'
        )
        self.error(
            400,
            "invalid_value",
            t,
            "swipe",
            {"uid": self.alice_card.uid, "idempotency_key": "a\x00b"},
        )
        self.error(
            400,
            "unknown_field",
            t,
            "swipe",
            {"uid": self.alice_card.uid, "amount": 5, "tip": 1},
        )
        self.error(
            400,
            "invalid_json",
            t,
            "swipe",
            body=b'{"uid": "04D1B2C3", "amount": 1' + b"0" * 5000 + b"}",
        )
        self.error(405, "method_not_allowed", t, "swipe", method="GET", body=b"")
        self.error(404, "not_found", t, "nothing/here", {})
        self.error(
            415,
            "unsupported_media_type",
            t,
            "swipe",
            body=b"uid=04D1B2C3",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        self.error(
            403,
            "wrong_terminal_kind",
            self.t_kiosk,
            "swipe",
            {"uid": self.alice_card.uid, "amount": 5},
        )
        self.assertEqual(self.counts(), before, "no refused request may write")
        self.t_amount.active = False
        self.error(403, "terminal_inactive", t, "heartbeat", {})

    # ------------------------------------------------------------ cashier
    def test_operator_login_and_cashier(self):
        payload = {
            "session": "x" * 20,
            "uid": self.bob_card.uid,
            "amount": 50.0,
            "request_id": "r1",
        }
        self.error(403, "operator_required", self.t_cashier, "cashier/topup", payload)
        self.error(
            403,
            "not_operator",
            self.t_cashier,
            "operator/login",
            {"uid": self.bob_card.uid},
        )
        self.error(
            403,
            "wrong_terminal_kind",
            self.t_amount,
            "operator/login",
            {"uid": self.operator_card.uid},
        )
        login = self.ok(
            self.t_cashier, "operator/login", {"uid": self.operator_card.uid}
        )
        self.assertEqual(login["operator"], self.operator.name)
        self.assertEqual(self.t_cashier.operator_user_id, self.operator)
        payload["session"] = login["session"]
        answer = self.ok(self.t_cashier, "cashier/topup", payload)
        self.assertEqual(answer["balances"]["cash"], 70.0)
        self.assertEqual(
            self.ok(self.t_cashier, "cashier/topup", payload)["operation_id"],
            answer["operation_id"],
        )
        operation = self.env["onecard.operation"].browse(answer["operation_id"])
        self.assertEqual(
            (operation.kind, operation.create_uid, operation.terminal_id),
            ("topup", self.operator, self.t_cashier),
        )
        refund = self.ok(
            self.t_cashier,
            "cashier/refund",
            dict(payload, amount=30.0, request_id="r2"),
        )
        self.assertEqual(refund["balances"]["cash"], 40.0)
        self.error(
            422,
            "refused",
            self.t_cashier,
            "cashier/refund",
            dict(payload, amount=300.0, request_id="r3"),
        )
        self.error(
            400,
            "invalid_value",
            self.t_cashier,
            "cashier/topup",
            dict(payload, method="gold", request_id="r4"),
        )
        self.ok(self.t_cashier, "operator/logout", {"session": login["session"]})
        self.error(
            403,
            "operator_required",
            self.t_cashier,
            "cashier/topup",
            dict(payload, request_id="r5"),
        )
        self.assertEqual(self.balances(self.bob)["cash"], 40.0)

    # ------------------------------------------------------------ kiosk
    def test_kiosk_balance_collect_topup(self):
        answer = self.ok(self.t_kiosk, "kiosk/balance", {"uid": self.alice_card.uid})
        self.assertEqual(
            (answer["holder"], answer["balances"]["cash"], answer["subsidy_pending"]),
            ("Alice", 100.0, False),
        )
        self.error(
            404, "unknown_card", self.t_kiosk, "kiosk/balance", {"uid": "0102030405"}
        )
        batch = self.env["onecard.subsidy.batch"].create(
            {
                "name": "Collect me",
                "distribution": "collect",
                "line_ids": [(0, 0, {"cardholder_id": self.alice.id, "amount": 25.0})],
            }
        )
        batch.action_confirm()
        self.assertTrue(
            self.ok(self.t_kiosk, "kiosk/balance", {"uid": self.alice_card.uid})[
                "subsidy_pending"
            ]
        )
        answer = self.ok(self.t_kiosk, "kiosk/collect", {"uid": self.alice_card.uid})
        self.assertEqual(
            (answer["collected"], answer["balances"]["subsidy"]), (25.0, 75.0)
        )
        self.assertEqual(
            self.ok(self.t_kiosk, "kiosk/collect", {"uid": self.alice_card.uid})[
                "collected"
            ],
            0.0,
        )
        payload = {
            "uid": self.alice_card.uid,
            "amount": 20.0,
            "method": "wechat",
            "reference": "WX-0001",
        }
        answer = self.ok(self.t_kiosk, "kiosk/topup", payload)
        self.assertEqual(answer["balances"]["cash"], 120.0)
        again = self.ok(self.t_kiosk, "kiosk/topup", payload)
        self.assertTrue(again["replay"])
        self.assertEqual(again["operation_id"], answer["operation_id"])
        self.error(
            409,
            "reference_reused",
            self.t_kiosk,
            "kiosk/topup",
            dict(payload, amount=99.0),
        )
        self.error(
            409,
            "reference_reused",
            self.t_kiosk,
            "kiosk/topup",
            dict(payload, uid=self.bob_card.uid),
        )
        operation = self.env["onecard.operation"].browse(answer["operation_id"])
        self.assertEqual(
            (operation.note, operation.payment_method_id.code), ("WX-0001", "wechat")
        )
        self.assertEqual(self.balances(self.alice)["cash"], 120.0)

    # ------------------------------------------------------------ totals
    def test_totals(self):
        self.swipe(self.t_amount, self.alice_card, amount=5.0)
        self.swipe(self.t_amount, self.bob_card, amount=3.0)
        self.swipe(self.t_amount, self.bob_card, amount=500.0)  # declined: not counted
        answer = self.ok(self.t_amount, "totals", {})
        self.assertEqual(answer["today"], {"count": 2, "amount": 8.0})
        answer = self.ok(self.t_amount, "totals", {"uid": self.bob_card.uid})
        self.assertEqual(
            (answer["holder"], answer["today"]), ("Bob", {"count": 1, "amount": 3.0})
        )
