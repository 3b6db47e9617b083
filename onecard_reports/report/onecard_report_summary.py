from odoo import api, models


class OnecardReportSummary(models.AbstractModel):
    """The grouped table of any report family, printed from the report wizard.

    The personal statement inherits it: both print wizards, only what is
    computed per wizard differs (``_wizard_values``).
    """

    _name = "report.onecard_reports.report_summary"
    _description = "Card Report Summary"

    @api.model
    def _get_report_values(self, docids, data=None):
        wizards = self.env["onecard.report.wizard"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "onecard.report.wizard",
            "docs": wizards,
            **self._wizard_values(wizards),
        }

    @api.model
    def _wizard_values(self, wizards):
        return {"tables": {wizard.id: wizard._group_table() for wizard in wizards}}
