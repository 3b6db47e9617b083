"""The command line of desk_reader.py (and ``python3 -m onecard_desk_reader``)."""

import argparse
import logging
import os
import sys

from . import EXIT_FAILED, EXIT_OK, __version__, log
from .agent import Agent
from .odoo import Odoo
from .pcsc import Pcsc, PcscUnavailable, scard


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
