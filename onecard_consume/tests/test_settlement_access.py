from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common_money import DAY, CardMoneyCase, utc


@tagged("post_install", "-at_install")
class TestSettlementAccess(CardMoneyCase):
    """Who may do what: operators handle card money at the desk, accountants post it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls._frozen(DAY):
            cls.card = cls.env["onecard.ledger"].issue_card(
                cls.ann, "5C000001", topup=50.0, method=cls.cash
            )

    @classmethod
    def _frozen(cls, day):
        from freezegun import freeze_time

        return freeze_time(utc(day, 10))

    def test_operator_cannot_settle(self):
        Settlement = self.Settlement.with_user(self.operator)
        with self.assertRaises(AccessError):
            Settlement.settle(self.company, "day", DAY)
        with self.assertRaises(AccessError):
            self.env["onecard.settle.wizard"].with_user(self.operator).create(
                {"date": DAY}
            )
        with self.assertRaises(AccessError):
            self.env["onecard.reconciliation"].with_user(self.operator).create(
                {"date": DAY}
            )
        settlement = self.settle(DAY)
        with self.assertRaises(AccessError):
            settlement.with_user(self.operator).action_reverse()
        self.assertEqual(settlement.state, "posted")

    def test_operator_cannot_change_card_accounts(self):
        company = self.company.with_user(self.operator)
        other = self.env["account.account"].search(
            [
                ("account_type", "=", "liability_current"),
                ("company_ids", "in", self.company.id),
                ("id", "!=", self.company.onecard_cash_account_id.id),
            ],
            limit=1,
        )
        for field, value in (
            ("onecard_cash_account_id", other.id),
            ("onecard_journal_id", False),
            ("onecard_auto_settle", False),
        ):
            with self.assertRaises(AccessError):
                company.write({field: value})
        self.assertNotEqual(self.company.onecard_cash_account_id, other)
        self.assertTrue(self.company.onecard_journal_id)

    def test_accountant_cannot_issue_cards(self):
        ledger = self.ledger.with_user(self.accountant)
        holder = self.ben.with_user(self.accountant)
        cards = self.env["onecard.card"].search_count([])
        with self.assertRaises(UserError):  # AccessError is a UserError
            ledger.issue_card(holder, "5C000002")
        with self.assertRaises(UserError):  # AccessError is a UserError
            ledger.issue_card(
                holder, "5C000003", deposit=10.0, topup=20.0, method=self.cash
            )
        with self.assertRaises(AccessError):
            self.env["onecard.card"].with_user(self.accountant).create(
                {"cardholder_id": self.ben.id, "uid": "5C000004"}
            )
        self.assertEqual(self.env["onecard.card"].search_count([]), cards)
        self.assertEqual(self.wallet_sums()["cash"], 50.0, "no money moved")

    def test_accountant_settles_and_reconciles(self):
        with self._frozen(DAY + timedelta(days=1)):
            wizard = Form(self.env["onecard.settle.wizard"].with_user(self.accountant))
            self.assertEqual(wizard.date, DAY, "the wizard proposes yesterday")
            wizard.period = "day"
            action = wizard.save().action_settle()
        settlement = self.Settlement.browse(action["res_id"])
        self.assertEqual(settlement.date_from, DAY)
        self.assertPostedBalanced(settlement)
        self.assertGLMatchesWallets()
        with self._frozen(DAY + timedelta(days=1)):
            action = self.Settlement.with_user(
                self.accountant
            ).action_settle_yesterday()
        self.assertEqual(
            action["res_id"], settlement.id, "settling again shows the same settlement"
        )
        rec = self.reconcile(DAY)
        self.assertTrue(rec.balanced)
        settlement.with_user(self.accountant).action_reverse()
        self.assertEqual(settlement.state, "reversed")
