"""The gateway's counters, its status line (every --status-interval) and its totals."""

import asyncio
import logging
import threading
from collections import Counter

_logger = logging.getLogger("odoo.addons.onecard_devices.gateway")

# The counters of the status lines and of the end-of-run totals, in this order (0 when
# nothing happened: an operator grepping "naks=" must find it).
TOTALS = (
    "frames",
    "http_requests",
    "approved",
    "declined",
    "replays",
    "conflicts",
    "batches",
    "uploaded",
    "naks",
    "busy",
    "retries",
    "crc_errors",
    "poll_timeouts",
)


def totals(counts):
    """ "frames=3 http=0 ... naks=2 ...": every counter of TOTALS, zeros included."""
    return " ".join(
        "%s=%d" % ("http" if key == "http_requests" else key, counts.get(key, 0))
        for key in TOTALS
    )


class Stats:
    """Counters shared by the asyncio side and the worker threads, and latencies."""

    def __init__(self):
        self.counts = Counter()
        self.lock = threading.Lock()
        self.latencies = []  # seconds, of the frames answered since the last status

    def count(self, key, n=1):
        with self.lock:
            self.counts[key] += n

    def snapshot(self):
        with self.lock:
            return Counter(self.counts)

    def take_latencies(self):
        lat, self.latencies = self.latencies, []
        return sorted(lat)


async def status_loop(gateway):
    """Log one status line per interval: the counters of the interval."""
    stats, interval = gateway.stats, gateway.opts.status_interval
    last = Counter()
    while not gateway.stopping:
        await asyncio.sleep(interval)
        now = stats.snapshot()
        lat = stats.take_latencies()
        p50 = lat[len(lat) // 2] * 1000 if lat else 0.0
        p99 = lat[min(int(len(lat) * 0.99), len(lat) - 1)] * 1000 if lat else 0.0
        delta = {k: now[k] - last[k] for k in now}
        batches = max(delta.get("batches", 0), 1)
        _logger.info(
            "status: %s connections=%d inflight=%d p50=%.1fms p99=%.1fms "
            "batch=%.1f swipes/%.1fms (last %ds)",
            totals(delta),
            now.get("connections", 0),
            gateway.inflight,
            p50,
            p99,
            # what group commit achieves: swipes per batch, and how long a batch
            # takes (queue to commit)
            delta.get("batched", 0) / batches,
            delta.get("batch_us", 0) / 1000 / batches,
            interval,
        )
        last = now
