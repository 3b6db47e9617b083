"""OneCard as a guest in the host ERP: what Odoo's own features expect of an addon."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..models.res_company import ONECARD_POSTING_FIELDS
from .common import OnecardCase


@tagged("post_install", "-at_install")
class TestHostErp(OnecardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.onecard_auto_cardholder = True
        cls.hr_officer = new_test_user(
            cls.env, login="oc_test_host_hr", groups="hr.group_hr_user"
        )
        cls.Employee = cls.env["hr.employee"].with_user(cls.hr_officer)
        cls.Holder = cls.env["onecard.cardholder"].with_context(active_test=False)

    @classmethod
    def company_with_chart(cls, name):
        company = cls.env["res.company"].create(
            {"name": name, "currency_id": cls.company.currency_id.id}
        )
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
        return company

    def holders_of(self, employee):
        return self.Holder.search([("employee_id", "=", employee.id)], order="id")

    # ------------------------------------------------------------ accounting
    def test_branch_shares_the_root_accounts_and_journal(self):
        root = self.company_with_chart("OC Host Root")
        root.write({"child_ids": [Command.create({"name": "OC Host Branch"})]})
        self.env.cr.precommit.run()  # Odoo loads the branch's chart at precommit
        branch = root.child_ids
        self.assertEqual(branch.chart_template, root.chart_template)
        for field in ONECARD_POSTING_FIELDS:
            self.assertTrue(root[field], field)
            self.assertEqual(branch[field], root[field], field)
        self.assertFalse(
            self.env["account.journal"].search([("company_id", "=", branch.id)]),
            "a branch uses its parent's journals (Odoo's TestCompanyBranch checks it)",
        )
        cash = self.cash.with_company(branch).journal_id
        self.assertEqual(cash, self.cash.with_company(root).journal_id)
        self.assertTrue(cash)

    def test_chart_creates_no_clearing_journals_until_set_up(self):
        company = self.company_with_chart("OC Host Plain")
        Journal = self.env["account.journal"]
        self.assertEqual(
            Journal.search_count(
                [("company_id", "=", company.id), ("type", "=", "bank")]
            ),
            1,
            "only the chart's own bank journal",
        )
        self.assertFalse(self.wechat.with_company(company).journal_id)
        self.assertEqual(self.bank.with_company(company).journal_id.type, "bank")
        self.assertEqual(self.cash.with_company(company).journal_id.type, "cash")
        # Using a method not set up there is refused before anything is booked.
        holder = self.env["onecard.cardholder"].create(
            {"name": "Pia", "code": "H_PIA", "company_id": company.id}
        )
        card = self.ledger.with_company(company).issue_card(holder, "0C0C0C01")
        with self.assertRaisesRegex(UserError, "not set up in OC Host Plain"):
            self.ledger.with_company(company).topup(card, 10.0, self.wechat)
        self.assertFalse(
            self.env["onecard.operation"].search([("cardholder_id", "=", holder.id)])
        )
        # An accountant sets it up: a clearing journal of its own, in that company only.
        self.wechat.with_company(company).action_setup()
        journal = self.wechat.with_company(company).journal_id
        self.assertEqual(
            (journal.code, journal.type, journal.company_id), ("WXP", "bank", company)
        )
        self.assertFalse(self.alipay.with_company(company).journal_id)
        self.ledger.with_company(company).topup(card, 10.0, self.wechat)
        self.assertBalances(holder, cash=10.0)
        self.assertLedgerInvariant()

    # ------------------------------------------------------------ employees
    def test_plain_user_reads_employees(self):
        """Odoo's TestSelfAccessProfile.test_employee_fields_groups, with our fields on
        employees."""
        employee = self.Employee.create({"name": "Quinn", "barcode": "9002001"})
        self.assertTrue(self.holders_of(employee))
        user = new_test_user(
            self.env, login="oc_test_host_plain", groups="base.group_user"
        )
        employees = self.env["hr.employee"].with_user(user)
        # What read([]) reads, but the pictures: a new employee has none, and
        # hr.employee.public then leaves them out of the cache (read([]) would skip the
        # record, with or without us).
        names = [
            name
            for name in employees.check_field_access_rights("read", None)
            if not name.startswith(("image_", "avatar_"))
        ]
        self.assertNotIn("onecard_cardholder_ids", names)
        rows = employees.browse(employee.id).read(names)
        self.assertEqual(rows[0]["name"], "Quinn")

    def test_deleted_employee_releases_the_badge_keeps_the_money(self):
        employee = self.Employee.create({"name": "Rita", "barcode": "9002010"})
        old = self.holders_of(employee)
        card = self.ledger.issue_card(
            old, "0C0C0C10", deposit=20.0, topup=30.0, method=self.cash
        )
        employee.unlink()
        self.assertFalse(old.active)
        self.assertEqual(card.state, "frozen")
        self.assertTrue(old.refund_pending)
        self.assertDeclined(self.swipe(self.t_fixed, card), "card_frozen")
        again = self.Employee.create({"name": "Rita Again", "barcode": "9002010"})
        new = self.holders_of(again)
        self.assertEqual((new.code, new.active), ("9002010", True))
        self.assertNotEqual(new, old)
        # The old account is still paid out at the desk.
        self.ledger.return_card(card, self.cash)
        self.assertBalances(old, cash=0.0, deposit=0.0)
        with self.assertRaisesRegex(UserError, "closed"):
            self.ledger.issue_card(old, "0C0C0C11")
        # Reactivating it while the code is taken is refused in words, not by the
        # database.
        with self.assertRaisesRegex(Exception, "9002010 is already used"):
            old.active = True
        self.assertLedgerInvariant()

    def test_sync_updates_the_active_holder_of_a_released_code(self):
        employee = self.Employee.create({"name": "Sol", "barcode": "9002020"})
        old = self.holders_of(employee)
        employee.unlink()
        new = self.holders_of(
            self.Employee.create({"name": "Sol B", "barcode": "9002020"})
        )
        result = self.env["onecard.cardholder"].sync_employees(
            [{"code": "9002020", "name": "Sol Bee"}]
        )
        self.assertEqual((result[0]["status"], result[0]["id"]), ("updated", new.id))
        self.assertEqual((old.name, new.name), ("Sol", "Sol Bee"))

    def test_employee_company_change(self):
        other = self.env["res.company"].create(
            {"name": "OC Host Other", "onecard_auto_cardholder": True}
        )
        self.hr_officer.company_ids |= other
        employee = self.Employee.create({"name": "Tia", "barcode": "9002030"})
        old = self.holders_of(employee)
        card = self.ledger.issue_card(old, "0C0C0C30", topup=12.5, method=self.cash)
        before = self.snapshot()
        with self.assertRaisesRegex(
            UserError, r"Tia still has a card account in .*Return the card"
        ):
            employee.write({"company_id": other.id})
        self.assertEqual(
            (employee.company_id, old.company_id, old.active),
            (self.company, self.company, True),
        )
        self.assertEqual(self.snapshot(), before)
        self.ledger.return_card(card, self.cash)
        employee.write({"company_id": other.id})
        self.assertFalse(
            old.active, "the old account stays in the old company, with its history"
        )
        self.assertEqual(old.company_id, self.company)
        new = self.holders_of(employee).filtered("active")
        self.assertEqual(
            (new.company_id, new.code, new.employee_id), (other, "9002030", employee)
        )
        self.assertLedgerInvariant()

    def test_terminal_with_sales_stays_in_its_company(self):
        other = self.env["res.company"].create({"name": "OC Host Elsewhere"})
        canteen = self.env["onecard.canteen"].create(
            {"name": "Elsewhere", "code": "H_ELSE", "company_id": other.id}
        )
        self.assertTrue(self.swipe(self.t_fixed, self.alice_card)["approved"])
        with self.assertRefused("booked operations in"):
            self.t_fixed.canteen_id = canteen
        self.assertEqual(self.t_fixed.company_id, self.company)
        spare = self.env["onecard.terminal"].create(
            {"name": "Spare", "code": "H_SPARE", "canteen_id": self.canteen.id}
        )
        spare.canteen_id = canteen  # nothing booked yet: a setup mistake corrected
        self.assertEqual(spare.company_id, other)
