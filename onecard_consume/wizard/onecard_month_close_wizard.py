from odoo import fields, models


class OnecardMonthCloseWizard(models.TransientModel):
    """Close a month: its month settlement must be posted."""

    _name = "onecard.month.close.wizard"
    _description = "Close a Card Month"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    day = fields.Date(
        string="Month",
        required=True,
        help="Any day of the month to close.",
    )

    def action_close(self):
        self.ensure_one()
        close = self.env["onecard.month.close"].close_month(self.company_id, self.day)
        return {
            "type": "ir.actions.act_window",
            "res_model": close._name,
            "res_id": close.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
