from odoo import fields, models


class OnecardDesk(models.TransientModel):
    _inherit = "onecard.desk"  # pylint: disable=consider-merging-classes-inherited

    debt = fields.Monetary(related="cardholder_id.debt", string="Debt")
