from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _load(self, template_code, company, install_demo):
        """A company that gets a chart of accounts gets its card accounts too."""
        result = super()._load(template_code, company, install_demo)
        company._onecard_ensure_accounting()
        return result
