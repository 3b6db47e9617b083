from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    onecard_list_version = fields.Integer(
        string="Card List Version",
        readonly=True,
        default=0,
        help="Bumped at every card state change; terminals fetch the black/white list "
        "delta since their version.",
    )
