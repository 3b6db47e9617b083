from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    """The approval settings of res_company_approval.py."""

    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    onecard_approval = fields.Boolean(
        related="company_id.onecard_approval", readonly=False
    )
    onecard_approval_threshold = fields.Monetary(
        related="company_id.onecard_approval_threshold", readonly=False
    )
