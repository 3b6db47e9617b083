"""The terminal HTTP API served by the gateway (``--http-port``).

The same endpoints, HMAC signatures, JSON bodies and error answers as the
Odoo controller (docs/terminal-api.yaml), through the same service
(``onecard.terminal.service.serve_signed``). What differs is the transport:
a small asyncio HTTP/1.1 server with keep-alive instead of Odoo's WSGI
stack, and swipes joining the gateway's group commit (their signatures are
burnt in the batch's transaction). Odoo's request stack costs more than the
swipe itself (docs/performance.md); canteens with many HTTP terminals point
them here, everything else can keep using Odoo's port.

Only what terminals need: POST with Content-Length (no chunked bodies), a
16 KiB header block, bodies up to 1 MiB. Transport-level refusals (not
found, wrong method, too large) are in the request's Accept-Language among
the installed languages, like the Odoo controller's; everything the service
answers is in the terminal's language.
"""

import asyncio
import json

import h11
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from odoo.tools.translate import LazyTranslate

from ..lib.errors import TerminalError
from ..lib.routes import FORM_TYPES, MAX_BODY, MESSAGES, PREFIX

_lt = LazyTranslate(__name__)
# The refusals this server gives before a request reaches the service.
REFUSALS = {  # name: (HTTP status, error code, message)
    "header_too_large": (
        431,
        "header_too_large",
        _lt("Request headers are too large."),
    ),
    "bad_request": (400, "bad_request", _lt("Malformed HTTP request.")),
    "length_required": (
        411,
        "length_required",
        _lt("Send the body with a Content-Length."),
    ),
    "bad_length": (400, "bad_request", _lt("Invalid Content-Length.")),
    "body_too_large": (413, "body_too_large", _lt("The body is larger than 1 MiB.")),
    "not_found": (404, "not_found", _lt("No such endpoint.")),
    "method_not_allowed": (405, "method_not_allowed", _lt("Use POST.")),
    "unsupported_media_type": (
        415,
        "unsupported_media_type",
        _lt("Send the body as application/json."),
    ),
    "busy": (503, "busy", _lt("The server is busy, try again.")),
    "server_error": (500, "server_error", _lt("Internal server error.")),
}

MAX_HEAD = 16384
REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    411: "Length Required",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class HttpFront:
    """HTTP/1.1 through h11 (parsing, keep-alive, framing); routing, refusals and the
    service here."""

    def __init__(self, gateway):
        self.gateway = gateway

    async def serve(self, reader, writer):
        """One keep-alive connection: requests in turn, each answered after commit."""
        self.gateway.stats.count("connections")
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)
        try:
            while not self.gateway.stopping:
                try:
                    status, answer = await self.request(conn, reader)
                except h11.RemoteProtocolError as exc:
                    if conn.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
                        break
                    too_large = exc.error_status_hint == 431
                    status, answer = self.refuse(
                        "header_too_large" if too_large else "bad_request", {}
                    )
                    await self.send(writer, conn, status, answer, False)
                    break
                except _Gone:
                    break
                keep = conn.their_state is not h11.MUST_CLOSE and answer[1]
                await self.send(writer, conn, status, answer[0], keep)
                if conn.our_state is not h11.DONE or not keep:
                    break
                conn.start_next_cycle()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def _event(self, conn, reader):
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                try:
                    data = await asyncio.wait_for(
                        reader.read(65536), self.gateway.opts.http_idle
                    )
                except (asyncio.TimeoutError, ConnectionError) as exc:
                    raise _Gone() from exc
                conn.receive_data(data)
                continue
            if isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                raise _Gone()
            return event

    async def request(self, conn, reader):
        """Read one request, run it; return (status, (JSON answer, keep-alive))."""
        event = await self._event(conn, reader)
        method = event.method.decode("latin-1")
        path = event.target.decode("latin-1").split("?", 1)[0]
        headers = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in event.headers
        }
        message = (
            MESSAGES.get(path[len(PREFIX) + 1 :])
            if path.startswith(PREFIX + "/")
            else None
        )
        # h11 limits an incomplete header block only: one that came whole is measured
        head = len(event.method) + len(event.target) + 12
        if head + sum(len(n) + len(v) + 4 for n, v in event.headers) > MAX_HEAD:
            status, answer = self.refuse("header_too_large", headers)
            return status, (answer, False)
        if "chunked" in headers.get("transfer-encoding", "").lower():
            status, answer = self.refuse("length_required", headers)
            return status, (answer, False)
        length = int(headers.get("content-length") or 0)  # checked by h11
        if length > MAX_BODY:
            status, answer = self.refuse("body_too_large", headers)
            return status, (answer, False)
        chunks = []
        while not isinstance(
            event := await self._event(conn, reader), h11.EndOfMessage
        ):
            chunks.append(event.data)
        body = b"".join(chunks)
        status, answer = await self.answer(message, method, path, headers, body)
        return status, (answer, True)

    async def answer(self, message, method, path, headers, body):
        """(status, JSON answer) of one complete request."""
        if not message:
            return self.refuse("not_found", headers)
        if method != "POST":
            return self.refuse("method_not_allowed", headers)
        if headers.get("content-type", "").split(";")[0].strip().lower() in FORM_TYPES:
            return self.refuse("unsupported_media_type", headers)
        signed = {
            "serial": headers.get("x-terminal"),
            "method": method,
            "path": path,
            "timestamp": headers.get("x-timestamp"),
            "body": body,
            "signature": headers.get("x-signature"),
            "nonce": headers.get("x-nonce"),
        }
        self.gateway.inflight += 1  # a graceful stop waits for it (commit, then answer)
        try:
            if message == "swipe":
                result = await self.gateway.batcher.queue("http", signed)
            else:
                runner = self.gateway.runner
                result = await asyncio.get_running_loop().run_in_executor(
                    runner.pool, runner.handle_signed, message, signed
                )
        finally:
            self.gateway.inflight -= 1
        self.gateway.stats.count("http_requests")
        if isinstance(result, TerminalError):
            return result.status, result.as_dict()
        if isinstance(result, Exception):
            # GatewayError: busy or server fault (logged), the terminal retries
            busy = getattr(result, "code", "") == "busy"
            return self.refuse("busy" if busy else "server_error", headers)
        return 200, result

    def refuse(self, name, headers):
        """(status, JSON error) in the best Accept-Language among the installed
        languages."""
        status, code, message = REFUSALS[name]
        languages = getattr(self.gateway, "languages", None) or ["en_US"]
        accepted = parse_accept_header(headers.get("accept-language"), LanguageAccept)
        best = accepted.best_match([lang.replace("_", "-") for lang in languages])
        return status, error(
            code, message._translate(best.replace("-", "_") if best else "en_US")
        )

    async def send(self, writer, conn, status, answer, keep):
        body = json.dumps(answer).encode()
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
        ]
        if not keep:
            headers.append(("Connection", "close"))
        if status == 405:
            headers.append(("Allow", "POST"))
        writer.write(
            conn.send(
                h11.Response(
                    status_code=status,
                    headers=headers,
                    reason=REASONS.get(status, "Error"),
                )
            )
            + conn.send(h11.Data(data=body))
            + conn.send(h11.EndOfMessage())
        )
        await writer.drain()


class _Gone(Exception):
    """The client left (closed, idle past --http-idle, or in the middle of a body)."""


def error(code, message):
    return {"error": {"code": code, "message": message}}
