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
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The shipped simulator, run from REPO (its import root: the addons directory).
SIMULATOR = ("-m", "onecard_devices.simulator")
POPULATE = os.path.join(REPO, "tests", "e2e", "populate.py")
SECRET = "bench-secret"
# Recorded with the figures: they move the p99 (checkpoints during a run).
PG_SETTINGS = (
    "shared_buffers",
    "max_wal_size",
    "checkpoint_timeout",
    "wal_compression",
    "synchronous_commit",
)
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))
from nginx_proxy import (  # noqa: E402 - the proxy helper lives with the e2e tests
    Proxy,
    free_port,
    wait_port,
)


def odoo_bin():
    if os.environ.get("ODOO_BIN"):
        return os.environ["ODOO_BIN"]
    import odoo

    return os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")


def addons_path():
    return os.environ.get("ONECARD_ADDONS_PATH") or "{},{}".format(
        os.path.join(os.path.dirname(odoo_bin()), "addons"),
        REPO,
    )


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def sql(db, query, params=None):
    import psycopg2

    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall() if cur.description else None


def next_seq(db, prefix):
    return sql(
        db,
        """SELECT COALESCE(max(o.terminal_seq), 0) + 1 FROM onecard_operation o
                        JOIN onecard_terminal t ON t.id = o.terminal_id WHERE
                            t.serial_number LIKE %s""",
        [prefix + "%"],
    )[0][0]


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


def simulate(args, transport, prefix, port=None, url=None, rate=None, servers=()):
    """Run the simulator; its summary with the CPU per swipe of it, the ``servers``
    (pids; their children
    count too) and PostgreSQL over the measured window."""
    report = tempfile.mktemp(suffix=".json")
    cmd = [
        sys.executable,
        *SIMULATOR,
        "--transport",
        transport,
        "--serial-prefix",
        prefix,
        "--terminals",
        str(args.terminals),
        "--secret",
        SECRET,
        "--cards",
        str(args.holders),
        "--rate",
        str(rate or args.rate),
        "--duration",
        str(args.duration),
        "--warmup",
        str(args.warmup),
        "--first-seq",
        str(next_seq(args.db, prefix)),
        "--timeout",
        "5",
        "--max-wait",
        "60",
        "--report",
        report,
    ]
    cmd += ["--port", str(port)] if port else ["--url", url]
    simulator = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, cwd=REPO)
    # CPU is counted from here (the simulator's start-up, ~0.5 s, ends its warm-up a
    # little later) to
    # its exit: the measured window, give or take a second.
    time.sleep(args.warmup)
    before = CpuMeter(simulator.pid, servers)
    if simulator.wait() != 0:
        raise RuntimeError(f"simulator exited with {simulator.returncode}")
    cpu = before.per_swipe()
    with open(report) as handle:
        summary = json.load(handle)
    os.unlink(report)
    summary.pop("acked", None)
    # CPU per approved swipe by process group: far steadier from run to run than the
    # p99,
    # so it shows whether a change made the work cheaper when the latency moves with the
    # host.
    swipes = max(
        summary["approved_per_s"] * summary["elapsed_s"], 1
    )  # "approved" counts the warm-up too
    summary["cpu_ms_per_swipe"] = {
        group: round(seconds * 1000 / swipes, 3)
        for group, seconds in cpu["groups"].items()
    }
    summary["cpu_ms_per_swipe"]["total"] = round(
        sum(cpu["groups"].values()) * 1000 / swipes, 3
    )
    summary["machine_busy_pct"] = cpu["busy_pct"]
    return summary


class CpuMeter:
    """CPU seconds from creation to ``per_swipe()`` of the servers (with their
    children), PostgreSQL,
    and the simulator, which has exited and been reaped by then."""

    def __init__(self, simulator_pid, server_pids):
        self.servers = set(server_pids)
        processes = _processes()
        self.start, self.start_machine = self._groups(processes), self._machine()
        # Reaped, the simulator's CPU is in this process's children totals (it is the
        # only child
        # reaped in between); what it used before the window is taken off.
        simulator_ticks = processes.get(simulator_pid, ("", 0, 0))[2]
        self.children_at_start = _children_cpu() + simulator_ticks / HZ

    def _groups(self, processes):
        """pid -> (group, ticks) of the servers, their children and PostgreSQL's
        processes."""
        groups = {}
        for pid, (cmdline, ppid, ticks) in processes.items():
            if pid in self.servers or ppid in self.servers:
                groups[pid] = ("server", ticks)
            elif os.path.basename(cmdline.split(" ")[0]).startswith(
                "postgres"
            ):  # server and backends
                groups[pid] = ("postgres", ticks)
        return groups

    @staticmethod
    def _machine():
        with open("/proc/stat") as handle:
            values = [int(v) for v in handle.readline().split()[1:]]
        return sum(values), values[3] + values[4]  # all, idle + iowait

    def per_swipe(self):
        end, (all_end, idle_end) = self._groups(_processes()), self._machine()
        seconds = {
            "server": 0.0,
            "postgres": 0.0,
            "simulator": _children_cpu() - self.children_at_start,
        }
        for pid, (group, ticks) in end.items():
            seconds[group] += (ticks - self.start.get(pid, (group, 0))[1]) / HZ
        all_start, idle_start = self.start_machine
        busy = 100.0 * (1 - (idle_end - idle_start) / max(all_end - all_start, 1))
        return {
            "groups": {k: v for k, v in seconds.items() if v},
            "busy_pct": round(busy, 1),
        }


HZ = os.sysconf("SC_CLK_TCK")


def _children_cpu():
    times = os.times()
    return times.children_user + times.children_system


def _processes():
    """pid -> (command line, parent pid, utime + stime ticks) of every process."""
    result = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{name}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        result[int(name)] = (cmdline, int(fields[1]), int(fields[11]) + int(fields[12]))
    return result


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


def bench_http(args):
    port = free_port()
    logfile = open(os.path.join(tempfile.gettempdir(), "bench_http.log"), "w")
    server = subprocess.Popen(
        [
            sys.executable,
            odoo_bin(),
            "-d",
            args.db,
            "--addons-path=" + addons_path(),
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(port),
            "--workers",
            str(args.http_workers),
            "--max-cron-threads",
            "0",
            "--db_maxconn",
            "16",
            "--limit-time-real",
            "600",
            "--log-level",
            "warn",
        ],
        stdout=logfile,
        stderr=subprocess.STDOUT,
    )
    try:
        if not wait_port(port, server, 180):
            raise RuntimeError(f"Odoo did not start, see {logfile.name}")
        time.sleep(3)
        result = simulate(
            args, "http", "BH-", url="http://127.0.0.1:%d" % port, servers=[server.pid]
        )
        # Peer in the same setting: Odoo's own /web/health (no SQL of its own, but with
        # -d DB it
        # passes through the same request stack: registry check, two pooled cursors).
        # What any
        # route can reach on this server, whatever it does.
        result["odoo_health_per_s"] = http_floor(
            port, args.terminals, min(args.duration, 20)
        )
        return result
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        logfile.close()
        with open(
            logfile.name
        ) as handle:  # e.g. a gevent worker respawned in a loop eats a CPU
            tracebacks = handle.read().count("Traceback")
        if tracebacks:
            log(
                "WARNING: %d tracebacks in %s: the figures above are not clean"
                % (tracebacks, logfile.name)
            )


def http_floor(port, clients, seconds):
    """Requests/s of GET /web/health with ``clients`` keep-alive connections for
    ``seconds``."""
    import http.client

    counts, stop = [0] * clients, time.time() + seconds

    def client(index):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.time() < stop:
            conn.request("GET", "/web/health")
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                counts[index] += 1
        conn.close()

    started = time.time()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(sum(counts) / (time.time() - started), 1)


PGBENCH_SCRIPT = """\\set wid random(1, {n})
BEGIN;
UPDATE bench_wallet SET balance = balance - 5 WHERE id = :wid AND balance >= 5 RETURNING
    balance;
INSERT INTO bench_ledger (wallet_id, amount, created) VALUES (:wid, -5, now());
END;
"""


def bench_pgbench(args):
    sql(
        args.db,
        """
        DROP TABLE IF EXISTS bench_ledger; DROP TABLE IF EXISTS bench_wallet;
        CREATE TABLE bench_wallet (id int PRIMARY KEY, balance numeric NOT NULL);
        CREATE TABLE bench_ledger (id bigserial PRIMARY KEY, wallet_id int REFERENCES
            bench_wallet(id),
                                   amount numeric, created timestamp);
        INSERT INTO bench_wallet SELECT g, 1000000 FROM generate_series(1, %s) g;
    """,
        [args.holders],
    )
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
        handle.write(PGBENCH_SCRIPT.format(n=args.holders))
    try:
        out = subprocess.run(
            [
                "pgbench",
                "-n",
                "-f",
                handle.name,
                "-c",
                str(args.pg_clients),
                "-j",
                "2",
                "-T",
                str(args.pg_time),
                "-r",
                args.db,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
        sql(
            args.db,
            "DROP TABLE IF EXISTS bench_ledger; DROP TABLE IF EXISTS bench_wallet;",
        )
    tps = [line for line in out.splitlines() if line.startswith("tps")]
    latency = [line for line in out.splitlines() if line.startswith("latency average")]
    return {
        "tps": float(tps[0].split("=")[1].split()[0]) if tps else 0.0,
        "latency_avg_ms": float(latency[0].split("=")[1].split()[0])
        if latency
        else 0.0,
        "clients": args.pg_clients,
        "seconds": args.pg_time,
    }


def bench_lunch(args):
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--lunch-worker",
            "--db",
            args.db,
            "--lunch-threads",
            str(args.lunch_threads),
            "--lunch-duration",
            str(args.lunch_duration),
            "--lunch-users",
            str(args.lunch_users),
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def lunch_worker(args):
    """Runs inside Odoo: lunch orders through the ORM, one transaction each."""
    import odoo
    from odoo.tools import config

    config.parse_config(
        [
            "-d",
            args.db,
            "--addons-path",
            addons_path(),
            "--log-level",
            "warn",
            "--db_maxconn",
            str(args.lunch_threads + 4),
        ]
    )
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(
            cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "no_reset_password": True}
        )
        users = env["res.users"].search([("login", "=like", "bench_lunch_%")])
        if len(users) < args.lunch_users:
            holders = env["onecard.cardholder"].search(
                [("code", "=like", "E2E%")], limit=args.lunch_users
            )
            existing = set(users.mapped("login"))
            users |= env["res.users"].create(
                [
                    {"name": h.name, "login": f"bench_lunch_{h.code}"}
                    for h in holders
                    if f"bench_lunch_{h.code}" not in existing
                ]
            )
        partner = env["res.partner"].create({"name": "Bench caterer"})
        supplier = env["lunch.supplier"].create(
            {
                "partner_id": partner.id,
                "mon": True,
                "tue": True,
                "wed": True,
                "thu": True,
                "fri": True,
                "sat": True,
                "sun": True,
            }
        )
        category = env["lunch.product.category"].create({"name": "Bench"})
        product = env["lunch.product"].create(
            {
                "name": "Meal",
                "price": 5.0,
                "supplier_id": supplier.id,
                "category_id": category.id,
            }
        )
        env["lunch.cashmove"].create(
            [
                {"user_id": u.id, "amount": 1000000.0, "description": "top-up"}
                for u in users
            ]
        )
        user_ids, product_id = users.ids, product.id
    deadline = time.monotonic() + args.lunch_duration
    counts, latencies, lock = [0], [], threading.Lock()

    def work(seed):
        rng = random.Random(seed)
        with registry.cursor() as cr:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    user_id = rng.choice(user_ids)
                    env = odoo.api.Environment(cr, user_id, {})
                    order = (
                        env["lunch.order"]
                        .sudo()
                        .create({"product_id": product_id, "user_id": user_id})
                    )
                    order.action_order()
                    cr.commit()
                except Exception:  # noqa: BLE001 - a concurrent update: count only what committed
                    cr.rollback()
                    continue
                with lock:
                    counts[0] += 1
                    latencies.append(time.perf_counter() - started)

    started = time.monotonic()
    threads = [
        threading.Thread(target=work, args=(i,)) for i in range(args.lunch_threads)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pick(p):
        return (
            round(
                latencies[min(int(p / 100 * len(latencies)), len(latencies) - 1)]
                * 1000,
                2,
            )
            if latencies
            else 0
        )

    print(
        json.dumps(
            {
                "orders": counts[0],
                "orders_per_s": round(counts[0] / elapsed, 1),
                "p50_ms": pick(50),
                "p99_ms": pick(99),
                "threads": args.lunch_threads,
                "users": len(user_ids),
            }
        )
    )


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
