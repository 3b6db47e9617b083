from odoo import fields, models


class HrDepartment(models.Model):
    _inherit = "hr.department"

    onecard_analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Subsidy Analytic Account",
        help="Carried by this department's subsidy expense at settlement.",
    )
