"""Group commit: the swipes waiting when a batch starts are decided together.

Swipes that arrive while a batch is being decided wait in a queue; the next
batch takes all of them (up to --batch-size) and the engine decides them in
order in one transaction (``onecard.consumption.swipe_many``: the same rules, a
fixed handful of statements per batch, one COMMIT). At the lunch rush this
turns one commit per swipe into one per burst; an idle terminal's swipe still
goes alone at once. --batchers batches are in progress at once, each on its
own worker thread and cursor.
"""

import asyncio
import time
from collections import deque

from .runner import GatewayError


class Batcher:
    def __init__(self, runner, stats, batch_size, batch_punches=2000):
        self.runner = runner
        self.stats = stats
        self.batch_size = batch_size
        # ZKTeco ATTLOG uploads ("zk") weigh their lines: a batch takes uploads
        # while it holds fewer punches than this (at least one upload). 25 uploads of
        # 500 lines in one batch took 30-38 s on the loaded 2-core machine
        # (bench_zkteco.py): devices would time out and send them all again.
        self.batch_punches = batch_punches
        self.swipes = deque()  # (kind, data, future) waiting for the next batch
        self.ready = None  # asyncio.Event, created in the loop (start)

    def start(self, count):
        """The batch loops' tasks (``count`` batches in progress at once)."""
        self.ready = asyncio.Event()
        return [asyncio.create_task(self.loop()) for _i in range(count)]

    async def queue(self, kind, data):
        """Queue a swipe for the next batch; return its committed answer (or the
        exception refusing it)."""
        future = asyncio.get_running_loop().create_future()
        self.swipes.append((kind, data, future))
        self.ready.set()
        return await future

    def _take(self):
        """The next batch: up to batch_size items, up to batch_punches punches."""
        batch, punches = [], 0
        while self.swipes and len(batch) < self.batch_size:
            kind, data, _future = self.swipes[0]
            weight = max(data[3].count(b"\n"), 1) if kind == "zk" else 0
            if batch and weight and punches + weight > self.batch_punches:
                break
            punches += weight
            batch.append(self.swipes.popleft())
        return batch

    async def loop(self):
        """Take what is queued, decide it in one transaction, answer each."""
        loop = asyncio.get_running_loop()
        while True:
            await self.ready.wait()
            batch = self._take()
            if not self.swipes:
                self.ready.clear()
            if not batch:
                continue
            try:
                started = time.perf_counter()
                results = await loop.run_in_executor(
                    self.runner.pool,
                    self.runner.handle_swipes,
                    [(kind, data) for kind, data, _f in batch],
                )
                self.stats.count("batches")
                self.stats.count("batched", len(batch))
                self.stats.count("batch_us", int((time.perf_counter() - started) * 1e6))
            except Exception as exc:  # noqa: BLE001 - e.g. the pool is shut down: nothing committed, the terminal retries
                results = [GatewayError("busy", str(exc)[:100])] * len(batch)
            for (_kind, _data, future), result in zip(batch, results, strict=False):
                if not future.done():
                    future.set_result(result)
