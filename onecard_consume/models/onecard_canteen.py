from odoo import fields, models


class OnecardCanteen(models.Model):
    _name = "onecard.canteen"
    _inherit = ["onecard.config.cache"]
    _onecard_cache_fields = ("analytic_account_id", "company_id")  # the engine books swipes with the analytic
    _description = "Canteen"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    analytic_account_id = fields.Many2one(
        "account.analytic.account", string="Analytic Account",
        help="Carried by the canteen's revenue lines at settlement.")
    posting = fields.Selection(
        [("revenue", "Own revenue"), ("payable", "Payable to the operator")],
        default="revenue", required=True,
        help="Outsourced canteens are owed what they sold instead of it being our revenue.")
    partner_id = fields.Many2one("res.partner", string="Canteen Operator", help="The caterer, when posting to a payable.")
    terminal_ids = fields.One2many("onecard.terminal", "canteen_id", string="Terminals")
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_company_uniq", "unique(code, company_id)", "The canteen code must be unique per company.")]
