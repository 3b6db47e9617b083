from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    onecard_topup_min = fields.Monetary(
        related="company_id.onecard_topup_min", readonly=False
    )
    onecard_topup_max = fields.Monetary(
        related="company_id.onecard_topup_max", readonly=False
    )
