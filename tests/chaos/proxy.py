"""A fault-injecting TCP proxy on loopback, between terminals and the gateways.

Why not tc netem: network namespaces work here, but the kernel's sch_netem
module cannot be loaded in this container (no modprobe), so packet loss is
modelled one level up, on the byte stream a terminal's TCP connection carries:

- delay: every chunk waits 0..``delay`` s (seeded);
- duplicate: a chunk is sent twice (a whole frame twice: the gateway must
  answer the copy as a replay; half a frame twice: it must resynchronise);
- cut: the connection is closed after forwarding only part of a chunk
  (a connection cut mid-frame, both directions);
- move: the upstream switches to the other gateway process and every open
  connection is cut (terminals reconnect to the other one);
- lost answers: a cut after the gateway answered (the terminal retransmits).

Reordering inside one TCP stream cannot happen; across connections it is what
the cuts and retransmissions produce. Bounded: every wait has a timeout, and the
proxy stops with the run.
"""

import asyncio
import random
import threading


class FaultProxy:
    def __init__(self, upstreams, seed, host="127.0.0.1"):
        self.upstreams = list(upstreams)  # [port, ...]; index self.current is used
        self.current = 0
        self.host = host
        self.rng = random.Random(seed)
        self.delay = 0.0
        self.dup_rate = 0.0
        self.cut_rate = 0.0
        self.counts = {"cut": 0, "duplicated": 0, "delayed": 0, "moved": 0}
        self.conns = set()
        self.loop = None
        self.port = None
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    # ---- control (any thread) ----
    def start(self):
        self.thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("proxy did not start")
        return self.port

    def set_faults(self, delay=0.0, dup_rate=0.0, cut_rate=0.0):
        self.delay, self.dup_rate, self.cut_rate = delay, dup_rate, cut_rate

    def cut_all(self):
        self.loop.call_soon_threadsafe(self._cut_all)

    def move(self):
        """Terminals move to the other gateway process."""
        self.current = (self.current + 1) % len(self.upstreams)
        self.counts["moved"] += 1
        self.cut_all()

    def stop(self):
        if self.loop:
            self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    # ---- the loop ----
    def _run(self):
        self.loop = asyncio.new_event_loop()
        server = self.loop.run_until_complete(
            asyncio.start_server(self._serve, self.host, 0)
        )
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self.loop.run_forever()
        finally:
            server.close()
            for writer in list(self.conns):
                writer.close()
            self.loop.close()

    def _cut_all(self):
        for writer in list(self.conns):
            writer.close()
        self.counts["cut"] += len(self.conns)

    async def _serve(self, reader, writer):
        try:
            up_reader, up_writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.upstreams[self.current]), 5
            )
        except (OSError, asyncio.TimeoutError):
            writer.close()
            return
        self.conns.update((writer, up_writer))
        try:
            await asyncio.gather(
                self._pipe(reader, up_writer, writer),
                self._pipe(up_reader, writer, up_writer),
            )
        finally:
            for w in (writer, up_writer):
                self.conns.discard(w)
                w.close()

    async def _pipe(self, reader, writer, other):
        rng = self.rng
        try:
            while True:
                chunk = await asyncio.wait_for(reader.read(65536), 300)
                if not chunk:
                    break
                if self.delay:
                    self.counts["delayed"] += 1
                    await asyncio.sleep(rng.random() * self.delay)
                if self.cut_rate and rng.random() < self.cut_rate:
                    self.counts["cut"] += 1
                    writer.write(chunk[: rng.randrange(len(chunk))])
                    break
                writer.write(chunk)
                if self.dup_rate and rng.random() < self.dup_rate:
                    self.counts["duplicated"] += 1
                    writer.write(chunk)
                await writer.drain()
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            other.close()
