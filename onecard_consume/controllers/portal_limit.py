"""The holder's own daily spending limit on /my/onecard (see
models/onecard_cardholder_limit.py): one form, refused with a message above the
category's limit."""

from odoo import http
from odoo.exceptions import UserError, ValidationError

from .portal import OnecardPortal


class OnecardPortalLimit(OnecardPortal):
    @http.route(
        "/my/onecard/<int:holder_id>/limit",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def onecard_daily_limit(self, holder_id, daily_limit=None, **kw):
        holder = self._onecard_holder(holder_id)
        try:
            # a text that is no number casts to None: refused by the model
            holder._portal_set_daily_limit(self._cast_as_float(daily_limit or "0"))
        except (UserError, ValidationError) as error:
            return self._onecard_redirect(holder, error=error.args[0])
        return self._onecard_redirect(holder, message="limit")
