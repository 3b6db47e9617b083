from odoo import api, fields, models
from odoo.exceptions import ValidationError


class OnecardCanteen(models.Model):
    _name = "onecard.canteen"
    _inherit = ["onecard.config.cache"]
    # the engine books swipes with the analytic account and the party owed them
    _onecard_cache_fields = (
        "analytic_account_id",
        "company_id",
        "posting",
        "partner_id",
    )
    _description = "Canteen"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Analytic Account",
        help="Carried by the canteen's revenue lines at settlement.",
    )
    posting = fields.Selection(
        [("revenue", "Own revenue"), ("payable", "Payable to the operator")],
        default="revenue",
        required=True,
        help="Outsourced canteens are owed what they sold instead of it being our "
        "revenue.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Canteen Operator",
        help="The caterer, when posting to a payable.",
    )
    terminal_ids = fields.One2many("onecard.terminal", "canteen_id", string="Terminals")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The canteen code must be unique per company.",
        )
    ]

    @api.constrains("posting", "partner_id")
    def _check_operator(self):
        # A sale is booked with the party owed it: an outsourced canteen without its
        # caterer would book sales owed to nobody.
        for canteen in self:
            if canteen.posting == "payable" and not canteen.partner_id:
                raise ValidationError(
                    self.env._(
                        "Canteen %s posts to a payable: set its operator.", canteen.name
                    )
                )
