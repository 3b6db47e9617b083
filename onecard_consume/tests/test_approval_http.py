"""Approval over real HTTP: JSON-RPC as the requester is refused by the model
(not only hidden in the UI); the browser tour sends a refund for approval from the
desk and another user approves it."""

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException


@tagged("post_install", "-at_install")
class TestApprovalHttp(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        users = {}
        for login, group in (
            ("oc_apr_http_operator", "operator"),
            ("oc_apr_http_manager", "manager"),
            ("oc_apr_http_manager2", "manager"),
        ):
            users[login] = new_test_user(
                cls.env,
                login=login,
                password=login,
                groups=f"onecard_consume.group_onecard_{group}",
                name=login.replace("_", " ").title(),
            )
        cls.operator = users["oc_apr_http_operator"]
        cls.manager = users["oc_apr_http_manager"]
        cls.manager2 = users["oc_apr_http_manager2"]
        cls.cash = cls.env.ref("onecard_consume.payment_method_cash")
        cls.env.company.write(
            {"onecard_approval": True, "onecard_approval_threshold": 50}
        )
        cls.holder = cls.env["onecard.cardholder"].create(
            {"name": "Tour Payee", "code": "APR-TOUR"}
        )
        cls.card = cls.env["onecard.ledger"].issue_card(
            cls.holder, "0A1B2C4D", topup=100.0, method=cls.cash
        )

    def call(self, login, model, method, args, kwargs=None):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            },
        )

    def assertBooked(self, cash):
        self.env.invalidate_all()
        wallet = self.holder._wallet("cash")
        rows = self.env["onecard.transaction"].search([("wallet_id", "=", wallet.id)])
        self.assertAlmostEqual(wallet.balance, cash, places=2)
        self.assertAlmostEqual(sum(rows.mapped("amount")), cash, places=2)
        self.assertEqual(wallet._verify_chain(), [])

    def test_rpc_requester_refused(self):
        answer = self.card.with_user(self.manager).refund(
            80.0, self.cash, reason="mine"
        )
        request_id = answer["approval_request_id"]
        for method, args in (
            ("action_approve", [[request_id]]),
            ("action_reject", [[request_id]]),
            ("write", [[request_id], {"state": "approved"}]),
            ("write", [[request_id], {"amount": 1.0}]),
        ):
            with self.subTest(method=method, args=args):
                with self.assertRaises(JsonRpcException) as caught:
                    self.call(
                        "oc_apr_http_manager", "onecard.approval.request", method, args
                    )
                self.assertIn(
                    caught.exception.args[0],
                    (
                        "odoo.exceptions.AccessError",
                        "odoo.exceptions.UserError",
                    ),
                )
        with self.assertRaises(JsonRpcException):
            self.call(
                "oc_apr_http_operator",
                "onecard.approval.request",
                "action_approve",
                [[request_id]],
            )
        with self.assertRaises(JsonRpcException):
            self.call(
                "oc_apr_http_operator",
                "onecard.approval.request",
                "create",
                [{"kind": "refund", "cardholder_id": self.holder.id, "reason": "x"}],
            )
        request = self.env["onecard.approval.request"].browse(request_id)
        self.env.invalidate_all()
        self.assertEqual(request.state, "pending")
        self.assertBooked(100.0)
        self.call(
            "oc_apr_http_manager2",
            "onecard.approval.request",
            "action_approve",
            [[request_id]],
        )
        self.env.invalidate_all()
        self.assertEqual(
            (request.state, request.decided_by_id), ("approved", self.manager2)
        )
        self.assertBooked(20.0)

    def test_tour_request_then_approve(self):
        self.start_tour(
            "/odoo/action-onecard_consume.onecard_desk_action",
            "onecard_approval_request_tour",
            login=self.operator.login,
        )
        request = self.env["onecard.approval.request"].search(
            [("cardholder_id", "=", self.holder.id)]
        )
        self.assertEqual(
            (request.state, request.kind, request.amount, request.requester_id),
            ("pending", "refund", 80.0, self.operator),
        )
        self.assertEqual(request.reason, "Leaves the company")
        self.assertBooked(100.0)
        self.start_tour(
            "/odoo/action-onecard_consume.onecard_approval_request_action",
            "onecard_approval_decide_tour",
            login=self.manager.login,
        )
        self.env.invalidate_all()
        self.assertEqual(
            (request.state, request.decided_by_id), ("approved", self.manager)
        )
        self.assertEqual(request.operation_id.kind, "refund")
        self.assertBooked(20.0)
        # the chatter keeps the trail: pending, then approved by the manager
        states = request.message_ids.sudo().tracking_value_ids.filtered(
            lambda value: value.field_id.name == "state"
        )
        self.assertEqual(states.mapped("new_value_char"), ["Approved"])
        sent = request.message_ids.filtered(
            lambda message: "Sent for approval" in (message.body or "")
        )
        self.assertEqual(sent.author_id, self.operator.partner_id)
        self.assertIn("Leaves the company", sent.body)
        approved = states.filtered(lambda v: v.new_value_char == "Approved")
        self.assertEqual(approved.mail_message_id.author_id, self.manager.partner_id)
