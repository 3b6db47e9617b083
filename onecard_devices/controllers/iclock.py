"""ZKTeco PUSH (ADMS / iClock) on Odoo's HTTP port, at the paths devices use.

Thin transport around ``onecard.zkteco.service.serve``: the device's method,
path, query and body in; the service's plain-text answer out, in a
transaction committed before the answer (a device drops what we acknowledged).
A database that stays busy, or any unexpected fault, is ``ERROR: busy`` with
503: the device keeps its records and tries again after ErrorDelay. Never a
500 and never an HTML error page (docs/zkteco.md).
"""

import logging

from odoo import SUPERUSER_ID, api, http
from odoo.http import request

from ..gateway.retry import RetriesExhausted, run_committed
from ..zkteco import build, push

_logger = logging.getLogger(__name__)

PATHS = [
    "/iclock/cdata",
    "/iclock/cdata.aspx",
    "/iclock/getrequest",
    "/iclock/getrequest.aspx",
    "/iclock/devicecmd",
    "/iclock/devicecmd.aspx",
    "/iclock/ping",
    "/iclock/fdata",
    "/iclock/<path:_rest>",
]


class Iclock(http.Controller):
    @http.route(
        PATHS,
        type="http",
        auth="none",
        csrf=False,
        save_session=False,
        readonly=False,
        methods=None,
    )
    def iclock(self, _rest=None, **_kw):
        httprequest = request.httprequest
        env = api.Environment(request.env.cr, SUPERUSER_ID, {})
        length = httprequest.content_length or 0
        try:
            if length > push.MAX_BODY:
                raise push.PushError("body_too_large")
            body = httprequest.get_data(cache=False, parse_form_data=False)
            service = env["onecard.zkteco.service"]
            answer = run_committed(
                env.cr,
                lambda: service.serve(
                    httprequest.method,
                    httprequest.path,
                    httprequest.query_string.decode("latin-1"),
                    body,
                    httprequest.headers.get("Content-Type", ""),
                    httprequest.remote_addr,
                ),
                reset=env.invalidate_all,
            )
        except push.PushError as exc:
            answer = build.error_response(exc)
        except RetriesExhausted:
            answer = build.error_response(push.PushError("busy"))
        except Exception:
            _logger.exception("ZKTeco request %s failed", httprequest.path)
            answer = build.error_response(push.PushError("busy"))
        return request.make_response(
            answer.body, headers=list(answer.headers), status=answer.status
        )
