"""A printed report is named after the report and its period, not "Card Report"
(issue 17, item 8)."""

from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval, time


@tagged("post_install", "-at_install")
class TestPdfNames(TransactionCase):
    def test_pdf_file_names(self):
        Wizard = self.env["onecard.report.wizard"]
        for xmlid, report in (
            ("onecard_reports.onecard_report_summary_pdf", "consumption"),
            ("onecard_reports.onecard_report_statement_pdf", "statement"),
        ):
            wizard = Wizard.create(
                {"report": report, "date_from": "2025-03-01", "date_to": "2025-03-31"}
            )
            action = self.env.ref(xmlid)
            name = safe_eval(action.print_report_name, {"object": wizard, "time": time})
            label = dict(Wizard._fields["report"]._description_selection(self.env))
            self.assertEqual(name, f"{label[report]} 2025-03-01 ~ 2025-03-31")
            self.assertNotIn("Card Report", name)
