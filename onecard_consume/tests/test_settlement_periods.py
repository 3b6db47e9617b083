"""Settlement of a month, of other companies, by the cron; what stays unsettled."""

from datetime import date, timedelta

from odoo import Command
from odoo.tests import tagged

from .common_money import DAY, CardMoneyCase, utc


@tagged("post_install", "-at_install")
class TestSettlementPeriods(CardMoneyCase):
    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def test_monthly_settlement(self):
        self._day1()
        d2 = DAY + timedelta(days=1)
        self.swipe(self.t_north, self.cai_card, 3.0, utc(d2, 12))
        self.swipe(
            self.t_south, self.ben_card, 5.0, utc(date(2025, 3, 31), 23, 50)
        )  # still March locally
        april = self.swipe(
            self.t_south, self.ben_card, 5.0, utc(date(2025, 4, 1), 0, 10)
        )
        with self.on(date(2025, 4, 1), 9):
            month = self.settle(DAY, "month")
        self.assertEqual(
            (month.date_from, month.date_to), (date(2025, 3, 1), date(2025, 3, 31))
        )
        self.assertPostedBalanced(month)
        self.assertEqual(month.move_id.date, date(2025, 3, 31))
        april_rows = (
            self.env["onecard.operation"].browse(april["operation_id"]).transaction_ids
        )
        self.assertFalse(april_rows.settlement_id, "April is not in March's settlement")
        self.assertEqual(
            month.transaction_count,
            self.env["onecard.transaction"].search_count(
                [("settlement_id", "=", month.id)]
            ),
        )
        self.assertEqual(self.settle(date(2025, 3, 20), "month"), month)
        # a day of the settled month finds nothing left to post
        with self.on(date(2025, 4, 1), 10):
            day = self.settle(DAY)
        self.assertFalse(day.move_id)
        self.assertEqual(day.transaction_count, 0)
        with self.on(date(2025, 4, 2), 1):
            self.settle(date(2025, 4, 1))
        self.assertNothingUnsettled()
        self.assertGLMatchesWallets()

    def test_reconciliation_unsettled(self):
        self._day1()
        rec = self.reconcile(DAY)
        self.assertTrue(rec.balanced)
        lines = rec.line_ids.filtered(lambda line: line.section == "account")
        sums = self.wallet_sums()
        for line, kind in zip(lines, ("cash", "subsidy", "deposit"), strict=False):
            self.assertAlmostEqual(line.ledger_amount, sums[kind], 2)
            self.assertAlmostEqual(
                line.unsettled_amount, sums[kind], 2, msg="nothing is in the GL yet"
            )
            self.assertAlmostEqual(line.gl_amount, 0.0, 2)
        terminals = rec.line_ids.filtered(lambda line: line.section == "terminal")
        self.assertEqual(sorted(terminals.mapped("name")), ["North 1", "South 1"])
        self.assertAlmostEqual(
            sum(terminals.mapped("ledger_amount")), 15 + 40 + 5 + 12, 2
        )
        self.assertEqual(
            sum(terminals.mapped("count")), 5
        )  # Ben's swipe took two wallets
        with self.on(DAY + timedelta(days=1), 1):
            self.settle(DAY)
        rec = self.reconcile(DAY)
        self.assertTrue(rec.balanced)
        for line in rec.line_ids.filtered(lambda line: line.section == "account"):
            self.assertAlmostEqual(line.unsettled_amount, 0.0, 2)
            self.assertAlmostEqual(line.ledger_amount, line.gl_amount, 2)

    def test_cron_settle_yesterday(self):
        self._day1()
        self.company.onecard_auto_settle = True
        with self.on(
            DAY + timedelta(days=1), 2
        ):  # 02:00 local = 18:00 UTC the day before
            self.Settlement._cron_settle_yesterday()
        settlement = self.Settlement.search(
            [("company_id", "=", self.company.id), ("date_from", "=", DAY)]
        )
        self.assertEqual(len(settlement), 1)
        self.assertPostedBalanced(settlement)
        self.assertNothingUnsettled()
        self.assertGLMatchesWallets()

    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create(
            {"name": "OneCard Company B", "currency_id": self.currency.id}
        )
        self.env.user.company_ids = [Command.link(company_b.id)]
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=company_b, install_demo=False
        )
        company_b.partner_id.tz = "Asia/Shanghai"
        for field in (
            "onecard_cash_account_id",
            "onecard_subsidy_account_id",
            "onecard_deposit_account_id",
            "onecard_subsidy_expense_account_id",
            "onecard_revenue_account_id",
            "onecard_journal_id",
        ):
            self.assertTrue(
                company_b[field],
                f"loading a chart gives the card accounts: {field}",
            )
            self.assertNotEqual(company_b[field], self.company[field])
        self.assertEqual(
            self.cash.with_company(company_b).journal_id.company_id, company_b
        )
        self.accountant.company_ids = [Command.link(company_b.id)]
        self.operator.company_ids = [Command.link(company_b.id)]

        self._day1()
        env_b = self.env(
            context=dict(self.env.context, allowed_company_ids=[company_b.id])
        )
        canteen_b = env_b["onecard.canteen"].create(
            {"name": "B canteen", "code": "B_C", "company_id": company_b.id}
        )
        terminal_b = env_b["onecard.terminal"].create(
            {"name": "B 1", "code": "B_T1", "canteen_id": canteen_b.id}
        )
        holder_b = env_b["onecard.cardholder"].create(
            {"name": "Bea", "code": "B001", "company_id": company_b.id}
        )
        with self.on(DAY):
            card_b = env_b["onecard.ledger"].issue_card(
                holder_b, "5B000001", deposit=10.0, topup=60.0, method=self.cash
            )
            self.grant(holder_b, 15.0, company=company_b)
        self.swipe(terminal_b, card_b, 20.0, utc(DAY, 12))

        with self.on(DAY + timedelta(days=1), 1):
            settlement_a = self.settle(DAY)
        self.assertPostedBalanced(settlement_a)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM onecard_transaction t WHERE company_id = %s AND "
            "EXISTS (SELECT 1 FROM onecard_transaction_settled c WHERE c.id = t.id)",
            [company_b.id],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0, "settling A touched B's rows")
        self.assertNothingUnsettled()
        self.assertGLMatchesWallets()
        self.assertAlmostEqual(
            self.gl(company_b.onecard_cash_account_id, company_b), 0.0, 2
        )

        with self.on(DAY + timedelta(days=1), 1):
            settlement_b = (
                self.Settlement.with_user(self.accountant)
                .with_context(allowed_company_ids=[company_b.id, self.company.id])
                .settle(company_b, "day", DAY)
                .with_env(self.env)
            )
        self.assertNotEqual(settlement_b, settlement_a)
        self.assertEqual(settlement_b.company_id, company_b)
        self.assertEqual(settlement_b.move_id.company_id, company_b)
        self.assertEqual(settlement_b.move_id.journal_id, company_b.onecard_journal_id)
        self.assertEqual(
            settlement_b.move_id.line_ids.account_id.company_ids, company_b
        )
        self.assertNothingUnsettled(company_b)
        self.assertGLMatchesWallets(company_b)
        self.assertGLMatchesWallets()
        self.assertEqual(
            self.wallet_sums(company_b),
            {"cash": 60.0 - 5.0, "subsidy": 0.0, "deposit": 10.0},
        )
