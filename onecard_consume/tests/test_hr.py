import logging
import time

from odoo.tests import new_test_user, tagged

from .common import OnecardCase

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestHr(OnecardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.onecard_auto_cardholder = True
        cls.hr_officer = new_test_user(
            cls.env, login="oc_test_hr", groups="hr.group_hr_user"
        )
        cls.department = cls.env["hr.department"].create({"name": "Test Kitchen"})
        cls.Employee = cls.env["hr.employee"].with_user(cls.hr_officer)
        cls.Holder = cls.env["onecard.cardholder"].with_context(active_test=False)

    def holders_of(self, employee):
        return self.Holder.search([("employee_id", "=", employee.id)])

    # ------------------------------------------------------------ employees
    def test_new_employee_gets_cardholder(self):
        employee = self.Employee.create(
            {"name": "Dora", "barcode": "9001001", "department_id": self.department.id}
        )
        holder = self.holders_of(employee)
        self.assertEqual(len(holder), 1)
        self.assertEqual(
            (holder.name, holder.code, holder.department_id, holder.company_id),
            ("Dora", "9001001", self.department, employee.company_id),
        )
        self.assertEqual(
            sorted(holder.wallet_ids.mapped("kind")),
            ["cash", "deposit", "subsidy", "temporary"],
        )
        self.assertEqual(holder.wallet_ids.mapped("balance"), [0.0] * 4)
        without_badge = self.Employee.create({"name": "Ed"})
        self.assertEqual(
            self.holders_of(without_badge).code, "E%06d" % without_badge.id
        )
        employee.write({"name": "Dora Li"})
        self.assertEqual(holder.name, "Dora Li", "HR renames flow to the cardholder")

    def test_setting_off_creates_no_cardholder(self):
        self.company.onecard_auto_cardholder = False
        employee = self.Employee.create({"name": "Gus", "barcode": "9001002"})
        self.assertFalse(self.holders_of(employee))
        self.assertFalse(self.Holder.search([("code", "=", "9001002")]))

    def test_import_with_card_uid(self):
        result = self.Employee.load(
            ["name", "barcode", "department_id", "onecard_card_uid"],
            [
                ["Eve", "9001010", "Test Kitchen", "04:11:22:33"],
                ["Finn", "9001011", "Test Kitchen", ""],
                ["Gail", "9001012", "", "0x04112234"],
            ],
        )
        self.assertFalse(
            [m for m in result["messages"] if m["type"] == "error"], result["messages"]
        )
        employees = self.env["hr.employee"].browse(result["ids"])
        self.assertEqual(employees.mapped("name"), ["Eve", "Finn", "Gail"])
        eve, finn, gail = (self.holders_of(e) for e in employees)
        self.assertEqual(
            (len(eve), len(finn), len(gail)),
            (1, 1, 1),
            "one cardholder per employee, never two",
        )
        self.assertEqual(eve.card_ids.mapped("uid"), ["04112233"])
        self.assertEqual(eve.card_ids.state, "active")
        self.assertFalse(finn.card_ids)
        self.assertEqual(gail.card_ids.uid, "04112234")
        employees.invalidate_recordset(["onecard_card_uid"])
        self.assertEqual(employees[0].onecard_card_uid, "04112233")
        employees[0].with_user(self.hr_officer).onecard_card_uid = "04112299"
        self.assertEqual(
            eve.card_ids.mapped("uid"),
            ["04112233"],
            "an employee with a live card gets no other",
        )

    def test_import_with_taken_uid_reports_error(self):
        result = self.Employee.load(
            ["name", "barcode", "onecard_card_uid"],
            [["Hal", "9001020", self.alice_card.uid]],
        )
        self.assertTrue([m for m in result["messages"] if m["type"] == "error"])
        self.assertFalse(result["ids"])
        self.assertEqual(
            self.env["onecard.card"].search_count([("uid", "=", self.alice_card.uid)]),
            1,
        )

    def test_archive_employee_freezes_cards(self):
        employee = self.Employee.create({"name": "Ivy", "barcode": "9001030"})
        holder = self.holders_of(employee)
        card = self.ledger.issue_card(holder, "0F0F0F01", topup=30.0, method=self.cash)
        employee.action_archive()
        self.assertEqual(card.state, "frozen")
        self.assertTrue(holder.refund_pending)
        self.assertEqual(card.history_ids.sorted("id")[-1:].reason, "Employee archived")
        self.assertDeclined(self.swipe(self.t_fixed, card), "card_frozen")
        self.assertBalances(holder, cash=30.0)  # money waits for the refund at the desk
        self.ledger.return_card(card, self.cash)
        self.assertBalances(holder, cash=0.0)
        employee.action_unarchive()
        self.assertFalse(holder.refund_pending)
        self.assertLedgerInvariant()

    # ------------------------------------------------------------------ sync
    def sync(self, rows):
        return self.env["onecard.cardholder"].sync_employees(rows)

    def test_sync_created_updated_unchanged_error(self):
        rows = [
            {
                "code": "S001",
                "name": "Sam",
                "department": "Test Sync Dept",
                "category": "Test staff",
                "card_uid": "0A1B2C3D",
            },
            {"code": "S002", "name": "Sue"},
            {"code": "S003", "name": "Sid", "category": "No such category"},
            {"code": "S004", "name": "Sal", "card_uid": "zz-top"},
            {"code": "", "name": "Nobody"},
            {"code": "S005"},
            "not a dict",
            {"code": "S001", "name": "Sam again"},
            {"code": "S006", "name": "Stu", "card_uid": self.alice_card.uid},
        ]
        result = self.sync(rows)
        self.assertEqual(
            [r["status"] for r in result],
            [
                "created",
                "created",
                "error",
                "error",
                "error",
                "error",
                "error",
                "error",
                "error",
            ],
        )
        self.assertIn("twice", result[7]["message"])
        self.assertIn("not a valid card UID", result[3]["message"])
        self.assertIn("someone else", result[8]["message"])
        self.assertIn("No such category", result[2]["message"])
        sam = self.Holder.browse(result[0]["id"])
        self.assertEqual(
            (sam.name, sam.department_id.name, sam.category_id),
            ("Sam", "Test Sync Dept", self.staff),
        )
        self.assertEqual(sam.card_ids.uid, "0A1B2C3D")
        self.assertEqual(len(sam.wallet_ids), 4)
        self.assertEqual(
            self.alice_card.cardholder_id,
            self.alice,
            "a card is never moved to someone else",
        )
        self.assertFalse(self.Holder.search([("code", "in", ["S003", "S004", "S005"])]))
        # the same push again: nothing to do
        again = self.sync(rows)
        self.assertEqual([r["status"] for r in again[:2]], ["unchanged", "unchanged"])
        self.assertEqual(again[0]["id"], sam.id)
        self.assertEqual(len(sam.card_ids), 1)
        self.assertEqual(
            self.Holder.search_count([("code", "in", ["S001", "S002"])]), 2
        )
        self.assertFalse(self.Holder.search([("code", "=", "S006")]).card_ids)
        # a change
        changed = self.sync(
            [
                {"code": "S002", "name": "Sue Wong", "department": "Test Sync Dept"},
                {
                    "code": "S001",
                    "name": "Sam",
                    "department": "Test Sync Dept",
                    "category": "Test staff",
                    "card_uid": "0A1B2C3D",
                },
            ]
        )
        self.assertEqual([r["status"] for r in changed], ["updated", "unchanged"])
        sue = self.Holder.browse(changed[0]["id"])
        self.assertEqual((sue.name, sue.department_id), ("Sue Wong", sam.department_id))
        self.assertEqual(
            self.env["hr.department"].search_count([("name", "=", "Test Sync Dept")]), 1
        )

    def test_sync_leaver_and_employee_link(self):
        self.company.onecard_auto_cardholder = False
        employee = self.Employee.create({"name": "Tia", "barcode": "9001100"})
        first = self.sync([{"code": "9001100", "name": "Tia", "card_uid": "0A1B2C40"}])
        holder = self.Holder.browse(first[0]["id"])
        self.assertEqual(holder.employee_id, employee)
        card = holder.card_ids
        self.ledger.topup(card, 10.0, self.cash)
        left = self.sync(
            [
                {
                    "code": "9001100",
                    "name": "Tia",
                    "card_uid": "0A1B2C40",
                    "active": False,
                }
            ]
        )
        self.assertEqual(left[0]["status"], "updated")
        self.assertEqual(card.state, "frozen")
        self.assertTrue(holder.refund_pending)
        self.assertFalse(holder.active)
        self.assertEqual(
            self.sync(
                [
                    {
                        "code": "9001100",
                        "name": "Tia",
                        "card_uid": "0A1B2C40",
                        "active": False,
                    }
                ]
            )[0]["status"],
            "unchanged",
        )
        self.assertBalances(holder, cash=10.0)
        self.assertLedgerInvariant()

    def test_sync_ten_thousand_rows(self):
        rows = [
            {
                "code": "B%05d" % i,
                "name": "Bulk %05d" % i,
                "department": "Bulk Dept %d" % (i % 20),
                "category": "Test staff",
                "card_uid": "%08X" % (0x20000000 + i),
            }
            for i in range(10000)
        ]
        start = time.time()
        result = self.sync(rows)
        self.env.flush_all()  # what the RPC's commit would write too
        elapsed = time.time() - start
        _logger.info("sync_employees: 10,000 rows in %.1f s", elapsed)
        self.assertEqual(len(result), 10000)
        self.assertEqual({r["status"] for r in result}, {"created"})
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM onecard_cardholder WHERE code LIKE 'B%%' AND "
            "company_id = %s",
            [self.company.id],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 10000)
        self.env.cr.execute("""SELECT count(*) FROM onecard_card c JOIN
            onecard_cardholder h ON h.id = c.cardholder_id
                                WHERE h.code LIKE 'B%%' AND c.state = 'active'""")
        self.assertEqual(self.env.cr.fetchone()[0], 10000)
        self.env.cr.execute("""SELECT count(*) FROM onecard_wallet w JOIN
            onecard_cardholder h ON h.id = w.cardholder_id
                                WHERE h.code LIKE 'B%%'""")
        self.assertEqual(self.env.cr.fetchone()[0], 40000)
        self.assertEqual(
            self.env["hr.department"].search_count([("name", "=like", "Bulk Dept %")]),
            20,
        )
        start = time.time()
        again = self.sync(rows)
        _logger.info(
            "sync_employees: same 10,000 rows again in %.1f s", time.time() - start
        )
        self.assertEqual({r["status"] for r in again}, {"unchanged"})
