from odoo import fields, models


# pylint: disable=consider-merging-classes-inherited
class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    onecard_receivable_account_id = fields.Many2one(
        related="company_id.onecard_receivable_account_id", readonly=False
    )
    onecard_payroll_account_id = fields.Many2one(
        related="company_id.onecard_payroll_account_id", readonly=False
    )
