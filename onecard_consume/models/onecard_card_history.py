from odoo import fields, models

from .onecard_card import CARD_STATES


class OnecardCardHistory(models.Model):
    _name = "onecard.card.history"
    _description = "Card State History"
    _order = "id desc"

    card_id = fields.Many2one(
        "onecard.card", required=True, ondelete="cascade", index=True
    )
    old_state = fields.Selection(CARD_STATES)
    new_state = fields.Selection(CARD_STATES, required=True)
    reason = fields.Char()
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, required=True
    )
    date = fields.Datetime(default=fields.Datetime.now, required=True)
