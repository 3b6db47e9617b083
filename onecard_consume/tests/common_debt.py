"""Base of the postpaid debt tests: two employees and a standalone holder on a
postpaid terminal (credit 100), and the checks that the books hold the debt as
a receivable per partner."""

from odoo.tests import new_test_user

from .common_money import CardMoneyCase


class DebtCase(CardMoneyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.credit = cls.env["onecard.cardholder.category"].create(
            {"name": "Postpaid staff", "credit_limit": 100.0}
        )
        cls.t_post = cls.env["onecard.terminal"].create(
            {
                "name": "North postpaid",
                "code": "S_NP",
                "canteen_id": cls.north.id,
                "mode": "postpaid",
            }
        )
        cls.eve_emp, cls.fay_emp = cls.env["hr.employee"].create(
            [
                {"name": "Eve", "barcode": "90001", "department_id": cls.workshop.id},
                {"name": "Fay", "barcode": "90002", "department_id": cls.workshop.id},
            ]
        )
        cls.eve = cls.eve_emp.onecard_cardholder_ids
        cls.fay = cls.fay_emp.onecard_cardholder_ids
        (cls.eve | cls.fay | cls.ann | cls.dan).write({"category_id": cls.credit.id})
        cls.manager = new_test_user(
            cls.env,
            login="oc_debt_manager",
            groups="onecard_consume.group_onecard_manager",
        )
        cls.receivable = cls.company.onecard_receivable_account_id
        cls.payroll_account = cls.company.onecard_payroll_account_id

    def cash_split(self):
        """(sum of positive cash balances, sum of debts, {partner id: debt})."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT w.cardholder_id, w.balance FROM onecard_wallet w
             WHERE w.company_id = %s AND w.kind IN ('cash', 'temporary')
        """,
            [self.company.id],
        )
        credit = debt = 0.0
        per_holder = {}
        for holder_id, balance in self.env.cr.fetchall():
            balance = float(balance)
            credit += max(balance, 0.0)
            debt += max(-balance, 0.0)
            per_holder[holder_id] = per_holder.get(holder_id, 0.0) + max(-balance, 0.0)
        per_partner = {}
        for holder_id, amount in per_holder.items():
            if amount:
                partner = (
                    self.env["onecard.cardholder"]
                    .browse(holder_id)
                    ._onecard_debt_partner()
                )
                per_partner[partner.id] = per_partner.get(partner.id, 0.0) + amount
        return credit, debt, per_partner

    def receivable_by_partner(self):
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT partner_id, sum(balance) FROM account_move_line
             WHERE account_id = %s AND parent_state = 'posted'
             GROUP BY partner_id HAVING sum(balance) != 0
        """,
            [self.receivable.id],
        )
        return {partner: float(amount) for partner, amount in self.env.cr.fetchall()}

    def assertBooksHoldDebt(self):
        """After settlement: GL card cash liability = positive cash balances, GL
        employee receivable = debts, per partner too, to the cent; and the
        subsidy / deposit liabilities = their wallets; ledger intact."""
        self.assertNothingUnsettled()
        self.assertLedgerInvariant()
        credit, debt, per_partner = self.cash_split()
        self.assertAlmostEqual(
            self.gl(self.company.onecard_cash_account_id), credit, places=2
        )
        self.assertAlmostEqual(-self.gl(self.receivable), debt, places=2)
        got = self.receivable_by_partner()
        self.assertEqual(set(got), set(per_partner), "receivable partners")
        for partner_id, amount in per_partner.items():
            self.assertAlmostEqual(got[partner_id], amount, places=2)
        sums = self.wallet_sums()
        for kind, field in (
            ("subsidy", "onecard_subsidy_account_id"),
            ("deposit", "onecard_deposit_account_id"),
        ):
            self.assertAlmostEqual(self.gl(self.company[field]), sums[kind], places=2)
        # the stored splits are what the books hold
        self.env.cr.execute(
            "SELECT COALESCE(sum(debt), 0) FROM onecard_wallet_settled "
            "WHERE company_id = %s",
            [self.company.id],
        )
        self.assertAlmostEqual(float(self.env.cr.fetchone()[0]), debt, places=2)
