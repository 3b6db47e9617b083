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
found, wrong method, too large) are answered in English; everything the
service answers is in the company's language.
"""
import asyncio
import json

from ..lib.errors import TerminalError
from ..lib.routes import FORM_TYPES, MAX_BODY, MESSAGES, PREFIX

MAX_HEAD = 16384
REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 409: "Conflict", 411: "Length Required", 413: "Payload Too Large",
           415: "Unsupported Media Type", 422: "Unprocessable Entity", 431: "Request Header Fields Too Large",
           500: "Internal Server Error", 503: "Service Unavailable"}


class HttpFront:
    def __init__(self, gateway):
        self.gateway = gateway

    async def serve(self, reader, writer):
        """One keep-alive connection: requests in turn, each answered after its commit."""
        self.gateway._count("connections")
        try:
            while not self.gateway.stopping:
                try:
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.gateway.opts.http_idle)
                except asyncio.LimitOverrunError:
                    await self.send(writer, 431, error("header_too_large", "Request headers are too large."), False)
                    break
                except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError):
                    break
                try:
                    status, answer, keep = await self.request(head, reader)
                except asyncio.IncompleteReadError:  # the client left in the middle of its body
                    break
                await self.send(writer, status, answer, keep)
                if not keep:
                    break
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def request(self, head, reader):
        """Parse one request, run it; return (status, JSON answer, keep the connection)."""
        try:
            lines = head.decode("latin-1").split("\r\n")
            method, target, version = lines[0].split(" ")
            headers = dict((name.strip().lower(), value.strip())
                           for name, _sep, value in (line.partition(":") for line in lines[1:] if line))
        except ValueError:
            return 400, error("bad_request", "Malformed HTTP request."), False
        keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        path = target.split("?", 1)[0]
        message = MESSAGES.get(path[len(PREFIX) + 1:]) if path.startswith(PREFIX + "/") else None
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return 411, error("length_required", "Send the body with a Content-Length."), False
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            return 400, error("bad_request", "Invalid Content-Length."), False
        if length > MAX_BODY or length < 0:
            return 413, error("body_too_large", "The body is larger than 1 MiB."), False
        body = await reader.readexactly(length) if length else b""
        if not message:
            return 404, error("not_found", "No such endpoint."), keep
        if method != "POST":
            return 405, error("method_not_allowed", "Use POST."), keep
        if headers.get("content-type", "").split(";")[0].strip().lower() in FORM_TYPES:
            return 415, error("unsupported_media_type", "Send the body as application/json."), keep
        signed = {"serial": headers.get("x-terminal"), "method": method, "path": path,
                  "timestamp": headers.get("x-timestamp"), "body": body, "signature": headers.get("x-signature"),
                  "nonce": headers.get("x-nonce")}
        self.gateway.inflight += 1  # a graceful stop waits for it (commit, then answer)
        try:
            if message == "swipe":
                result = await self.gateway.queue_swipe("http", signed)
            else:
                result = await asyncio.get_running_loop().run_in_executor(
                    self.gateway.pool, self.gateway.handle_signed, message, signed)
        finally:
            self.gateway.inflight -= 1
        self.gateway._count("http_requests")
        if isinstance(result, TerminalError):
            return result.status, result.as_dict(), keep
        if isinstance(result, Exception):  # GatewayError: busy or server fault, the terminal retries
            status = 503 if getattr(result, "code", "") == "busy" else 500
            return status, error(getattr(result, "code", "server_error"), getattr(result, "message", "")), keep
        return 200, result, keep

    async def send(self, writer, status, answer, keep):
        body = json.dumps(answer).encode()
        writer.write(("HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n" % (
            status, REASONS.get(status, "Error"), len(body),
            ("" if keep else "Connection: close\r\n") + ("Allow: POST\r\n" if status == 405 else ""))).encode() + body)
        await writer.drain()


def error(code, message):
    return {"error": {"code": code, "message": message}}
