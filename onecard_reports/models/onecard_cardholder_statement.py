from datetime import date

from odoo import models


class OnecardCardholder(models.Model):
    """The portal's monthly statement (/my/onecard): the personal statement of
    the report wizard, for one holder and one month."""

    _inherit = "onecard.cardholder"

    def _portal_has_statements(self):
        return True

    def _portal_statement_pdf(self, year, month):
        holder = self._portal_check()  # raises unless the user may see the account
        wizard = (
            self.env["onecard.report.wizard"]
            .sudo()
            .create(
                {
                    "report": "statement",
                    "period": "month",
                    "day": date(year, month, 1),
                    "company_id": holder.company_id.id,
                    "cardholder_ids": [holder.id],
                }
            )
        )
        # force_report_rendering: a PDF under test mode too (Odoo renders HTML
        # there otherwise); outside tests it changes nothing.
        pdf, _kind = (
            self.env["ir.actions.report"]
            .sudo()
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "onecard_reports.onecard_report_statement_pdf", wizard.ids
            )
        )
        return pdf, f"{holder.code}-{year:04d}-{month:02d}.pdf"
