from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    onecard_spend_order = fields.Selection(related="company_id.onecard_spend_order", readonly=False)
    onecard_auto_cardholder = fields.Boolean(related="company_id.onecard_auto_cardholder", readonly=False)
