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

Why a hand-written HTTP/1.1 parser and not h11 (issue 15.3: h11 unless it costs
more than 10 % of the gateway's HTTP throughput). Measured side by side on the
2-core machine (tests/bench/bench_gateway.py gateway_http phase, 50 terminals,
--duration 20, runs alternated): this parser 1,481 and 1,429 swipes/s, h11 (the
same front with h11 doing parsing, keep-alive and framing: the commit before the
revert in git history) 1,208 and 1,229/s: -16 %; the gateway's own CPU per
request 0.35-0.39 ms here, 0.48 ms with h11 (+30 %: h11 is pure Python and
builds an event object per request, its headers and its body). What h11 would
bring (chunked bodies, pipelining) terminals do not use; what they use (POST,
Content-Length, keep-alive, the limits below) is tested end to end
(tests/e2e/test_gateway_http.py) and by tests/e2e/test_proxy.py behind nginx.
"""

import asyncio
import json

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from odoo.tools.translate import LazyTranslate

from ..lib.errors import TerminalError
from ..lib.routes import FORM_TYPES, MAX_BODY, MESSAGES, PREFIX
from ..zkteco.build import Response
from .iclock import PREFIX as ICLOCK_PREFIX
from .iclock import IclockFront

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
    def __init__(self, gateway):
        self.gateway = gateway
        self.iclock = IclockFront(gateway)

    async def serve(self, reader, writer):
        """One keep-alive connection: requests in turn, each answered after commit."""
        self.gateway.stats.count("connections")
        peer = (writer.get_extra_info("peername") or ("",))[0]
        try:
            while not self.gateway.stopping:
                try:
                    head = await asyncio.wait_for(
                        reader.readuntil(b"\r\n\r\n"), self.gateway.opts.http_idle
                    )
                except asyncio.LimitOverrunError:
                    await self.send(writer, *self.refuse("header_too_large", {}), False)
                    break
                except (
                    asyncio.IncompleteReadError,
                    asyncio.TimeoutError,
                    ConnectionError,
                ):
                    break
                try:
                    status, answer, keep = await self.request(head, reader, peer)
                except (
                    asyncio.IncompleteReadError
                ):  # the client left in the middle of its body
                    break
                await self.send(writer, status, answer, keep)
                if not keep:
                    break
        except ConnectionError:
            return  # the client left (the finally clause closes our side)
        finally:
            writer.close()

    async def request(self, head, reader, peer=""):
        """Parse one request, run it; return (status, answer, keep-alive).

        The answer is JSON for the terminal API, a plain-text ``Response`` for
        ZKTeco devices (``/iclock/*``, gateway/iclock.py).
        """
        try:
            lines = head.decode("latin-1").split("\r\n")
            method, target, version = lines[0].split(" ")
            headers = dict(
                (name.strip().lower(), value.strip())
                for name, _sep, value in (
                    line.partition(":") for line in lines[1:] if line
                )
            )
        except ValueError:
            return *self.refuse("bad_request", {}), False
        keep = (
            version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        )
        path = target.split("?", 1)[0]
        if path.startswith(ICLOCK_PREFIX):
            answer, keep = await self.iclock.request(
                method, target, headers, reader, keep, peer
            )
            return answer.status, answer, keep
        message = (
            MESSAGES.get(path[len(PREFIX) + 1 :])
            if path.startswith(PREFIX + "/")
            else None
        )
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return *self.refuse("length_required", headers), False
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            return *self.refuse("bad_length", headers), False
        if length > MAX_BODY or length < 0:
            return *self.refuse("body_too_large", headers), False
        body = await reader.readexactly(length) if length else b""
        if not message:
            return *self.refuse("not_found", headers), keep
        if method != "POST":
            return *self.refuse("method_not_allowed", headers), keep
        if headers.get("content-type", "").split(";")[0].strip().lower() in FORM_TYPES:
            return *self.refuse("unsupported_media_type", headers), keep
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
            return result.status, result.as_dict(), keep
        if isinstance(
            result, Exception
        ):  # GatewayError: busy or server fault (logged), the terminal retries
            return *self.refuse(
                "busy" if getattr(result, "code", "") == "busy" else "server_error",
                headers,
            ), keep
        return 200, result, keep

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

    async def send(self, writer, status, answer, keep):
        if isinstance(answer, Response):  # a ZKTeco device's plain-text answer
            headers = answer.headers + (() if keep else (("Connection", "close"),))
            writer.write(Response(status, answer.body, headers).to_bytes())
            await writer.drain()
            return
        body = json.dumps(answer).encode()
        writer.write(
            (
                "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\n%s\r\n"
                % (
                    status,
                    REASONS.get(status, "Error"),
                    len(body),
                    ("" if keep else "Connection: close\r\n")
                    + ("Allow: POST\r\n" if status == 405 else ""),
                )
            ).encode()
            + body
        )
        await writer.drain()


def error(code, message):
    return {"error": {"code": code, "message": message}}
