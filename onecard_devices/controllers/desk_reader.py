"""Desk card reader endpoint: POST /onecard/desk/reader (agent/desk_reader.py is the
client).

    Authorization: Bearer <token of an onecard.desk.reader>
    Content-Type: application/json
    {"uid": "04A1B2C3"}

``{"ping": true}`` only checks the token (desk_reader.py --check).

200 {"ok": true, "uid": "04A1B2C3"}: the UID was pushed on the bus (type
``onecard_desk_uid``) to the token's user; the open Operator Desk loads it.
Errors are JSON ``{"error": {"code", "message"}}``: 401 bad token, 400 bad
body or UID, 405 not POST, 413 too large. Bad input never gives a 500.
"""

import json
import logging

from odoo import SUPERUSER_ID, api, fields, http
from odoo.http import request

from odoo.addons.onecard_consume.tools import normalize_uid

_logger = logging.getLogger(__name__)

MAX_BODY = 4096


class DeskReaderError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


class DeskReaderController(http.Controller):
    @http.route(
        "/onecard/desk/reader",
        type="http",
        auth="none",
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def desk_reader(self, **_kw):
        env = api.Environment(request.env.cr, SUPERUSER_ID, {})
        try:
            answer = self._handle(env)
        except DeskReaderError as exc:
            headers = []
            if exc.status == 401:
                headers.append(
                    ("WWW-Authenticate", 'Bearer realm="onecard-desk-reader"')
                )
            elif exc.status == 405:
                headers.append(("Allow", "POST"))
            return request.make_json_response(
                {"error": {"code": exc.code, "message": exc.message}},
                headers=headers,
                status=exc.status,
            )
        return request.make_json_response(answer)

    def _handle(self, env):
        httpreq = request.httprequest
        if httpreq.method != "POST":
            raise DeskReaderError(405, "method_not_allowed", "Use POST.")
        # 1. Authenticate first: nothing about the body is told to an unknown caller.
        scheme, _sep, token = (
            (httpreq.headers.get("Authorization") or "").strip().partition(" ")
        )
        reader = env["onecard.desk.reader"]
        if scheme.lower() == "bearer":
            reader = reader._authenticate(token.strip())
        if not reader:
            _logger.info("desk reader: refused token from %s", httpreq.remote_addr)
            raise DeskReaderError(
                401, "unauthorized", "Missing, unknown or revoked desk reader token."
            )
        # 2. Decode the body.
        length = httpreq.content_length
        if length is not None and length > MAX_BODY:
            raise DeskReaderError(
                413, "body_too_large", "The body is larger than %d bytes." % MAX_BODY
            )
        body = httpreq.get_data(cache=True)
        if len(body) > MAX_BODY:
            raise DeskReaderError(
                413, "body_too_large", "The body is larger than %d bytes." % MAX_BODY
            )
        try:
            payload = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
        except (
            ValueError,
            RecursionError,
        ) as exc:  # UnicodeDecodeError is a ValueError
            raise DeskReaderError(
                400, "invalid_json", "The body is not valid JSON."
            ) from exc
        if (
            isinstance(payload, dict)
            and payload.get("ping") is True
            and "uid" not in payload
        ):
            # desk_reader.py --check: is the token good? Nothing is sent on the bus.
            reader.sudo().last_seen = fields.Datetime.now()
            return {"ok": True, "reader": reader.name, "user": reader.user_id.name}
        raw = payload.get("uid") if isinstance(payload, dict) else None
        if not isinstance(raw, str):
            raise DeskReaderError(
                400, "invalid_uid", 'Send {"uid": "<card UID in hexadecimal>"}.'
            )
        uid = normalize_uid(raw)
        if not uid:
            raise DeskReaderError(
                400, "invalid_uid", "Not a card UID: 4 to 10 bytes in hexadecimal."
            )
        # 3. Deliver (the bus row is written with this request's commit).
        reader._deliver_uid(uid)
        _logger.info(
            "desk reader %s (%s): card %s -> user %s",
            reader.id,
            reader.name,
            uid,
            reader.user_id.login,
        )
        return {"ok": True, "uid": uid}
