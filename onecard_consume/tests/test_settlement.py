"""Settlement center: card money into the general ledger, day by day.

Times: the company lives in Asia/Shanghai; swipe() takes naive UTC business
times; desk operations and batches are dated "now", so they run under
freeze_time at a local office hour.
"""

from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytz
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.onecard_consume.tests.common import setup_onecard_env

TZ = pytz.timezone("Asia/Shanghai")
DAY = date(2025, 3, 10)  # day 1 of the scenario, a Monday


def utc(day, hour, minute=0):
    """Naive UTC datetime of a Shanghai wall-clock time (what swipe() takes)."""
    return (
        TZ.localize(datetime(day.year, day.month, day.day, hour, minute))
        .astimezone(pytz.utc)
        .replace(tzinfo=None)
    )


class CardMoneyCase(TransactionCase):
    """Own data: two canteens (revenue / payable, each with an analytic account),
    a department with a subsidy analytic account, cardholders, users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_onecard_env(cls)
        cls.company._onecard_ensure_accounting()
        cls.currency = cls.company.currency_id
        cls.ledger = cls.env["onecard.ledger"]
        cls.consumption = cls.env["onecard.consumption"]
        cls.Settlement = cls.env["onecard.settlement"]
        cls.operator = new_test_user(
            cls.env,
            login="oc_set_operator",
            groups="onecard_consume.group_onecard_operator",
        )
        cls.accountant = new_test_user(
            cls.env,
            login="oc_set_accountant",
            groups="onecard_consume.group_onecard_accountant",
        )

        cls.cash = cls.env.ref("onecard_consume.payment_method_cash")
        cls.bank = cls.env.ref("onecard_consume.payment_method_bank")
        cls.wechat = cls.env.ref("onecard_consume.payment_method_wechat")

        plan = cls.env["account.analytic.plan"].create({"name": "OneCard test plan"})
        Analytic = cls.env["account.analytic.account"]
        cls.an_north, cls.an_south, cls.an_dept = Analytic.create(
            [
                {"name": "North canteen", "plan_id": plan.id},
                {"name": "South canteen", "plan_id": plan.id},
                {"name": "Workshop subsidy", "plan_id": plan.id},
            ]
        )
        cls.caterer = cls.env["res.partner"].create(
            {"name": "South Catering Ltd", "is_company": True}
        )
        Canteen = cls.env["onecard.canteen"]
        cls.north = Canteen.create(
            {
                "name": "North",
                "code": "S_NORTH",
                "posting": "revenue",
                "analytic_account_id": cls.an_north.id,
            }
        )
        cls.south = Canteen.create(
            {
                "name": "South",
                "code": "S_SOUTH",
                "posting": "payable",
                "partner_id": cls.caterer.id,
                "analytic_account_id": cls.an_south.id,
            }
        )
        Terminal = cls.env["onecard.terminal"]
        cls.t_north = Terminal.create(
            {
                "name": "North 1",
                "code": "S_N1",
                "mode": "amount",
                "canteen_id": cls.north.id,
            }
        )
        cls.t_south = Terminal.create(
            {
                "name": "South 1",
                "code": "S_S1",
                "mode": "amount",
                "canteen_id": cls.south.id,
            }
        )
        cls.workshop = cls.env["hr.department"].create(
            {"name": "Workshop", "onecard_analytic_account_id": cls.an_dept.id}
        )

        Holder = cls.env["onecard.cardholder"]
        cls.ann, cls.ben, cls.cai, cls.dan = Holder.create(
            [
                {"name": "Ann", "code": "S001", "department_id": cls.workshop.id},
                {"name": "Ben", "code": "S002", "department_id": cls.workshop.id},
                {"name": "Cai", "code": "S003", "department_id": cls.workshop.id},
                {"name": "Dan", "code": "S004", "department_id": cls.workshop.id},
            ]
        )

    # ------------------------------------------------------------ helpers
    @contextmanager
    def on(self, day, hour=10):
        """Run desk operations and batches at a local office hour of ``day``."""
        with freeze_time(utc(day, hour)):
            yield

    def as_operator(self):
        return self.ledger.with_user(self.operator)

    def issue(self, holder, uid, **kw):
        return self.as_operator().issue_card(holder.with_user(self.operator), uid, **kw)

    def swipe(self, terminal, card, amount, when, **kw):
        answer = self.consumption.swipe(
            terminal, card.uid, amount=amount, business_time=when, **kw
        )
        self.assertTrue(answer["approved"], answer)
        return answer

    def grant(self, holders, amount, mode="accumulate", expiry_date=None, company=None):
        batch = (
            self.env["onecard.subsidy.batch"]
            .with_user(self.accountant)
            .create(
                {
                    "company_id": (company or self.company).id,
                    "mode": mode,
                    "amount": amount,
                    "expiry_date": expiry_date,
                    "cardholder_ids": [Command.set(holders.ids)],
                }
            )
        )
        batch.action_load_lines()
        batch.action_confirm()
        return batch

    def settle(self, day, period="day", company=None):
        settlement = self.Settlement.with_user(self.accountant).settle(
            company or self.company, period, day
        )
        return settlement.with_env(
            self.env
        )  # the test reads the entry, the card accountant need not

    def wallet_sums(self, company=None):
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT kind, COALESCE(SUM(balance), 0) FROM onecard_wallet WHERE company_id
            = %s GROUP BY kind
        """,
            [(company or self.company).id],
        )
        sums = {kind: float(total) for kind, total in self.env.cr.fetchall()}
        return {
            "cash": sums.get("cash", 0.0) + sums.get("temporary", 0.0),
            "subsidy": sums.get("subsidy", 0.0),
            "deposit": sums.get("deposit", 0.0),
        }

    def gl(self, account, company=None, upto=None):
        """Posted balance of an account, credit positive (liabilities)."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT COALESCE(-SUM(balance), 0) FROM account_move_line
             WHERE account_id = %s AND company_id = %s AND parent_state = 'posted' AND
             date <= %s
        """,
            [account.id, (company or self.company).id, upto or date(9999, 12, 31)],
        )
        return float(self.env.cr.fetchone()[0])

    def assertGLMatchesWallets(self, company=None):
        company = company or self.company
        sums = self.wallet_sums(company)
        for kind, field in (
            ("cash", "onecard_cash_account_id"),
            ("subsidy", "onecard_subsidy_account_id"),
            ("deposit", "onecard_deposit_account_id"),
        ):
            self.assertAlmostEqual(
                self.gl(company[field], company),
                sums[kind],
                places=2,
                msg=f"GL of the {kind} liability != sum of the {kind} wallets",
            )

    def assertNothingUnsettled(self, company=None):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM onecard_transaction WHERE company_id = %s AND "
            "settlement_id IS NULL",
            [(company or self.company).id],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0, "ledger rows left unsettled")

    def assertPostedBalanced(self, settlement):
        move = settlement.move_id
        self.assertTrue(move, "the settlement posted no entry")
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, settlement.company_id.onecard_journal_id)
        self.assertEqual(move.company_id, settlement.company_id)
        self.assertFalse(
            self.currency.compare_amounts(
                sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit"))
            ),
            "unbalanced entry",
        )
        self.assertTrue(
            all(line.debit or line.credit for line in move.line_ids),
            "zero line in the entry",
        )

    def assertLedgerInvariant(self):
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT w.id FROM onecard_wallet w LEFT JOIN onecard_transaction t ON
            t.wallet_id = w.id
             GROUP BY w.id, w.balance HAVING w.balance IS DISTINCT FROM
             COALESCE(SUM(t.amount), 0)
        """)
        self.assertEqual(
            self.env.cr.fetchall(), [], "wallet balance != sum of its ledger rows"
        )

    def reconcile(self, day, company=None):
        rec = (
            self.env["onecard.reconciliation"]
            .with_user(self.accountant)
            .create({"date": day, "company_id": (company or self.company).id})
        )
        rec.action_compute()
        return rec.with_env(self.env)


@tagged("post_install", "-at_install")
class TestSettlement(CardMoneyCase):
    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def _day1(self):
        """Cards with deposits, top-ups by cash / bank / WeChat, subsidy, consumption in
        both canteens, a refund."""
        d1 = DAY
        with self.on(d1):
            self.ann_card = self.issue(
                self.ann, "5A000001", deposit=20.0, topup=100.0, method=self.cash
            )
            self.ben_card = self.issue(
                self.ben, "5A000002", deposit=20.0, topup=200.0, method=self.bank
            )
            self.cai_card = self.issue(
                self.cai, "5A000003", topup=50.0, method=self.wechat
            )
            self.dan_card = self.issue(
                self.dan, "5A000004", topup=80.0, method=self.cash
            )
            self.grant(self.ann | self.ben | self.cai | self.dan, 30.0)
        self.swipe(self.t_north, self.ann_card, 15.0, utc(d1, 12))  # subsidy 15
        self.swipe(
            self.t_south, self.ben_card, 40.0, utc(d1, 12, 5)
        )  # subsidy 30 + cash 10
        self.cai_lunch = self.swipe(self.t_north, self.cai_card, 5.0, utc(d1, 12, 10))
        # offline terminal, record uploaded the same day
        self.swipe(
            self.t_south, self.dan_card, 12.0, utc(d1, 18), offline=True, terminal_seq=1
        )
        with self.on(d1, 16):
            self.as_operator().refund(
                self.ben_card.with_user(self.operator), 20.0, self.bank
            )

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
            "SELECT count(*) FROM onecard_transaction WHERE company_id = %s AND "
            "settlement_id IS NOT NULL",
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
