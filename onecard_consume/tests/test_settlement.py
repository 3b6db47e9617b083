"""Settlement center: card money into the general ledger, day by day."""

from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_money import DAY, CardMoneyCase, utc


@tagged("post_install", "-at_install")
class TestSettlement(CardMoneyCase):
    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def test_full_scenario(self):
        d1, d2, d3, d4 = (
            DAY,
            DAY + timedelta(days=1),
            DAY + timedelta(days=2),
            DAY + timedelta(days=3),
        )
        self._day1()
        with self.on(d2, 1):  # the night after day 1
            s1 = self.settle(d1)
        self.assertPostedBalanced(s1)
        self.assertEqual(s1.move_id.date, d1)
        self.assertEqual(s1.late_count, 0)
        self.assertNothingUnsettled()
        self.assertGLMatchesWallets()
        # cash: Ann 100, Ben 200 - 10 - 20 refunded, Cai 50, Dan 80; subsidy: 4 x 30 -
        # 15 - 30 - 5 - 12
        self.assertAlmostEqual(
            self.gl(self.company.onecard_cash_account_id), 100 + 170 + 50 + 80, 2
        )
        self.assertAlmostEqual(
            self.gl(self.company.onecard_deposit_account_id), 40.0, 2
        )
        self.assertAlmostEqual(
            self.gl(self.company.onecard_subsidy_account_id), 120 - 15 - 30 - 5 - 12, 2
        )
        # payment methods land on their journals' accounts
        for method, amount in (
            (self.cash, 20 + 100 + 80),
            (self.bank, 20 + 200 - 20),
            (self.wechat, 50),
        ):
            account = method.with_company(self.company).journal_id.default_account_id
            lines = s1.move_id.line_ids.filtered(
                lambda line, a=account: line.account_id == a
            )
            self.assertAlmostEqual(
                sum(lines.mapped("balance")), amount, 2, msg=method.name
            )
        self.assertEqual(
            len(
                self.wechat.with_company(self.company).journal_id
                | self.cash.with_company(self.company).journal_id
                | self.bank.with_company(self.company).journal_id
            ),
            3,
        )
        # canteens: revenue (analytic North) and payable to the caterer (analytic South)
        revenue = s1.move_id.line_ids.filtered(
            lambda line: line.account_id == self.company.onecard_revenue_account_id
        )
        self.assertTrue(revenue)
        self.assertEqual(
            {tuple(line.analytic_distribution.items()) for line in revenue},
            {((str(self.an_north.id), 100.0),)},
        )
        self.assertAlmostEqual(-sum(revenue.mapped("balance")), 15 + 5, 2)
        payable = s1.move_id.line_ids.filtered(
            lambda line: line.partner_id == self.caterer
        )
        self.assertTrue(payable)
        self.assertEqual(payable.account_id, self.caterer.property_account_payable_id)
        self.assertEqual(
            {tuple(line.analytic_distribution.items()) for line in payable},
            {((str(self.an_south.id), 100.0),)},
        )
        self.assertAlmostEqual(-sum(payable.mapped("balance")), 40 + 12, 2)
        expense = s1.move_id.line_ids.filtered(
            lambda line: line.account_id
            == self.company.onecard_subsidy_expense_account_id
        )
        self.assertAlmostEqual(sum(expense.mapped("balance")), 120.0, 2)
        self.assertEqual(
            {tuple(line.analytic_distribution.items()) for line in expense},
            {((str(self.an_dept.id), 100.0),)},
        )

        # settling the same day twice creates nothing new
        moves = self.env["account.move"].search_count([])
        with self.on(d2, 2):
            self.assertEqual(self.settle(d1), s1)
        self.assertEqual(self.env["account.move"].search_count([]), moves)
        self.assertEqual(self.Settlement.search_count([("date_from", "=", d1)]), 1)

        # ---- day 2: reset batch, expiring batch, correction, card return, a late
        # offline record of day 1
        with self.on(d2):
            self.as_operator().topup(
                self.cai_card.with_user(self.operator), 30.0, self.wechat
            )
            reset = self.grant(
                self.ann | self.ben | self.cai | self.dan, 25.0, mode="reset"
            )
            self.expiring = self.grant(self.ben | self.cai, 10.0, expiry_date=d3)
        self.assertEqual(set(reset.line_ids.mapped("state")), {"granted"})
        self.assertAlmostEqual(
            self.ann.subsidy_balance, 25.0, 2
        )  # her 15 left were cleared first
        self.assertAlmostEqual(self.ben.subsidy_balance, 35.0, 2)
        late = self.swipe(
            self.t_south,
            self.dan_card,
            8.0,
            utc(d1, 18, 30),
            offline=True,
            terminal_seq=2,
        )
        self.swipe(self.t_north, self.ben_card, 6.0, utc(d2, 12))
        with self.on(d2, 14):
            cai_op = self.env["onecard.operation"].browse(
                self.cai_lunch["operation_id"]
            )
            self.as_operator().correct(cai_op.with_user(self.operator), "Charged twice")
            self.as_operator().return_card(
                self.ann_card.with_user(self.operator), self.cash
            )
        self.assertEqual(self.ann_card.state, "returned")
        with self.on(d3, 1):
            s2 = self.settle(d2)
        self.assertPostedBalanced(s2)
        late_rows = (
            self.env["onecard.operation"].browse(late["operation_id"]).transaction_ids
        )
        self.assertTrue(late_rows)
        self.assertEqual(
            late_rows.settlement_id, s2, "the late record lands in the next settlement"
        )
        self.assertEqual(s2.late_count, len(late_rows))
        self.assertTrue(s2.line_ids.filtered("late"))
        self.assertNothingUnsettled()
        self.assertGLMatchesWallets()

        # ---- day 3: spending, then the fiscal period is locked before settling
        self.swipe(self.t_north, self.cai_card, 4.0, utc(d3, 12))
        self.swipe(self.t_south, self.ben_card, 3.0, utc(d3, 12, 30))
        self.company.fiscalyear_lock_date = d3
        with self.on(d4, 1):
            s3 = self.settle(d3)
        self.assertPostedBalanced(s3)
        self.assertEqual(
            s3.move_id.date, d4, "a locked day posts on the first open day"
        )
        self.assertTrue(s3.note)
        self.assertGLMatchesWallets()
        # reconciliation on the locked day: day 3 is not in the GL up to d3, and that
        # explains the gap
        rec = self.reconcile(d3)
        self.assertTrue(rec.balanced)
        cash_line, subsidy_line, _deposit_line = rec.line_ids.filtered(
            lambda line: line.section == "account"
        )
        self.assertAlmostEqual(
            subsidy_line.unsettled_amount, -4.0 - 3.0, 2
        )  # both paid from subsidy
        self.assertAlmostEqual(cash_line.unsettled_amount, 0.0, 2)
        self.assertAlmostEqual(
            subsidy_line.ledger_amount - subsidy_line.unsettled_amount,
            subsidy_line.gl_amount,
            2,
        )
        # entries in the locked period cannot be reversed
        with self.assertRaises(UserError):
            s2.with_user(self.accountant).action_reverse()

        # ---- day 4: expiry clears the unspent part of the expiring batch
        with self.on(d4, 12):
            self.env["onecard.subsidy.batch"]._cron_expire()
        self.assertTrue(self.expiring.expired)
        self.assertEqual(set(self.expiring.line_ids.mapped("state")), {"expired"})
        self.swipe(self.t_north, self.ben_card, 7.0, utc(d4, 12))
        with self.on(d4 + timedelta(days=1), 1):
            s4 = self.settle(d4)
        self.assertPostedBalanced(s4)
        self.assertNothingUnsettled()
        self.assertGLMatchesWallets()
        rec = self.reconcile(d4)
        self.assertTrue(rec.balanced)
        accounts = rec.line_ids.filtered(lambda line: line.section == "account")
        self.assertEqual(len(accounts), 3)
        for line in accounts:
            self.assertFalse(
                self.currency.compare_amounts(line.unsettled_amount, 0.0), line.name
            )
            self.assertFalse(
                self.currency.compare_amounts(line.difference, 0.0), line.name
            )
            self.assertFalse(
                self.currency.compare_amounts(line.ledger_amount, line.gl_amount),
                line.name,
            )
        terminals = rec.line_ids.filtered(lambda line: line.section == "terminal")
        self.assertEqual(terminals.mapped("name"), ["North 1"])
        self.assertAlmostEqual(terminals.ledger_amount, 7.0, 2)

        # ---- reversal: rows back to unsettled, the reconciliation shows them, a
        # re-settle matches again
        rows = s4.move_id and self.env["onecard.transaction"].search(
            [("settlement_id", "=", s4.id)]
        )
        self.assertTrue(rows)
        s4.with_user(self.accountant).action_reverse()
        self.assertEqual(s4.state, "reversed")
        self.assertEqual(s4.reversal_move_id.state, "posted")
        self.assertFalse(rows.settlement_id)
        rec = self.reconcile(d4)
        self.assertTrue(rec.balanced, "an unsettled gap is explained, not a difference")
        subsidy_line = rec.line_ids.filtered(lambda line: line.section == "account")[1]
        self.assertAlmostEqual(
            subsidy_line.unsettled_amount,
            sum(rows.filtered(lambda r: r.wallet_kind == "subsidy").mapped("amount")),
            2,
        )
        self.assertTrue(subsidy_line.unsettled_amount)
        with self.on(d4 + timedelta(days=1), 3):
            s4b = self.settle(d4)
        self.assertNotEqual(s4b, s4)
        self.assertPostedBalanced(s4b)
        self.assertEqual(rows.settlement_id, s4b)
        self.assertNothingUnsettled()
        self.assertGLMatchesWallets()
