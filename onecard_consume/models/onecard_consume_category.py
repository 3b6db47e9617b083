from odoo import fields, models


class OnecardConsumeCategory(models.Model):
    """What was sold (meals, drinks, shop goods): the reports' split."""

    _name = "onecard.consume.category"
    _description = "Consumption Category"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The consumption category code must be unique.")
    ]
