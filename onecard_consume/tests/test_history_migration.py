"""The engine stores who the holder was on every path, and the 18.0.1.3.0 migration
fills the rows booked before it (old rows made honestly: the columns set back to NULL
in SQL, as a database of the previous version has them)."""

import importlib.util
from datetime import timedelta
from pathlib import Path

from odoo.tests import tagged

from .common_money import DAY, CardMoneyCase, utc

MIGRATION = (
    Path(__file__).parent.parent / "migrations" / "18.0.1.3.0" / "post-migration.py"
)


def run_migration(cr):
    spec = importlib.util.spec_from_file_location("oc_history_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.migrate(cr, "18.0.1.2.0")


@tagged("post_install", "-at_install")
class TestHistoryMigration(CardMoneyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["onecard.cardholder.category"]
        cls.staff, cls.guest = Category.create(
            [{"name": "M Staff"}, {"name": "M Guest"}]
        )
        cls.office = cls.env["hr.department"].create({"name": "M Office"})
        (cls.ann | cls.ben).write({"category_id": cls.staff.id})

    def _rows(self):
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT t.kind, t.cardholder_id, t.department_id, t.cardholder_category_id
                 FROM onecard_transaction t WHERE t.company_id = %s ORDER BY t.id""",
            [self.company.id],
        )
        return self.env.cr.fetchall()

    def _book(self):
        with self.on(DAY):
            card = self.issue(self.ann, "5C000001", topup=50.0, method=self.cash)
            self.grant(self.ann | self.ben, 5.0)
        self.swipe(self.t_north, card, 12.0, utc(DAY, 12))
        self.consumption.swipe(
            self.t_north, card.uid, amount=999.0, business_time=utc(DAY, 12, 30)
        )  # declined: an operation without rows
        return card

    def test_every_path_stores_the_category(self):
        self._book()
        rows = self._rows()
        # desk (_book), subsidy batch (_book_many), swipe batch (_write_book)
        self.assertLessEqual(
            {"topup", "subsidy_grant", "consume"}, {kind for kind, *_rest in rows}
        )
        self.assertTrue(
            all(category == self.staff.id for *_rest, category in rows), rows
        )
        self.assertLedgerInvariant()

    def test_migration_fills_old_rows_from_the_holder(self):
        self._book()
        self.env.cr.execute(
            """SELECT id, department_id, canteen_id, consume_category_id
                 FROM onecard_operation WHERE company_id = %s AND kind = 'consume'
                ORDER BY id""",
            [self.company.id],
        )
        booked_ops = self.env.cr.fetchall()
        # the database of the previous version: none of the new columns filled
        self.env.cr.execute(
            "UPDATE onecard_transaction SET cardholder_category_id = NULL"
        )
        self.env.cr.execute(
            """UPDATE onecard_operation SET department_id = NULL,
                      cardholder_category_id = NULL, canteen_id = NULL,
                      consume_category_id = NULL"""
        )
        self.env.invalidate_all()
        # since then Ann moved: the rows keep their department, the category is
        # today's (the best we know)
        self.ann.write({"category_id": self.guest.id, "department_id": self.office.id})
        self.t_north.canteen_id = self.south
        self.env.flush_all()
        run_migration(self.env.cr)
        run_migration(self.env.cr)  # twice: nothing more changes
        self.env.invalidate_all()
        for _kind, holder_id, department_id, category_id in self._rows():
            holder = self.env["onecard.cardholder"].browse(holder_id)
            self.assertEqual(category_id, holder.category_id.id)
            self.assertEqual(department_id, self.workshop.id)  # stored at booking
        self.env.cr.execute(
            """SELECT id, department_id, canteen_id, consume_category_id
                 FROM onecard_operation WHERE company_id = %s AND kind = 'consume'
                ORDER BY id""",
            [self.company.id],
        )
        migrated = self.env.cr.fetchall()
        sale, declined = migrated
        # the sale takes its rows' values (north, workshop), as booked
        self.assertEqual(sale, booked_ops[0])
        # the declined swipe has no rows: the holder's and terminal's of today
        self.assertEqual(
            declined, (booked_ops[1][0], self.office.id, self.south.id, None)
        )
        self.env.cr.execute(
            """SELECT count(*) FROM onecard_operation o
                WHERE o.company_id = %s AND o.cardholder_id IS NOT NULL
                  AND o.cardholder_category_id IS NULL""",
            [self.company.id],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.assertLedgerInvariant()

    def test_late_offline_record_takes_the_holder_at_upload(self):
        card = self._book()
        self.ann.write({"category_id": self.guest.id})
        self.swipe(
            self.t_north,
            card,
            3.0,
            utc(DAY - timedelta(days=1), 12),
            offline=True,
            terminal_seq=7,
        )
        last = self._rows()[-1]
        self.assertEqual(last[3], self.guest.id)
