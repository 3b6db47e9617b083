"""Who may ask, read and decide on approval requests (operator / accountant /
manager), the desk's "sent for approval", another company's managers, and the
books after approved operations are settled (GL = sub-ledger)."""

from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common_approval import ApprovalCase
from .common_money import DAY, CardMoneyCase, utc


@tagged("post_install", "-at_install")
class TestApprovalAccess(ApprovalCase):
    def test_matrix(self):
        """operator: asks, reads, withdraws own; accountant: reads only; manager:
        asks, reads, approves and rejects the others'. Nobody creates, edits or
        deletes a request by hand."""
        asked = self.request(
            self.op(self.alice_card).refund(80.0, self.cash, reason="by operator")
        )
        by_manager = self.request(
            self.dora_card.with_user(self.manager).refund(
                70.0, self.cash, reason="by manager"
            )
        )
        # the accountant cannot ask: no right to act on cards
        with self.assertRefused(exception=AccessError):
            self.alice_card.with_user(self.accountant).refund(
                80.0, self.cash, reason="by accountant"
            )
        self.assertEqual(self.Request.search_count([]), 2)
        for user in (self.operator, self.accountant, self.manager, self.manager2):
            with self.subTest(read=user.login):
                mine = self.Request.with_user(user).search([])
                self.assertEqual(mine, asked | by_manager)
                self.assertEqual(mine.mapped("reason"), ["by manager", "by operator"])
        for user in (self.operator, self.accountant):
            with self.subTest(decide=user.login):
                for action in ("action_approve", "action_reject"):
                    with self.assertRefused("OneCard manager", AccessError):
                        getattr(asked.with_user(user), action)()
        for user in (self.operator, self.accountant, self.manager):
            with self.subTest(create=user.login):
                with self.assertRaises(UserError):  # AccessError is one
                    self.Request.with_user(user).create(
                        {
                            "kind": "refund",
                            "company_id": self.company.id,
                            "requester_id": user.id,
                            "cardholder_id": self.alice.id,
                            "reason": "by hand",
                        }
                    )
                with self.assertRaises(UserError):  # AccessError is one
                    asked.with_user(user).write({"amount": 1.0})
                with self.assertRaises(UserError):  # AccessError is one
                    asked.with_user(user).unlink()
        with self.assertRaises(UserError):
            asked.unlink()  # not even the superuser: the trail stays
        with self.assertRefused("OneCard manager", AccessError):
            asked.with_user(self.operator).decision_note = "fine"
        self.assertEqual((asked.state, asked.amount), ("pending", 80.0))
        self.approve(asked, self.manager)
        self.approve(by_manager, self.manager2)
        self.assertEqual(
            (asked.decided_by_id, by_manager.decided_by_id),
            (self.manager, self.manager2),
        )
        self.assertBalances(self.alice, cash=20.0)
        self.assertBalances(self.dora, cash=130.0)

    def test_other_company(self):
        other = self.env["res.company"].create({"name": "No OneCard Ltd"})
        outsider = new_test_user(
            self.env,
            login="oc_apr_outsider",
            groups="onecard_consume.group_onecard_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        request = self.request(
            self.op(self.alice_card).refund(80.0, self.cash, reason="x")
        )
        self.assertNotIn(outsider, request.activity_ids.user_id)
        self.assertFalse(self.Request.with_user(outsider).search([]))
        with self.assertRefused(exception=AccessError):
            request.with_user(outsider).action_approve()
        self.assertFalse(other.onecard_approval, "nothing set in other companies")
        self.assertEqual(request.state, "pending")

    def test_desk_says_sent_for_approval(self):
        env = self.env(user=self.operator)
        with Form(env["onecard.desk"]) as desk_form:
            desk_form.card_uid = self.alice_card.uid
        desk = desk_form.record
        action = desk.with_context(onecard_operation="refund").action_operation()
        wizard_form = Form(env[action["res_model"]].with_context(**action["context"]))
        wizard_form.amount = 20.0
        self.assertFalse(wizard_form.approval_needed)
        wizard_form.amount = 80.0
        self.assertTrue(wizard_form.approval_needed)
        wizard_form.reason = "moving out"
        done = wizard_form.save().action_confirm()
        self.assertEqual(done["params"]["type"], "warning")
        self.assertIn("Sent for approval", done["params"]["message"])
        self.assertIn("Nothing is booked", done["params"]["message"])
        request = self.Request.search([])
        self.assertEqual(
            (request.kind, request.amount, request.reason, request.requester_id),
            ("refund", 80.0, "moving out", self.operator),
        )
        self.assertFalse(desk.last_operation_id)
        self.assertBalances(self.alice, cash=100.0)
        # the return's payout is what the dialog checks
        action = desk.with_context(onecard_operation="return").action_operation()
        wizard_form = Form(env[action["res_model"]].with_context(**action["context"]))
        self.assertTrue(wizard_form.approval_needed, "returning pays out 100")


@tagged("post_install", "-at_install")
class TestApprovalBooks(CardMoneyCase):
    """Approved operations are ordinary bookings: settled, the GL matches the
    wallets; a rejected one leaves nothing to settle."""

    def test_settled_after_approval(self):
        manager = new_test_user(
            self.env,
            login="oc_apr_books",
            groups="onecard_consume.group_onecard_manager",
        )
        self.company.write({"onecard_approval": True, "onecard_approval_threshold": 0})
        Request = self.env["onecard.approval.request"]
        with self.on(DAY):
            ann = self.issue(self.ann, "5B200001", topup=100.0, method=self.cash)
            ben = self.issue(
                self.ben, "5B200002", deposit=20.0, topup=50.0, method=self.bank
            )
        sale = self.swipe(self.t_north, ann, 30.0, utc(DAY, 12))
        sale = self.env["onecard.operation"].browse(sale["operation_id"])
        with self.on(DAY, 15):
            refund = ann.with_user(self.operator).refund(
                25.0, self.cash, reason="overpaid"
            )
            card_return = ben.with_user(self.operator).return_card(
                self.bank, reason="leaves"
            )
            correction = sale.with_user(self.operator).correct("wrong till")
            rejected = ann.with_user(self.operator).refund(
                40.0, self.cash, reason="no receipt"
            )
            requests = Request.browse(
                [
                    answer["approval_request_id"]
                    for answer in (refund, card_return, correction, rejected)
                ]
            )
            self.assertEqual(set(requests.mapped("state")), {"pending"})
            for request in requests[:3]:
                request.with_user(manager).action_approve()
            requests[3].with_user(manager).decision_note = "no receipt shown"
            requests[3].with_user(manager).action_reject()
        self.assertEqual(
            requests.mapped("state"), ["approved", "approved", "approved", "rejected"]
        )
        self.assertEqual(
            requests[:3].operation_id.mapped("kind"),
            ["refund", "return", "correction"],
        )
        self.assertLedgerInvariant()
        self.assertEqual(self.balances(self.ann)["cash"], 75.0)
        self.assertEqual(self.balances(self.ben)["cash"], 0.0)
        with self.on(DAY + timedelta(days=1), 1):
            settlement = self.settle(DAY)
        self.assertPostedBalanced(settlement)
        self.assertNothingUnsettled()
        self.assertGLMatchesWallets()
