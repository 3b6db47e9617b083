#!/usr/bin/env python3
"""Throughput bench: binary gateway, HTTP API, PostgreSQL ceiling, Odoo Lunch.

    python3 tests/bench/bench_gateway.py [--db DB] [--duration 60] [--terminals 50]
        [--holders 10000]

1. Prepares the database (creates one and installs onecard_devices + lunch
   unless --db is given): --holders cardholders with cards (sync_employees)
   topped up in one booking (onecard.ledger._book_many), --terminals TCP
   terminals and as many HTTP terminals, amount mode.
2. Gateway: starts ``odoo-bin onecard-gateway``, drives it with the
   simulator (--terminals virtual terminals, offered load --rate swipes/s)
   for --duration seconds: approved swipes/s, p50/p99 latency.
   gateway_at_rate: the same at --target-rate swipes/s offered (the latency
   target: p99 at 1,000/s), not at saturation. Every measured run follows
   --warmup seconds of the same load (connections, caches, plans), unmeasured.
   gateway_http: the same terminals over the HTTP API served by the
   gateway (--http-port, group commit).
   proxy: the same behind docker/nginx.conf as shipped (needs nginx): the
   terminal API at the deployment's one address.
3. HTTP API through Odoo's HTTP server (controller, --http-workers processes),
   and in the same server Odoo's own GET /web/health: what any route reaches there.
4. PostgreSQL's own ceiling: pgbench with a custom script doing the same
   UPDATE wallet + INSERT ledger row, -c 8 -T 20.
5. Odoo Lunch (addons/lunch): lunch.order create + action_order (the
   wallet check) through the ORM, one commit per order, --lunch-threads
   threads, for --lunch-duration seconds.
Prints every result as JSON and the ratios, with the PostgreSQL settings
that move them (checkpoints, WAL).
"""

# print-used: command-line tools: what they print is their result
# invalid-commit: scripts, not models: they own their transactions
# pylint: disable=print-used,invalid-commit

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time

from bench_peers import bench_http, bench_lunch, bench_pgbench, lunch_worker
from gwbench import (
    PG_SETTINGS,
    POPULATE,
    SECRET,
    Proxy,
    addons_path,
    free_port,
    log,
    odoo_bin,
    simulate,
    sql,
    wait_port,
)


def prepare(args):
    if not args.db:
        args.db = "oc_bench_%d" % random.randrange(1 << 30)
        subprocess.run(["createdb", args.db], check=True)
        log(f"installing onecard_devices + lunch into {args.db} (a few minutes)")
        subprocess.run(
            [
                sys.executable,
                odoo_bin(),
                "-d",
                args.db,
                "--addons-path=" + addons_path(),
                "-i",
                "onecard_devices,lunch",
                "--without-demo=all",
                "--stop-after-init",
                "--log-level",
                "warn",
            ],
            check=True,
        )
    started = time.time()
    cmd = [
        sys.executable,
        POPULATE,
        "-d",
        args.db,
        "--addons-path",
        addons_path(),
        "--holders",
        str(args.holders),
        "--secret",
        SECRET,
        "--cash",
        "1000000",
    ]
    for i in range(1, args.terminals + 1):
        cmd += [
            "--terminal",
            "tcp:amount:BG-%03d" % i,
            "--terminal",
            "http:amount:BH-%03d" % i,
        ]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    log("database ready in %.1fs" % (time.time() - started))


def run_gateway(args, transport, rate=None):
    """Start ``odoo-bin onecard-gateway`` and drive it over TCP (binary) or HTTP (its
    --http-port)."""
    port, http_port = free_port(), free_port()
    logfile = open(
        os.path.join(tempfile.gettempdir(), f"bench_gateway_{transport}.log"),
        "w",
    )
    gateway = subprocess.Popen(
        [
            sys.executable,
            odoo_bin(),
            "--addons-path=" + addons_path(),
            "onecard-gateway",
            "-d",
            args.db,
            "--addons-path=" + addons_path(),
            "--tcp-host",
            "127.0.0.1",
            "--tcp-port",
            str(port),
            "--http-port",
            str(http_port),
            "--workers",
            str(args.workers),
            "--processes",
            str(args.gateway_processes),
            "--batch-size",
            str(args.batch_size),
            "--batchers",
            str(args.batchers),
            "--status-interval",
            "10",
            "--log-level",
            "info",
        ],
        stdout=logfile,
        stderr=subprocess.STDOUT,
    )
    try:
        if not wait_port(port, gateway, 180):
            raise RuntimeError(f"gateway did not start, see {logfile.name}")
        if args.gateway_processes > 1:
            time.sleep(
                10
            )  # every process binds before the terminals connect (SO_REUSEPORT spreads)
        if transport == "tcp":
            result = simulate(
                args, "tcp", "BG-", port=port, rate=rate, servers=[gateway.pid]
            )
        elif (
            transport == "proxy"
        ):  # docker/nginx.conf in front; Odoo's port unused (the gateway answers)
            with Proxy(free_port(), http_port) as proxy:
                result = simulate(
                    args,
                    "http",
                    "BH-",
                    url=proxy.url,
                    servers=[gateway.pid, proxy.proc.pid],
                )
        else:
            result = simulate(
                args,
                "http",
                "BH-",
                url="http://127.0.0.1:%d" % http_port,
                servers=[gateway.pid],
            )
    finally:
        gateway.send_signal(signal.SIGTERM)
        gateway.wait(timeout=60)
        logfile.close()
    result["group_commit"] = group_commit(logfile.name)
    return result


STATUS = re.compile(r"status: .*?batches=(\d+) .*batch=([\d.]+) swipes/([\d.]+)ms")


def group_commit(log_path):
    """Swipes per batch and milliseconds per batch (queue to commit), from the gateway's
    status lines.

    The first line (start-up, connections, warm-up) is left out; the others are
    weighted by their
    number of batches. With the p99: a batch takes about a fixed part plus a part per
    swipe, and
    the batches in progress (--batchers) carry batchers x swipes / batch time at
    most."""
    lines = [STATUS.search(line) for line in open(log_path, errors="replace")]
    lines = [match for match in lines if match][1:]
    batches = sum(int(m.group(1)) for m in lines)
    if not batches:
        return None
    swipes = sum(int(m.group(1)) * float(m.group(2)) for m in lines)
    millis = sum(int(m.group(1)) * float(m.group(3)) for m in lines)
    return {
        "swipes_per_batch": round(swipes / batches, 1),
        "ms_per_batch": round(millis / batches, 1),
    }


def bench_gateway(args):
    return run_gateway(args, "tcp")


def bench_gateway_at_rate(args):
    """The latency target: --target-rate swipes/s offered (below saturation),
    p50/p99."""
    return dict(
        run_gateway(args, "tcp", rate=args.target_rate), offered_rate=args.target_rate
    )


def bench_gateway_http(args):
    return run_gateway(args, "http")


def bench_proxy(args):
    """The HTTP API at the deployment's one address: docker/nginx.conf routes
    /onecard/api/ to the gateway."""
    return run_gateway(args, "proxy")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--terminals", type=int, default=50)
    parser.add_argument("--holders", type=int, default=10000)
    parser.add_argument(
        "--rate",
        type=float,
        default=3000.0,
        help="offered load, swipes/s over all terminals (3,000: saturation)",
    )
    parser.add_argument(
        "--target-rate",
        type=float,
        default=1000.0,
        help="gateway_at_rate: the offered load of the latency target (p99 at 1,000/s)",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=5.0,
        help="seconds of the same load before each measured --duration (not measured)",
    )
    parser.add_argument(
        "--workers", type=int, default=8, help="gateway DB worker threads (per process)"
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=200,
        help="gateway group commit: most swipes per batch",
    )
    parser.add_argument(
        "--batchers", type=int, default=2, help="gateway batches in progress at once"
    )
    parser.add_argument(
        "--gateway-processes",
        type=int,
        default=1,
        help="gateway processes (SO_REUSEPORT)",
    )
    parser.add_argument(
        "--http-workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="odoo-bin --workers for the HTTP API "
        "(default: Odoo's sizing rule, 2 x CPUs + 1)",
    )
    parser.add_argument("--pg-clients", type=int, default=8)
    parser.add_argument("--pg-time", type=int, default=20)
    parser.add_argument("--lunch-threads", type=int, default=8)
    parser.add_argument("--lunch-duration", type=float, default=20.0)
    parser.add_argument("--lunch-users", type=int, default=200)
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=(
            "gateway",
            "gateway_at_rate",
            "gateway_http",
            "proxy",
            "http",
            "pgbench",
            "lunch",
        ),
    )
    parser.add_argument("--lunch-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.lunch_worker:
        return lunch_worker(args)
    prepare(args)
    results = {
        "db": args.db,
        "cpus": os.cpu_count(),
        "holders": args.holders,
        "terminals": args.terminals,
        "duration_s": args.duration,
        "offered_rate": args.rate,
        "postgres": dict(
            sql(
                args.db,
                "SELECT name, current_setting(name) FROM pg_settings WHERE name"
                " = ANY(%s)",
                [list(PG_SETTINGS)],
            )
        ),
    }
    for name, func in (
        ("gateway", bench_gateway),
        ("gateway_at_rate", bench_gateway_at_rate),
        ("gateway_http", bench_gateway_http),
        ("proxy", bench_proxy),
        ("http", bench_http),
        ("pgbench", bench_pgbench),
        ("lunch", bench_lunch),
    ):
        if name in args.skip:
            continue
        log(f"running {name}")
        try:
            results[name] = func(args)
        except Exception as exc:  # noqa: BLE001 - report what failed, keep the other numbers
            results[name] = {"error": str(exc)[-500:]}
        log(f"{name}: {results[name]}")
    gw = results.get("gateway", {}).get("approved_per_s")
    ratios = {}
    if gw:
        if results.get("http", {}).get("approved_per_s"):
            ratios["gateway_vs_http"] = round(gw / results["http"]["approved_per_s"], 2)
            if results["http"].get("odoo_health_per_s"):
                ratios["http_vs_odoo_health"] = round(
                    results["http"]["approved_per_s"]
                    / results["http"]["odoo_health_per_s"],
                    2,
                )
        if results.get("pgbench", {}).get("tps"):
            ratios["gateway_vs_pgbench"] = round(gw / results["pgbench"]["tps"], 3)
        if results.get("lunch", {}).get("orders_per_s"):
            ratios["gateway_vs_lunch"] = round(gw / results["lunch"]["orders_per_s"], 2)
    lunch = results.get("lunch", {}).get("orders_per_s")
    for name in ("http", "gateway_http", "proxy"):
        if results.get(name, {}).get("approved_per_s") and lunch:
            ratios[f"{name}_vs_lunch"] = round(
                results[name]["approved_per_s"] / lunch, 2
            )
    results["ratios"] = ratios
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
