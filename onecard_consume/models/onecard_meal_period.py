from odoo import api, fields, models
from odoo.exceptions import ValidationError


class OnecardMealPeriod(models.Model):
    _name = "onecard.meal.period"
    _inherit = ["onecard.config.cache"]
    _description = "Meal Period"
    _order = "sequence, start_hour"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    start_hour = fields.Float(
        required=True, help="Opening time, hours of the day (e.g. 11.5 = 11:30)."
    )
    end_hour = fields.Float(required=True, help="Closing time, hours of the day.")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The meal period code must be unique per company.",
        ),
    ]

    @api.constrains("start_hour", "end_hour")
    def _check_hours(self):
        for period in self:
            if not 0 <= period.start_hour < period.end_hour <= 24:
                raise ValidationError(
                    self.env._(
                        "A meal period must start before it ends, within the day."
                    )
                )

    def _find(self, local_dt, company):
        """Meal period open at a local datetime (terminal clock), or empty.

        The same lookup the consumption engine uses (cached per company), so
        totals and swipes can never disagree on the meal.
        """
        return self.browse(
            self.env["onecard.consumption"]._find_period(company.id, local_dt)
        )
