"""ZKTeco PUSH (``/iclock/*``) on the gateway's HTTP port.

The same parser, service and plain-text answers as the Odoo controller
(``controllers/iclock.py``; both call ``onecard.zkteco.service.serve_many``):
only the transport differs. ATTLOG uploads join the group commit: the batches
of many devices are booked in one transaction, and each is answered ``OK: n``
only after that transaction committed (the device then drops the n lines it
sent). Registrations, polls and command results run each in its own
transaction on a worker thread. A database that stays busy, or any fault, is
``ERROR: busy`` with 503: the device keeps its records and tries again after
ErrorDelay. Never a 500, never JSON (docs/zkteco.md).
"""

import asyncio

from ..zkteco import build, push

PREFIX = "/iclock/"


class IclockFront:
    def __init__(self, gateway):
        self.gateway = gateway

    @staticmethod
    def refuse(reason):
        return build.error_response(push.PushError(reason))

    async def request(self, method, target, headers, reader, keep, peer):
        """One device request -> (``build.Response``, keep-alive), already committed."""
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return self.refuse("length_required"), False
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            return self.refuse("bad_request"), False
        if length < 0:
            return self.refuse("bad_request"), False
        if length > push.MAX_BODY:  # the body stays unread: close the connection
            return self.refuse("body_too_large"), False
        body = await reader.readexactly(length) if length else b""
        path, _sep, query = target.partition("?")
        request = (method, path, query, body, headers.get("content-type", ""), peer)
        gateway = self.gateway
        gateway.inflight += 1  # a graceful stop waits for it (commit, then answer)
        try:
            if push.is_attlog_upload(method, path, query):
                answer = await gateway.batcher.queue("zk", request)
            else:
                runner = gateway.runner
                answer = await asyncio.get_running_loop().run_in_executor(
                    runner.pool, runner.handle_zk, request
                )
        finally:
            gateway.inflight -= 1
        gateway.stats.count("http_requests")
        if isinstance(answer, Exception):  # busy, or a fault (logged by the runner)
            answer = self.refuse("busy")
        return answer, keep
