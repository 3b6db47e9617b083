from odoo import models

from odoo.addons.onecard_consume.models.onecard_card import LIVE_STATES


class OnecardCardholder(models.Model):
    """Freezing or unfreezing an account moves its live cards on the terminals'
    card lists (onecard.list.entry): offline terminals and ZKTeco devices cannot
    ask for the account's state, they only know the lists. ZKTeco devices follow
    the new list version at their next poll (DATA DELETE / UPDATE USERINFO)."""

    _inherit = "onecard.cardholder"

    def write(self, vals):
        if "state" not in vals:
            return super().write(vals)
        entries = self.env["onecard.list.entry"]
        cards = self.sudo().card_ids.filtered(lambda c: c.state in LIVE_STATES)
        before = {card.id: entries._card_lists(card) for card in cards}
        result = super().write(vals)
        entries._record(
            [(card, before[card.id], entries._card_lists(card)) for card in cards]
        )
        return result
