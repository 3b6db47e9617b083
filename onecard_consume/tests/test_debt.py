"""Postpaid debt in the books: at settlement it leaves the card cash liability
for the employee receivable (per partner), comes back when repaid, and late
records reclassify only what they change."""

from datetime import date, timedelta

from odoo.tests import tagged

from .common_debt import DebtCase
from .common_money import DAY, utc


@tagged("post_install", "-at_install")
class TestPostpaidDebt(DebtCase):
    def _cards(self, day=DAY):
        with self.on(day):
            self.eve_card = self.issue(
                self.eve, "5D000001", topup=10.0, method=self.cash
            )
            self.fay_card = self.issue(self.fay, "5D000002")
            self.ann_card = self.issue(
                self.ann, "5D000003", topup=50.0, method=self.cash
            )
            self.dan_card = self.issue(self.dan, "5D000004")

    def _debts_day1(self):
        self._cards()
        self.swipe(self.t_post, self.eve_card, 30.0, utc(DAY, 12))
        self.swipe(self.t_post, self.fay_card, 15.0, utc(DAY, 12, 1))
        self.swipe(self.t_post, self.ann_card, 5.0, utc(DAY, 12, 2))
        self.swipe(self.t_post, self.dan_card, 8.0, utc(DAY, 12, 3))

    def moved(self, settlement):
        return {d.cardholder_id: d.amount for d in settlement.debt_ids}

    def test_settlement_moves_debt_to_receivable(self):
        self._debts_day1()
        self.assertEqual(
            (self.eve.debt, self.fay.debt, self.ann.debt, self.dan.debt),
            (20.0, 15.0, 0.0, 8.0),
        )
        settlement = self.settle(DAY)
        self.assertPostedBalanced(settlement)
        self.assertEqual(
            self.moved(settlement), {self.eve: 20.0, self.fay: 15.0, self.dan: 8.0}
        )
        by_holder = {d.cardholder_id: d for d in settlement.debt_ids}
        self.assertEqual(by_holder[self.eve].partner_id, self.eve_emp.work_contact_id)
        self.assertEqual(by_holder[self.fay].partner_id, self.fay_emp.work_contact_id)
        # a holder who is not an employee owes as a contact of its own
        self.assertEqual(by_holder[self.dan].partner_id, self.dan.partner_id)
        self.assertEqual(self.dan.partner_id.name, "Dan")
        lines = settlement.move_id.line_ids.filtered(
            lambda line: line.account_id == self.receivable
        )
        self.assertEqual(
            sorted((line.partner_id.name, line.debit, line.credit) for line in lines),
            [("Dan", 8.0, 0.0), ("Eve", 20.0, 0.0), ("Fay", 15.0, 0.0)],
        )
        # card cash liability: Ann's 45 only, the debts are no negative liability
        self.assertAlmostEqual(self.gl(self.company.onecard_cash_account_id), 45.0)
        self.assertBooksHoldDebt()
        # the reconciliation nets card cash and the receivable against the wallets
        self.assertTrue(self.reconcile(DAY).balanced)

    def test_topup_repays_debt_first_then_credit(self):
        self._debts_day1()
        self.settle(DAY)
        d2 = DAY + timedelta(days=1)
        with self.on(d2):
            answer = self.as_operator().topup(
                self.eve_card.with_user(self.operator), 50.0, self.cash
            )
            self.as_operator().topup(
                self.fay_card.with_user(self.operator), 5.0, self.cash
            )
        self.assertAlmostEqual(answer["balances"]["cash"], 30.0)
        self.assertEqual((self.eve.debt, self.fay.debt), (0.0, 10.0))
        settlement = self.settle(d2)
        self.assertPostedBalanced(settlement)
        # Eve's 50: 20 repay the receivable, 30 are credit; Fay's 5 repay part
        self.assertEqual(self.moved(settlement), {self.eve: -20.0, self.fay: -5.0})
        fay = settlement.debt_ids.filtered(lambda d: d.cardholder_id == self.fay)
        self.assertEqual((fay.debt_before, fay.debt_after), (15.0, 10.0))
        self.assertBooksHoldDebt()
        self.assertEqual(
            self.receivable_by_partner(),
            {
                self.fay_emp.work_contact_id.id: 10.0,
                self.dan.partner_id.id: 8.0,
            },
        )

    def test_late_offline_row_after_settled_month_reclassifies_next_period(self):
        self._debts_day1()
        with self.on(DAY):
            self.as_operator().topup(
                self.fay_card.with_user(self.operator), 20.0, self.cash
            )  # Fay: 5 credit at the end of March
        march = self.settle(DAY, period="month")
        self.assertEqual(self.moved(march), {self.eve: 20.0, self.dan: 8.0})
        self.assertBooksHoldDebt()
        # offline records of 20 March, uploaded in April
        late = date(2025, 3, 20)
        self.swipe(
            self.t_post,
            self.eve_card,
            12.0,
            utc(late, 12),
            offline=True,
            terminal_seq=1,
        )
        self.swipe(
            self.t_post,
            self.fay_card,
            12.0,
            utc(late, 12, 1),
            offline=True,
            terminal_seq=2,
        )
        april = self.settle(date(2025, 4, 2))
        self.assertEqual(april.late_count, 2)
        self.assertEqual(april.move_id.date, date(2025, 4, 2))
        # the change against the settled split, not a recount: Eve's debt grows by
        # 12, Fay's 5 of credit cover part of hers, only 7 become debt
        self.assertEqual(self.moved(april), {self.eve: 12.0, self.fay: 7.0})
        eve = april.debt_ids.filtered(lambda d: d.cardholder_id == self.eve)
        self.assertEqual((eve.debt_before, eve.debt_after), (20.0, 32.0))
        self.assertBooksHoldDebt()

    def test_reversal_takes_the_reclassification_back(self):
        self._debts_day1()
        settlement = self.settle(DAY)
        settlement.with_user(self.accountant).action_reverse()
        self.assertAlmostEqual(self.gl(self.receivable), 0.0)
        self.env.cr.execute(
            "SELECT sum(balance), sum(debt) FROM onecard_wallet_settled "
            "WHERE company_id = %s",
            [self.company.id],
        )
        self.assertEqual(tuple(map(float, self.env.cr.fetchone())), (0.0, 0.0))
        again = self.settle(DAY)
        self.assertNotEqual(again, settlement)
        self.assertEqual(
            self.moved(again), {self.eve: 20.0, self.fay: 15.0, self.dan: 8.0}
        )
        self.assertBooksHoldDebt()
