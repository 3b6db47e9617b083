"""The loop: wait for a card on any reader, read its UID, deliver it once."""

import logging
import time

from . import EXIT_FAILED, EXIT_OK, EXIT_TIMEOUT, log
from .pcsc import CardReadError, PcscUnavailable, _hex, scard


class Agent:
    def __init__(self, pcsc, odoo, debounce=2.0, poll=1.0, retry=2.0):
        self.pcsc, self.odoo = pcsc, odoo
        self.debounce, self.poll, self.retry = debounce, poll, retry
        # reader -> last SCardGetStatusChange event state (without CHANGED)
        self.states = {}
        self.last = (None, 0.0)  # (uid, monotonic time) of the last card sent
        self._said = (
            None  # last "waiting" message, so that it is logged once, not every poll
        )

    def _say_once(self, key, level, message, *args):
        """Log a "waiting" message once per situation ``key``, not at every poll."""
        if key != self._said:
            log.log(level, message, *args)
            self._said = key

    def step(self):
        """Wait up to ``poll`` seconds for a card; return the list of results of the
        cards handled.

        A result is True (UID delivered), False (not read, or not taken by Odoo)
        or None (same card again within the debounce delay: ignored).
        """
        try:
            readers = self.pcsc.readers()
            if not readers:
                self._say_once(
                    "no-reader",
                    logging.WARNING,
                    "no PC/SC reader found%s; waiting for one",
                    f" matching {self.pcsc.reader_filter!r}"
                    if self.pcsc.reader_filter
                    else "",
                )
                self.states.clear()
                time.sleep(self.poll)
                return []
            if set(readers) != set(self.states):
                for reader in set(self.states) - set(readers):
                    log.info("reader removed: %s", reader)
                for reader in set(readers) - set(self.states):
                    log.info("reader found: %s", reader)
                # A new reader starts as "unaware": the first status tells if a card is
                # already on it.
                self.states = {
                    r: self.states.get(r, scard.SCARD_STATE_UNAWARE) for r in readers
                }
                self._said = None
            self._say_once(
                "waiting",
                logging.INFO,
                "waiting for a card on %s",
                ", ".join(sorted(self.states)),
            )
            changes = self.pcsc.wait_change(self.states, int(self.poll * 1000))
            results = []
            for reader, (event, atr) in changes.items():
                before = self.states.get(reader, scard.SCARD_STATE_UNAWARE)
                self.states[reader] = event & ~scard.SCARD_STATE_CHANGED
                if event & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_IGNORE):
                    self.states.pop(reader, None)  # gone: re-listed next step
                    continue
                inserted = (
                    event & scard.SCARD_STATE_PRESENT
                    and not before & scard.SCARD_STATE_PRESENT
                )
                if (
                    before & scard.SCARD_STATE_PRESENT
                    and not event & scard.SCARD_STATE_PRESENT
                ):
                    log.info("card removed from %s", reader)
                if not inserted:
                    continue
                if event & scard.SCARD_STATE_MUTE:
                    log.warning(
                        "card on %s does not answer (mute, ATR %s); ignored",
                        reader,
                        _hex(atr) or "-",
                    )
                    results.append(False)
                    continue
                log.info("card inserted on %s (ATR %s)", reader, _hex(atr) or "-")
                results.append(self.handle_card(reader))
            return results
        except PcscUnavailable as exc:
            if self.pcsc.context is not None:
                log.warning(
                    "PC/SC service lost (%s); reconnecting every %ss", exc, self.retry
                )
                self._said = "pcsc-down"
            self._say_once(
                "pcsc-down",
                logging.WARNING,
                "PC/SC service not available (%s); retrying every %ss",
                exc,
                self.retry,
            )
            self.pcsc.release()
            self.states.clear()
            time.sleep(self.retry)
            return []

    def handle_card(self, reader):
        try:
            uid = self.pcsc.read_uid(reader)
        except CardReadError as exc:
            log.error("card on %s not read: %s; nothing sent", reader, exc)
            return False
        last_uid, last_time = self.last
        now = time.monotonic()
        if uid == last_uid and now - last_time < self.debounce:
            log.info(
                "card %s again within %.1fs: ignored (debounce)", uid, self.debounce
            )
            return None
        log.info("card UID %s read on %s", uid, reader)
        delivered = self.odoo.deliver(uid)
        if delivered:
            self.last = (uid, now)
        return delivered

    def run(self, once=False, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            for result in self.step():
                if once and result is not None:
                    return EXIT_OK if result else EXIT_FAILED
            if deadline is not None and time.monotonic() >= deadline:
                log.info("no card within %ss: stopping", timeout)
                return EXIT_TIMEOUT
