from odoo import fields, models


class OnecardTerminal(models.Model):
    """A terminal's card lists as they stand, and what it has not loaded yet.

    The terminal reports the list version it holds (``list_version``, at every
    heartbeat); a card whose latest list change is newer is not on the terminal
    yet: a lost card it would still accept, an offline terminal that would still
    refuse a new card.
    """

    _inherit = "onecard.terminal"

    list_pending_count = fields.Integer(
        string="Cards Not Loaded",
        compute="_compute_list_pending_count",
        help="Cards on the black or white list whose change this terminal has not "
        "loaded yet.",
    )

    def _compute_list_pending_count(self):
        Current = self.env["onecard.list.current"]
        for terminal in self:
            terminal.list_pending_count = Current.search_count(
                terminal._list_domain() + [("version", ">", terminal.list_version)]
            )

    def _list_domain(self):
        return [("company_id", "=", self.company_id.id)]

    def action_view_card_lists(self):
        """The black and white lists of the terminal's company, with the "not loaded"
        filter on when the terminal is behind."""
        self.ensure_one()
        context = {
            "onecard_list_version": self.list_version,
            "search_default_group_list_type": 1,
        }
        if self.list_pending_count:
            context["search_default_not_loaded"] = 1
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Card Lists: %(terminal)s", terminal=self.name),
            "res_model": "onecard.list.current",
            "view_mode": "list",
            "views": [(False, "list")],
            "domain": self._list_domain(),
            "context": context,
        }
