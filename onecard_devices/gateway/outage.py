"""The database is away: one log line when it goes, one when it is back.

While PostgreSQL restarts every worker thread of the gateway (and every Odoo
HTTP worker of the terminal API) fails to reach it, dozens of times a second.
Each of those failures is answered "busy, retry with the same sequence" and
counted here instead of logged: an operator reads one WARNING when the outage
starts (with the error) and one when the first transaction commits again (with
how long it lasted and how many requests were answered busy meanwhile).

No Odoo imports: unit-tested in tests/unit.
"""

import logging
import threading
import time

_logger = logging.getLogger("odoo.addons.onecard_devices.gateway")


class Outage:
    """Thread-safe state of the database connection as the callers see it."""

    def __init__(self, logger=None, clock=time.monotonic):
        self.logger = logger or _logger
        self.clock = clock
        self.lock = threading.Lock()
        self.since = None  # clock() of the first failure of the current outage
        self.busy = 0  # requests answered busy during it
        self.outages = 0  # since start
        self.last_duration = None  # seconds, of the last outage that ended

    @property
    def down(self):
        return self.since is not None

    def failed(self, error):
        """A request could not reach the database (it is answered busy)."""
        with self.lock:
            self.busy += 1
            if self.since is not None:
                return False
            self.since = self.clock()
            self.outages += 1
        first = str(error).strip().splitlines()
        self.logger.warning(
            "database unreachable (%s): answering terminals busy, retry",
            first[0] if first else type(error).__name__,
        )
        return True

    def succeeded(self):
        """A transaction committed: if an outage was going on, it is over."""
        if self.since is None:  # the hot path: no lock
            return None
        with self.lock:
            if self.since is None:
                return None
            duration = self.clock() - self.since
            busy, self.since, self.busy = self.busy, None, 0
            self.last_duration = duration
        self.logger.warning(
            "database back after %.2f s: %d request(s) were answered busy",
            duration,
            busy,
        )
        return duration
