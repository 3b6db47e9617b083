"""The demo data tells a possible story (issue 17.7): money before the swipes it pays
for, every past day settled on time, the books equal to the wallets, a Chinese company
in CNY.

These read the demo database, so they run only where demo data was loaded (tests/run
installs without demo and runs them in a demo database of their own, step (f5)).
"""

import re
from datetime import timedelta

from odoo.tests import TransactionCase, tagged

from ..models.onecard_demo import DAYS, EMPLOYEES

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@tagged("post_install", "-at_install", "onecard_demo")
class TestDemoData(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.terminal = cls.env.ref(
            "onecard_consume.demo_terminal_101", raise_if_not_found=False
        )
        cls.company = cls.env.ref("base.main_company")
        cls.today = cls.env["onecard.demo"]._demo_today()

    def setUp(self):
        super().setUp()
        if not self.terminal:
            self.skipTest(
                "OneCard demo data not loaded: these tests read a demo database "
                "(tests/run, step f5: DEMO_TESTS=1)"
            )

    def test_statements_never_negative(self):
        """Running spendable balance of every holder, in business-time order (as the
        personal statement shows it), never below zero: top-ups come before the swipes
        they pay for."""
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT cardholder_id, business_time, running FROM (
                SELECT cardholder_id, business_time,
                       SUM(amount) OVER (PARTITION BY cardholder_id
                                         ORDER BY business_time, id) AS running
                  FROM onecard_transaction WHERE wallet_kind <> 'deposit') s
             WHERE running < 0
        """)
        self.assertEqual(self.env.cr.fetchall(), [])
        self.env.cr.execute("""
            SELECT count(DISTINCT cardholder_id) FROM onecard_transaction
             WHERE kind = 'consume'
        """)
        self.assertGreaterEqual(self.env.cr.fetchone()[0], EMPLOYEES)

    def test_story_in_the_past(self):
        """Every row, desk operations included, is dated in the story: the day before
        the week (cards issued) to yesterday; none at install time."""
        start = (
            self.env["onecard.settlement"]
            .new({"company_id": self.company.id})
            ._utc_bound
        )
        first, today = (
            start(self.today - timedelta(days=DAYS + 1)),
            start(self.today),
        )
        Transaction = self.env["onecard.transaction"]
        self.assertFalse(
            Transaction.search_count(
                ["|", ("business_time", "<", first), ("business_time", ">=", today)]
            )
        )
        for kind in ("deposit_in", "topup", "refund", "correction", "consume"):
            self.assertTrue(
                Transaction.search_count([("kind", "=", kind)]), f"{kind} in the demo"
            )
        correction = Transaction.search([("kind", "=", "correction")])
        sale = correction.operation_id.reversal_of_id.transaction_ids
        self.assertGreater(correction[0].business_time, sale[0].business_time)
        self.assertTrue(correction.settlement_id, "the correction is settled")

    def test_past_days_settled_nothing_late(self):
        settlements = self.env["onecard.settlement"].search(
            [("company_id", "=", self.company.id), ("state", "=", "posted")],
            order="date_from, id",
        )
        days = [self.today - timedelta(days=n) for n in range(DAYS + 1, 0, -1)]
        self.assertEqual(settlements.mapped("date_from"), days)
        self.assertEqual(settlements.mapped("late_count"), [0] * len(days))
        self.assertEqual(settlements.move_id.mapped("state"), ["posted"] * len(days))
        self.assertGreater(settlements[0].transaction_count, 0, "cards issued")
        self.assertFalse(
            self.env["onecard.transaction"].search_count(
                [("settlement_id", "=", False)]
            )
        )

    def test_general_ledger_equals_wallets(self):
        wallets = self.env["onecard.wallet"].search([])
        self.assertFalse(wallets._verify_chain(), "wallet = sum of its ledger rows")
        reconciliation = self.env["onecard.reconciliation"].create(
            {"date": self.today - timedelta(days=1), "company_id": self.company.id}
        )
        reconciliation.action_compute()
        accounts = reconciliation.line_ids.filtered(
            lambda line: line.section == "account"
        )
        self.assertEqual(len(accounts), 3)
        currency = self.company.currency_id
        for line in accounts:
            self.assertFalse(
                currency.compare_amounts(line.ledger_amount, line.gl_amount)
            )
            self.assertTrue(currency.is_zero(line.unsettled_amount))
        self.assertTrue(reconciliation.balanced)
        cash = accounts.filtered(lambda line: line.sequence == 0)
        self.assertGreater(cash.gl_amount, 0)

    def test_chinese_company_in_cny(self):
        self.assertEqual(self.company.currency_id, self.env.ref("base.CNY"))
        holders = self.env["onecard.cardholder"].search([("employee_id", "!=", False)])
        departments = holders.department_id
        self.assertGreaterEqual(len(departments), 5)
        for department in departments:
            self.assertRegex(department.name, CHINESE)
        # account's demo entries in USD made way (onecard_demo._demo_currency)
        moves = self.env["account.move"].search([("company_id", "=", self.company.id)])
        self.assertEqual(moves.currency_id, self.env.ref("base.CNY"))
