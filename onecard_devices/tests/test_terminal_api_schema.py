import time

from odoo.tests import tagged

from ..lib.routes import MESSAGES as ROUTES
from ..lib.schema import MESSAGES
from .test_terminal_api import TerminalApiSchemaCase


@tagged("post_install", "-at_install")
class TestTerminalApiSchema(TerminalApiSchemaCase):
    """Each message once, its answer as lib/schema.py (and so the YAML) says."""

    def test_every_message_answers_as_described(self):
        called = set()

        def ok(terminal, endpoint, payload=None):
            called.add(ROUTES[endpoint])
            return self.ok(terminal, endpoint, payload)  # checks the answer

        version = self.company.onecard_list_version
        self.t_amount.action_reboot()
        self.ledger.report_lost(self.bob_card)
        self.env.flush_all()
        beat = ok(self.t_amount, "heartbeat", {"list_version": version})
        self.assertTrue(beat["list_delta"] and beat["commands"], beat)
        config = ok(self.t_key, "config")
        self.assertTrue(config["keys"] and config["meal_periods"], config)
        self.assertFalse(ok(self.t_amount, "lists", {"since": version})["full"])
        self.assertTrue(ok(self.t_amount, "lists")["full"])
        alice = self.alice_card.uid
        self.assertEqual(
            ok(self.t_amount, "swipe", {"uid": "DEADBEEF"})["code"], "unknown_card"
        )
        ok(self.t_amount, "swipe", {"uid": alice, "amount": 2.0, "seq": 1})
        conflict = ok(self.t_amount, "swipe", {"uid": alice, "amount": 3.0, "seq": 1})
        self.assertEqual(conflict["code"], "sequence_conflict")
        self.assertIsNone(conflict["operation_id"])
        record = {"seq": 1, "uid": alice, "time": int(time.time()) - 60}
        self.assertEqual(
            ok(self.t_offline, "upload", {"records": [record]})["accepted"], 1
        )
        self.assertGreaterEqual(ok(self.t_amount, "sequence/reset")["epoch"], 1)
        self.assertEqual(ok(self.t_amount, "totals")["today"]["count"], 1)
        self.assertIn("period", ok(self.t_meal, "totals", {"uid": alice})["meal"])
        session = ok(self.t_cashier, "operator/login", {"uid": self.operator_card.uid})[
            "session"
        ]
        money = {"session": session, "uid": alice, "amount": 5.0}
        ok(self.t_cashier, "cashier/topup", dict(money, request_id="s1"))
        ok(self.t_cashier, "cashier/refund", dict(money, request_id="s2"))
        self.assertTrue(
            ok(self.t_cashier, "operator/logout", {"session": session})["ok"]
        )
        ok(self.t_kiosk, "kiosk/balance", {"uid": alice})
        ok(self.t_kiosk, "kiosk/collect", {"uid": alice})
        topup = {"uid": alice, "amount": 9.0, "method": "wechat", "reference": "WX-9"}
        self.assertTrue(ok(self.t_kiosk, "kiosk/topup", topup)["operation_id"])
        self.assertEqual(called, set(MESSAGES), "every message once")
