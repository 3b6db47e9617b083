from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    onecard_receivable_account_id = fields.Many2one(
        related="company_id.onecard_receivable_account_id", readonly=False
    )
    onecard_payroll_account_id = fields.Many2one(
        related="company_id.onecard_payroll_account_id", readonly=False
    )
