"""A card settlement's journal entry is undone only by reversing the settlement.

The settlement and its entry are one thing to an accountant: the ledger rows it
covers are marked settled, and the reconciliation counts its lines. An entry reset
to draft, cancelled or deleted behind the settlement's back would leave a
"posted" settlement with no books under it. The card journal also locks posted
entries with Odoo's hash (``restrict_mode_hash_table``), which refuses a reset to
draft and edits of the hashed fields; this guard holds even where somebody turned
the journal's lock off, and it covers deletion and cancellation too.
"""

from odoo import api, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    def write(self, vals):
        # button_draft and button_cancel end here too; so does a direct RPC write.
        if vals.get("state") in ("draft", "cancel"):
            self._onecard_refuse(self.env._("Cannot reset to draft or cancel"))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_onecard_settlement(self):
        self._onecard_refuse(self.env._("Cannot delete"))

    def _onecard_settlements(self):
        """Settlements whose entry or reversal entry is among these moves."""
        if not self.ids:
            return self.env["onecard.settlement"]
        return (
            self.env["onecard.settlement"]
            .sudo()
            .search(
                [
                    "|",
                    ("move_id", "in", self.ids),
                    ("reversal_move_id", "in", self.ids),
                ]
            )
        )

    def _onecard_refuse(self, action):
        settlements = self._onecard_settlements()
        if settlements:
            entries = (settlements.move_id | settlements.reversal_move_id) & self
            raise UserError(
                self.env._(
                    "%(action)s: %(entries)s belong to the card settlement "
                    "%(settlements)s. Reverse the settlement instead (Settlement "
                    "center).",
                    action=action,
                    entries=", ".join(entries.mapped("display_name")),
                    settlements=", ".join(settlements.mapped("name")),
                )
            )
