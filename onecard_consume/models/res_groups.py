from odoo import api, models


class ResGroups(models.Model):
    _inherit = "res.groups"

    @api.model
    def get_groups_by_application(self):
        """One-Card roles as one selection on the user form: none, operator,
        accountant or manager.

        Odoo shows an application's groups as a selection only when each implies
        the one before; otherwise they become checkboxes visible in debug mode
        alone. The card office's operator and accountant are separate roles (an
        accountant must not issue cards) that the manager holds both, as Odoo's
        own Accounting groups are, and Odoo makes the same exception for those.
        """
        category = self.env.ref(
            "onecard_consume.module_category_onecard", raise_if_not_found=False
        )
        result = []
        for app, kind, groups, section in super().get_groups_by_application():
            if category and app == category and kind == "boolean":
                order = {
                    group: len(group.trans_implied_ids & groups) for group in groups
                }
                kind = "selection"
                groups = groups.sorted(key=lambda group: (order[group], group.id))
                section = (app.parent_id.sequence, app.parent_id.name)
            result.append((app, kind, groups, section))
        return result
