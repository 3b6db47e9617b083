"""Server addresses of a terminal (primary, fallback) and the rule that picks one.

Plain Python, no Odoo: the terminal model checks the addresses with
``parse_address``, the simulator's terminals follow ``ServerChoice`` (the rule a
terminal vendor implements, docs/binary-protocol.md "Two servers").
"""

import time
from urllib.parse import urlsplit


def parse_address(text, default_port=None):
    """(host, port) of "host:port", "[v6]:port" or "http(s)://host[:port]"; raise
    ValueError when it is neither."""
    text = (text or "").strip()
    if not text:
        raise ValueError("empty address")
    if "://" in text:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(text)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return parts.hostname, port
    parts = urlsplit("//" + text)
    try:
        port = parts.port or default_port
    except ValueError:  # port out of range or not a number
        raise ValueError(text) from None
    if not parts.hostname or not port or parts.path:
        raise ValueError(text)
    return parts.hostname, port


class ServerChoice:
    """Which server a terminal talks to now.

    The rule: start on the primary. ``budget`` failed tries in a row (a refused or
    broken connection, a frame unanswered within the timeout) move the terminal to
    the other server, where it retransmits the same records: the servers share one
    database, so what the first one booked is answered as a replay. On the fallback
    it goes back to the primary after ``failback_s`` seconds (0: never by time), or
    at once when the fallback fails the same way. A "busy" answer is not a failure:
    the server answered, the database is away, and both servers share it.
    """

    def __init__(self, primary, fallback=None, budget=3, failback_s=600.0):
        self.primary, self.fallback = primary, fallback
        self.budget, self.failback_s = max(int(budget), 1), failback_s
        self.current = primary
        self.failures = 0
        self.since = time.monotonic()
        self.moves = []  # (unix time, from, to, reason)

    def configure(self, primary=None, fallback=None, failback_minutes=None):
        """Apply the addresses of the server's settings (``config``)."""
        if failback_minutes is not None:
            self.failback_s = failback_minutes * 60.0
        if fallback is not None:
            self.fallback = fallback or None
        if primary and primary != self.primary:
            on_primary = self.current == self.primary
            self.primary = primary
            if on_primary:
                self._move(primary, "configured")
        if self.current not in (self.primary, self.fallback):
            self._move(self.primary, "configured")

    def address(self):
        """The server to use for the next try (fails back when it is time)."""
        if (
            self.fallback
            and self.current == self.fallback
            and self.current != self.primary
            and self.failback_s > 0
            and time.monotonic() - self.since >= self.failback_s
        ):
            self._move(self.primary, "failback")
        return self.current

    def failed(self):
        """One failed try on the current server; True when the terminal moved."""
        self.failures += 1
        if self.failures < self.budget or not self.fallback:
            return False
        other = self.fallback if self.current == self.primary else self.primary
        if other == self.current:
            return False
        self._move(other, "failover")
        return True

    def succeeded(self):
        self.failures = 0

    def _move(self, to, reason):
        self.moves.append((time.time(), self.current, to, reason))
        self.current, self.failures, self.since = to, 0, time.monotonic()
