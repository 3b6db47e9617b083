from odoo import fields, models


class OnecardPaymentMethod(models.Model):
    """How money came in or went out at the desk: mapped to a journal per company."""

    _name = "onecard.payment.method"
    _description = "Card Payment Method"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    journal_id = fields.Many2one(
        "account.journal", company_dependent=True, domain=[("type", "in", ("cash", "bank"))],
        help="Journal whose account receives top-ups and pays refunds in this company.")
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_uniq", "unique(code)", "The payment method code must be unique.")]
