"""The gateway bench's peers: the HTTP API through Odoo's own server, PostgreSQL's
ceiling (pgbench) and Odoo Lunch (tests/bench/bench_gateway.py)."""

# print-used: command-line tools: what they print is their result
# invalid-commit: scripts, not models: they own their transactions
# pylint: disable=print-used,invalid-commit

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time

from gwbench import addons_path, free_port, log, odoo_bin, simulate, sql, wait_port

BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_gateway.py")


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
            BENCH,
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
