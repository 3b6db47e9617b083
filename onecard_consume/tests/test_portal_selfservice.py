from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..tools import check_pin, hash_pin
from .common_portal import PortalCase


@tagged("post_install", "-at_install")
class TestPortalSelfService(PortalCase):
    """Report lost and change PIN as the portal user (the controller's calls)."""

    def test_report_lost(self):
        card = self.cards[self.ann]
        holder = self.ann.with_user(self.user_a)
        holder._portal_report_lost(card.id)
        self.assertEqual(card.state, "lost")
        self.assertEqual(card.history_ids[:1].new_state, "lost")
        message = self.ann.message_ids[:1]
        self.assertIn(card.number, str(message.body))
        self.assertIn(self.user_a.partner_id, message.partner_ids)
        # the desk's rules: twice is refused clearly, unlocking is not on the portal
        with self.assertRaises(UserError):
            holder._portal_report_lost(card.id)
        # a swipe is declined through the engine
        answer = self.consumption.swipe(self.t_north, card.uid, amount=5.0)
        self.assertFalse(answer["approved"])
        self.assertEqual(self.balances(self.ann)["cash"], 100.0)
        self.assertLedgerInvariant()

    def test_report_lost_of_another_refused(self):
        with self.assertRaises(AccessError):
            self.ann.with_user(self.user_a)._portal_report_lost(self.cards[self.ben].id)
        with self.assertRaises(AccessError):
            self.ben.with_user(self.user_a)._portal_report_lost(self.cards[self.ben].id)
        self.assertEqual(self.cards[self.ben].state, "active")

    def test_guardian_reports_dependant_card(self):
        self.cai.with_user(self.user_g)._portal_report_lost(self.cards[self.cai].id)
        self.assertEqual(self.cards[self.cai].state, "lost")

    def test_change_pin(self):
        self.ann.sudo().pin_hash = hash_pin("1234")
        holder = self.ann.with_user(self.user_a)
        with self.assertRaises(UserError):
            holder._portal_change_pin("1234", "12")
        self.assertTrue(holder._portal_change_pin("1234", "4321"))
        self.assertTrue(check_pin("4321", self.ann.sudo().pin_hash))
        self.assertFalse(check_pin("1234", self.ann.sudo().pin_hash))

    def test_change_pin_lockout(self):
        self.ann.sudo().pin_hash = hash_pin("1234")
        holder = self.ann.with_user(self.user_a)
        with freeze_time("2026-12-01 10:00:00"):
            self.assertFalse(holder._portal_change_pin("0000", "5555"))
            self.assertFalse(holder._portal_change_pin("1111", "5555"))
            self.assertEqual(self.ann.pin_failures, 2)
            self.assertFalse(holder._portal_change_pin("2222", "5555"))
            self.assertTrue(self.ann.pin_locked_until)
            # locked: even the right PIN is refused
            with self.assertRaises(UserError):
                holder._portal_change_pin("1234", "5555")
        with freeze_time("2026-12-01 10:31:00"):
            self.assertTrue(holder._portal_change_pin("1234", "5555"))
            self.assertFalse(self.ann.pin_locked_until)

    def test_low_balance_alert_once_per_crossing(self):
        Holder = self.env["onecard.cardholder"]
        card = self.cards[self.ann]
        self.ann.with_user(self.user_a)._portal_set_alert(50.0)
        with self.assertRaises(UserError):
            self.ann.with_user(self.user_a)._portal_set_alert(-5.0)

        def alerts():
            return self.ann.message_ids.filtered(
                lambda m: "alert threshold" in str(m.body)
            )

        self.assertEqual(Holder._cron_low_balance_alert(), 0)  # 100 >= 50
        self.ledger.with_user(self.operator).refund(card, 60.0, self.cash)
        self.assertEqual(Holder._cron_low_balance_alert(), 1)  # 40 < 50
        self.assertIn(self.user_a.partner_id, alerts().partner_ids)
        self.assertEqual(Holder._cron_low_balance_alert(), 0)  # the same crossing
        self.ledger.topup(card, 30.0, self.cash)  # 70: back above, re-armed
        self.assertEqual(Holder._cron_low_balance_alert(), 0)
        self.ledger.refund(card, 40.0, self.cash)  # 30: a new crossing
        self.assertEqual(Holder._cron_low_balance_alert(), 1)
        self.assertEqual(len(alerts()), 2)
        self.assertLedgerInvariant()
