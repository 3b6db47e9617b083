"""Reports give the figures as booked: holders who change department and category
during the period stay counted where they were when each row was booked."""

from datetime import timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.onecard_consume.tests.common_money import DAY, CardMoneyCase, utc

D2 = DAY + timedelta(days=1)


@tagged("post_install", "-at_install")
class TestReportsAsBooked(CardMoneyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["onecard.cardholder.category"]
        cls.staff, cls.guest = Category.create(
            [{"name": "H Staff"}, {"name": "H Guest"}]
        )
        cls.office = cls.env["hr.department"].create({"name": "H Office"})
        (cls.ann | cls.ben).write({"category_id": cls.staff.id})

    def _scenario(self):
        with self.on(DAY):
            ann_card = self.issue(self.ann, "5B000001", topup=100.0, method=self.cash)
            ben_card = self.issue(self.ben, "5B000002", topup=100.0, method=self.cash)
            self.grant(self.ann | self.ben, 10.0)  # the batch writer (_book_many)
        ann_lunch = self.swipe(self.t_north, ann_card, 15.0, utc(DAY, 12))
        self.swipe(self.t_south, ben_card, 7.0, utc(DAY, 12, 5))
        # Ann moves to the office and becomes a guest, Ben becomes a guest.
        self.ann.write({"department_id": self.office.id, "category_id": self.guest.id})
        self.ben.write({"category_id": self.guest.id})
        self.swipe(self.t_north, ann_card, 20.0, utc(D2, 12))
        self.swipe(self.t_north, ben_card, 4.0, utc(D2, 12, 5))
        # an offline record dated before the move, uploaded after it: the holder's
        # values at upload time are all the engine knows (README "Limits")
        declined = self.consumption.swipe(
            self.t_north, ann_card.uid, amount=999.0, business_time=utc(D2, 12, 30)
        )
        self.assertFalse(declined["approved"])
        with self.on(D2, 16):
            # the correction of Ann's first lunch mirrors the sale: workshop, staff
            self.env["onecard.operation"].browse(ann_lunch["operation_id"]).with_user(
                self.operator
            ).correct("wrong amount")
            self.as_operator().topup(ann_card.with_user(self.operator), 50.0, self.cash)
        self.assertLedgerInvariant()

    def _sql(self, column, kinds):
        """Independent sums over the ledger rows, by a stored column."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT %s, SUM(-amount) FROM onecard_transaction
                    WHERE company_id = %s AND kind IN %s GROUP BY 1""",
                SQL.identifier(column),
                self.company.id,
                tuple(kinds),
            )
        )
        return {key: float(total) for key, total in self.env.cr.fetchall()}

    def _report(self, field, **filters):
        """The consumption report grouped by ``field``, with the wizard's domain."""
        wizard = self.env["onecard.report.wizard"].create(
            {
                "report": "consumption",
                "period": "range",
                "date_from": DAY,
                "date_to": D2,
                "company_id": self.company.id,
                **filters,
            }
        )
        groups = self.env["onecard.report.consumption"]._read_group(
            wizard._domain(), [field], ["amount:sum"]
        )
        return {key.id or None: float(total) for key, total in groups}

    def test_consumption_by_department_and_category_as_booked(self):
        self._scenario()
        consume = ("consume", "back_entry", "correction")
        by_department = self._report("department_id")
        by_category = self._report("cardholder_category_id")
        # as booked: Ann's first lunch (15, corrected -15) and Ben's 7 in the workshop
        # as staff; Ann's 20 in the office as a guest, Ben's 4 as a guest
        self.assertEqual(by_department, {self.workshop.id: 11.0, self.office.id: 20.0})
        self.assertEqual(by_category, {self.staff.id: 7.0, self.guest.id: 24.0})
        self.assertEqual(by_department, self._sql("department_id", consume))
        self.assertEqual(by_category, self._sql("cardholder_category_id", consume))
        # the holders of today would put everything in the office / guest column
        self.assertEqual((self.ann | self.ben).category_id, self.guest)
        # the wizard's filters select by the stored values too
        staff_only = self._report(
            "cardholder_id",
            cardholder_category_ids=[(6, 0, self.staff.ids)],
        )
        self.assertEqual(staff_only, {self.ann.id: 0.0, self.ben.id: 7.0})
        office_only = self._report(
            "cardholder_id",
            department_ids=[(6, 0, self.office.ids)],
        )
        self.assertEqual(office_only, {self.ann.id: 20.0})

    def test_topups_and_swipes_as_booked(self):
        self._scenario()
        # top-ups: 100 + 100 as staff on day 1, Ann's 50 as a guest on day 2
        topups = self.env["onecard.report.topup"]._read_group(
            [("company_id", "=", self.company.id)],
            ["cardholder_category_id"],
            ["topup_amount:sum"],
        )
        self.assertEqual(
            {key.id: float(total) for key, total in topups},
            {self.staff.id: 200.0, self.guest.id: 50.0},
        )
        # swipes (operations, the declined one included) by the stored department and
        # category; the declined swipe counts where Ann was at the time: office, guest
        swipes = self.env["onecard.report.swipe"]._read_group(
            [("company_id", "=", self.company.id)],
            ["department_id", "cardholder_category_id"],
            ["swipe_count:sum", "declined_count:sum", "amount:sum"],
        )
        figures = {
            (dep.id, cat.id): (count, declined, float(amount))
            for dep, cat, count, declined, amount in swipes
        }
        self.assertEqual(
            figures,
            {
                (self.workshop.id, self.staff.id): (2, 0, 7.0),  # 15 + 7 - 15
                (self.office.id, self.guest.id): (1, 1, 20.0),
                (self.workshop.id, self.guest.id): (1, 0, 4.0),
            },
        )
        self.env.cr.execute(
            """SELECT o.department_id, o.cardholder_category_id, o.canteen_id,
                      count(*) FROM onecard_operation o
                WHERE o.company_id = %s AND o.kind IN ('consume', 'correction')
                GROUP BY 1, 2, 3""",
            [self.company.id],
        )
        stored = {(d, c, t): n for d, c, t, n in self.env.cr.fetchall()}
        self.assertEqual(
            stored,
            {
                (self.workshop.id, self.staff.id, self.north.id): 2,
                (self.workshop.id, self.staff.id, self.south.id): 1,
                (self.office.id, self.guest.id, self.north.id): 2,
                (self.workshop.id, self.guest.id, self.north.id): 1,
            },
        )

    def test_statement_by_department_keeps_who_was_there(self):
        self._scenario()
        wizard = self.env["onecard.report.wizard"].create(
            {
                "report": "statement",
                "period": "range",
                "date_from": DAY,
                "date_to": DAY,
                "company_id": self.company.id,
                "department_ids": [(6, 0, self.workshop.ids)],
            }
        )
        holders = self.env["report.onecard_reports.report_statement"]._holders(wizard)
        # Ann left the workshop after day 1: her day-1 statement is still there
        self.assertIn(self.ann, holders)
        self.assertIn(self.ben, holders)
