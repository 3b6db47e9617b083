"""The simulator's command line: N terminals, a load, a summary (and --report)."""

import argparse
import asyncio
import json
import os
import time

from ..lib.servers import ServerChoice, parse_address
from .clients import HttpClient, SerialBus, SerialClient, TcpClient
from .stats import Stats
from .terminal import VirtualTerminal


# ------------------------------------------------------------------ runner
def server_choice(args, primary):
    """The primary / fallback rule of one terminal (the settings may change it)."""
    fallback = parse_address(args.fallback, primary[1]) if args.fallback else None
    return ServerChoice(
        primary,
        fallback,
        budget=args.failover_after,
        failback_s=args.failback_minutes * 60.0,
    )


def card_uids(count, base):
    return ["%08X" % (base + i) for i in range(count)]


async def run(args):
    stats = Stats()
    if args.uids:
        with open(args.uids) as handle:
            cards = [line.strip() for line in handle if line.strip()]
    else:
        cards = card_uids(args.cards, int(str(args.card_base), 0))
    terminals = []
    bus = None
    if args.transport == "serial":
        bus = SerialBus(args.serial_url, args.baudrate)
        await bus.start()
    for index in range(args.terminals):
        serial = "%s%03d" % (args.serial_prefix, index + args.first_index)
        terminal = VirtualTerminal(
            serial,
            args.secret,
            args.first_address + index,
            cards,
            stats,
            show=args.show,
            force_offline=args.offline,
            sign=not args.unsigned,
            first_seq=args.first_seq if args.first_seq is not None else None,
            epoch=args.epoch,
            reset_epoch=args.reset_epoch,
            clock=args.clock,
        )
        if args.transport == "tcp":
            terminal.client = TcpClient(
                args.host,
                args.port,
                terminal,
                args.timeout,
                args.max_wait,
                servers=server_choice(args, (args.host, args.port)),
            )
        elif args.transport == "serial":
            terminal.key = terminal.key if args.sign_serial else None
            terminal.client = SerialClient(bus, terminal, args.max_wait)
        else:
            terminal.client = HttpClient(
                args.url,
                terminal,
                args.timeout,
                args.max_wait,
                servers=server_choice(args, parse_address(args.url)),
            )
        terminals.append(terminal)
    await asyncio.gather(*(t.start() for t in terminals))
    started = time.monotonic()
    # The warm-up runs the same load first (connections, caches, plans settle),
    # unmeasured.
    stats.window_start = started + (args.warmup if args.duration else 0.0)
    deadline = stats.window_start + args.duration if args.duration else None
    rate = args.rate / len(terminals) if args.rate else None
    swipes = args.swipes if not args.duration else None
    stop = (lambda: os.path.exists(args.stop_file)) if args.stop_file else None
    await asyncio.gather(
        *(
            t.run(swipes=swipes, rate=rate, deadline=deadline, stop=stop)
            for t in terminals
        )
    )
    elapsed = time.monotonic() - stats.window_start
    for terminal in terminals:
        await terminal.client.close()
    if bus:
        await bus.close()
    summary = stats.summary(elapsed)
    summary["transport"] = args.transport
    summary["terminals"] = len(terminals)
    summary["unacknowledged_offline"] = sum(len(t.buffer) for t in terminals)
    moves = []  # every change of server, each terminal's in order
    for terminal in terminals:
        choice = getattr(terminal.client, "servers", None)
        for at, old, new, reason in choice.moves if choice else ():
            moves.append(
                {
                    "serial": terminal.serial,
                    "at": at,
                    "from": "{}:{}".format(*old),
                    "to": "{}:{}".format(*new),
                    "reason": reason,
                }
            )
    summary["failovers"] = sum(m["reason"] == "failover" for m in moves)
    summary["moves"] = moves
    if args.report:
        with open(args.report, "w") as handle:
            json.dump(
                dict(
                    summary,
                    acked=[
                        dict(v, serial=k[0], epoch=k[1], seq=k[2])
                        for k, v in stats.acked.items()
                    ],
                ),
                handle,
            )
    return summary


def build_parser():
    parser = argparse.ArgumentParser(
        description="OneCard terminal simulator / load generator"
    )
    parser.add_argument("--transport", choices=("tcp", "serial", "http"), default="tcp")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument(
        "--url", default="http://127.0.0.1:8069", help="HTTP transport: Odoo base URL"
    )
    parser.add_argument(
        "--serial-url",
        help="serial transport: pyserial URL or pty path (fd://N for a fd)",
    )
    parser.add_argument("--baudrate", type=int, default=115200)
    parser.add_argument(
        "--fallback",
        help="TCP / HTTP: fallback server (host:port or URL) until the settings "
        "(config) give one",
    )
    parser.add_argument(
        "--failover-after",
        type=int,
        default=3,
        help="failed tries in a row (no connection, no answer in --timeout) before "
        "moving to the other server",
    )
    parser.add_argument(
        "--failback-minutes",
        type=float,
        default=10.0,
        help="minutes on the fallback before trying the primary again, until the "
        "settings give theirs (0: only when the fallback fails)",
    )
    parser.add_argument("--terminals", type=int, default=1)
    parser.add_argument(
        "--serial-prefix",
        default="SIM-",
        help="terminal serial numbers: PREFIX + 001, 002, ...",
    )
    parser.add_argument("--first-index", type=int, default=1)
    parser.add_argument(
        "--first-address",
        type=int,
        default=1,
        help="serial: bus address of the first terminal",
    )
    parser.add_argument(
        "--first-seq", type=int, help="first record sequence (default: from the clock)"
    )
    parser.add_argument(
        "--epoch", type=int, default=0, help="sequence epoch of the records (default 0)"
    )
    parser.add_argument(
        "--reset-epoch",
        action="store_true",
        help="ask the server for a new sequence epoch first (after a counter reset)",
    )
    parser.add_argument(
        "--clock",
        type=int,
        help="the terminals' clock, unix seconds (default: the real one)",
    )
    parser.add_argument(
        "--secret", default="", help="shared secret of the terminals (MAC / HMAC)"
    )
    parser.add_argument(
        "--unsigned", action="store_true", help="TCP: send frames without MAC"
    )
    parser.add_argument(
        "--sign-serial", action="store_true", help="serial: MAC the frames too"
    )
    parser.add_argument(
        "--cards",
        type=int,
        default=100,
        help="card UIDs CARD_BASE .. CARD_BASE+N-1 (hex)",
    )
    parser.add_argument("--card-base", default="0x10000000")
    parser.add_argument(
        "--uids", help="file with one card UID per line (instead of --cards)"
    )
    parser.add_argument(
        "--swipes",
        type=int,
        default=10,
        help="swipes per terminal (without --duration)",
    )
    parser.add_argument(
        "--rate", type=float, help="total swipes per second (load mode)"
    )
    parser.add_argument("--duration", type=float, help="seconds to run (load mode)")
    parser.add_argument(
        "--stop-file",
        help="stop swiping as soon as this file exists (--duration stays the bound)",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=0.0,
        help="load mode: seconds of the same load before --duration, not measured",
    )
    parser.add_argument(
        "--offline", action="store_true", help="terminals work offline and upload later"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=1.0,
        help="seconds before a frame is retransmitted",
    )
    parser.add_argument(
        "--max-wait",
        type=float,
        default=30.0,
        help="give up on a request after this long",
    )
    parser.add_argument(
        "--show", action="store_true", help="print what every display shows"
    )
    parser.add_argument(
        "--report",
        help="write the summary and every acknowledged swipe to this JSON file",
    )
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    summary = asyncio.run(run(args))
    # The summary on stdout is the tool's result (scripts parse it).
    print(json.dumps(summary), flush=True)  # pylint: disable=print-used
    return 0
