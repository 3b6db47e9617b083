from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    onecard_approval = fields.Boolean(
        related="company_id.onecard_approval", readonly=False
    )
    onecard_approval_threshold = fields.Monetary(
        related="company_id.onecard_approval_threshold", readonly=False
    )
