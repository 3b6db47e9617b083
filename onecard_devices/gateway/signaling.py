"""Odoo's multi-process cache signaling, for the gateway's worker threads.

Odoo's own servers check, at the start of every request, whether another process
changed settings that live in caches (a price, a terminal's mode, a meal period:
``onecard.config.cache`` clears the registry's caches on write, and the process that
wrote bumps a sequence in the database at the end of its request). The gateway runs
the engine outside Odoo's request stack, so it did neither: a price changed in the
web client was still charged at the old one by every running gateway until it was
restarted (seen: 6.00 charged after the price was set to 6.50). With two gateway
hosts, or a gateway beside Odoo's HTTP workers, that is every site.

``Signaling.check`` (before a unit of work, at most once per ``interval`` seconds per
process: one small SELECT) clears what another process changed; ``Signaling.send``
(after a COMMIT) tells the others what this one changed.
"""

import logging
import threading
import time

_logger = logging.getLogger("odoo.addons.onecard_devices.gateway")
INTERVAL = 1.0  # seconds: how stale a setting may be in a gateway after a change


class Signaling:
    def __init__(self, registry, interval=INTERVAL):
        self.registry = registry
        self.interval = interval
        self.checked_at = time.monotonic()
        self.lock = threading.Lock()

    def check(self, cr):
        """Clear the caches other processes invalidated (one thread checks for all)."""
        if time.monotonic() - self.checked_at < self.interval:
            return
        if not self.lock.acquire(blocking=False):  # another worker is checking
            return
        try:
            if time.monotonic() - self.checked_at < self.interval:
                return
            # a new registry when modules were upgraded meanwhile (Odoo's own rule);
            # environments find it by database name
            self.registry = self.registry.check_signaling(cr)
            self.checked_at = time.monotonic()
        finally:
            self.lock.release()

    def send(self):
        """After a COMMIT: tell the other processes what this thread's work changed."""
        registry = self.registry
        if not (registry.registry_invalidated or registry.cache_invalidated):
            return
        try:
            registry.signal_changes()
        except Exception as exc:  # noqa: BLE001 - committed already; they learn at their next change
            _logger.warning(
                "could not signal cache changes to other processes: %s", exc
            )
