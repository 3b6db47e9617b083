from odoo import models
from odoo.exceptions import UserError

from .onecard_card import LIVE_STATES


class OnecardCardholder(models.Model):
    """The account's state operations: the only way its state changes.

    write() refuses ``state`` from users; these methods check the user's right to
    act on the account (operators), the transition and, to close, that no money and
    no live card are left, then write through sudo.
    """

    _inherit = "onecard.cardholder"  # pylint: disable=consider-merging-classes-inherited

    def freeze_account(self):
        """Online swipes of every card of the account are refused until it is unfrozen.
        With onecard_devices, the account's active cards also go on the versioned
        blacklist (off the whitelist, off ZKTeco devices) until it is unfrozen."""
        self._set_account_state("frozen", ("active",))
        return True

    def unfreeze_account(self):
        self._set_account_state("active", ("frozen",))
        return True

    def close_account(self):
        """Close an account that holds nothing: its cards returned (a return pays
        out the balance and the deposit), every wallet at zero."""
        for holder in self:
            if holder.card_ids.filtered(lambda c: c.state in LIVE_STATES):
                raise UserError(
                    self.env._(
                        "%s still has live cards: return them first (a return pays "
                        "out the balance and the deposit).",
                        holder.name,
                    )
                )
            currency = holder.currency_id
            if any(
                not currency.is_zero(wallet.balance) for wallet in holder.wallet_ids
            ):
                raise UserError(
                    self.env._(
                        "The account of %s still holds money: pay it out first.",
                        holder.name,
                    )
                )
        self._set_account_state("closed", ("active", "frozen"))
        return True

    def _set_account_state(self, state, allowed_from):
        self.check_access("write")
        labels = dict(self._fields["state"]._description_selection(self.env))
        for holder in self:
            if holder.state not in allowed_from:
                raise UserError(
                    self.env._(
                        "The account of %(name)s is %(state)s: this operation is "
                        "not possible.",
                        name=holder.name,
                        state=labels[holder.state],
                    )
                )
        self.sudo().write({"state": state})
