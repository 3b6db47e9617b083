from odoo import api, fields, models


class OnecardSettleWizard(models.TransientModel):
    """Ask which company, period and date to settle, then settle it."""

    _name = "onecard.settle.wizard"
    _description = "Settle Card Money"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    period = fields.Selection(
        [("day", "Day"), ("month", "Month")], required=True, default="day"
    )
    date = fields.Date(
        required=True,
        default=lambda self: self._default_date(),
        help="The day to settle, or any day of the month to settle.",
    )

    @api.model
    def _default_date(self):
        return self.env["onecard.settlement"]._company_yesterday(self.env.company)

    def action_settle(self):
        self.ensure_one()
        settlement = self.env["onecard.settlement"].settle(
            self.company_id, self.period, self.date
        )
        return settlement._action_open()
