from odoo import fields, models


class OnecardDesk(models.TransientModel):  # pylint: disable=consider-merging-classes-inherited
    _inherit = "onecard.desk"

    debt = fields.Monetary(related="cardholder_id.debt", string="Debt")
