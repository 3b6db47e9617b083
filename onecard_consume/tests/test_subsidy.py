import base64
import io

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_money import DAY, CardMoneyCase, utc


class SubsidyCase(CardMoneyCase):
    """Subsidy batches, confirmed by the card accountant (the lowest group that may)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Department = cls.env["hr.department"]
        cls.office = Department.create({"name": "Office"})
        cls.office_it = Department.create({"name": "IT", "parent_id": cls.office.id})
        cls.managers = cls.env["onecard.cardholder.category"].create(
            {"name": "Subsidy test managers"}
        )
        Holder = cls.env["onecard.cardholder"]
        cls.eva, cls.fay, cls.gus, cls.hal = Holder.create(
            [
                {"name": "Eva", "code": "U001", "department_id": cls.office.id},
                {"name": "Fay", "code": "U002", "department_id": cls.office_it.id},
                {
                    "name": "Gus",
                    "code": "U003",
                    "department_id": cls.workshop.id,
                    "category_id": cls.managers.id,
                },
                {"name": "Hal", "code": "U004", "department_id": cls.workshop.id},
            ]
        )
        with cls._at(DAY):
            cls.cards = {}
            for number, holder in enumerate(cls.eva | cls.fay | cls.gus | cls.hal):
                cls.cards[holder] = cls.ledger.issue_card(
                    holder, "5D00000%d" % number, topup=50.0, method=cls.cash
                )

    @classmethod
    def _at(cls, day, hour=10):
        from freezegun import freeze_time

        return freeze_time(utc(day, hour))

    def setUp(self):
        super().setUp()
        self.Batch = self.env["onecard.subsidy.batch"].with_user(self.accountant)

    def tearDown(self):
        self.assertLedgerInvariant()
        super().tearDown()

    def batch(self, **vals):
        return self.Batch.create(dict({"amount": 30.0}, **vals))

    def subsidy(self, holder):
        return self.balances(holder)["subsidy"]


@tagged("post_install", "-at_install")
class TestSubsidy(SubsidyCase):
    # ---------------------------------------------------------------- loading
    def test_load_from_department(self):
        batch = self.batch(department_ids=[Command.set(self.office.ids)])
        batch.action_load_lines()
        self.assertEqual(
            batch.line_ids.cardholder_id,
            self.eva | self.fay,
            "sub-departments are included",
        )
        batch.action_load_lines()
        self.assertEqual(len(batch.line_ids), 2, "loading twice adds nobody twice")
        self.assertEqual((batch.line_count, batch.total_amount), (2, 60.0))
        batch.action_confirm()
        self.assertEqual(batch.state, "done")
        self.assertEqual(set(batch.line_ids.mapped("state")), {"granted"})
        self.assertEqual(batch.granted_amount, 60.0)
        self.assertEqual(
            (self.subsidy(self.eva), self.subsidy(self.fay), self.subsidy(self.gus)),
            (30.0, 30.0, 0.0),
        )
        rows = self.env["onecard.transaction"].search(
            [("cardholder_id", "=", self.fay.id), ("kind", "=", "subsidy_grant")]
        )
        self.assertEqual(rows.department_id, self.office_it)
        self.assertEqual(rows.create_uid, self.accountant)

    def test_load_from_category_and_selection(self):
        batch = self.batch(category_ids=[Command.set(self.managers.ids)])
        batch.action_load_lines()
        self.assertEqual(batch.line_ids.cardholder_id, self.gus)
        batch.write(
            {
                "category_ids": [Command.clear()],
                "cardholder_ids": [Command.set((self.eva | self.hal).ids)],
                "amount": 12.5,
            }
        )
        batch.action_load_lines()
        self.assertEqual(batch.line_ids.cardholder_id, self.eva | self.gus | self.hal)
        self.assertEqual(sorted(batch.line_ids.mapped("amount")), [12.5, 12.5, 30.0])
        with self.assertRaises(UserError):
            self.batch().action_load_lines()  # nothing chosen
        with self.assertRaises(UserError):
            self.batch(
                amount=0.0, cardholder_ids=[Command.set(self.eva.ids)]
            ).action_load_lines()
        batch.action_confirm()
        self.assertEqual(
            (self.subsidy(self.eva), self.subsidy(self.gus), self.subsidy(self.hal)),
            (12.5, 30.0, 12.5),
        )

    def test_import_csv(self):
        data = "Code,Amount\nU001,10\nU003,12.5\nU004,\n".encode("utf-8-sig")
        batch = self.batch(
            import_file=base64.b64encode(data), import_filename="grant.csv"
        )
        batch.action_import_file()
        self.assertFalse(batch.import_file)
        amounts = {line.cardholder_id: line.amount for line in batch.line_ids}
        self.assertEqual(
            amounts,
            {self.eva: 10.0, self.gus: 12.5, self.hal: 30.0},
            "empty amount = per person",
        )
        bad = self.batch(
            import_file=base64.b64encode(b"U001,5\nNOPE,3\nU002,-1\n"),
            import_filename="bad.csv",
        )
        with self.assertRaisesRegex(UserError, "NOPE"):
            bad.action_import_file()
        self.assertFalse(bad.line_ids, "a bad file loads nothing")
        batch.action_confirm()
        self.assertEqual(self.subsidy(self.gus), 12.5)

    def test_import_xlsx(self):
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Cardholder", "Amount"])
        sheet.append(["U002", 8])
        sheet.append(["U004", 9.5])
        buffer = io.BytesIO()
        book.save(buffer)
        batch = self.batch(
            import_file=base64.b64encode(buffer.getvalue()),
            import_filename="GRANT.XLSX",
        )
        batch.action_import_file()
        self.assertEqual(
            {line.cardholder_id: line.amount for line in batch.line_ids},
            {self.fay: 8.0, self.hal: 9.5},
        )
        batch.action_confirm()
        self.assertEqual((self.subsidy(self.fay), self.subsidy(self.hal)), (8.0, 9.5))

    # ---------------------------------------------------------------- modes
    def test_accumulate_vs_reset(self):
        holders = self.eva | self.fay
        first = self.batch(cardholder_ids=[Command.set(holders.ids)], amount=30.0)
        first.action_load_lines()
        first.action_confirm()
        self.swipe(
            self.t_north, self.cards[self.eva], 10.0, utc(DAY, 12)
        )  # Eva: 20 left
        second = self.batch(
            cardholder_ids=[Command.set(holders.ids)], amount=20.0, mode="accumulate"
        )
        second.action_load_lines()
        second.action_confirm()
        self.assertEqual((self.subsidy(self.eva), self.subsidy(self.fay)), (40.0, 50.0))
        reset = self.batch(
            cardholder_ids=[Command.set(holders.ids)], amount=25.0, mode="reset"
        )
        reset.action_load_lines()
        reset.action_confirm()
        self.assertEqual(
            (self.subsidy(self.eva), self.subsidy(self.fay)),
            (25.0, 25.0),
            "reset clears unspent first",
        )
        cleared = self.env["onecard.transaction"].search(
            [("kind", "=", "subsidy_clear"), ("cardholder_id", "in", holders.ids)]
        )
        self.assertEqual(sorted(cleared.mapped("amount")), [-50.0, -40.0])
        self.assertEqual(self.balances(self.eva)["cash"], 50.0, "cash is never touched")

    def test_collect_on_next_swipe(self):
        batch = self.batch(
            cardholder_ids=[Command.set((self.eva | self.fay).ids)],
            distribution="collect",
        )
        batch.action_load_lines()
        batch.action_confirm()
        self.assertEqual(batch.state, "confirmed")
        self.assertEqual(set(batch.line_ids.mapped("state")), {"pending"})
        self.assertEqual(
            self.subsidy(self.eva), 0.0, "nothing credited before collection"
        )
        self.assertTrue(self.eva.subsidy_pending)
        answer = self.swipe(self.t_north, self.cards[self.eva], 12.0, utc(DAY, 12))
        self.assertEqual(
            answer["subsidy_amount"],
            12.0,
            "the swipe collects the subsidy, then spends it",
        )
        self.assertEqual(answer["cash_amount"], 0.0)
        self.assertEqual(
            self.balances(self.eva),
            {"cash": 50.0, "subsidy": 18.0, "temporary": 0.0, "deposit": 0.0},
        )
        eva_line = batch.line_ids.filtered(lambda line: line.cardholder_id == self.eva)
        self.assertEqual((eva_line.state, eva_line.granted_amount), ("granted", 30.0))
        self.assertFalse(self.eva.subsidy_pending)
        self.assertEqual(batch.state, "confirmed", "Fay has not collected yet")
        self.swipe(self.t_north, self.cards[self.fay], 1.0, utc(DAY, 12, 5))
        self.assertEqual(batch.state, "done")
        # a pending line is simply dropped on cancel: Hal never collected
        other = self.batch(
            cardholder_ids=[Command.set(self.hal.ids)], distribution="collect"
        )
        other.action_load_lines()
        other.action_confirm()
        other.action_cancel()
        self.assertEqual(other.line_ids.state, "cancelled")
        self.swipe(self.t_north, self.cards[self.hal], 1.0, utc(DAY, 12, 10))
        self.assertEqual(self.subsidy(self.hal), 0.0)
