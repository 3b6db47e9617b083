import io
import shutil
import subprocess
import tempfile
import unittest
from datetime import datetime
from unittest.mock import patch

import openpyxl
import xlsxwriter

from odoo.sql_db import Cursor, TestCursor
from odoo.tests import BaseCase, HttpCase, tagged

from odoo.addons.onecard_reports.tools import StreamWorksheet, excel_serial

from .common import CONSUME, D1, D3, ReportCase


@tagged("post_install", "-at_install")
class TestExports(ReportCase):
    """XLSX opened with openpyxl, cell by cell; the Chinese PDF statement read back with
    pdftotext."""

    def workbook(self, export):
        self.assertEqual(export.state, "done")
        return openpyxl.load_workbook(io.BytesIO(export.attachment_id.raw))

    def test_xlsx_detail_rows(self):
        wizard = self.wizard(report="consumption", detail=True)
        action = wizard.action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        export = wizard.export_id
        self.assertFalse(export.background)
        sheet = self.workbook(export).active
        start, end = wizard._utc_bounds()
        count, total = self.sql(
            """SELECT count(*), -SUM(amount) FROM onecard_transaction
                                    WHERE company_id = %s AND kind IN %s AND
                                    business_time >= %s
                                      AND business_time < %s""",
            self.company.id,
            CONSUME,
            start,
            end,
        )[0]
        headers = [cell.value for cell in sheet[1]]
        self.assertEqual(
            headers[:4], ["Business Time", "Code", "Cardholder", "Department"]
        )
        self.assertEqual(headers[12], "Amount")
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.max_row, count + 2, "header + rows + totals")
        self.assertEqual(export.row_count, count)
        total_row = sheet.max_row
        self.assertEqual(sheet.cell(total_row, 1).value, "Total")
        self.assertTrue(
            str(sheet.cell(total_row, 13).value).startswith("=SUBTOTAL(9,M2:M")
        )
        cached = openpyxl.load_workbook(
            io.BytesIO(export.attachment_id.raw), data_only=True
        ).active
        self.assertAlmostEqual(cached.cell(total_row, 13).value, float(total), places=2)
        self.assertAlmostEqual(
            sum(sheet.cell(r, 13).value for r in range(2, total_row)),
            float(total),
            places=2,
        )
        # the last row is the oldest: 张三's breakfast, 07:30 Shanghai time
        row = [cell.value for cell in sheet[total_row - 1]]
        self.assertEqual(row[0].strftime("%Y-%m-%d %H:%M"), "2025-03-10 07:30")
        self.assertEqual(row[1:4], ["R001", "张三", "研发部"])
        self.assertEqual(row[6], "Official")
        self.assertEqual(row[7:11], ["R Meals", "R Breakfast", "R North", "R North 1"])
        self.assertEqual(row[11], "Subsidy")
        self.assertEqual(row[12], 5.0)
        self.assertIsNone(row[13])
        self.assertIn("#,##0.00", sheet.cell(total_row - 1, 13).number_format)
        self.assertIn(
            self.company.currency_id.symbol, sheet.cell(total_row - 1, 13).number_format
        )
        offline = [
            r
            for r in sheet.iter_rows(min_row=2, max_row=total_row - 1, values_only=True)
            if r[13] == "Yes"
        ]
        self.assertEqual(len(offline), 1)
        self.assertEqual(offline[0][2], "李四")

    def test_xlsx_grouped_summary(self):
        wizard = self.wizard(report="cardholder")
        wizard.action_export_xlsx()
        sheet = self.workbook(wizard.export_id).active
        self.assertEqual(
            [c.value for c in sheet[1]],
            [
                "Cardholder",
                "Department",
                "Swipes",
                "From Cash",
                "From Subsidy",
                "Amount",
            ],
        )
        lines = {
            r[0]: r
            for r in sheet.iter_rows(
                min_row=2, max_row=sheet.max_row - 1, values_only=True
            )
        }
        self.assertEqual(lines["张三"][1:], ("研发部", 3, 27.0, 50.0, 77.0))
        self.assertEqual(lines["王五"][2:], (1, 0.0, 0.0, 0.0))
        last = [c.value for c in sheet[sheet.max_row]]
        self.assertEqual(last[0], "Total")
        cached = openpyxl.load_workbook(
            io.BytesIO(wizard.export_id.attachment_id.raw), data_only=True
        ).active
        self.assertAlmostEqual(
            cached.cell(sheet.max_row, 6).value,
            self.sql_one(
                "SELECT -SUM(amount) FROM onecard_transaction WHERE company_id = "
                "%s AND kind IN %s AND business_time < %s",
                self.company.id,
                CONSUME,
                wizard._utc_bounds()[1],
            ),
            places=2,
        )

    def test_xlsx_empty_period(self):
        wizard = self.wizard(report="consumption", detail=True, day=D1.replace(month=2))
        wizard.action_export_xlsx()
        sheet = self.workbook(wizard.export_id).active
        self.assertEqual(sheet.max_row, 2)
        self.assertEqual(sheet.cell(2, 1).value, "Total")

    def test_background_export(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "onecard_reports.export_threshold", "3"
        )
        wizard = self.wizard(report="fund", detail=True)
        action = wizard.action_export_xlsx()
        export = wizard.export_id
        self.assertEqual(action["res_model"], "onecard.report.export")
        self.assertEqual((export.state, export.background), ("queued", True))
        cron = self.env.ref("onecard_reports.ir_cron_onecard_report_export")
        self.assertTrue(
            self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", cron.id)])
        )
        # the cron job's own steps, here in the test transaction: claim, then build
        Export = self.env["onecard.report.export"]
        Export._cron_run_exports()
        self.assertEqual((export.state, export.progress), ("running", 0.0))
        Export._cron_run_exports()
        self.assertEqual((export.state, export.progress), ("done", 100.0))
        count = export.row_count
        self.assertEqual(
            count,
            self.sql(
                "SELECT count(*) FROM onecard_transaction WHERE company_id = %s "
                "AND business_time >= %s AND business_time < %s",
                self.company.id,
                *wizard._utc_bounds(),
            )[0][0],
        )
        attachment = export.attachment_id
        self.assertEqual(attachment.res_model, "onecard.report.export")
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        self.assertEqual(sheet.max_row, count + 2)
        seen = []
        export.with_user(self.accountant)._execute(
            progress=lambda done, total: seen.append(done)
        )
        self.assertEqual(seen[-1], count)

    def test_background_export_never_commits(self):
        """The cron framework owns the transactions: the export model neither
        commits nor opens a cursor of its own (issue 15)."""
        self.env["ir.config_parameter"].sudo().set_param(
            "onecard_reports.export_threshold", "3"
        )
        wizard = self.wizard(report="fund", detail=True)
        wizard.action_export_xlsx()
        export = wizard.export_id

        def forbidden(*args, **kwargs):
            raise AssertionError("the export model must not commit or open a cursor")

        with (
            patch.object(Cursor, "commit", forbidden),
            patch.object(TestCursor, "commit", forbidden),
            patch.object(type(self.registry), "cursor", forbidden),
        ):
            Export = self.env["onecard.report.export"]
            for _step in range(3):
                Export._cron_run_exports()
        self.assertEqual(export.state, "done")
        self.assertTrue(export.attachment_id)

    def test_background_export_failure_recorded(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "onecard_reports.export_threshold", "3"
        )
        wizard = self.wizard(report="fund", detail=True)
        wizard.action_export_xlsx()
        export = wizard.export_id
        Wizard = type(self.env["onecard.report.wizard"])
        with (
            patch.object(Wizard, "_write_xlsx", side_effect=ValueError("boom")),
            self.assertLogs(
                "odoo.addons.onecard_reports.models.onecard_report_export", "ERROR"
            ),
        ):
            Export = self.env["onecard.report.export"]
            Export._cron_run_exports()
            Export._cron_run_exports()
        self.assertEqual((export.state, export.error), ("failed", "boom"))
        self.assertFalse(export.attachment_id)

    def test_pdf_summary_renders(self):
        wizard = self.wizard(report="fund")
        html, _format = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            ._render_qweb_html("onecard_reports.onecard_report_summary_pdf", wizard.ids)
        )
        self.assertIn("Fund In/Out Statement", html.decode())
        self.assertIn("240.00", html.decode())


@tagged("post_install", "-at_install")
class TestStatementPdf(HttpCase, ReportCase):
    """wkhtmltopdf fetches the report assets over HTTP: an HttpCase serves them with the
    test cursor."""

    def test_pdf_statement_in_chinese(self):
        if not shutil.which("pdftotext") or not shutil.which("wkhtmltopdf"):
            raise unittest.SkipTest("pdftotext / wkhtmltopdf not installed")
        wizard = self.wizard(
            report="statement",
            period="range",
            date_from=D1,
            date_to=D3,
            cardholder_ids=[self.zhang.id],
        )
        [statement] = self.statements(wizard)
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "onecard_reports.onecard_report_statement_pdf", wizard.ids
            )
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", handle.name, "-"],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
        self.assertIn("张三", text)
        self.assertIn("研发部", text)
        closing = f"{statement['closing']:,.2f}"
        self.assertEqual(closing, f"{200 + 50 - 5 - 60 - 20 - 12 - 8:,.2f}")
        self.assertIn(closing, text)
        self.assertIn("Closing balance", text)


@tagged("post_install", "-at_install")
class TestStreamWorksheet(BaseCase):
    """The fast row path writes what xlsxwriter would: text, numbers, formats,
    escaping."""

    def test_rows_round_trip(self):
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            workbook = xlsxwriter.Workbook(handle.name, {"constant_memory": True})
            sheet = workbook.add_worksheet("T", worksheet_class=StreamWorksheet)
            money = workbook.add_format({"num_format": "#,##0.00"})
            stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
            sheet.write_row(0, 0, ["When", "Who", "Amount"])
            serial = excel_serial(datetime(2025, 3, 10, 7, 30))
            rows = [
                (serial, "A & <B> \x01", 1.5),
                (None, "张三", -2.25),
                (serial, " 张三 ", None),
            ]
            after = sheet.write_rows(1, rows, ["n", "s", "n"], [stamp, None, money])
            self.assertEqual(after, 4)
            sheet.write(after, 0, "Total")
            with self.assertRaises(ValueError):
                sheet.write_rows(2, rows, ["n", "s", "n"], [None] * 3)
            workbook.close()
            sheet = openpyxl.load_workbook(handle.name).active
            values = [[c.value for c in row] for row in sheet.iter_rows()]
        self.assertEqual(values[1], [datetime(2025, 3, 10, 7, 30), "A & <B> ", 1.5])
        self.assertEqual(values[2], [None, "张三", -2.25])
        self.assertEqual(values[3][1], " 张三 ")
        self.assertEqual(values[4][0], "Total")
