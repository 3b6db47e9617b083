"""The books: what a row was booked with is what settlement, reversals and the
reconciliation read, whatever the configuration became since (issue 14, items 6-8).

Times as in common_money: the company lives in Asia/Shanghai, swipe() takes
naive UTC business times, desk operations run under freeze_time.
"""

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common_money import DAY, CardMoneyCase, utc

D1, D2, D3 = DAY, DAY + timedelta(days=1), DAY + timedelta(days=2)


class BooksCase(CardMoneyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["onecard.consume.category"]
        cls.hot, cls.snack = Category.create(
            [
                {"name": "Hot meals", "code": "B_HOT"},
                {"name": "Snacks", "code": "B_SNACK"},
            ]
        )
        cls.lunch = cls.env["onecard.meal.period"].create(
            {
                "name": "Books lunch",
                "code": "B_LUNCH",
                "sequence": 0,
                "start_hour": 11.0,
                "end_hour": 13.5,
            }
        )
        cls.office = cls.env["hr.department"].create({"name": "Office"})
        cls.an_new = cls.env["account.analytic.account"].create(
            {"name": "South canteen (new contract)", "plan_id": cls.an_south.plan_id.id}
        )
        # South's terminal of these tests, created with its category (a write would be a
        # move, dated now)
        cls.t_out = cls.env["onecard.terminal"].create(
            {
                "name": "South 2",
                "code": "B_S2",
                "mode": "amount",
                "canteen_id": cls.south.id,
                "consume_category_id": cls.hot.id,
            }
        )

    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def rows(self, answer, operation=None):
        operation = operation or self.env["onecard.operation"].browse(
            answer["operation_id"]
        )
        return operation.transaction_ids.sorted(lambda row: row.wallet_id.id)

    def move_lines(self, settlement, **where):
        return settlement.move_id.line_ids.filtered(
            lambda line: all(line[name] == value for name, value in where.items())
        )


@tagged("post_install", "-at_install")
class TestBooks(BooksCase):
    # ------------------------------------------------------------ item 6
    def test_correction_mirrors_the_sale(self):
        """A sale of the outsourced canteen, the terminal then moved, the holder's
        department and the canteen's analytic changed, then the sale corrected: the
        reversal is the sale's mirror."""
        with self.on(D1):
            card = self.issue(self.ann, "5B100001", topup=100.0, method=self.cash)
            self.grant(self.ann, 10.0)
        sale = self.swipe(self.t_out, card, 40.0, utc(D1, 12))  # subsidy 10 + cash 30
        with self.on(D2, 1):
            s1 = self.settle(D1)
        self.assertAlmostEqual(
            -sum(self.move_lines(s1, partner_id=self.caterer).mapped("balance")),
            40.0,
            2,
        )

        with self.on(D2, 9):
            self.t_out.write(
                {"canteen_id": self.north.id, "consume_category_id": self.snack.id}
            )
        self.ann.department_id = self.office
        self.south.analytic_account_id = self.an_new
        with self.on(D2, 14):
            operation = self.env["onecard.operation"].browse(sale["operation_id"])
            self.as_operator().correct(
                operation.with_user(self.operator), "Charged the wrong amount"
            )
        originals, reversals = (
            self.rows(sale),
            self.rows(None, operation.reversed_by_id),
        )
        self.assertEqual(len(originals), 2)
        self.assertEqual(reversals.wallet_id, originals.wallet_id)
        self.assertTrue(originals.meal_period_id)
        for original, reversal in zip(originals, reversals, strict=False):
            self.assertAlmostEqual(reversal.amount, -original.amount, 2)
            for name in (
                "canteen_id",
                "consume_category_id",
                "meal_period_id",
                "department_id",
                "analytic_account_id",
                "payable_partner_id",
                "terminal_id",
            ):
                self.assertEqual(
                    reversal[name],
                    original[name],
                    f"the reversal's {name} is not the sale's",
                )
        self.assertEqual(originals.canteen_id, self.south)
        self.assertEqual(originals.consume_category_id, self.hot)
        self.assertEqual(originals.department_id, self.workshop)
        self.assertEqual(originals.analytic_account_id, self.an_south)

        with self.on(D3, 1):
            s2 = self.settle(D2)
        self.assertPostedBalanced(s2)
        payable = self.move_lines(s2, partner_id=self.caterer)
        self.assertAlmostEqual(
            sum(payable.mapped("balance")),
            40.0,
            2,
            "the caterer gives back what it was paid",
        )
        self.assertEqual(
            {tuple(line.analytic_distribution.items()) for line in payable},
            {((str(self.an_south.id), 100.0),)},
        )
        revenue = self.move_lines(
            s2, account_id=self.company.onecard_revenue_account_id
        )
        self.assertFalse(revenue, "North's revenue took a correction of a South sale")
        caterer_total = self.move_lines(s1, partner_id=self.caterer) | payable
        self.assertFalse(
            self.currency.compare_amounts(sum(caterer_total.mapped("balance")), 0.0)
        )
        self.assertNothingUnsettled()
        self.assertGLMatchesWallets()

    def test_correction_follows_the_sale_contract(self):
        """The outsourced canteen takes its canteen back (own revenue) after a sale was
        settled as owed to the caterer: correcting the sale takes the money back from
        the caterer, not from revenue."""
        with self.on(D1):
            card = self.issue(self.ben, "5B100006", topup=100.0, method=self.cash)
        sale = self.swipe(self.t_out, card, 25.0, utc(D1, 12))
        with self.on(D2, 1):
            s1 = self.settle(D1)
        self.assertAlmostEqual(
            -sum(self.move_lines(s1, partner_id=self.caterer).mapped("balance")),
            25.0,
            2,
        )
        self.south.write({"posting": "revenue", "partner_id": False})
        later = self.swipe(
            self.t_out, card, 6.0, utc(D2, 12)
        )  # the canteen's own sale now
        with self.on(D2, 14):
            operation = self.env["onecard.operation"].browse(sale["operation_id"])
            self.as_operator().correct(
                operation.with_user(self.operator), "Meal not served"
            )
        with self.on(D3, 1):
            s2 = self.settle(D2)
        self.assertPostedBalanced(s2)
        self.assertAlmostEqual(
            sum(self.move_lines(s2, partner_id=self.caterer).mapped("balance")),
            25.0,
            2,
            "the caterer gives back what it was paid for the sale",
        )
        revenue = self.move_lines(
            s2, account_id=self.company.onecard_revenue_account_id
        )
        self.assertAlmostEqual(
            -sum(revenue.mapped("balance")), 6.0, 2, "revenue is the new own sale only"
        )
        self.assertEqual(
            self.rows(None, operation.reversed_by_id).payable_partner_id, self.caterer
        )
        self.assertFalse(self.rows(later).payable_partner_id)
        self.assertNothingUnsettled()
        self.assertGLMatchesWallets()

    def test_outsourced_canteen_needs_its_operator(self):
        with self.assertRaises(ValidationError):
            self.south.partner_id = False

    def test_offline_and_back_entry_follow_the_terminal_at_business_time(self):
        """Records uploaded after a terminal moved book to the canteen and category it
        had at their business time; the online hot path keeps its statements."""
        with self.on(D1):
            card = self.issue(self.ben, "5B100002", topup=200.0, method=self.cash)
        with freeze_time(utc(D1, 15)):
            self.t_out.write({"canteen_id": self.north.id})
        with freeze_time(utc(D1, 18)):
            self.t_out.write({"consume_category_id": self.snack.id})
            self.t_out.write({"name": "North 2"})  # no move: no history
        # the terminal was offline all day; its records come in the next morning
        early = self.swipe(
            self.t_out, card, 10.0, utc(D1, 12), offline=True, terminal_seq=1
        )
        middle = self.swipe(
            self.t_out, card, 11.0, utc(D1, 16), offline=True, terminal_seq=2
        )
        evening = self.swipe(
            self.t_out, card, 12.0, utc(D1, 19), offline=True, terminal_seq=3
        )
        back = self.consumption.swipe(
            self.t_out,
            card.uid,
            amount=13.0,
            business_time=utc(D1, 12, 30),
            offline=True,
            kind="back_entry",
            note="Forgot to swipe",
        )
        self.assertTrue(back["approved"], back)
        expected = [
            (early, self.south, self.hot, self.an_south),
            (back, self.south, self.hot, self.an_south),
            (middle, self.north, self.hot, self.an_north),
            (evening, self.north, self.snack, self.an_north),
        ]
        for answer, canteen, category, analytic in expected:
            rows = self.rows(answer)
            self.assertEqual(rows.canteen_id, canteen, rows.business_time)
            self.assertEqual(rows.consume_category_id, category, rows.business_time)
            self.assertEqual(rows.analytic_account_id, analytic, rows.business_time)
        history = self.t_out.assignment_ids.sorted("date_to")
        self.assertEqual(
            [(h.canteen_id, h.consume_category_id, h.date_to) for h in history],
            [(self.south, self.hot, utc(D1, 15)), (self.north, self.hot, utc(D1, 18))],
        )

        # online swipes (now) read the terminal as it is, in the same two statements as
        # before
        self.swipe(self.t_out, card, 1.0, utc(D2, 12))
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        online = self.swipe(self.t_out, card, 2.0, utc(D2, 12, 5))
        self.assertLessEqual(self.env.cr.sql_log_count - before, 3)
        self.assertEqual(self.rows(online).canteen_id, self.north)

        with self.on(D2, 1):
            s1 = self.settle(D1)
        self.assertPostedBalanced(s1)
        self.assertAlmostEqual(
            -sum(self.move_lines(s1, partner_id=self.caterer).mapped("balance")),
            10 + 13,
            2,
        )
        revenue = self.move_lines(
            s1, account_id=self.company.onecard_revenue_account_id
        )
        self.assertAlmostEqual(-sum(revenue.mapped("balance")), 11 + 12, 2)
        self.assertEqual(
            {tuple(line.analytic_distribution.items()) for line in revenue},
            {((str(self.an_north.id), 100.0),)},
        )
