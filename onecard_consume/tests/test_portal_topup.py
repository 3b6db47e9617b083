import unittest

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DAY
from .common_portal import PortalCase, setup_demo_provider


@tagged("post_install", "-at_install")
class TestPortalTopup(PortalCase):
    """Online top-ups with payment_demo: one booking per done transaction."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_demo_provider(cls)

    def setUp(self):
        super().setUp()
        if not self.provider:
            raise unittest.SkipTest("payment_demo is not installed")

    def tx(self, amount, holder=None, reference=None):
        holder = holder or self.ann
        return self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.demo_method.id,
                "amount": amount,
                "currency_id": self.currency.id,
                "partner_id": self.user_a.partner_id.id,
                "reference": reference or f"OC-{holder.code}-{amount}",
                "operation": "online_direct",
                "onecard_cardholder_id": holder.id,
            }
        )

    def notify(self, tx, state="done"):
        """What the demo provider's webhook does."""
        self.env["payment.transaction"]._handle_notification_data(
            "demo", {"reference": tx.reference, "simulated_state": state}
        )
        tx._post_process()

    def online_rows(self, holder):
        return self.env["onecard.transaction"].search(
            [
                ("cardholder_id", "=", holder.id),
                ("payment_method_id.payment_provider_id", "=", self.provider.id),
            ]
        )

    def test_done_books_once(self):
        tx = self.tx(50.0)
        self.notify(tx)
        self.assertEqual(tx.state, "done")
        self.assertTrue(tx.onecard_operation_id)
        self.assertEqual(self.balances(self.ann)["cash"], 150.0)
        # the webhook again, post-processing again, the booking itself again
        self.notify(tx)
        tx._post_process()
        answer = tx._onecard_book()
        self.assertTrue(answer["replay"])
        self.assertEqual(self.balances(self.ann)["cash"], 150.0)
        self.assertEqual(len(self.online_rows(self.ann)), 1)
        method = self.online_rows(self.ann).payment_method_id
        self.assertEqual(
            method.with_company(self.company).journal_id, self.provider_journal
        )
        self.assertFalse(tx.payment_id, "the card engine books it, not account.payment")
        self.assertLedgerInvariant()

    def test_failed_or_cancelled_books_nothing(self):
        cancelled, failed = self.tx(30.0), self.tx(40.0)
        self.notify(cancelled, "cancel")
        self.notify(failed, "error")
        self.assertEqual((cancelled | failed).mapped("state"), ["cancel", "error"])
        self.assertFalse((cancelled | failed).onecard_operation_id)
        self.assertEqual(self.balances(self.ann)["cash"], 100.0)
        # a late confirmation after the cancel books once, and only once
        cancelled._set_done(extra_allowed_states=("cancel",))
        cancelled._post_process()
        cancelled._set_done(extra_allowed_states=("cancel",))
        cancelled._post_process()
        self.assertEqual(self.balances(self.ann)["cash"], 130.0)
        self.assertEqual(len(self.online_rows(self.ann)), 1)
        self.assertLedgerInvariant()

    def test_refund_reverses(self):
        tx = self.tx(80.0)
        self.notify(tx)
        refund = tx._send_refund_request(amount_to_refund=30.0)
        refund._post_process()
        self.assertEqual(refund.state, "done")
        self.assertEqual(refund.onecard_cardholder_id, self.ann)
        self.assertEqual(refund.onecard_operation_id.kind, "refund")
        self.assertEqual(self.balances(self.ann)["cash"], 150.0)
        refund._post_process()
        self.assertEqual(self.balances(self.ann)["cash"], 150.0)
        self.assertEqual(len(self.online_rows(self.ann)), 2)
        self.assertLedgerInvariant()

    def test_amount_bounds(self):
        self.company.write({"onecard_topup_min": 10.0, "onecard_topup_max": 500.0})
        holder = self.ann.with_user(self.user_a)
        for bad in (5.0, 500.01, -1.0, float("nan"), 10.001):
            with self.assertRaises(UserError, msg=bad):
                holder._portal_check_topup_amount(bad)
        self.assertEqual(holder._portal_check_topup_amount(10.0), 10.0)

    def test_settlement_posts_to_provider_journal(self):
        with self.on(DAY):
            tx = self.tx(50.0, holder=self.ben, reference="OC-S002-settle")
            self.notify(tx)
            refund = tx._send_refund_request(amount_to_refund=20.0)
            refund._post_process()
        settlement = self.settle(DAY)
        self.assertPostedBalanced(settlement)
        account = self.provider_journal.default_account_id
        lines = settlement.move_id.line_ids.filtered(
            lambda line: line.account_id == account
        )
        self.assertAlmostEqual(sum(lines.mapped("balance")), 30.0, places=2)
        self.assertGLMatchesWallets()
        self.assertNothingUnsettled()
        self.assertLedgerInvariant()

    def test_auto_topup_once_a_day(self):
        Holder = self.env["onecard.cardholder"]
        token = self.env["payment.token"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.demo_method.id,
                "payment_details": "4242",
                "partner_id": self.user_a.partner_id.id,
                "provider_ref": "demo token",
                "demo_simulated_state": "done",
            }
        )
        holder = self.ann.with_user(self.user_a)
        holder._portal_set_alert(50.0)
        with self.assertRaises(UserError):  # someone else's token
            holder._portal_set_auto_topup(
                30.0, token.copy({"partner_id": self.user_b.partner_id.id}).id
            )
        holder._portal_set_auto_topup(30.0, token.id)
        card = self.cards[self.ann]
        with freeze_time("2026-12-01 08:00:00"):
            self.assertFalse(Holder._cron_auto_topup())  # 100: not below 50
            self.ledger.refund(card, 80.0, self.cash)  # 20
            tx = Holder._cron_auto_topup()
            self.assertEqual(tx.state, "done")
            self.assertEqual(self.balances(self.ann)["cash"], 50.0)
            self.ledger.refund(card, 40.0, self.cash)  # 10: below again, same day
            self.assertFalse(Holder._cron_auto_topup())
            self.assertEqual(self.balances(self.ann)["cash"], 10.0)
        with freeze_time("2026-12-02 08:00:00"):
            self.assertTrue(Holder._cron_auto_topup())
            self.assertFalse(Holder._cron_auto_topup())
        self.assertEqual(self.balances(self.ann)["cash"], 40.0)
        self.assertEqual(len(self.online_rows(self.ann)), 2)
        self.assertIn("Automatic top-up", str(self.ann.message_ids[:1].body))
        self.assertLedgerInvariant()
