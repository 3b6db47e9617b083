#!/usr/bin/env python3
"""OneCard desk card reader agent (PC/SC -> Odoo -> the operator's open desk).

Runs on the desk PC next to a PC/SC contactless reader. When a card is put on
the reader it sends the PC/SC "get data / UID" APDU ``FF CA 00 00 00``, checks
the status word is ``90 00``, and POSTs the UID in hexadecimal to Odoo::

    POST <url>/onecard/desk/reader
    Authorization: Bearer <token>          (Odoo: One-Card > Configuration > Desk Card
    Readers) {"uid": "04A1B2C3"}

Odoo pushes the UID on its bus to the token's user; that user's open Operator
Desk loads the card exactly as if a keyboard-wedge reader had typed it.

Standalone on purpose: needs only Python 3.8+ and pyscard (``pip install
pyscard``); no Odoo import. See docs/desk-reader.md.

    desk_reader.py --url https://odoo.example.com --token-file ~/.onecard-desk-token
    desk_reader.py --url http://localhost:8069 --token ... --reader ACR122 --once
    --timeout 30

With --once it handles one card then exits: 0 delivered, 1 the card could not
be read or Odoo did not take it, 2 no card before --timeout.
"""

import argparse
import json
import logging
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

try:
    from smartcard import scard
except ImportError:  # reported by main(), so that --help works without pyscard
    scard = None

__version__ = "1.0"
ENDPOINT = "/onecard/desk/reader"
GET_UID_APDU = [0xFF, 0xCA, 0x00, 0x00, 0x00]
EXIT_OK, EXIT_FAILED, EXIT_TIMEOUT = 0, 1, 2

log = logging.getLogger("desk_reader")


class PcscUnavailable(Exception):
    """The PC/SC service (pcscd / Windows SCardSvr) is gone or not running."""


class CardReadError(Exception):
    """A card is there but did not give a usable UID."""


def _error_text(hresult):
    try:
        return (
            f"{scard.SCardGetErrorMessage(hresult).strip()} "
            f"(0x{hresult & 0xFFFFFFFF:08X})"
        )
    except Exception:  # pragma: no cover - exotic hresult
        return "0x%08X" % (hresult & 0xFFFFFFFF)


def _hex(data):
    return " ".join(f"{b:02X}" for b in data)


class Pcsc:
    """A PC/SC context that re-establishes itself when the service restarts."""

    def __init__(self, reader_filter=None):
        self.reader_filter = (reader_filter or "").lower()
        self.context = None

    def ensure(self):
        if self.context is None:
            hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hresult != scard.SCARD_S_SUCCESS:
                raise PcscUnavailable(_error_text(hresult))
            self.context = context
        return self.context

    def release(self):
        if self.context is not None:
            try:
                scard.SCardReleaseContext(self.context)
            except Exception:  # the service is gone: nothing to release
                log.debug("SCardReleaseContext failed", exc_info=True)
            self.context = None

    def readers(self):
        hresult, readers = scard.SCardListReaders(self.ensure(), [])
        if hresult in (
            scard.SCARD_E_NO_READERS_AVAILABLE,
            getattr(scard, "SCARD_E_READER_UNAVAILABLE", None),
        ):
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise PcscUnavailable(_error_text(hresult))
        return [r for r in readers if self.reader_filter in r.lower()]

    def wait_change(self, states, timeout_ms):
        """SCardGetStatusChange over ``states`` {reader: current state}; returns
        {reader: (event state, atr)}."""
        hresult, new_states = scard.SCardGetStatusChange(
            self.ensure(),
            timeout_ms,
            [(reader, state) for reader, state in states.items()],
        )
        if hresult == scard.SCARD_E_TIMEOUT:
            return {}
        if hresult != scard.SCARD_S_SUCCESS:
            raise PcscUnavailable(_error_text(hresult))
        return {reader: (event, atr) for reader, event, atr in new_states}

    def read_uid(self, reader):
        """Connect to the card on ``reader``, send FF CA 00 00 00, return the UID in
        upper-case hex."""
        hresult, card, protocol = scard.SCardConnect(
            self.ensure(),
            reader,
            scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        if hresult != scard.SCARD_S_SUCCESS:
            if hresult in (
                scard.SCARD_E_NO_SERVICE,
                scard.SCARD_E_SERVICE_STOPPED,
                scard.SCARD_E_INVALID_HANDLE,
            ):
                raise PcscUnavailable(_error_text(hresult))
            raise CardReadError(f"cannot connect to the card: {_error_text(hresult)}")
        try:
            response = self._transmit(card, protocol, GET_UID_APDU)
            sw1, sw2 = response[-2:]
            if sw1 == 0x6C:  # wrong Le: the card tells the right one, ask again
                response = self._transmit(card, protocol, GET_UID_APDU[:4] + [sw2])
                sw1, sw2 = response[-2:]
            data = response[:-2]
            if (sw1, sw2) != (0x90, 0x00):
                raise CardReadError(
                    f"the card answered SW {sw1:02X} {sw2:02X} to GET UID (FF CA "
                    f"00 00 00): "
                    "not a contactless card, or the reader does not support it"
                )
            if not 4 <= len(data) <= 10:
                raise CardReadError(
                    "the card answered a %d-byte UID (%s); 4 to 10 bytes expected"
                    % (len(data), _hex(data))
                )
            return bytes(data).hex().upper()
        finally:
            scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)

    @staticmethod
    def _transmit(card, protocol, apdu):
        hresult, response = scard.SCardTransmit(card, protocol, apdu)
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardReadError(f"APDU {_hex(apdu)} failed: {_error_text(hresult)}")
        if len(response) < 2:
            raise CardReadError(
                f"APDU {_hex(apdu)}: answer too short ({_hex(response)})"
            )
        return response


class Odoo:
    """POSTs UIDs to Odoo's /onecard/desk/reader with the bearer token."""

    def __init__(self, url, token, timeout=10.0):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                "--url must be an http(s) URL, e.g. https://odoo.example.com"
            )
        if parts.path in ("", "/"):
            url = urllib.parse.urlunsplit(
                (parts.scheme, parts.netloc, ENDPOINT, "", "")
            )
        self.url, self.token, self.timeout = url, token, timeout

    def post(self, payload):
        """Return (status, decoded JSON answer or None); status 0 when Odoo could not be
        reached."""
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload).encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": "Bearer " + self.token,
                "User-Agent": "onecard-desk-reader/" + __version__,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            return 0, {
                "error": {
                    "code": "unreachable",
                    "message": str(getattr(exc, "reason", exc)),
                }
            }
        try:
            return status, json.loads(body.decode("utf-8"))
        except ValueError:
            return status, None

    def deliver(self, uid):
        status, answer = self.post({"uid": uid})
        if status == 200 and isinstance(answer, dict) and answer.get("ok"):
            log.info("card %s delivered to Odoo (%s)", uid, self.url)
            return True
        self._log_refusal(f"card {uid} NOT delivered", status, answer)
        return False

    def check(self):
        status, answer = self.post({"ping": True})
        if status == 200 and isinstance(answer, dict) and answer.get("ok"):
            log.info(
                "token accepted by %s: reader %r, desk of user %r",
                self.url,
                answer.get("reader"),
                answer.get("user"),
            )
            return True
        self._log_refusal("token check failed", status, answer)
        return False

    def _log_refusal(self, what, status, answer):
        error = (answer or {}).get("error") if isinstance(answer, dict) else None
        detail = (
            "{}: {}".format(error.get("code"), error.get("message"))
            if isinstance(error, dict)
            else "no JSON answer"
        )
        if status == 0:
            log.error("%s: cannot reach Odoo at %s (%s)", what, self.url, detail)
        elif status == 401:
            log.error(
                "%s: Odoo refused the token (401 %s); generate a new one in Odoo",
                what,
                detail,
            )
        else:
            log.error("%s: Odoo answered HTTP %s (%s)", what, status, detail)


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


def _token(args):
    if args.token_file:
        with open(os.path.expanduser(args.token_file), encoding="utf-8") as handle:
            return handle.read().strip()
    return (args.token or os.environ.get("ONECARD_DESK_TOKEN") or "").strip()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="OneCard desk card reader agent: reads card UIDs on a PC/SC "
        "reader (APDU FF CA 00 00 00) "
        "and loads them into the operator's open Operator Desk in Odoo."
    )
    parser.add_argument(
        "--url",
        default=os.environ.get("ONECARD_URL"),
        help="Odoo base URL (https://odoo.example.com) or the full endpoint URL; env "
        "ONECARD_URL",
    )
    token = parser.add_mutually_exclusive_group()
    token.add_argument(
        "--token",
        help="desk reader token from Odoo (visible in `ps`: prefer --token-file or "
        "env ONECARD_DESK_TOKEN)",
    )
    token.add_argument("--token-file", help="file holding the token")
    parser.add_argument(
        "--reader",
        help="use only readers whose name contains this text (case-insensitive)",
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help="handle one card, then exit (0 delivered, 1 not read / refused, 2 no "
        "card before "
        "--timeout)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        help="stop after this many seconds (mostly with --once)",
    )
    parser.add_argument(
        "--debounce",
        type=float,
        default=2.0,
        help="ignore the same card put back within this many seconds (default 2)",
    )
    parser.add_argument(
        "--poll",
        type=float,
        default=1.0,
        help="PC/SC wait slice in seconds (default 1)",
    )
    parser.add_argument(
        "--retry",
        type=float,
        default=2.0,
        help="seconds between reconnection attempts when the PC/SC service is down "
        "(default 2)",
    )
    parser.add_argument(
        "--http-timeout",
        type=float,
        default=10.0,
        help="HTTP timeout in seconds (default 10)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="only check that Odoo accepts the token, then exit",
    )
    parser.add_argument(
        "--list-readers", action="store_true", help="print the PC/SC readers and exit"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument(
        "--version", action="version", version="%(prog)s " + __version__
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s desk_reader: %(message)s",
        stream=sys.stderr,
    )
    if args.list_readers:
        if scard is None:
            log.error("pyscard is not installed: pip install pyscard")
            return EXIT_FAILED
        try:
            for reader in Pcsc(args.reader).readers():
                # the CLI's output (--list-readers): one reader a line on stdout
                print(reader)  # pylint: disable=print-used
        except PcscUnavailable as exc:
            log.error("PC/SC service not available: %s", exc)
            return EXIT_FAILED
        return EXIT_OK
    token = _token(args)
    if not args.url or not token:
        log.error(
            "--url and a token (--token, --token-file or env ONECARD_DESK_TOKEN) "
            "are required"
        )
        return EXIT_FAILED
    try:
        odoo = Odoo(args.url, token, timeout=args.http_timeout)
    except ValueError as exc:
        log.error("%s", exc)
        return EXIT_FAILED
    if args.check:
        return EXIT_OK if odoo.check() else EXIT_FAILED
    if scard is None:
        log.error(
            "pyscard is not installed: pip install pyscard (Linux: also apt "
            "install pcscd)"
        )
        return EXIT_FAILED
    log.info(
        "desk reader agent %s: sending card UIDs to %s%s",
        __version__,
        odoo.url,
        f" (readers matching {args.reader!r})" if args.reader else "",
    )
    agent = Agent(
        Pcsc(args.reader),
        odoo,
        debounce=args.debounce,
        poll=args.poll,
        retry=args.retry,
    )
    try:
        return agent.run(once=args.once, timeout=args.timeout)
    except KeyboardInterrupt:
        log.info("stopped")
        return EXIT_OK
    finally:
        agent.pcsc.release()


if __name__ == "__main__":
    sys.exit(main())
