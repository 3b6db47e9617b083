from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    onecard_spend_order = fields.Selection(
        [("subsidy_first", "Subsidy first, then cash"), ("cash_first", "Cash first, then subsidy")],
        string="Card Spend Order", default="subsidy_first", required=True)
    onecard_auto_cardholder = fields.Boolean(
        string="Cardholder per Employee", default=True,
        help="Create a cardholder automatically for every new or imported employee.")
