"""Payroll deduction of postpaid debt: the list, its files, one booking through
the engine, one entry per list, and who may do what."""

import csv
import io
from datetime import timedelta

import openpyxl
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_debt import DebtCase
from .common_money import DAY, utc


@tagged("post_install", "-at_install")
class TestPayrollDeduction(DebtCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.d2, cls.d3 = DAY + timedelta(days=1), DAY + timedelta(days=2)

    def setUp(self):
        super().setUp()
        with self.on(DAY):
            self.eve_card = self.issue(
                self.eve, "5E000001", topup=10.0, method=self.cash
            )
            self.fay_card = self.issue(self.fay, "5E000002")
            self.dan_card = self.issue(self.dan, "5E000003")
        self.swipe(self.t_post, self.eve_card, 30.0, utc(DAY, 12))  # Eve -20
        self.swipe(self.t_post, self.fay_card, 15.0, utc(DAY, 12, 1))  # Fay -15
        self.swipe(self.t_post, self.dan_card, 8.0, utc(DAY, 12, 2))  # not employed
        self.settle(DAY)
        # after the cut-off: Eve eats on account once more
        self.swipe(self.t_post, self.eve_card, 5.0, utc(self.d2, 12))
        self.settle(self.d2)

    def new_list(self, user=None):
        deduction = (
            self.env["onecard.payroll.deduction"]
            .with_user(user or self.accountant)
            .create({"date": DAY})
        )
        deduction.action_load_lines()
        return deduction

    def payroll_ops(self):
        return self.env["onecard.operation"].search([("kind", "=", "payroll")])

    def test_list_files_and_one_booking(self):
        deduction = self.new_list()
        lines = {line.cardholder_id: line for line in deduction.line_ids}
        # employees only, their debt at the cut-off (Eve's later 5 are not in it)
        self.assertEqual(set(lines), {self.eve, self.fay})
        self.assertEqual((lines[self.eve].debt, lines[self.eve].amount), (20.0, 20.0))
        self.assertEqual(lines[self.eve].badge, "90001")
        self.assertEqual(lines[self.eve].department_id, self.workshop)
        self.assertEqual(lines[self.eve].employee_id, self.eve_emp)
        lines[self.fay].amount = 10.0  # payroll takes part of it this month
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            lines[self.fay].amount = 15.01  # never above the debt
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            lines[self.fay].amount = -1.0
        self.assertEqual(deduction.total, 30.0)

        # XLSX, read back cell by cell
        book = openpyxl.load_workbook(io.BytesIO(deduction._export_xlsx()))
        sheet = book.active
        cells = [
            [cell.value for cell in row]
            for row in sheet.iter_rows(min_row=1, max_row=5, max_col=5)
        ]
        self.assertEqual(cells[0][0], deduction.name)
        self.assertEqual(
            cells[1], ["Employee No.", "Badge", "Employee", "Department", "Amount"]
        )
        self.assertEqual(cells[2], ["90001", "90001", "Eve", "Workshop", 20.0])
        self.assertEqual(cells[3], ["90002", "90002", "Fay", "Workshop", 10.0])
        self.assertEqual(cells[4], ["Total", None, None, None, 30.0])
        self.assertEqual(sheet.max_row, 5)
        # CSV for the payroll system
        content = deduction._export_csv().decode("utf-8-sig")
        self.assertEqual(
            list(csv.reader(io.StringIO(content))),
            [
                ["Employee No.", "Badge", "Employee", "Department", "Amount"],
                ["90001", "90001", "Eve", "Workshop", "20.00"],
                ["90002", "90002", "Fay", "Workshop", "10.00"],
            ],
        )
        action = deduction.action_export_xlsx()
        self.assertTrue(action["url"].startswith("/web/content/"))

        with self.on(self.d3):
            deduction.action_confirm()
        self.assertEqual(deduction.state, "confirmed")
        ops = self.payroll_ops()
        self.assertEqual(
            sorted((op.cardholder_id.name, op.amount) for op in ops),
            [("Eve", 20.0), ("Fay", 10.0)],
        )
        self.assertEqual(deduction.line_ids.operation_id, ops)
        self.assertEqual(self.balances(self.eve)["cash"], -5.0)
        self.assertEqual(self.balances(self.fay)["cash"], -5.0)
        # one entry for the list: payroll clearing to the receivable, per employee
        settlement = deduction.settlement_id
        self.assertEqual(settlement.period, "payroll")
        self.assertPostedBalanced(settlement)
        self.assertEqual(
            sorted(
                (
                    line.account_id.code,
                    line.partner_id.name or "",
                    line.debit,
                    line.credit,
                )
                for line in settlement.move_id.line_ids
            ),
            sorted(
                [
                    (self.payroll_account.code, "", 30.0, 0.0),
                    (self.receivable.code, "Eve", 0.0, 20.0),
                    (self.receivable.code, "Fay", 0.0, 10.0),
                ]
            ),
        )
        self.assertBooksHoldDebt()
        self.assertAlmostEqual(self.gl(self.payroll_account), -30.0)

        # confirming again, from another environment too, books nothing
        moves = self.env["account.move"].search_count([])
        with self.on(self.d3):
            deduction.action_confirm()
            self.env["onecard.payroll.deduction"].with_user(self.manager).browse(
                deduction.id
            ).action_confirm()
        self.assertEqual(self.payroll_ops(), ops)
        self.assertEqual(self.env["account.move"].search_count([]), moves)
        # and the engine itself refuses a second booking of a line
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.ledger._book_many(
                "payroll",
                self.company,
                [
                    {
                        "cardholder_id": self.eve.id,
                        "key": f"payroll-{deduction.id}-{lines[self.eve].id}",
                        "lines": [(self.eve._wallet("cash").id, 20.0)],
                    }
                ],
            )
        # the day settlement does not post the payroll rows a second time
        day = self.settle(self.d3)
        self.assertFalse(day.move_id)
        self.assertBooksHoldDebt()
        # a confirmed list is fixed
        with self.assertRaises(UserError):
            lines[self.eve].amount = 1.0
        with self.assertRaises(UserError):
            deduction.with_user(self.manager).unlink()

    def test_confirm_above_the_debt_of_now_books_nothing(self):
        deduction = self.new_list()
        with self.on(self.d3):
            self.as_operator().topup(
                self.fay_card.with_user(self.operator), 10.0, self.cash
            )  # Fay owes 5 now
            with self.assertRaisesRegex(UserError, "Fay"):
                deduction.action_confirm()
        self.assertEqual(deduction.state, "draft")
        self.assertFalse(self.payroll_ops())
        line = deduction.line_ids.filtered(lambda x: x.cardholder_id == self.fay)
        line.amount = 5.0
        with self.on(self.d3):
            deduction.action_confirm()
            self.settle(self.d3)
        self.assertEqual(self.balances(self.fay)["cash"], 0.0)
        self.assertBooksHoldDebt()

    def test_access_matrix(self):
        Deduction = self.env["onecard.payroll.deduction"]
        with self.assertRaises(AccessError):
            Deduction.with_user(self.operator).create({"date": DAY})
        deduction = self.new_list()
        with self.assertRaises(AccessError):
            Deduction.with_user(self.operator).browse(deduction.id).read(["total"])
        with self.assertRaises(AccessError):
            deduction.with_user(self.operator).action_confirm()
        with self.assertRaises(AccessError):
            deduction.with_user(self.accountant).unlink()
        self.assertEqual(
            Deduction.with_user(self.accountant).search([]).line_ids,
            deduction.line_ids,
        )
        other = Deduction.with_user(self.manager).create(
            {"date": DAY - timedelta(days=1)}
        )
        other.action_load_lines()
        self.assertFalse(other.line_ids)  # nobody owed anything the day before
        other.unlink()
        self.assertFalse(other.exists())
        with self.assertRaises(AccessError):
            self.env["onecard.settlement.debt"].with_user(self.operator).search([])
