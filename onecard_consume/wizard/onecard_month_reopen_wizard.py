from odoo import fields, models


class OnecardMonthReopenWizard(models.TransientModel):
    """Reopen a closed month: card managers only, with the reason logged."""

    _name = "onecard.month.reopen.wizard"
    _description = "Reopen a Card Month"

    close_id = fields.Many2one("onecard.month.close", required=True, readonly=True)
    reason = fields.Text(required=True)

    def action_reopen(self):
        self.ensure_one()
        self.close_id.action_reopen(self.reason)
        return {"type": "ir.actions.act_window_close"}
