"""Message handlers of the terminal protocol, shared by every transport.

The HTTP controller (``controllers/terminal_api.py``) and the binary gateway
(``gateway/``) authenticate the terminal, decode the request into a plain dict
and call::

    env["onecard.terminal.service"].handle(terminal, message, payload) -> dict

inside a transaction they own (see ``gateway/retry.run_committed``: commit, then
answer; retry serialization failures at once). The messages, their fields and
answers are described once in ``lib/schema.py``; ``handle`` checks the payload
against it strictly (unknown fields, wrong types, out-of-range numbers raise
``TerminalError`` with a 400 code) before any handler runs. Handlers never
commit and return plain JSON-able dicts. A business decline of a swipe is NOT an
error: it is an answer with ``approved: false`` and a stable ``code`` (see
onecard.consumption REASONS).

The handlers, one file per group (the same AbstractModel):
``onecard_terminal_service_auth.py`` (signatures, ``serve_signed*``),
``_status.py`` (heartbeat, config, lists), ``_swipe.py`` (swipe, upload,
sequence reset, totals, ``handle_swipes``), ``_cashier.py`` (operator,
cashier, kiosk).
"""

from odoo import api, models, tools
from odoo.exceptions import UserError, ValidationError

from odoo.addons.onecard_consume.models.onecard_ledger import IdempotencyConflict
from odoo.addons.onecard_consume.tools import normalize_uid

from ..lib.errors import TerminalError
from ..lib.schema import MESSAGES
from ..lib.validation import Invalid, check, check_items

# What is wrong with a request (validation.Invalid.problem), in the terminal's
# language.
_PROBLEMS = {
    "body": lambda env, e: env._(
        "The body must be a JSON object%(where)s.", where=e.where
    ),
    "unknown": lambda env, e: env._("Unknown field: %(field)s.", field=e.field),
    "missing": lambda env, e: env._("Missing field: %(field)s.", field=e.field),
    "integer": lambda env, e: env._(
        "Field %(field)s must be an integer.", field=e.field
    ),
    "number": lambda env, e: env._("Field %(field)s must be a number.", field=e.field),
    "boolean": lambda env, e: env._(
        "Field %(field)s must be true or false.", field=e.field
    ),
    "array": lambda env, e: env._("Field %(field)s must be a list.", field=e.field),
    "string": lambda env, e: env._("Field %(field)s must be a string.", field=e.field),
    "range": lambda env, e: env._("Field %(field)s is out of range.", field=e.field),
    "time": lambda env, e: env._(
        "Field %(field)s is not a plausible time.", field=e.field
    ),
    "too_long": lambda env, e: env._("Field %(field)s is too long.", field=e.field),
    "text": lambda env, e: env._("Field %(field)s is not valid text.", field=e.field),
    "nul": lambda env, e: env._(
        "Field %(field)s contains a NUL character.", field=e.field
    ),
    "items": lambda env, e: env._("At most %(max)s records per upload.", max=e.limit),
}


class OnecardTerminalService(models.AbstractModel):
    _name = "onecard.terminal.service"
    _description = "Terminal Protocol Service"

    @api.model
    def handle(self, terminal, message, payload):
        """Validate ``payload`` for ``message`` and run its handler.

        terminal: onecard.terminal record (authenticated); message: a key of
        schema.MESSAGES; payload: decoded JSON (any type). Returns a dict;
        raises TerminalError for a refused request. Runs as superuser in the
        terminal's company; the caller owns the transaction.
        """
        spec = MESSAGES.get(message)
        if spec is None:
            raise TerminalError(
                "not_found",
                self.env._("Unknown message %(message)s.", message=str(message)[:64]),
            )
        payload = self._checked(spec, {} if payload is None else payload)
        kind, company_id, _lang = self._terminal_meta(terminal.id)
        self._check_kind(spec, kind)
        # the objects inside (upload records, command results): after the kind, as
        # the handlers did
        try:
            check_items(spec, payload)
        except Invalid as exc:
            raise self._refusal(exc) from None
        terminal = terminal.sudo().with_company(company_id)
        self = self.sudo().with_company(company_id)
        try:
            return getattr(self, "_msg_" + message)(terminal, payload)
        except IdempotencyConflict as exc:
            raise TerminalError(
                "idempotency_conflict", str(exc.args[0] if exc.args else exc)
            ) from exc
        except (UserError, ValidationError) as exc:
            raise TerminalError(
                "refused", str(exc.args[0] if exc.args else exc)
            ) from exc

    def _checked(self, spec, payload):
        """``payload`` if it is a valid request of ``spec`` (a schema.Message)."""
        try:
            return check(payload, spec.request, spec.names)
        except Invalid as exc:
            raise self._refusal(exc) from None

    def _refusal(self, invalid):
        """The TerminalError of a request that breaks its schema."""
        return TerminalError(
            invalid.code, _PROBLEMS[invalid.problem](self.env, invalid)
        )

    def _check_kind(self, spec, kind):
        if spec.kinds and kind not in spec.kinds:
            raise TerminalError(
                "wrong_terminal_kind",
                self.env._("This terminal cannot send %(message)s.", message=spec.name),
            )

    @api.model
    @tools.ormcache("terminal_id")
    def _terminal_meta(self, terminal_id):
        """Kind, company and answer language (None: the request's) of a terminal, cached
        per process.

        Cleared when they change (onecard.config.cache on terminals, res.partner
        language).
        """
        terminal = (
            self.env["onecard.terminal"]
            .sudo()
            .with_context(active_test=False)
            .browse(terminal_id)
        )
        return (
            terminal.terminal_kind,
            terminal.company_id.id,
            terminal.company_id.partner_id.lang or None,
        )

    def _card(self, terminal, uid):
        """The card of ``uid`` in the terminal's company, or 404 unknown_card."""
        card = self.env["onecard.card"]._find_by_uid(uid, terminal.company_id)
        if not card or not normalize_uid(uid):
            raise TerminalError("unknown_card", self.env._("Unknown card."))
        return card
