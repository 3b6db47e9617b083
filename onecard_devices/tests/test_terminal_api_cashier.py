from odoo.tests import tagged

from .test_terminal_api import TerminalApiSchemaCase


@tagged("post_install", "-at_install")
class TestTerminalApiCashier(TerminalApiSchemaCase):
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
