"""What the simulator counts and measures: the summary it prints."""


def percentile(sorted_values, pct):
    if not sorted_values:
        return 0.0
    index = min(
        int(round(pct / 100.0 * (len(sorted_values) - 1))), len(sorted_values) - 1
    )
    return sorted_values[index]


class Stats:
    def __init__(self):
        self.sent = self.approved = self.declined = self.refused = self.retransmits = 0
        self.offline_recorded = self.uploaded = self.replays = self.unreachable = (
            self.conflicts
        ) = self.busy = 0
        self.latencies = []
        # (serial, epoch, seq) -> answer summary (approved, amount, replay, offline)
        self.acked = {}
        # Measurement window (--warmup): only swipes sent after window_start count for
        # approved_per_s and the latency percentiles; the counters above count
        # everything.
        self.window_start = 0.0
        self.window_approved = 0

    def summary(self, elapsed):
        lat = sorted(self.latencies)
        return {
            "elapsed_s": round(elapsed, 3),
            "sent": self.sent,
            "approved": self.approved,
            "declined": self.declined,
            "refused": self.refused,
            "retransmits": self.retransmits,
            "busy": self.busy,
            "replays": self.replays,
            "conflicts": self.conflicts,
            "offline_recorded": self.offline_recorded,
            "uploaded": self.uploaded,
            "unreachable": self.unreachable,
            "approved_per_s": round(self.window_approved / elapsed, 1)
            if elapsed
            else 0.0,
            "answered_per_s": round(len(lat) / elapsed, 1) if elapsed else 0.0,
            "p50_ms": round(percentile(lat, 50) * 1000, 2),
            "p90_ms": round(percentile(lat, 90) * 1000, 2),
            "p99_ms": round(percentile(lat, 99) * 1000, 2),
            "max_ms": round((lat[-1] if lat else 0) * 1000, 2),
        }
