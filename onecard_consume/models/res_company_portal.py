from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # Online top-ups (portal): the bounds of one payment, in the company currency.
    onecard_topup_min = fields.Monetary(
        string="Online Top-up Minimum", currency_field="currency_id", default=10.0
    )
    onecard_topup_max = fields.Monetary(
        string="Online Top-up Maximum", currency_field="currency_id", default=2000.0
    )
