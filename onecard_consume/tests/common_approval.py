"""The base of the approval tests: the desk operations' holders and cards, an
operator, two managers and an accountant, approval on at a threshold of 50."""

from odoo.tests import new_test_user

from .test_operations import OperationsCase


class ApprovalCase(OperationsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["onecard.approval.request"]
        cls.manager = new_test_user(
            cls.env,
            login="oc_apr_manager",
            groups="onecard_consume.group_onecard_manager",
        )
        cls.manager2 = new_test_user(
            cls.env,
            login="oc_apr_manager2",
            groups="onecard_consume.group_onecard_manager",
        )
        cls.accountant = new_test_user(
            cls.env,
            login="oc_apr_accountant",
            groups="onecard_consume.group_onecard_accountant",
        )
        # no limits, discounts or PIN: consumptions of any amount for corrections
        cls.plain = cls.env["onecard.cardholder.category"].create({"name": "Plain"})
        cls.dora, cls.dora_card = cls.make_holder(
            "Dora", "T020", cls.plain, "04A1B2D0", cash=200.0
        )
        cls.company.write({"onecard_approval": True, "onecard_approval_threshold": 50})

    def threshold(self, value):
        """None: no approval (the setting off); else the threshold."""
        self.company.write(
            {
                "onecard_approval": value is not None,
                "onecard_approval_threshold": value or 0.0,
            }
        )

    def request(self, answer):
        self.assertFalse(answer["approved"], answer)
        self.assertEqual(answer["code"], "approval_pending")
        request = self.Request.browse(answer["approval_request_id"])
        self.assertEqual(request.state, "pending")
        return request

    def approve(self, request, user=None):
        request.with_user(user or self.manager).action_approve()
        return request

    def consume(self, card, amount):
        """A consumption booked at the amount terminal (no PIN below its limit)."""
        answer = self.swipe(self.t_amount, card, amount=amount)
        self.assertTrue(answer["approved"], answer)
        return self.env["onecard.operation"].browse(answer["operation_id"])
