#!/usr/bin/env python3
"""ZKTeco PUSH punches through the gateway's HTTP port: 100,000 buffered punches
uploaded by 50 devices in batches of 500 (prints figures; not a timed test).

    python3 tests/bench/bench_zkteco.py --db DB [--devices 50] [--punches 2000]
        [--holders 1000] [--port 18245] [--profile 5000]

DB: a database with onecard_devices installed (the bench adds the ZK company of
tests/e2e/zk_populate.py, ``--holders`` cardholders and ``--devices`` approved
fixed-mode PUSH terminals ZKBENCH0001...). Phases:

- ``gateway``: ``odoo-bin onecard-gateway --http-port``; every device holds
  ``--punches`` buffered punches (distinct PIN and time, inside the last 28
  days) and all upload at once, each in requests of 500 lines, each request
  answered ``OK: 500`` after the batch that booked it committed. Punches
  booked per second, from the first request to the last answer; new
  operations counted in the database; CPU of the gateway, PostgreSQL and this
  process per punch.
- ``copy``: PostgreSQL's own ceiling for the same inserts in the same run: the
  operation and ledger rows just booked, COPY'd into tables made ``LIKE`` them
  (indexes and defaults, no foreign keys and no wallet update); rows per
  second, and the ratio.
- ``--profile N``: N punches through ``onecard.zkteco.service.serve_many``
  in this process under cProfile (rolled back): where the time goes.
"""

# print-used: command-line tools: what they print is their result
# invalid-commit: scripts, not models: they own their transactions
# pylint: disable=print-used,invalid-commit

import argparse
import asyncio
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

from gwbench import HZ, REPO, _processes, addons_path, free_port, log, odoo_bin, sql

sys.path.insert(0, REPO)
from onecard_devices.zkteco.clock import utc_to_device  # noqa: E402
from onecard_devices.zkteco.simulator import PushDevice  # noqa: E402

POPULATE = os.path.join(REPO, "tests", "e2e", "zk_populate.py")
TZ = 8


def prepare(args):
    proc = subprocess.run(
        [
            sys.executable,
            POPULATE,
            "-d",
            args.db,
            "--addons-path",
            addons_path(),
            "--holders",
            str(args.holders),
            "--fixed-terminals",
            str(args.devices),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    if proc.returncode:
        sys.exit(proc.stderr[-3000:])
    return sorted(json.loads(proc.stdout.strip().splitlines()[-1])["cards"])


def buffered(args, pins):
    """The devices, each with its buffer: distinct times, random start this run."""
    now = utc_to_device(datetime.now(timezone.utc).replace(tzinfo=None), TZ)
    start = now - timedelta(days=1, seconds=random.randrange(27 * 86400))
    devices = []
    for index in range(1, args.devices + 1):
        device = PushDevice(args.url, f"ZKBENCH{index:04d}", TZ, timeout=600)
        for k in range(args.punches):
            device.punch(
                pins[(index * 7 + k) % len(pins)], start + timedelta(seconds=k)
            )
        devices.append(device)
    return devices


def cpu_ticks(gateway_pid, db):
    """(gateway, PostgreSQL backends of ``db``) CPU ticks so far (other databases'
    backends on a shared machine left out, and so are the WAL writer and the
    checkpointer)."""
    procs = _processes()
    gateway = sum(
        ticks
        for pid, (_cmd, ppid, ticks) in procs.items()
        if gateway_pid in (pid, ppid)
    )
    postgres = sum(
        t
        for cmd, _p, t in procs.values()
        if cmd.startswith("postgres: ") and f" {db} " in cmd
    )
    return gateway, postgres


async def upload_all(devices):
    await asyncio.gather(*(device.register() for device in devices))
    started = time.perf_counter()
    counts = await asyncio.gather(*(device.upload() for device in devices))
    return sum(counts), time.perf_counter() - started


def bench_gateway(args, pins):
    logfile = open(os.path.join(tempfile.gettempdir(), "bench_zkteco_gw.log"), "w")
    gateway = subprocess.Popen(
        [
            sys.executable,
            odoo_bin(),
            "--addons-path=" + addons_path(),
            "onecard-gateway",
            "-d",
            args.db,
            "--tcp-host",
            "127.0.0.1",
            "--tcp-port",
            "-1",
            "--http-port",
            str(args.port),
            "--workers",
            str(args.workers),
            "--batchers",
            str(args.batchers),
            "--batch-size",
            str(args.batch_size),
            "--status-interval",
            "5",
            "--log-level",
            "info",
        ],
        stdout=logfile,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 180
        while "onecard-gateway ready" not in open(logfile.name).read():
            if gateway.poll() is not None or time.time() > deadline:
                sys.exit(f"gateway did not start, see {logfile.name}")
            time.sleep(0.3)
        devices = buffered(args, pins)
        (first,) = sql(args.db, "SELECT COALESCE(max(id), 0) FROM onecard_operation")[0]
        cpu0, own0 = cpu_ticks(gateway.pid, args.db), os.times()
        acknowledged, seconds = asyncio.run(upload_all(devices))
        cpu1, own1 = cpu_ticks(gateway.pid, args.db), os.times()
    finally:
        gateway.send_signal(signal.SIGTERM)
        gateway.wait(timeout=60)
        logfile.close()
    (booked,) = sql(
        args.db,
        "SELECT count(*) FROM onecard_operation WHERE id > %s AND kind = 'consume'",
        [first],
    )[0]
    own = (own1.user + own1.system) - (own0.user + own0.system)
    per = 1000.0 / max(acknowledged, 1)
    return {
        "punches_acknowledged": acknowledged,
        "operations_booked": booked,
        "seconds": round(seconds, 2),
        "punches_per_s": round(acknowledged / seconds, 1),
        "cpu_ms_per_punch": {
            "gateway": round((cpu1[0] - cpu0[0]) / HZ * per, 3),
            "postgresql": round((cpu1[1] - cpu0[1]) / HZ * per, 3),
            "devices": round(own * per, 3),
        },
        "first_operation_id": first,
    }


def bench_copy(args, first):
    """COPY the rows just booked into tables LIKE the real ones (the ceiling)."""
    import psycopg2
    from psycopg2.sql import SQL, Identifier, Literal

    with psycopg2.connect(dbname=args.db) as conn, conn.cursor() as cur:
        data = {}
        for table, column in (
            ("onecard_operation", "id"),
            ("onecard_transaction", "operation_id"),
        ):
            copy = Identifier(f"bench_zk_{table}")
            buf = io.StringIO()
            query = SQL("COPY (SELECT * FROM {} WHERE {} > {}) TO STDOUT").format(
                Identifier(table), Identifier(column), Literal(first)
            )
            cur.copy_expert(query, buf)
            data[table] = buf.getvalue()
            cur.execute(SQL("DROP TABLE IF EXISTS {}").format(copy))
            cur.execute(
                SQL(
                    "CREATE TABLE {} (LIKE {} INCLUDING DEFAULTS INCLUDING INDEXES)"
                ).format(copy, Identifier(table))
            )
        conn.commit()
        started = time.perf_counter()
        rows = 0
        for table, text in data.items():
            copy = Identifier(f"bench_zk_{table}")
            cur.copy_expert(SQL("COPY {} FROM STDIN").format(copy), io.StringIO(text))
            rows += text.count("\n")
        conn.commit()
        seconds = time.perf_counter() - started
        operations = data["onecard_operation"].count("\n")
        for table in data:
            cur.execute(SQL("DROP TABLE {}").format(Identifier(f"bench_zk_{table}")))
        conn.commit()
    return {
        "operations": operations,
        "rows": rows,
        "seconds": round(seconds, 3),
        "punches_per_s": round(operations / seconds, 1),
    }


def profile(args, pins):
    """serve_many on --profile punches in this process, under cProfile; rolled back."""
    import cProfile
    import pstats

    import odoo
    from odoo.tools import config

    config.parse_config(
        ["-d", args.db, "--addons-path", addons_path(), "--log-level", "warn"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    devices = buffered(args, pins)
    requests = []
    for device in devices:
        while device.buffer and len(requests) * 500 < args.profile:
            lines, device.buffer = device.buffer[:500], device.buffer[500:]
            query = f"SN={device.sn}&table=ATTLOG&Stamp=1"
            body = ("\n".join(lines) + "\n").encode()
            requests.append(("POST", "/iclock/cdata", query, body, "", "127.0.0.1"))
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        service = env["onecard.zkteco.service"]
        service.serve_many(requests[:1])  # caches, prepared statements
        cr.rollback()
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        service.serve_many(requests[1:])
        profiler.disable()
        seconds = time.perf_counter() - started
        cr.rollback()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(15)
    print(out.getvalue(), file=sys.stderr)
    punches = (len(requests) - 1) * 500
    return {"punches": punches, "seconds": round(seconds, 3)}


def vacuum(db):
    import psycopg2

    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True  # VACUUM runs outside a transaction
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE onecard_operation, onecard_transaction")
    conn.close()


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--punches", type=int, default=2000, help="per device")
    parser.add_argument("--holders", type=int, default=1000)
    parser.add_argument("--port", type=int, default=0, help="gateway HTTP port")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--batchers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    args.port = args.port or free_port()
    args.url = f"http://127.0.0.1:{args.port}"
    log(f"preparing {args.holders} holders and {args.devices} devices in {args.db}")
    pins = prepare(args)
    result = {"devices": args.devices, "punches_per_device": args.punches}
    if args.profile:
        result["profile"] = profile(args, pins)
    else:
        vacuum(args.db)
        log(f"uploading {args.devices * args.punches} punches through {args.url}")
        result["gateway"] = bench_gateway(args, pins)
        result["copy"] = bench_copy(args, result["gateway"]["first_operation_id"])
        result["ratio_to_copy"] = round(
            result["gateway"]["punches_per_s"] / result["copy"]["punches_per_s"], 3
        )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
