from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class OnecardCardholder(models.Model):
    """The holder's own daily spending limit, set on the portal (/my/onecard).

    It can only tighten the category's daily limit: the engine checks both
    (``swipe_rules._own_limit_code``) and a swipe above this one is declined as
    ``own_daily_limit``. Empty (0) means the category's limit alone applies.
    """

    _inherit = "onecard.cardholder"  # pylint: disable=consider-merging-classes-inherited

    own_daily_limit = fields.Monetary(
        help="The most the holder allows themselves to spend per day, never above "
        "the category's daily limit (0: the category's). Set by the holder on the "
        "portal.",
    )
    # what the portal shows as the ceiling (related: read as superuser, the
    # portal user has no access to categories)
    category_daily_limit = fields.Monetary(related="category_id.daily_limit")

    def _own_limit_error(self, limit):
        """The translated reason ``limit`` cannot be this holder's own daily
        limit, or None when it can."""
        self.ensure_one()
        category_limit = self.category_id.daily_limit
        currency = self.currency_id
        if not isinstance(limit, int | float) or limit != limit or limit < 0:
            return self.env._("The daily limit is an amount of 0 or more.")
        if (
            limit
            and category_limit
            and currency.compare_amounts(limit, category_limit) > 0
        ):
            return self.env._(
                "Your daily limit cannot be above the limit of your category "
                "(%(limit)s).",
                limit=category_limit,
            )
        return None

    @api.constrains("own_daily_limit")
    def _check_own_daily_limit(self):
        for holder in self:
            error = holder._own_limit_error(holder.own_daily_limit)
            if error:
                raise ValidationError(error)

    def _portal_set_daily_limit(self, limit):
        """Set the holder's own daily limit (0: the category's); refused with a
        clear message, and nothing written, above the category's."""
        holder = self._portal_check()
        error = holder._own_limit_error(limit)
        if error:
            raise UserError(error)
        holder.own_daily_limit = holder.currency_id.round(limit)
        return True
