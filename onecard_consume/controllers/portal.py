"""The cardholder's self-service portal: /my/onecard.

Every page browses the account as the logged-in user, so the record rules
(security/onecard_portal_security.xml) decide what exists for them; an account
that is not theirs answers like one that does not exist (redirect to /my).
Money moves only through the engine (report lost: the desk's path; top-up:
payment.transaction, booked when it is done).
"""

from datetime import date, datetime, time

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.payment import utils as payment_utils
from odoo.addons.payment.controllers.portal import PaymentPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

ROWS_PER_PAGE = 20
ROW_KINDS = ("topup", "consume", "refund", "subsidy_grant", "correction")


class OnecardPortal(PaymentPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "onecard_count" in counters:
            values["onecard_count"] = len(self._onecard_holders())
        return values

    @staticmethod
    def _onecard_holders(holder_id=None):
        """The user's own accounts and dependants' that the user may read. The
        record rules say the same for portal users (the fields are internal, so
        the search runs as superuser, the access check as the user); for
        internal users (a card operator looking at /my) it keeps the page
        theirs too."""
        partner = request.env.user.partner_id
        domain = [
            "|",
            ("partner_id", "=", partner.id),
            ("guardian_ids", "in", partner.ids),
        ]
        if holder_id is not None:
            domain.append(("id", "=", holder_id))
        Holder = request.env["onecard.cardholder"]
        found = Holder.sudo().search(domain, limit=100)
        return Holder.browse(found.ids)._filtered_access("read")

    # ------------------------------------------------------------ helpers
    def _onecard_holder(self, holder_id):
        try:
            holder = self._onecard_holders(holder_id)
            holder._portal_check()
        except (AccessError, MissingError, ValueError):
            raise NotFound() from None
        return holder

    def _onecard_redirect(self, holder, message=None, error=None, anchor=""):
        """Back to the account page, with what happened kept in the session (not
        in the URL: a link must not be able to show a text of its own)."""
        request.session["onecard_portal_notice"] = {"message": message, "error": error}
        return request.redirect(f"/my/onecard/{holder.id}{anchor}")

    @staticmethod
    def _onecard_date(value):
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None

    # -------------------------------------------------------------- pages
    @http.route(
        "/my/onecard", type="http", auth="user", website=True, readonly=True
    )  # the list of accounts only reads: on the replica (docs/scaling.md)
    def onecard_home(self, **kw):
        holders = self._onecard_holders()
        if len(holders) == 1:
            return request.redirect(f"/my/onecard/{holders.id}")
        values = self._prepare_portal_layout_values()
        values.update(holders=holders, page_name="onecard")
        return request.render("onecard_consume.portal_my_onecard_list", values)

    @http.route(
        ["/my/onecard/<int:holder_id>", "/my/onecard/<int:holder_id>/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def onecard_account(
        self, holder_id, page=1, kind=None, date_from=None, date_to=None, **kw
    ):
        holder = self._onecard_holder(holder_id)
        domain = [("cardholder_id", "=", holder.id)]
        if kind in ROW_KINDS:
            domain.append(("kind", "=", kind))
        start, end = self._onecard_date(date_from), self._onecard_date(date_to)
        if start:
            domain.append(("business_time", ">=", datetime.combine(start, time.min)))
        if end:
            domain.append(("business_time", "<=", datetime.combine(end, time.max)))
        Row = request.env["onecard.transaction"]
        url_args = {
            k: v
            for k, v in (("kind", kind), ("date_from", start), ("date_to", end))
            if v
        }
        pager = portal_pager(
            url=f"/my/onecard/{holder.id}",
            url_args=url_args,
            total=Row.search_count(domain),
            page=page,
            step=ROWS_PER_PAGE,
        )
        rows = Row.search(domain, limit=ROWS_PER_PAGE, offset=pager["offset"])
        wallets = {w.kind: w for w in holder.wallet_ids}
        subsidy_expiry = holder._portal_subsidy_expiry()
        txs = request.env["payment.transaction"].search(
            [("onecard_cardholder_id", "=", holder.id)], limit=10, order="id desc"
        )
        today = fields.Date.context_today(holder)
        values = self._prepare_portal_layout_values()
        values.update(
            holder=holder,
            wallets=wallets,
            subsidy_expiry=subsidy_expiry,
            rows=rows,
            pager=pager,
            kind=kind,
            kinds=[
                (k, label)
                for k, label in Row._fields["kind"]._description_selection(request.env)
                if k in ROW_KINDS
            ],
            date_from=start,
            date_to=end,
            payment_txs=txs,
            tokens=holder._portal_tokens(),
            statement_months=[
                date(
                    today.year - (today.month - i <= 0),
                    (today.month - i - 1) % 12 + 1,
                    1,
                )
                for i in range(6)
            ],
            statements=holder._portal_has_statements(),
            page_name="onecard",
            **(request.session.pop("onecard_portal_notice", None) or {}),
        )
        return request.render("onecard_consume.portal_my_onecard", values)

    @http.route(
        "/my/onecard/<int:holder_id>/card/<int:card_id>/lost",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def onecard_report_lost(self, holder_id, card_id, **kw):
        holder = self._onecard_holder(holder_id)
        try:
            holder._portal_report_lost(card_id)
        except AccessError:
            raise NotFound() from None
        except UserError as error:
            return self._onecard_redirect(holder, error=error.args[0])
        return self._onecard_redirect(holder, message="lost")

    @http.route(
        "/my/onecard/<int:holder_id>/pin",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def onecard_change_pin(self, holder_id, old_pin=None, new_pin=None, **kw):
        holder = self._onecard_holder(holder_id)
        try:
            if new_pin != kw.get("confirm_pin"):
                raise UserError(request.env._("The two new PINs differ."))
            done = holder._portal_change_pin(old_pin, new_pin)
        except (UserError, ValidationError) as error:
            return self._onecard_redirect(holder, error=error.args[0])
        if not done:
            return self._onecard_redirect(
                holder, error=request.env._("The current PIN is wrong.")
            )
        return self._onecard_redirect(holder, message="pin")

    @http.route(
        "/my/onecard/<int:holder_id>/alert",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def onecard_alert(
        self, holder_id, threshold=None, auto_amount=None, token_id=None, **kw
    ):
        holder = self._onecard_holder(holder_id)
        try:
            holder._portal_set_alert(self._cast_as_float(threshold or "0"))
            holder._portal_set_auto_topup(
                self._cast_as_float(auto_amount or "0"), self._cast_as_int(token_id)
            )
        except UserError as error:
            return self._onecard_redirect(holder, error=error.args[0])
        return self._onecard_redirect(holder, message="alert")

    @http.route(
        "/my/onecard/<int:holder_id>/statement/<int:year>/<int:month>",
        type="http",
        auth="user",
        website=True,
    )
    def onecard_statement(self, holder_id, year, month, **kw):
        holder = self._onecard_holder(holder_id)
        if not (1 <= month <= 12 and 2000 <= year <= 2100):
            raise NotFound()
        result = holder._portal_statement_pdf(year, month)
        if not result:
            raise NotFound()
        pdf, name = result
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                ("Content-Disposition", f'inline; filename="{name}"'),
            ],
        )

    # ------------------------------------------------------------- top-up
    @http.route(
        "/my/onecard/<int:holder_id>/topup", type="http", auth="user", website=True
    )
    def onecard_topup(self, holder_id, amount=None, **kw):
        holder = self._onecard_holder(holder_id)
        try:
            amount = holder._portal_check_topup_amount(self._cast_as_float(amount))
            holder._portal_topup_card()
        except UserError as error:
            return self._onecard_redirect(holder, error=error.args[0], anchor="#topup")
        partner = request.env.user.partner_id
        company = holder.company_id
        currency = company.currency_id
        providers = (
            request.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                company.id, partner.id, amount, currency_id=currency.id
            )
        )
        methods = (
            request.env["payment.method"]
            .sudo()
            ._get_compatible_payment_methods(
                providers.ids, partner.id, currency_id=currency.id
            )
        )
        tokens = (
            request.env["payment.token"]
            .sudo()
            ._get_available_tokens(providers.ids, partner.id)
        )
        values = self._prepare_portal_layout_values()
        values.update(
            holder=holder,
            page_name="onecard",
            res_company=company,
            reference_prefix=f"OC-{holder.code}",
            amount=amount,
            currency=currency,
            partner_id=partner.id,
            providers_sudo=providers,
            payment_methods_sudo=methods,
            tokens_sudo=tokens,
            show_tokenize_input_mapping=self._compute_show_tokenize_input_mapping(
                providers
            ),
            transaction_route=f"/my/onecard/{holder.id}/topup/transaction",
            landing_route=f"/my/onecard/{holder.id}",
            access_token=payment_utils.generate_access_token(
                partner.id, amount, currency.id
            ),
        )
        return request.render("onecard_consume.portal_my_onecard_topup", values)

    @http.route(
        "/my/onecard/<int:holder_id>/topup/transaction", type="json", auth="user"
    )
    def onecard_topup_transaction(self, holder_id, amount, access_token, **kwargs):
        """The payment form's transaction route: the card's currency, the user's
        partner, the amount the access token was made for."""
        holder = self._onecard_holder(holder_id)
        amount = holder._portal_check_topup_amount(float(amount or 0))
        partner = request.env.user.partner_id
        currency = holder.company_id.currency_id
        if not payment_utils.check_access_token(
            access_token, partner.id, amount, currency.id
        ):
            raise ValidationError(request.env._("The access token is invalid."))
        holder._portal_topup_card()
        self._validate_transaction_kwargs(kwargs)
        kwargs.pop("landing_route", None)
        tx_sudo = self._create_transaction(
            amount=amount,
            currency_id=currency.id,
            partner_id=partner.id,
            landing_route=f"/my/onecard/{holder.id}",
            reference_prefix=f"OC-{holder.code}",
            custom_create_values={"onecard_cardholder_id": holder.id},
            **kwargs,
        )
        return tx_sudo._get_processing_values()
