import json
import time

from odoo.tests import tagged

from .test_terminal_api import TerminalApiSchemaCase


@tagged("post_install", "-at_install")
class TestTerminalApiRefusals(TerminalApiSchemaCase):
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

    def test_refusals_say_what_is_wrong(self):
        """The checks driven by lib/schema.py: codes and texts as before, nested
        objects checked after the terminal kind, empty idempotency keys refused."""
        before = self.counts()
        t, alice = self.t_amount, self.alice_card.uid
        for payload, code, text in (
            ({"uid": alice, "amount": "5"}, "invalid_type", "must be a number"),
            ({"uid": alice, "seq": True}, "invalid_type", "must be an integer"),
            ({"uid": alice, "time": 5}, "out_of_range", "is not a plausible time"),
            ({"uid": alice, "key": -1}, "out_of_range", "key is out of range"),
            ({"uid": alice, "pin": "9" * 129}, "out_of_range", "pin is too long"),
            ({"uid": alice, "b": 1, "a": 2}, "unknown_field", "Unknown field: a, b."),
            ({"seq": 1}, "missing_field", "Missing field: uid."),
        ):
            message = self.error(400, code, t, "swipe", payload)["error"]["message"]
            self.assertIn(text, message)
        results = {"results": [{"id": 1, "ok": "yes"}]}
        message = self.error(400, "invalid_type", t, "heartbeat", results)
        self.assertIn("ok must be true or false", message["error"]["message"])
        message = self.error(400, "invalid_body", t, "heartbeat", {"results": [5]})
        self.assertIn("(results)", message["error"]["message"])
        record = {"seq": 1, "uid": alice, "time": int(time.time())}
        records = [dict(record, seq=seq) for seq in range(1, 502)]
        message = self.error(400, "out_of_range", t, "upload", {"records": records})
        self.assertIn("At most 500 records", message["error"]["message"])
        # the kind first, then the records inside (as the handlers did)
        self.error(403, "wrong_terminal_kind", self.t_kiosk, "upload", {"records": [7]})
        # an empty idempotency key is no key (the YAML says minLength 1)
        session = self.ok(
            self.t_cashier, "operator/login", {"uid": self.operator_card.uid}
        )["session"]
        cashier = {"session": session, "uid": alice, "amount": 5.0, "request_id": ""}
        message = self.error(
            400, "missing_field", self.t_cashier, "cashier/topup", cashier
        )
        self.assertIn("request_id", message["error"]["message"])
        kiosk = {"uid": alice, "amount": 5.0, "method": "wechat", "reference": ""}
        self.error(400, "missing_field", self.t_kiosk, "kiosk/topup", kiosk)
        self.assertEqual(self.counts(), before, "no refused request may write")
