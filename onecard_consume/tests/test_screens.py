"""Small things seen on the screens (issue 17, item 8): the issue dialog picks the
existing account, the card shows the account's money, the reconciliation has a
name in the breadcrumb."""

from odoo.tests import Form, new_test_user, tagged

from .common import OnecardCase


@tagged("post_install", "-at_install")
class TestScreens(OnecardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.desk_user = new_test_user(
            cls.env,
            login="oc_screens_operator",
            groups="onecard_consume.group_onecard_operator",
        )

    def test_issue_dialog_picks_the_existing_account(self):
        holders = self.env["onecard.cardholder"].search_count([])
        wizard = self.env["onecard.issue.wizard"].with_user(self.desk_user)
        with Form(wizard) as form:
            self.assertEqual(form.holder_mode, "new")
            form.uid = "04BEEF0001"
            form.code = " T002 "  # Bob's code, as typed at the desk
            self.assertEqual(form.holder_mode, "existing")
            self.assertEqual(form.cardholder_id, self.bob)
            form.kind = "temporary"
        form.record.action_confirm()
        self.assertEqual(self.env["onecard.cardholder"].search_count([]), holders)
        card = self.env["onecard.card"].search([("uid", "=", "04BEEF0001")])
        self.assertEqual(card.cardholder_id, self.bob)

    def test_issue_dialog_new_code_stays_new(self):
        with Form(self.env["onecard.issue.wizard"].with_user(self.desk_user)) as form:
            form.code = "T999"
            self.assertEqual(form.holder_mode, "new")
            self.assertFalse(form.cardholder_id)
            form.name = "Newcomer"
            form.uid = "04BEEF0002"
        form.record.action_confirm()
        card = self.env["onecard.card"].search([("uid", "=", "04BEEF0002")])
        self.assertEqual(card.cardholder_id.code, "T999")

    def test_card_shows_the_account_balances(self):
        card = self.alice_card.with_user(self.desk_user)
        self.assertEqual(card.cash_balance, self.alice.cash_balance)
        self.assertEqual(card.subsidy_balance, 50.0)
        self.assertEqual(card.cash_balance, 100.0)

    def test_reconciliation_name(self):
        rec = self.env["onecard.reconciliation"].create({"date": "2025-03-10"})
        self.assertIn("2025-03-10", rec.display_name)
        self.assertIn(self.company.name, rec.display_name)
        self.assertNotIn("onecard.reconciliation", rec.display_name)
