import io

import openpyxl
from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import D1, ReportCase


@tagged("post_install", "-at_install")
class TestReportPaths(ReportCase):
    """Every path of a report (screen, XLSX, PDF, the menu's list) shows the same rows,
    and every cell of the grouped table says what it is."""

    def settle_reverse_resettle(self):
        Settlement = self.env["onecard.settlement"].with_user(self.accountant)
        first = Settlement.settle(self.company, "day", D1)
        first.action_reverse()
        again = Settlement.settle(self.company, "day", D1)
        self.assertEqual((first.state, again.state), ("reversed", "posted"))
        self.assertEqual(first.transaction_count, again.transaction_count)
        return again

    def test_reversed_and_resettled_day_counted_once(self):
        settlement = self.settle_reverse_resettle()
        once = settlement.transaction_count
        wizard = self.wizard(report="settlement", period="day")
        Report = self.env["onecard.report.settlement"].with_user(self.accountant)

        # the screen the wizard opens (Show)
        action = wizard.action_open()
        [(shown,)] = Report._read_group(action["domain"], [], ["count:sum"])
        self.assertEqual(shown, once, "Show counts the reversed settlement too")

        # the menu's list, with its default filter
        menu = self.env["ir.actions.act_window"]._for_xml_id(
            "onecard_reports.onecard_report_settlement_action"
        )
        self.assertEqual(safe_eval(menu["context"])["search_default_posted"], 1)
        arch = etree.fromstring(
            Report.get_views([(False, "search")])["views"]["search"]["arch"]
        )
        [posted] = arch.xpath("//filter[@name='posted']")
        menu_domain = safe_eval(posted.get("domain")) + [
            ("company_id", "=", self.company.id),
            ("date_from", "=", D1),
        ]
        [(listed,)] = Report._read_group(menu_domain, [], ["count:sum"])
        self.assertEqual(listed, once)

        # the grouped table behind the PDF and the XLSX
        table = wizard._group_table()
        self.assertEqual(table["totals"][0], once)
        self.assertEqual(sum(line["values"][0] for line in table["lines"]), once)

        # the XLSX: its totals row
        wizard.action_export_xlsx()
        sheet = openpyxl.load_workbook(
            io.BytesIO(wizard.export_id.attachment_id.raw), data_only=True
        ).active
        self.assertEqual(sheet.cell(sheet.max_row, 1).value, "Total")
        self.assertEqual(sheet.cell(sheet.max_row, 5).value, once)
        self.assertEqual(sheet.max_row, len(table["lines"]) + 2)

        # the PDF (its HTML): the lines of the posted settlement alone
        groups = Report._read_group(
            [("settlement_id", "=", settlement.id)],
            ["kind", "wallet_kind", "payment_method_id"],
        )
        html, _format = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            ._render_qweb_html("onecard_reports.onecard_report_summary_pdf", wizard.ids)
        )
        self.assertEqual(
            html.decode().count(f"<td>{settlement.name}</td>"),
            len(groups),
        )

    def test_empty_group_named_after_its_column(self):
        self.settle_reverse_resettle()
        for report in ("fund", "settlement", "topup"):
            table = self.wizard(report=report)._group_table()
            cells = [cell for line in table["lines"] for cell in line["groups"]]
            self.assertNotIn("None", cells, report)
            self.assertIn("No Payment Method", cells, report)
        html, _format = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            ._render_qweb_html(
                "onecard_reports.onecard_report_summary_pdf",
                self.wizard(report="fund").ids,
            )
        )
        self.assertNotIn("<td>None</td>", html.decode())
        self.assertIn("<td>No Payment Method</td>", html.decode())
