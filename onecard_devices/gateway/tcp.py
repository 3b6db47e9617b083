"""The TCP server of the binary protocol: one connection per terminal.

The first frame on a connection is a heartbeat naming the terminal's serial
number; every request is answered on the same connection after its commit.
"""

import asyncio
import logging
import socket

from ..lib import messages as M
from ..lib.frame import FrameError
from ..lib.transport import LinkClosed, TcpLink

_logger = logging.getLogger("odoo.addons.onecard_devices.gateway")


class TcpServer:
    def __init__(self, gateway):
        self.gateway = gateway

    async def serve(self, reader, writer):
        gateway = self.gateway
        link = TcpLink(reader, writer)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        peer = writer.get_extra_info("peername")
        gateway.stats.count("connections")
        terminal = None
        try:
            while not gateway.stopping:
                frame = await link.recv(timeout=1.0)
                if frame is None or frame.is_response:
                    continue
                if terminal is None:
                    terminal = await self.bind(frame)
                    if terminal is None:
                        await link.send(
                            gateway.frames.nak(
                                frame,
                                "unknown_terminal",
                                "send a heartbeat with your serial first",
                            )
                        )
                        continue
                answer, _body = await gateway.frames.dispatch(terminal, frame)
                await link.send(answer)
        except (LinkClosed, ConnectionError, OSError) as exc:
            _logger.debug("connection %s lost: %s", peer, exc)
        finally:
            gateway.stats.count("crc_errors", link.errors)
            await link.close()
            _logger.debug("connection %s closed", peer)

    async def bind(self, frame):
        """First frame on a connection: a heartbeat naming the terminal's serial."""
        if frame.type != M.HEARTBEAT:
            return None
        try:
            serial = M.decode_message(M.HEARTBEAT, frame.payload).get("serial")
        except FrameError:
            return None
        terminal = self.gateway.by_serial.get(serial)
        if terminal is None:  # created since start: reload once
            await asyncio.get_running_loop().run_in_executor(
                self.gateway.runner.pool, self.gateway.load_terminals
            )
            terminal = self.gateway.by_serial.get(serial)
        return dict(terminal, via="tcp") if terminal else None
