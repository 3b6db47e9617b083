"""Month-end close: after its month settlement, a month is closed; nothing is dated
into it any more, late offline records go to the next open period flagged late, its
reconciliation is frozen (PDF attached) and only a manager reopens it, with a reason
that is logged."""

import io
import shutil
import subprocess
import tempfile
import unittest
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.pdf import PdfFileReader

from .common_money import DAY, CardMoneyCase, utc

APRIL = date(2025, 4, 2)


class MonthCloseCase(CardMoneyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="oc_close_manager",
            groups="onecard_consume.group_onecard_manager",
        )
        cls.Close = cls.env["onecard.month.close"]

    def close(self, day=DAY, user=None):
        return self.Close.with_user(user or self.accountant).close_month(
            self.company, day
        )

    def counts(self):
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT (SELECT count(*) FROM onecard_operation WHERE company_id = %s),
                      (SELECT count(*) FROM onecard_transaction WHERE company_id = %s)
            """,
            [self.company.id, self.company.id],
        )
        return self.env.cr.fetchone()

    def back_entry(self, when):
        wizard = (
            self.env["onecard.card.operation.wizard"]
            .with_user(self.operator)
            .create(
                {
                    "operation": "back_entry",
                    "card_id": self.ann_card.id,
                    "terminal_id": self.t_north.id,
                    "amount": 6.0,
                    "reason": "missed lunch",
                    "business_time": when,
                }
            )
        )
        return wizard.action_confirm()


@tagged("post_install", "-at_install")
class TestMonthClose(MonthCloseCase):
    def test_close_needs_the_month_settlement(self):
        self._day1()
        self.settle(DAY)  # a day settlement is not the month's
        with self.assertRaisesRegex(UserError, "Settle the month 2025-03 first"):
            self.close()
        with self.assertRaisesRegex(UserError, "has not ended yet"):
            self.close(date.today())
        self.assertFalse(self.Close.search([("company_id", "=", self.company.id)]))
        with self.assertRaises(AccessError):  # operators do not close months
            self.close(user=self.operator)

    def test_close_freezes_the_reconciliation(self):
        self._day1()
        month = self.settle(DAY, "month")
        self.assertPostedBalanced(month)
        close = self.close()
        self.assertEqual(close.state, "closed")
        self.assertEqual(close.settlement_id, month)
        self.assertEqual(close.closed_by_id, self.accountant)
        self.assertTrue(close.closed_at)
        self.assertEqual(self.close(), close)  # idempotent
        # frozen figures = independent sums of wallets and GL, terminals from the rows
        sums = self.wallet_sums()
        self.assertAlmostEqual(close.wallet_amount, sum(sums.values()), places=2)
        gl = sum(
            self.gl(self.company[field])
            for field in (
                "onecard_cash_account_id",
                "onecard_subsidy_account_id",
                "onecard_deposit_account_id",
            )
        )
        self.assertAlmostEqual(close.gl_amount, gl, places=2)
        self.assertAlmostEqual(close.difference, 0.0, places=2)
        self.assertTrue(close.balanced)
        self.env.cr.execute(
            """SELECT -sum(amount) FROM onecard_transaction WHERE company_id = %s
                AND kind IN ('consume', 'back_entry', 'correction')""",
            [self.company.id],
        )
        self.assertAlmostEqual(
            close.terminal_amount, float(self.env.cr.fetchone()[0]), places=2
        )
        self.assertEqual(close.snapshot["unsettled"], {"count": 0, "amount": 0.0})
        self.assertEqual(
            {line["name"] for line in close.snapshot["terminals"]},
            {"North 1", "South 1"},
        )
        # attached to the close record (HTML under the test runner: see the PDF test)
        attachment = close.attachment_id
        self.assertEqual(
            (attachment.res_model, attachment.res_id), (close._name, close.id)
        )
        self.assertIn(self.accountant.name, attachment.raw.decode())
        self.assertTrue(
            any("Month closed" in body for body in close.message_ids.mapped("body"))
        )
        self.assertGLMatchesWallets()
        self.assertLedgerInvariant()

    def test_closed_month_refuses_back_dated_operations(self):
        self._day1()
        self.settle(DAY, "month")
        self.close()
        before, balances = self.counts(), self.balances(self.ann)
        march = utc(date(2025, 3, 20), 12)
        with self.on(APRIL):
            with self.assertRaisesRegex(UserError, "2025-03 is closed"):
                self.back_entry(march)
            lunch = self.env["onecard.operation"].browse(self.cai_lunch["operation_id"])
            with self.assertRaisesRegex(UserError, "2025-03 is closed"):
                self.as_operator().correct(lunch, "wrong", business_time=march)
            with self.assertRaisesRegex(UserError, "2025-03 is closed"):
                self.as_operator().topup(
                    self.ann_card.with_user(self.operator),
                    10.0,
                    self.cash,
                    business_time=march,
                )
            with self.assertRaisesRegex(UserError, "2025-03 is closed"):
                self.settle(date(2025, 3, 31))
            month = self.Settlement.search([("period", "=", "month")])
            with self.assertRaisesRegex(UserError, "2025-03 is closed"):
                month.with_user(self.accountant).action_reverse()
            self.assertEqual(self.counts(), before)
            self.assertEqual(self.balances(self.ann), balances)
            # dated now, or in April, everything works: the correction of a March
            # sale lands in April
            self.as_operator().correct(lunch, "wrong")
            self.back_entry(utc(date(2025, 4, 1), 12))
        self.assertLedgerInvariant()

    def test_late_offline_record_goes_to_the_next_period_flagged_late(self):
        self._day1()
        self.settle(DAY, "month")
        self.close()
        march = utc(date(2025, 3, 20), 12)
        with self.on(APRIL):
            answer = self.swipe(
                self.t_north, self.ann_card, 9.0, march, offline=True, terminal_seq=41
            )
            row = self.env["onecard.transaction"].search(
                [("operation_id", "=", answer["operation_id"])]
            )
            self.assertEqual(row.business_time, march)  # the meal was eaten then
            april = self.settle(date(2025, 4, 1))
        self.assertEqual(row.settlement_id, april)
        self.assertEqual(april.late_count, 1)
        self.assertTrue(all(line.late for line in april.line_ids))
        self.assertGreaterEqual(april.move_id.date, date(2025, 4, 1))
        self.assertNothingUnsettled()
        self.assertGLMatchesWallets()
        self.assertLedgerInvariant()

    def test_close_is_per_company(self):
        self._day1()
        self.settle(DAY, "month")
        close = self.close()
        other = self.env["res.company"].create({"name": "OneCard Close B"})
        march = utc(date(2025, 3, 20), 12)
        self.Close._check_open(other.id, march)  # B's March is open
        with self.assertRaisesRegex(UserError, "2025-03 is closed"):
            self.Close._check_open(self.company.id, march)
        self.Close._check_open(self.company.id, utc(date(2025, 4, 1), 0, 1))
        # a user of B only does not see A's close
        user_b = new_test_user(
            self.env,
            login="oc_close_b",
            groups="onecard_consume.group_onecard_accountant",
            company_id=other.id,
            company_ids=[other.id],
        )
        self.assertFalse(self.Close.with_user(user_b).search([("id", "=", close.id)]))

    def test_reopen_needs_a_manager_and_a_reason(self):
        self._day1()
        self.settle(DAY, "month")
        close = self.close()
        with self.assertRaises(AccessError):  # also through RPC: the method checks
            close.with_user(self.accountant).action_reopen("typo")
        with self.assertRaises(AccessError):
            self.env["onecard.month.reopen.wizard"].with_user(self.accountant).create(
                {"close_id": close.id, "reason": "typo"}
            )
        with self.assertRaises(AccessError):  # nobody writes the state directly
            close.with_user(self.manager).write({"state": "reopened"})
        with self.assertRaisesRegex(UserError, "needs a reason"):
            close.with_user(self.manager).action_reopen("  ")
        self.assertEqual(close.state, "closed")
        wizard = (
            self.env["onecard.month.reopen.wizard"]
            .with_user(self.manager)
            .create({"close_id": close.id, "reason": "missed back-entry"})
        )
        wizard.action_reopen()
        self.assertEqual(close.state, "reopened")
        self.assertEqual(close.reopened_by_id, self.manager)
        self.assertEqual(close.reopen_reason, "missed back-entry")
        self.assertTrue(
            any(
                "missed back-entry" in body for body in close.message_ids.mapped("body")
            )
        )
        with self.assertRaisesRegex(UserError, "Only a closed month"):
            close.with_user(self.manager).action_reopen("again")
        # open again: the back-entry is booked, taken late by the next settlement,
        # and the month closes anew (a second record, the first stays as the trail)
        with self.on(APRIL):
            self.back_entry(utc(date(2025, 3, 20), 12))
            later = self.settle(date(2025, 4, 1))
        self.assertEqual(later.late_count, 1)
        again = self.close()
        self.assertNotEqual(again, close)
        self.assertEqual(
            self.Close.search_count([("company_id", "=", self.company.id)]), 2
        )
        self.assertGLMatchesWallets()
        self.assertLedgerInvariant()


@tagged("post_install", "-at_install")
class TestMonthClosePdf(HttpCase, MonthCloseCase):
    """wkhtmltopdf fetches the assets over HTTP: an HttpCase serves them (see
    test_receipt.TestReceiptPdf)."""

    def test_close_attaches_a_pdf(self):
        self._day1()
        self.settle(DAY, "month")
        close = (
            self.Close.with_user(self.accountant)
            .with_context(force_report_rendering=True)
            .close_month(self.company, DAY)
        )
        attachment = close.attachment_id
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        self.assertGreaterEqual(len(PdfFileReader(io.BytesIO(attachment.raw)).pages), 1)
        if not shutil.which("pdftotext"):
            raise unittest.SkipTest("pdftotext not installed")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(attachment.raw)
            handle.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", handle.name, "-"],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
        self.assertIn("Month Close 2025-03", text)
        self.assertIn(self.accountant.name, text)
        self.assertIn("North 1", text)
        self.assertIn("Balanced", text)
