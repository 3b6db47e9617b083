"""RS-485 master: one polling loop per serial port (pyserial URL).

The gateway polls each bus address in turn; a terminal with a request answers
the poll with it, and gets its answer after the commit. A port that fails is
reopened, with a growing pause: the loop never dies.
"""

import asyncio
import logging

from ..lib import messages as M
from ..lib.frame import encode
from ..lib.transport import LinkClosed, SerialLink

_logger = logging.getLogger("odoo.addons.onecard_devices.gateway")


async def poll_port(gateway, url, addresses):
    """Poll ``addresses`` on the bus at ``url`` until the gateway stops."""
    backoff = 0.5
    while not gateway.stopping:
        link = SerialLink(url, gateway.opts.baudrate)
        try:
            await link.open()
            _logger.info("serial %s open, polling addresses %s", url, sorted(addresses))
            backoff = 0.5
            await _poll(gateway, link, url, addresses)
        except (OSError, LinkClosed, Exception) as exc:  # noqa: BLE001 - reopen the port, never die
            if gateway.stopping:
                break
            gateway.stats.count("serial_reconnects")
            _logger.warning("serial %s: %s; reopening in %.1fs", url, exc, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10)
        finally:
            gateway.stats.count("crc_errors", link.errors)
            await link.close()


async def _poll(gateway, link, url, addresses):
    stats, frames = gateway.stats, gateway.frames
    seq = 0
    while not gateway.stopping:
        for address in sorted(addresses):
            if gateway.stopping:
                break
            seq = (seq + 1) & 0xFFFFFFFF
            await link.send(encode(M.POLL, b"", address, seq))
            frame = await link.recv(timeout=gateway.opts.poll_timeout)
            if frame is None:
                stats.count("poll_timeouts")
                continue
            if (
                frame.address != address
                or not frame.is_response
                and frame.type == M.POLL
            ):
                stats.count("bus_errors")
                link.drop_input()
                continue
            if frame.type == M.IDLE:
                continue
            terminal = dict(gateway.by_bus.get((url, address)) or {}, via="serial")
            if "id" not in terminal:
                await link.send(
                    frames.nak(frame, "unknown_terminal", "no terminal at this address")
                )
                continue
            answer, _body = await frames.dispatch(terminal, frame)
            await link.send(answer)
        if not addresses:
            await asyncio.sleep(1)
