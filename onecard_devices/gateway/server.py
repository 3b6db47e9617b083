"""The gateway process: its parts, started and stopped together.

asyncio does the I/O (a TCP server, the terminal HTTP API, one polling loop per
RS-485 port); the runner's worker threads, each holding one cursor of the
single registry, run the engine; swipes go through the group commit. On
SIGTERM / SIGINT the servers stop accepting, what is in flight is finished
(committed, then answered) for up to --shutdown-timeout seconds, and the
totals are logged.
"""

import asyncio
import contextlib
import gc
import logging
import os
import signal
import time

from .batcher import Batcher
from .frames import FrameService
from .http import MAX_HEAD, HttpFront
from .rs485 import poll_port
from .runner import Runner
from .status import Stats, status_loop, totals
from .tcp import TcpServer

_logger = logging.getLogger("odoo.addons.onecard_devices.gateway")


class Gateway:
    """What the parts share: options, counters, terminals, the in-flight count."""

    def __init__(self, dbname, opts):
        self.dbname = dbname
        self.opts = opts
        self.stats = Stats()
        self.stopping = False
        self.inflight = 0
        self.terminals = {}  # id -> dict(serial, secret, port_url, bus_address)
        self.by_serial = {}
        self.by_bus = {}
        self.runner = Runner(dbname, opts, self.stats)
        self.batcher = Batcher(
            self.runner, self.stats, opts.batch_size, opts.batch_punches
        )
        self.frames = FrameService(self)

    @property
    def languages(self):
        """The installed languages (the HTTP front's refusals are in one of them)."""
        return self.runner.languages

    def load_terminals(self):
        """Worker thread: (re)load the active terminals."""
        keys = ("id", "serial", "secret", "port_url", "bus_address", "connection")
        rows = self.runner.load_terminals()
        self.terminals = {r[0]: dict(zip(keys, r, strict=True)) for r in rows}
        self.by_serial = {
            t["serial"]: t for t in self.terminals.values() if t["serial"]
        }
        self.by_bus = {
            (t["port_url"], t["bus_address"]): t
            for t in self.terminals.values()
            if t["port_url"] and t["bus_address"]
        }

    def serial_ports(self):
        """{url: bus addresses} to poll: the database's serial terminals (unless
        --no-db-ports) and the --serial ports. Extra processes (--processes) only
        share the TCP port: one process polls the buses."""
        opts, ports = self.opts, {}
        if not opts.serial_owner:
            return ports
        for terminal in self.terminals.values():
            if (
                terminal["connection"] == "serial"
                and terminal["port_url"]
                and not opts.no_db_ports
            ):
                ports.setdefault(terminal["port_url"], set()).add(
                    terminal["bus_address"]
                )
        for url in opts.serial or []:
            ports.setdefault(url, set()).update(a for (u, a) in self.by_bus if u == url)
        return ports

    async def start_servers(self):
        opts, servers = self.opts, []
        if opts.tcp_port is not None and opts.tcp_port >= 0:
            server = await asyncio.start_server(
                TcpServer(self).serve,
                opts.tcp_host,
                opts.tcp_port,
                backlog=512,
                reuse_port=opts.processes > 1,
            )
            servers.append(server)
            port = server.sockets[0].getsockname()[1]
            _logger.info(
                "onecard-gateway listening on %s:%s (db %s, %d workers)",
                opts.tcp_host,
                port,
                self.dbname,
                opts.workers,
            )
            if opts.port_file:
                with open(opts.port_file, "w") as handle:
                    handle.write(str(port))
        if opts.http_port is not None and opts.http_port >= 0:
            server = await asyncio.start_server(
                HttpFront(self).serve,
                opts.tcp_host,
                opts.http_port,
                backlog=512,
                limit=MAX_HEAD,
                reuse_port=opts.processes > 1,
            )
            servers.append(server)
            _logger.info(
                "onecard-gateway serving the terminal HTTP API on %s:%s",
                opts.tcp_host,
                server.sockets[0].getsockname()[1],
            )
        return servers

    async def main(self):
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await loop.run_in_executor(self.runner.pool, self.load_terminals)
        # The loaded registry is hundreds of thousands of objects that live as long as
        # we do; a full (generation 2) collection walking them stopped the whole
        # gateway for ~140 ms (measured, once in a 25 s run at 1,000 swipes/s): the
        # p99 of the swipes in flight. Frozen, collections only walk what was
        # allocated since.
        gc.freeze()
        batchers = self.batcher.start(self.opts.batchers)
        servers = await self.start_servers()
        tasks = [
            asyncio.create_task(poll_port(self, url, addresses))
            for url, addresses in self.serial_ports().items()
        ]
        tasks.append(asyncio.create_task(status_loop(self)))
        # On stdout, not in the log: the tests and scripts wait for this line.
        print("onecard-gateway ready", flush=True)  # pylint: disable=print-used
        await stop.wait()
        _logger.info(
            "onecard-gateway stopping: finishing %d in-flight frame(s)", self.inflight
        )
        self.stopping = True
        for server in servers:
            server.close()
        deadline = time.monotonic() + self.opts.shutdown_timeout
        while self.inflight and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for task in tasks + batchers:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.runner.close()
        stats = self.stats.snapshot()
        _logger.info(
            "onecard-gateway stopped: %s connections=%d batched=%d (since start)",
            totals(stats),
            stats.get("connections", 0),
            stats.get("batched", 0),
        )


def run(dbname, opts):
    """Run the gateway; with --processes N, N-1 forked children share the ports
    (SO_REUSEPORT), each with its own registry and cursors; the parent polls the
    serial ports and stops its children on the way out."""
    opts.serial_owner = True
    children = []
    for _index in range(opts.processes - 1):
        pid = os.fork()
        if pid == 0:  # child: TCP / HTTP only
            opts.serial_owner, opts.port_file = False, None
            children = None
            break
        children.append(pid)
    try:
        asyncio.run(Gateway(dbname, opts).main())
    finally:
        for pid in children or []:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):  # gone
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
