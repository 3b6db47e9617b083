"""The base of the settlement, subsidy and books tests: two canteens (revenue /
payable, each with an analytic account), a department with a subsidy analytic
account, cardholders, users, and the checks that money reached the books.

Times: the company lives in Asia/Shanghai; swipe() takes naive UTC business
times; desk operations and batches are dated "now", so they run under
freeze_time at a local office hour (``on``).
"""

from contextlib import contextmanager
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

from .common import DAY, LedgerChecks, setup_onecard_env, utc

__all__ = ["DAY", "CardMoneyCase", "utc"]


class CardMoneyCase(LedgerChecks, TransactionCase):
    """Own data: two canteens (revenue / payable, each with an analytic account),
    a department with a subsidy analytic account, cardholders, users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_onecard_env(cls)
        cls.company._onecard_ensure_accounting()
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
        cls.t_north, cls.t_south = Terminal.create(
            [
                {"name": "North 1", "code": "S_N1", "canteen_id": cls.north.id},
                {"name": "South 1", "code": "S_S1", "canteen_id": cls.south.id},
            ]
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
            "SELECT count(*) FROM onecard_transaction t WHERE company_id = %s AND NOT "
            "EXISTS (SELECT 1 FROM onecard_transaction_settled c WHERE c.id = t.id)",
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

    def reconcile(self, day, company=None):
        rec = (
            self.env["onecard.reconciliation"]
            .with_user(self.accountant)
            .create({"date": day, "company_id": (company or self.company).id})
        )
        rec.action_compute()
        return rec.with_env(self.env)

    # ----------------------------------------------------------- scenario
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
