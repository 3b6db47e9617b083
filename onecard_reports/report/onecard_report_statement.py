from odoo import api, models


class OnecardReportStatement(models.AbstractModel):
    """Personal statement (个人对帐单): printed from the report wizard."""

    _name = "report.onecard_reports.report_statement"
    _description = "Personal Statement"

    @api.model
    def _get_report_values(self, docids, data=None):
        wizards = self.env["onecard.report.wizard"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "onecard.report.wizard",
            "docs": wizards,
            "statements": {wizard.id: wizard._statement_data() for wizard in wizards},
        }
