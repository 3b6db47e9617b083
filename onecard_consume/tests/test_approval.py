"""Four-eyes approval of the desk operations that pay out or undo money: the
threshold per operation, approval booking through the engine, rejection,
re-checks at approval, double approval."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import local_to_utc
from .common_approval import ApprovalCase


@tagged("post_install", "-at_install")
class TestApprovalThreshold(ApprovalCase):
    """Below the threshold the operation books at once; above it, or at 0, it is a
    pending request that booked nothing; with approval off, nothing waits."""

    def test_refund(self):
        card = self.op(self.dora_card)
        for value, amount, held in (
            (None, 60.0, False),  # empty: no approval
            (50, 20.0, False),  # below
            (50, 50.0, False),  # at the threshold: not above it
            (50, 50.01, True),  # above
            (0, 0.5, True),  # zero: every refund
        ):
            with self.subTest(threshold=value, amount=amount):
                self.threshold(value)
                before = self.balances(self.dora)["cash"]
                ops = self.env["onecard.operation"].search_count([])
                answer = card.refund(amount, self.cash, reason="left the company")
                if held:
                    request = self.request(answer)
                    self.assertEqual(
                        (request.kind, request.amount, request.card_id),
                        ("refund", amount, self.dora_card),
                    )
                    self.assertEqual(request.requester_id, self.operator)
                    self.assertEqual(request.reason, "left the company")
                    self.assertEqual(request.payment_method_id, self.cash)
                    self.assertEqual(self.balances(self.dora)["cash"], before)
                    self.assertEqual(
                        self.env["onecard.operation"].search_count([]), ops
                    )
                else:
                    self.assertTrue(answer["approved"])
                    self.assertAlmostEqual(
                        self.balances(self.dora)["cash"], before - amount, places=2
                    )

    def test_reason_required_and_bad_input_refused(self):
        card = self.op(self.alice_card)
        with self.assertRefused("needs a manager's approval: .* with a reason"):
            card.refund(60.0, self.cash)
        with self.assertRefused("positive number"):
            card.refund(-60.0, self.cash, reason="x")  # refused, not held
        with self.assertRefused("payment method"):
            card.refund(60.0, self.env["onecard.payment.method"], reason="x")
        self.assertFalse(self.Request.search([]))

    def test_return(self):
        card = self.ledger.issue_card(
            self.carl, "0A0B0C40", deposit=20.0, topup=25.0, method=self.cash
        )
        self.threshold(50)  # pays out 45: below
        answer = self.op(card).return_card(self.cash, reason="leaves")
        self.assertTrue(answer["approved"])
        self.assertEqual(card.state, "returned")

        card = self.ledger.issue_card(
            self.carl, "0A0B0C41", deposit=20.0, topup=45.5, method=self.cash
        )
        request = self.request(self.op(card).return_card(self.cash, reason="leaves"))
        self.assertAlmostEqual(request.amount, 65.5, msg="balance + deposit")
        self.assertEqual((card.state, card.deposit), ("active", 20.0))
        self.approve(request)
        self.assertEqual(card.state, "returned")
        self.assertEqual(request.operation_id.kind, "return")
        self.assertAlmostEqual(request.operation_id.amount, 65.5)
        self.assertBalances(self.carl, cash=0.0, deposit=0.0)

        self.threshold(0)  # every return, even one paying nothing
        card = self.ledger.issue_card(self.carl, "0A0B0C42")
        self.request(self.op(card).return_card(self.cash, reason="leaves"))

    def test_correction(self):
        sale = self.consume(self.dora_card, 30.0)
        self.threshold(50)
        answer = self.op(sale).correct("keyed twice")
        self.assertTrue(answer["approved"])
        self.assertEqual(sale.reversed_by_id.id, answer["operation_id"])

        sale = self.consume(self.dora_card, 30.0)
        for value in (20, 0):
            with self.subTest(threshold=value):
                self.threshold(value)
                request = self.request(self.op(sale).correct("keyed twice"))
                self.assertEqual(
                    (request.kind, request.amount, request.target_operation_id),
                    ("correction", 30.0, sale),
                )
                self.assertEqual(request.card_id, self.dora_card)
                self.assertFalse(sale.reversed_by_id)
                request.with_user(self.operator).action_cancel()
        self.assertBalances(self.dora, cash=170.0)
        request = self.request(self.op(sale).correct("keyed twice"))
        self.approve(request)
        self.assertEqual(sale.reversed_by_id, request.operation_id)
        self.assertEqual(request.operation_id.kind, "correction")
        self.assertBalances(self.dora, cash=200.0)

    def back_entry(self, amount, user=None):
        wizard = (
            self.env["onecard.card.operation.wizard"]
            .with_user(user or self.operator)
            .create(
                {
                    "operation": "back_entry",
                    "card_id": self.dora_card.id,
                    "terminal_id": self.t_amount.id,
                    "amount": amount,
                    "business_time": local_to_utc(11, 30),
                    "reason": "terminal down",
                }
            )
        )
        return wizard, wizard.action_confirm()

    def test_back_entry(self):
        self.threshold(None)
        wizard, action = self.back_entry(12.0)
        self.assertFalse(wizard.approval_needed)
        self.assertEqual(action["params"]["type"], "success")
        self.assertBalances(self.dora, cash=188.0)
        for value, amount, held in (
            (50, 12.0, False),
            (10, 12.0, True),
            (0, 1.0, True),
        ):
            with self.subTest(threshold=value, amount=amount):
                self.threshold(value)
                before = self.balances(self.dora)["cash"]
                wizard, action = self.back_entry(amount)
                self.assertEqual(wizard.approval_needed, held)
                if held:
                    self.assertEqual(action["params"]["type"], "warning")
                    self.assertIn("Sent for approval", action["params"]["message"])
                    self.assertEqual(self.balances(self.dora)["cash"], before)
                else:
                    self.assertAlmostEqual(
                        self.balances(self.dora)["cash"], before - amount, places=2
                    )
        request = self.Request.search([("kind", "=", "back_entry")], order="id")
        self.assertEqual(len(request), 2)
        self.assertEqual(request.terminal_id, self.t_amount)
        self.assertEqual(request[0].business_time, local_to_utc(11, 30))
        self.approve(request[0])
        self.assertEqual(
            (request[0].operation_id.kind, request[0].operation_id.note),
            ("back_entry", "terminal down"),
        )
        self.assertEqual(request[0].operation_id.business_time, local_to_utc(11, 30))
        self.assertBalances(self.dora, cash=164.0)


@tagged("post_install", "-at_install")
class TestApprovalDecision(ApprovalCase):
    def test_approve_books_once(self):
        request = self.request(
            self.op(self.alice_card).refund(80.0, self.wechat, reason="moving out")
        )
        self.approve(request)
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.decided_by_id, self.manager)
        self.assertTrue(request.decision_date)
        operation = request.operation_id
        self.assertEqual(
            (operation.kind, operation.amount, operation.payment_method_id),
            ("refund", 80.0, self.wechat),
        )
        self.assertEqual(operation.transaction_ids.mapped("amount"), [-80.0])
        self.assertBalances(self.alice, cash=20.0, subsidy=50.0)
        for user in (self.manager, self.manager2):
            with self.assertRefused("Approved: this is not possible any more"):
                self.approve(request, user)
            with self.assertRefused("not possible any more"):
                request.with_user(user).action_reject()
        self.assertBalances(self.alice, cash=20.0)

    def test_requester_cannot_approve(self):
        """Not in the UI only: the model refuses the requester, whoever calls."""
        request = self.request(
            self.alice_card.with_user(self.manager).refund(
                80.0, self.cash, reason="mine"
            )
        )
        self.assertEqual(request.requester_id, self.manager)
        with self.assertRefused("another manager", exception=AccessError):
            request.with_user(self.manager).action_approve()
        with self.assertRefused("another manager", exception=AccessError):
            request.with_user(self.manager).action_reject()
        request.with_user(self.manager2).action_approve()
        self.assertEqual(request.decided_by_id, self.manager2)
        self.assertBalances(self.alice, cash=20.0)

    def test_reject_books_nothing(self):
        request = self.request(
            self.op(self.alice_card).refund(80.0, self.cash, reason="moving out")
        )
        before = self.snapshot()
        with self.assertRefused("decision note"):
            request.with_user(self.manager).action_reject()
        request.with_user(self.manager).decision_note = "no receipt"
        request.with_user(self.manager).action_reject()
        self.assertEqual(
            (request.state, request.decision_note, request.decided_by_id),
            ("rejected", "no receipt", self.manager),
        )
        self.assertFalse(request.operation_id)
        self.assertEqual(self.snapshot(), before)
        with self.assertRefused("Rejected: this is not possible any more"):
            self.approve(request, self.manager2)
        self.assertBalances(self.alice, cash=100.0)

    def test_cancel(self):
        request = self.request(
            self.op(self.alice_card).refund(80.0, self.cash, reason="moving out")
        )
        other = self.env["res.users"].create(
            {
                "name": "Other operator",
                "login": "oc_apr_op2",
                "groups_id": [
                    (6, 0, [self.env.ref("onecard_consume.group_onecard_operator").id])
                ],
            }
        )
        with self.assertRefused("requester or a OneCard manager", AccessError):
            request.with_user(other).action_cancel()
        request.with_user(self.operator).action_cancel()
        self.assertEqual(request.state, "cancelled")
        with self.assertRefused("not possible any more"):
            self.approve(request)

    def test_card_state_rechecked(self):
        """Between request and approval the card was reported lost / returned, or
        the balance changed: approval refuses, books nothing, the request stays
        pending (a manager rejects it or the requester withdraws it)."""
        refund = self.request(
            self.op(self.alice_card).refund(80.0, self.cash, reason="moving out")
        )
        self.ledger.report_lost(self.alice_card)
        with self.assertRefused("was Active when .* and is Lost now"):
            self.approve(refund)
        self.assertEqual(refund.state, "pending")
        self.ledger.unlock(self.alice_card)
        self.ledger.return_card(self.alice_card, self.cash)  # pays 100 out directly
        with self.assertRefused("is Returned now"):
            self.approve(refund)
        self.assertEqual(refund.state, "pending")
        self.assertBalances(self.alice, cash=0.0)

        bob_refund = self.request(
            self.op(self.bob_card).refund(60.0, self.cash, reason="x")
        )
        self.ledger.topup(self.bob_card, 10.0, self.cash)
        card = self.ledger.issue_card(
            self.carl, "0A0B0C50", deposit=20.0, topup=45.5, method=self.cash
        )
        card_return = self.request(self.op(card).return_card(self.cash, reason="x"))
        self.ledger.topup(card, 10.0, self.cash)
        with self.assertRefused("would pay out .*75.50.*, not .*65.50"):
            self.approve(card_return)
        self.approve(bob_refund)  # a refund still within the balance books
        self.assertBalances(self.bob, cash=50.0)

    def test_refund_over_balance_at_approval(self):
        request = self.request(
            self.op(self.dora_card).refund(190.0, self.cash, reason="moving out")
        )
        self.consume(self.dora_card, 30.0)
        with self.assertRefused("Insufficient balance"):
            self.approve(request)
        self.assertEqual(request.state, "pending")
        self.assertBalances(self.dora, cash=170.0)

    def test_correction_rechecked(self):
        sale = self.consume(self.dora_card, 60.0)
        request = self.request(self.op(sale).correct("keyed twice"))
        self.ledger.correct(sale, "corrected directly meanwhile")
        with self.assertRefused("already corrected"):
            self.approve(request)

    def test_idempotency_key(self):
        card = self.op(self.alice_card)
        first = card.refund(80.0, self.cash, key="K-APR-1", reason="moving out")
        again = card.refund(80.0, self.cash, key="K-APR-1", reason="moving out")
        self.assertEqual(first, again)
        self.assertEqual(self.Request.search_count([]), 1)
        with self.assertRefused("another request"):
            card.refund(81.0, self.cash, key="K-APR-1", reason="moving out")
        request = self.approve(self.Request.browse(first["approval_request_id"]))
        replay = card.refund(80.0, self.cash, key="K-APR-1", reason="moving out")
        self.assertTrue(replay["approved"])
        self.assertEqual(replay["operation_id"], request.operation_id.id)
        self.assertEqual(request.operation_id.idempotency_key, "K-APR-1")
        self.assertBalances(self.alice, cash=20.0)

    def test_activities_for_managers(self):
        request = self.request(
            self.op(self.alice_card).refund(80.0, self.cash, reason="moving out")
        )
        users = request.activity_ids.user_id
        self.assertIn(self.manager, users)
        self.assertIn(self.manager2, users)
        self.assertNotIn(self.operator, users)
        self.approve(request)
        self.assertFalse(request.activity_ids, "decided: the to-dos are done")

    def test_user_error_is_clear(self):
        request = self.request(
            self.op(self.alice_card).refund(80.0, self.cash, reason="moving out")
        )
        with self.assertRaises(UserError) as caught:
            request.with_user(self.operator).write({"state": "approved"})
        self.assertIn("only through their buttons", str(caught.exception))
