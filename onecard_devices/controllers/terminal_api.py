"""Terminal HTTP API: JSON over HTTP, signed with HMAC-SHA256 (docs/terminal-api.yaml).

Thin transport: authenticate, decode, call ``onecard.terminal.service`` in a
transaction committed BEFORE the answer is sent (gateway/retry.run_committed),
turn every refusal into ``{"error": {"code", "message"}}`` with a 4xx status.
Only a genuine server fault gives a 500 (logged).
"""

import logging

from odoo import SUPERUSER_ID, api, http
from odoo.http import request

from odoo.addons.onecard_consume.tools.prepared import LongCursors

from ..gateway.outage import Outage
from ..gateway.retry import RECONNECT, RetriesExhausted, classify, run_committed
from ..lib.errors import TerminalError
from ..lib.routes import FORM_TYPES, MAX_BODY, MESSAGES, PREFIX

_logger = logging.getLogger(__name__)

# The requests' transactions run on a cursor this worker keeps (see LongCursors): a
# swipe then costs PostgreSQL no replanning; Odoo's request cursor only routes it.
LONG_CURSORS = LongCursors()
# PostgreSQL away (restarting): answered 503 busy, one log line per outage
OUTAGE = Outage(_logger)


class TerminalApi(http.Controller):
    @http.route(
        [PREFIX + "/<string:name>", PREFIX + "/<string:group>/<string:name>"],
        type="http",
        auth="none",
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def terminal_api(self, name, group=None, **_kw):
        message = MESSAGES.get(f"{group}/{name}" if group else name)
        env = api.Environment(request.env.cr, SUPERUSER_ID, {"lang": self._lang()})
        request.update_env(context=env.context)
        try:
            if not message:
                raise TerminalError("not_found", env._("No such endpoint."))
            if request.httprequest.method != "POST":
                raise TerminalError("method_not_allowed", env._("Use POST."))
            if (
                request.httprequest.mimetype in FORM_TYPES
            ):  # werkzeug consumed the body as a form
                raise TerminalError(
                    "unsupported_media_type",
                    env._("Send the body as application/json."),
                )
            length = request.httprequest.content_length
            if length is not None and length > MAX_BODY:
                raise TerminalError(
                    "body_too_large", env._("The body is larger than 1 MiB.")
                )
            body = request.httprequest.get_data(cache=True)
            if len(body) > MAX_BODY:
                raise TerminalError(
                    "body_too_large", env._("The body is larger than 1 MiB.")
                )
            answer = self._serve(env, message, body)
        except TerminalError as exc:
            headers = [("Allow", "POST")] if exc.status == 405 else None
            return request.make_json_response(
                exc.as_dict(), headers=headers, status=exc.status
            )
        except RetriesExhausted:
            return self._busy(env)
        except Exception as exc:
            if classify(exc) == RECONNECT:
                # The connection broke (also during COMMIT: booked or not, the
                # terminal's retry with the same sequence gets the stored answer).
                OUTAGE.failed(exc)
                return self._busy(env)
            _logger.exception("terminal API %s failed", message)
            return request.make_json_response(
                {
                    "error": {
                        "code": "server_error",
                        "message": env._("Internal server error."),
                    }
                },
                status=500,
            )
        OUTAGE.succeeded()
        return request.make_json_response(answer)

    @staticmethod
    def _busy(env):
        """503 busy: nothing acknowledged; retry the same request (re-signed)."""
        return request.make_json_response(
            {
                "error": {
                    "code": "busy",
                    "message": env._("The server is busy, try again."),
                }
            },
            status=503,
        )

    def _lang(self):
        langs = [code for code, _name in request.env["res.lang"].sudo().get_installed()]
        best = request.httprequest.accept_languages.best_match(
            [code.replace("_", "-") for code in langs]
        )
        return best.replace("-", "_") if best else "en_US"

    def _serve(self, env, message, body):
        """Authenticate, decode and handle in ONE transaction, committed before the
        answer.

        The signature is burnt (nonce row) in the same transaction as the work:
        one COMMIT per request, and a request that fails leaves no trace.
        """
        headers, httprequest = request.httprequest.headers, request.httprequest
        signed = {
            "serial": headers.get("X-Terminal"),
            "method": httprequest.method,
            "path": httprequest.path,
            "timestamp": headers.get("X-Timestamp"),
            "body": body,
            "signature": headers.get("X-Signature"),
            "nonce": headers.get("X-Nonce"),
        }
        with LONG_CURSORS.cursor(
            env.registry
        ) as cr:  # None: in use, or Odoo's test mode
            env = env(cr=cr) if cr else env
            service = env["onecard.terminal.service"]
            return run_committed(
                env.cr,
                lambda: service.serve_signed(message, signed),
                reset=env.invalidate_all,
            )
