from odoo import api, models


class OnecardCard(models.Model):
    """Every card state change feeds the terminals' black/white lists."""

    _inherit = "onecard.card"

    @api.model_create_multi
    def create(self, vals_list):
        cards = super().create(vals_list)
        entries = self.env["onecard.list.entry"]
        entries._record([(card, set(), entries._card_lists(card)) for card in cards])
        return cards

    def write(self, vals):
        if "state" not in vals and "kind" not in vals:
            return super().write(vals)
        entries = self.env["onecard.list.entry"]
        before = {card.id: entries._card_lists(card) for card in self}
        result = super().write(vals)
        entries._record(
            [(card, before[card.id], entries._card_lists(card)) for card in self]
        )
        return result
