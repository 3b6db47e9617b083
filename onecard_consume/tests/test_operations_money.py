"""Desk operations that pay out or move money: refund, return, transfer, correction,
back-entry, as the operator.
"""

from odoo.tests import tagged

from .common import local_to_utc
from .test_operations import OperationsCase


@tagged("post_install", "-at_install")
class TestOperationsMoney(OperationsCase):
    # --------------------------------------------------------------- refund
    def test_refund(self):
        answer = self.op_ledger.refund(self.op(self.alice_card), 30.0, self.wechat)
        self.assertEqual(self.rows(answer).mapped("amount"), [-30.0])
        self.assertBalances(self.alice, cash=70.0, subsidy=50.0)
        with self.assertRefused("Insufficient balance"):
            self.op_ledger.refund(self.op(self.alice_card), 70.01, self.cash)
        self.op_ledger.refund(self.op(self.alice_card), 70.0, self.cash)
        self.assertBalances(self.alice, cash=0.0, subsidy=50.0)
        for bad in (0.0, -1.0, float("nan"), 1.234):
            with self.assertRefused():
                self.op_ledger.refund(self.op(self.bob_card), bad, self.cash)

    # --------------------------------------------------------------- return
    def test_return_card(self):
        card = self.ledger.issue_card(
            self.carl, "0A0B0C30", deposit=20.0, topup=45.5, method=self.cash
        )
        self.grant_subsidy(self.carl, 15.0)
        answer = self.op_ledger.return_card(self.op(card), self.cash)
        self.assertTrue(answer["approved"])
        self.assertAlmostEqual(
            answer["amount"], 65.5, msg="pays cash balance + deposit"
        )
        rows = self.rows(answer)
        self.assertEqual(sorted(rows.mapped("amount")), [-45.5, -20.0])
        self.assertEqual(
            self.env["onecard.operation"]
            .browse(answer["operation_id"])
            .payment_method_id,
            self.cash,
        )
        clear = self.env["onecard.operation"].search(
            [("card_id", "=", card.id), ("kind", "=", "subsidy_clear")]
        )
        self.assertEqual(
            clear.transaction_ids.mapped("amount"),
            [-15.0],
            "subsidy is cleared, never paid out",
        )
        self.assertEqual((card.state, card.deposit), ("returned", 0.0))
        self.assertBalances(self.carl, cash=0.0, subsidy=0.0, deposit=0.0)
        # a returned card is dead for every operation
        for call in (
            lambda: self.op_ledger.topup(self.op(card), 5.0, self.cash),
            lambda: self.op_ledger.refund(self.op(card), 5.0, self.cash),
            lambda: self.op_ledger.report_lost(self.op(card)),
            lambda: self.op_ledger.freeze(self.op(card)),
            lambda: self.op_ledger.unlock(self.op(card)),
            lambda: self.op_ledger.replace_card(self.op(card), "0A0B0C31"),
            lambda: self.op_ledger.return_card(self.op(card), self.cash),
        ):
            with self.assertRefused("Returned"):
                call()
        self.assertDeclined(self.swipe(self.t_fixed, card), "card_returned")

    def test_return_keeps_subsidy_while_another_card_lives(self):
        temp = self.ledger.issue_card(self.alice, "0A0B0C40", kind="temporary")
        self.op_ledger.transfer(self.op(self.alice), 10.0)
        self.op_ledger.return_card(self.op(temp), self.alipay)
        self.assertBalances(self.alice, cash=90.0, temporary=0.0, subsidy=50.0)

    def test_return_collects_postpaid_debt(self):
        self.op_ledger.refund(self.op(self.alice_card), 100.0, self.cash)
        self.assertTrue(
            self.swipe(self.t_postpaid, self.alice_card, amount=30.0)["approved"]
        )
        self.assertTrue(
            self.swipe(self.t_postpaid, self.alice_card, amount=30.0)["approved"]
        )
        self.assertBalances(self.alice, cash=-10.0, subsidy=0.0)
        answer = self.op_ledger.return_card(self.op(self.alice_card), self.cash)
        self.assertEqual(
            self.rows(answer).mapped("amount"), [10.0], "the debt is collected"
        )
        self.assertBalances(self.alice, cash=0.0)

    # ------------------------------------------------------------- transfer
    def test_transfer_both_ways(self):
        holder = self.op(self.alice)
        answer = self.op_ledger.transfer(holder, 40.0)
        self.assertEqual(sorted(self.rows(answer).mapped("amount")), [-40.0, 40.0])
        self.assertBalances(self.alice, cash=60.0, temporary=40.0, subsidy=50.0)
        self.op_ledger.transfer(holder, 15.0, to_temporary=False)
        self.assertBalances(self.alice, cash=75.0, temporary=25.0)
        with self.assertRefused("Insufficient balance"):
            self.op_ledger.transfer(holder, 25.01, to_temporary=False)
        with self.assertRefused("Insufficient balance"):
            self.op_ledger.transfer(holder, 75.01)
        for bad in (0.0, -3.0, float("nan"), 0.001):
            with self.assertRefused():
                self.op_ledger.transfer(holder, bad)

    # ----------------------------------------------------------- correction
    def test_correction(self):
        answer = self.swipe(self.t_amount, self.alice_card, amount=55.0, pin=None)
        self.assertDeclined(answer, "pin_required")
        self.alice.action_set_pin("2468")
        answer = self.swipe(self.t_amount, self.alice_card, amount=55.0, pin="2468")
        self.assertTrue(answer["approved"])
        self.assertBalances(self.alice, subsidy=0.0, cash=95.0)
        original = self.env["onecard.operation"].browse(answer["operation_id"])
        with self.assertRefused("reason"):
            self.op_ledger.correct(self.op(original), "")
        fix = self.op_ledger.correct(self.op(original), "keyed 55 instead of 5.50")
        reversal = self.env["onecard.operation"].browse(fix["operation_id"])
        self.assertEqual(reversal.kind, "correction")
        self.assertEqual(reversal.reversal_of_id, original)
        self.assertEqual(original.reversed_by_id, reversal)
        self.assertEqual(sorted(reversal.transaction_ids.mapped("amount")), [5.0, 50.0])
        self.assertEqual(
            reversal.transaction_ids.wallet_id, original.transaction_ids.wallet_id
        )
        self.assertBalances(self.alice, subsidy=50.0, cash=100.0)
        with self.assertRefused("already corrected"):
            self.op_ledger.correct(self.op(original), "again")
        with self.assertRefused("Only approved consumptions"):
            self.op_ledger.correct(self.op(reversal), "reverse the reversal")
        topup = self.env["onecard.operation"].search(
            [("cardholder_id", "=", self.alice.id), ("kind", "=", "topup")]
        )
        with self.assertRefused("Only approved consumptions"):
            self.op_ledger.correct(self.op(topup[:1]), "no")
        declined = self.env["onecard.operation"].search(
            [("state", "=", "declined")], limit=1
        )
        with self.assertRefused("Only approved consumptions"):
            self.op_ledger.correct(self.op(declined), "no")

    def test_back_entry(self):
        """A meal the terminal missed, keyed at the desk with the time it happened."""
        when = local_to_utc(11, 30)
        answer = self.consumption.with_user(self.operator).swipe(
            self.op(self.t_amount),
            self.alice_card.uid,
            amount=12.0,
            kind="back_entry",
            business_time=when,
            note="terminal down",
        )
        self.assertTrue(answer["approved"])
        operation = self.env["onecard.operation"].browse(answer["operation_id"])
        self.assertEqual(
            (operation.kind, operation.business_time, operation.note),
            ("back_entry", when, "terminal down"),
        )
        self.assertEqual(operation.transaction_ids.business_time, when)
        self.assertEqual(operation.meal_period_id, self.lunch)
        self.assertBalances(self.alice, subsidy=38.0, cash=100.0)
        self.op_ledger.correct(self.op(operation), "entered twice")
        self.assertBalances(self.alice, subsidy=50.0, cash=100.0)

    def test_report_lost_by_rpc(self):
        """action_report_lost: the documented public way (RPC) to block a card, for
        operators only."""
        from odoo.exceptions import AccessError, UserError
        from odoo.tests import new_test_user

        reader = new_test_user(
            self.env,
            login="oc_test_accountant",
            groups="onecard_consume.group_onecard_accountant",
        )
        with self.assertRaises(AccessError):
            self.alice_card.with_user(reader).action_report_lost()
        self.assertEqual(self.alice_card.state, "active")
        self.assertTrue(self.alice_card.with_user(self.operator).action_report_lost())
        self.assertEqual(self.alice_card.state, "lost")
        self.assertEqual(self.swipe(self.t_fixed, self.alice_card)["code"], "card_lost")
        with self.assertRaises(
            UserError
        ):  # already lost: refused clearly, nothing changes
            self.alice_card.with_user(self.operator).action_report_lost()
