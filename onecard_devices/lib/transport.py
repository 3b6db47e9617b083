"""Byte transports carrying frames: asyncio TCP and serial ports.

Serial ports are opened with pyserial's ``serial_for_url``: a real port
(``/dev/ttyUSB0``), ``socket://host:port`` (serial-to-Ethernet converters),
``loop://`` or a pty path. pyserial is blocking, so each serial link owns
one thread that does the blocking reads and writes; the asyncio side awaits
it. ``fd://N`` wraps an already-open file descriptor (the master side of
``os.openpty()``, used by the simulator and tests).
"""

import asyncio
import contextlib
import os
import select
import time
from concurrent.futures import ThreadPoolExecutor

from .frame import FrameReader, encode


class LinkClosed(ConnectionError):
    pass


class TcpLink:
    """A framed asyncio TCP stream (client or accepted server connection)."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.decoder = FrameReader()
        self.pending = []

    @classmethod
    async def connect(cls, host, port, timeout=5.0):
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port), timeout
        )
        sock = writer.get_extra_info("socket")
        if sock is not None:
            import socket

            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(reader, writer)

    @property
    def errors(self):
        return self.decoder.errors

    async def send(self, data):
        self.writer.write(data)
        await self.writer.drain()

    async def recv(self, timeout=None):
        """Next frame; None on timeout. Raises LinkClosed at EOF."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.pending:
            wait = None if deadline is None else max(deadline - time.monotonic(), 0)
            if wait == 0:
                return None
            try:
                # asyncio.timeout, not wait_for: no extra Task per read on the hot path.
                async with asyncio.timeout(wait):
                    data = await self.reader.read(65536)
            except TimeoutError:
                return None
            if not data:
                raise LinkClosed("connection closed")
            self.pending.extend(self.decoder.feed(data))
        return self.pending.pop(0) if len(self.pending) > 1 else self.pending.pop()

    async def close(self):
        with contextlib.suppress(ConnectionError, OSError):  # the peer left first
            self.writer.close()
            await self.writer.wait_closed()


class _FdPort:
    """Minimal pyserial-like object over a raw file descriptor (pty master)."""

    def __init__(self, fd):
        self.fd = fd
        self.timeout = 0.05

    # Not an Odoo model: pyserial's file-like read / write, nothing to call super() on.
    def read(self, size=1):  # pylint: disable=method-required-super
        ready, _w, _x = select.select([self.fd], [], [], self.timeout)
        if not ready:
            return b""
        try:
            return os.read(self.fd, max(size, 1))
        except OSError:
            return b""

    @property
    def in_waiting(self):
        ready, _w, _x = select.select([self.fd], [], [], 0)
        return 4096 if ready else 0

    def write(self, data):  # pylint: disable=method-required-super
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]
        return len(data)

    def flush(self):
        pass

    def reset_input_buffer(self):
        while self.in_waiting:
            if not os.read(self.fd, 4096):
                break

    def close(self):
        pass


def open_serial(url, baudrate=115200, timeout=0.05):
    """pyserial port for ``url``; ``fd://N`` wraps an open file descriptor."""
    if url.startswith("fd://"):
        port = _FdPort(int(url[5:]))
        port.timeout = timeout
        return port
    import serial  # pyserial; imported lazily so TCP-only users need not have it

    return serial.serial_for_url(
        url, baudrate=baudrate, timeout=timeout, write_timeout=2.0
    )


class SerialLink:
    """A framed serial line driven from asyncio through one dedicated thread."""

    def __init__(self, url, baudrate=115200, port=None):
        self.url = url
        self.baudrate = baudrate
        self.port = port
        self.decoder = FrameReader()
        self.pending = []
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="serial")
        self.closed = False

    @property
    def errors(self):
        return self.decoder.errors

    async def open(self):
        if self.port is None:
            loop = asyncio.get_running_loop()
            self.port = await loop.run_in_executor(
                self.executor, open_serial, self.url, self.baudrate
            )
        return self

    def _read_some(self):
        if self.closed:
            raise LinkClosed(self.url)
        waiting = getattr(self.port, "in_waiting", 0) or 1
        return self.port.read(min(max(waiting, 1), 65536))

    async def send(self, data):
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.executor, self._write, data)

    def _write(self, data):
        self.port.write(data)
        self.port.flush()

    async def recv(self, timeout=None):
        """Next frame; None on timeout."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.pending:
            if deadline is not None and time.monotonic() >= deadline:
                return None
            data = await loop.run_in_executor(self.executor, self._read_some)
            if data:
                self.pending.extend(self.decoder.feed(data))
        return self.pending.pop(0) if len(self.pending) > 1 else self.pending.pop()

    def drop_input(self):
        self.pending.clear()
        self.decoder.buf.clear()

    async def close(self):
        self.closed = True
        # closing a dead port must not fail shutdown
        with contextlib.suppress(Exception):
            self.port.close()
        self.executor.shutdown(wait=False)


def frame_bytes(msg_type, payload, address=0, seq=0, flags=0, key=None):
    return encode(msg_type, payload, address, seq, flags, key)
