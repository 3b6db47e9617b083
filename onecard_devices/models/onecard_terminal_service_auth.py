"""Terminal service: who sent the request (HMAC signature, replays) and the signed
HTTP entry points of both front ends (Odoo's controller, the gateway's HTTP port)."""

import json

from odoo import api, models, tools

from ..lib.errors import TerminalError
from ..lib.signing import MAX_SKEW, verify


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def _signed(request):
    """What authenticate checks, from a signed request dict (serve_signed*)."""
    return tuple(
        request[key]
        for key in ("serial", "method", "path", "timestamp", "body", "signature")
    )


# One handler group a file (onecard_terminal_service.py lists them): apart on purpose.
class OnecardTerminalService(models.AbstractModel):
    _inherit = "onecard.terminal.service"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def authenticate(
        self, serial, method, path, timestamp, body, signature, now=None, nonce=None
    ):
        """Check the signature of a request; return the (sudo) terminal.

        Raises TerminalError 401 for a missing header, an unknown or archived
        terminal, a bad or stale timestamp, a bad signature, or a signature
        seen before (replay). The accepted signature is recorded in
        onecard.terminal.nonce (unique index) in the caller's transaction:
        a concurrent copy of the same request waits on that index until the
        first one commits, then finds it (replayed); if the first one rolls
        back, nothing of it happened and the copy may go ahead.
        """
        terminal_id = self._check_signature(
            serial, method, path, timestamp, body, signature, now=now, nonce=nonce
        )
        terminal = (
            self.env["onecard.terminal"]
            .sudo()
            .with_context(active_test=False)
            .browse(terminal_id)
        )
        if not self.env["onecard.terminal.nonce"]._use(
            terminal, signature.strip().lower()
        ):
            raise self._replayed()
        return terminal

    def _replayed(self):
        return TerminalError(
            "replayed",
            self.env._(
                "This request was already received; sign again with a new timestamp."
            ),
        )

    def _check_signature(
        self, serial, method, path, timestamp, body, signature, now=None, nonce=None
    ):
        """The id of the active terminal that signed this request (the nonce is not
        burnt here)."""
        if not serial or not timestamp or not signature:
            raise TerminalError(
                "missing_auth",
                self.env._(
                    "X-Terminal, X-Timestamp and X-Signature headers are required."
                ),
            )
        terminal_id, secret, active = self._terminal_secret(serial)
        if not terminal_id or not secret:
            raise TerminalError("unknown_terminal", self.env._("Unknown terminal."))
        error = verify(
            secret, method, path, timestamp, body, signature, now=now, nonce=nonce
        )
        if error == "bad_timestamp":
            raise TerminalError(error, self.env._("X-Timestamp must be unix seconds."))
        if error == "stale_timestamp":
            raise TerminalError(
                error,
                self.env._(
                    "The request time is more than %(skew)s seconds away from "
                    "the server clock.",
                    skew=MAX_SKEW,
                ),
            )
        if error:
            raise TerminalError("bad_signature", self.env._("Invalid signature."))
        if not active:
            raise TerminalError(
                "terminal_inactive", self.env._("This terminal is archived.")
            )
        return terminal_id

    @api.model
    def serve_signed(self, message, request):
        """One signed HTTP request, whichever front end received it (Odoo controller,
        gateway).

        request: dict(serial, method, path, timestamp, body (bytes), signature,
        nonce) from the headers. Authenticates (burning the signature), decodes
        the JSON body and handles the message; the caller owns the transaction
        and commits it before answering.
        """
        terminal = self.authenticate(*_signed(request), nonce=request.get("nonce"))
        payload = self._decode(request["body"])
        _kind, _company, lang = self._terminal_meta(terminal.id)
        handler = self.with_context(lang=lang or self.env.lang)
        return handler.handle(terminal.with_env(handler.env), message, payload)

    @api.model
    def serve_signed_swipes(self, requests):
        """Many signed HTTP swipe requests in one go (the gateway's HTTP front end,
        group commit).

        Same checks as ``serve_signed`` for each; the signatures are burnt with
        one statement, then the valid swipes are decided in one engine batch.
        Returns, per request, the answer or the TerminalError refusing it.
        """
        results, accepted, burn = [None] * len(requests), [], {}
        for index, request in enumerate(requests):
            try:
                terminal_id = self._check_signature(
                    *_signed(request), nonce=request.get("nonce")
                )
                signature = request["signature"].strip().lower()
                if signature in burn:
                    raise self._replayed()
                burn[signature] = terminal_id
                accepted.append((index, terminal_id, signature))
            except TerminalError as exc:
                results[index] = exc
        fresh = self.env["onecard.terminal.nonce"]._use_many(burn)
        swipes = []
        for index, terminal_id, signature in accepted:
            try:
                if signature not in fresh:
                    raise self._replayed()
                swipes.append(
                    (index, terminal_id, self._decode(requests[index]["body"]))
                )
            except TerminalError as exc:
                results[index] = exc
        answers = self.handle_swipes(
            [(terminal_id, payload) for _i, terminal_id, payload in swipes]
        )
        for (index, _t, _p), answer in zip(swipes, answers, strict=False):
            results[index] = answer
        return results

    def _decode(self, body):
        """The JSON body as Python values; any malformed body is a 400, never a 500."""
        try:
            return (
                json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
                if body.strip()
                else {}
            )
        except (ValueError, RecursionError) as exc:
            raise TerminalError(
                "invalid_json", self.env._("The body is not valid JSON.")
            ) from exc

    @api.model
    @tools.ormcache("serial")
    def _terminal_secret(self, serial):
        """(id, secret, active) of the terminal with this serial number, cached per
        process.

        Cleared when a terminal's serial, secret or active flag changes
        (onecard.config.cache).
        """
        terminal = (
            self.env["onecard.terminal"]
            .sudo()
            .with_context(active_test=False)
            .search([("serial_number", "=", serial)], limit=1)
        )
        return terminal.id, terminal.secret, terminal.active
