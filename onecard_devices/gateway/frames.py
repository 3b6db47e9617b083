"""One binary-protocol request frame -> its answer frame, already committed.

Shared by the TCP server and the RS-485 polling loops: MAC check, decoding,
swipes to the group commit, every other request to a worker thread, NAKs.
"""

import asyncio
import logging
import time

from ..lib import messages as M
from ..lib.errors import TerminalError
from ..lib.frame import FLAG_RESPONSE, FrameError, encode
from .runner import GatewayError

_logger = logging.getLogger("odoo.addons.onecard_devices.gateway")


class FrameService:
    def __init__(self, gateway):
        self.gateway = gateway
        self.stats = gateway.stats

    def requires_mac(self, terminal):
        return terminal.get("via") == "tcp" and not self.gateway.opts.allow_unsigned

    def nak(self, frame, code, message, key=None):
        """A NAK frame; counted here, where every NAK is made (bad MAC, unknown
        terminal, bad payload, refusals of the service)."""
        self.stats.count("naks")
        payload = M.encode_message(
            M.NAK, {"code": code, "message": (message or "")[:200]}
        )
        return encode(M.NAK, payload, frame.address, frame.seq, FLAG_RESPONSE, key)

    async def dispatch(self, terminal, frame):
        """Decode, run, return (answer frame bytes, decoded body): already committed."""
        key = terminal.get("secret") if frame.mac is not None else None
        if frame.mac is not None and not (key and frame.verify_mac(key)):
            return self.nak(frame, "bad_signature", "MAC does not match"), None
        if frame.mac is None and terminal.get("secret") and self.requires_mac(terminal):
            return self.nak(frame, "missing_auth", "frames must carry a MAC"), None
        if frame.type not in M.SCHEMAS:
            return self.nak(frame, "invalid_type", "unknown message type", key), None
        try:
            body = M.decode_message(frame.type, frame.payload)
        except FrameError as exc:
            self.stats.count("bad_payload")
            return self.nak(frame, "invalid_body", str(exc), key), None
        if frame.type not in M.SERVICE_MESSAGES:
            return self.nak(frame, "invalid_type", "unexpected message type", key), None
        body.pop("serial", None)
        gateway = self.gateway
        started = time.perf_counter()
        gateway.inflight += 1
        try:
            if frame.type == M.SWIPE:
                result = await gateway.batcher.queue("frame", (terminal["id"], body))
                if isinstance(result, Exception):
                    raise result
                rtype, result = result
            else:
                rtype, result = await asyncio.get_running_loop().run_in_executor(
                    gateway.runner.pool,
                    gateway.runner.handle_request,
                    terminal["id"],
                    frame.type,
                    body,
                )
        except (GatewayError, TerminalError) as exc:
            return self.nak(frame, exc.code, exc.message, key), None
        finally:
            gateway.inflight -= 1
        self.stats.count("frames")
        self.stats.latencies.append(time.perf_counter() - started)
        try:
            payload = M.encode_message(rtype, result)
        except FrameError as exc:
            _logger.error("cannot encode answer %s: %s", result, exc)
            return self.nak(frame, "server_error", "bad answer", key), None
        answer = encode(rtype, payload, frame.address, frame.seq, FLAG_RESPONSE, key)
        return answer, body
