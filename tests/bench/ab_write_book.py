#!/usr/bin/env python3
"""The ledger writer (``onecard.ledger._write_book``) of this checkout against another
checkout's, on the same batch of ZKTeco punches, in one process (prints figures; not a
timed test).

    python3 tests/bench/ab_write_book.py --db DB --base DIR [--punches 4500]
        [--rounds 6] [--prepared]

DB: as for bench_zkteco.py (it adds the same ZK company, holders and devices). DIR: the
other checkout (``git archive main | tar -x -C DIR``); only its
``onecard_consume/tools/booking.py`` (the columns and the statement) is read, its row
building is the one ``_write_book`` of main had before the heads (``base_params``,
below: edit it when comparing another revision); this side's is
``booking.write_book_params``. The batch: ``--punches`` punches through
``onecard.zkteco.service.serve_many`` (rolled back), its largest ``_write_book`` call
captured. Then, alternated (ABBA), each side builds its parameters (Python CPU of this
process) and runs its statement (CPU of the PostgreSQL backend, from /proc), rolled
back. ``--prepared``: both statements PREPAREd with generic plans, as on the gateway's
cursors. The rolled-back rounds leave dead index entries that later rounds step over:
compare the two sides, not the absolute figures.
"""

# print-used: command-line tools: what they print is their result
# invalid-commit: scripts, not models: they own their transactions
# pylint: disable=print-used,invalid-commit

import argparse
import json
import os
import time

import bench_zkteco
from gwbench import HZ, addons_path


def base_booking(base):
    """The other checkout's booking module (columns and statement), without its
    package: its one relative import is the hash, not needed here."""
    path = os.path.join(base, "onecard_consume", "tools", "booking.py")
    with open(path) as source:
        text = source.read().replace(
            "from .chain import chain_hash", "chain_hash = None"
        )
    module = {}
    exec(compile(text, path, "exec"), module)  # noqa: S102  # pylint: disable=exec-used
    return module


def base_params(booking, uid, now, headers, rows, wallets, usage):
    """main's _write_book before the heads: every ledger row carries its header's
    columns, one value() call per column."""

    def value(header, name):
        v = header.get(name)
        if name in ("offline", "flagged"):
            return bool(v)
        if name in ("state", "amount"):
            return v or ("approved" if name == "state" else 0.0)
        return None if v is False or v == "" else v

    names = booking["ROW_NAMES"]
    ops = [
        {name: value(h, name) for name, _type in booking["OPERATION_COLUMNS"]}
        for h in headers
    ]
    wallet_rows = [{"id": w, "delta": d, "head": hd} for w, (d, hd) in wallets.items()]
    usage_rows = [dict(zip(booking["USAGE_NAMES"], c, strict=False)) for c in usage]
    ledger_rows = []
    for ord_, (h, row) in enumerate(rows):
        ledger_row = dict(zip(names, row, strict=False), ord=ord_)
        ledger_row.update((name, value(h, name)) for name in names[6:])
        ledger_rows.append(ledger_row)
    tables = (ops, wallet_rows, usage_rows, ledger_rows)
    ops, wallet_rows, usage_rows, ledger_rows = (
        json.dumps(t, default=str) for t in tables
    )
    wallet_ids, usage_ids = list(wallets), [c[0] for c in usage]
    return [uid, now, ops, wallet_rows, wallet_ids, usage_rows, usage_ids, ledger_rows]


def backend_ticks(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("--base", required=True, help="the other checkout")
    parser.add_argument("--punches", type=int, default=4500)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--prepared", action="store_true")
    args = parser.parse_args()
    bench = argparse.Namespace(
        db=args.db,
        devices=50,
        punches=2000,
        holders=1000,
        url="http://127.0.0.1:1",
        profile=args.punches,
    )
    pins = bench_zkteco.prepare(bench)

    import odoo
    from odoo import fields
    from odoo.tools import config

    config.parse_config(
        ["-d", args.db, "--addons-path", addons_path(), "--log-level", "warn"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    from odoo.addons.onecard_consume.models import onecard_ledger
    from odoo.addons.onecard_consume.tools import booking as ours
    from odoo.addons.onecard_consume.tools.prepared import execute_prepared

    theirs = base_booking(args.base)
    captured = []
    write_book = onecard_ledger.OnecardLedger._write_book

    def capture(self, headers, rows, wallets, usage=()):
        captured.append((headers, rows, wallets, list(usage)))
        return write_book(self, headers, rows, wallets, usage)

    onecard_ledger.OnecardLedger._write_book = capture
    requests = []
    for device in bench_zkteco.buffered(bench, pins):
        while device.buffer and len(requests) * 500 < args.punches:
            lines, device.buffer = device.buffer[:500], device.buffer[500:]
            query = f"SN={device.sn}&table=ATTLOG&Stamp=1"
            body = ("\n".join(lines) + "\n").encode()
            requests.append(("POST", "/iclock/cdata", query, body, "", "127.0.0.1"))
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["onecard.zkteco.service"].serve_many(requests)
        cr.rollback()
        onecard_ledger.OnecardLedger._write_book = write_book
        headers, rows, wallets, usage = max(captured, key=lambda c: len(c[0]))
        cr.execute("SELECT pg_backend_pid()")
        (pid,) = cr.fetchone()
        if args.prepared:
            cr.execute("SET plan_cache_mode = force_generic_plan")
            cr.onecard_prepared = set()

        sides = {
            "other": (
                lambda: base_params(
                    theirs,
                    env.uid,
                    fields.Datetime.now(),
                    headers,
                    rows,
                    wallets,
                    usage,
                ),
                "ab_write_book_other",
                theirs["WRITE_BOOK_SQL"],
            ),
            "this": (
                lambda: ours.write_book_params(
                    env.uid, fields.Datetime.now(), headers, rows, wallets, usage
                ),
                "ab_write_book_this",
                ours.WRITE_BOOK_SQL,
            ),
        }
        totals = {side: [0.0, 0, 0] for side in sides}
        for index in range(args.rounds):
            order = ("other", "this") if index % 4 in (0, 3) else ("this", "other")
            for side in order:
                build, name, statement = sides[side]
                started = time.process_time()
                params = build()
                totals[side][0] += time.process_time() - started
                totals[side][2] = len(params[2]) + len(params[7])
                ticks = backend_ticks(pid)
                execute_prepared(cr, name, statement, params)
                cr.fetchall()
                totals[side][1] += backend_ticks(pid) - ticks
                cr.rollback()
        count = len(headers) * args.rounds
        result = {
            "operations": len(headers),
            "ledger_rows": len(rows),
            "rounds": args.rounds,
            "prepared": args.prepared,
        }
        for side, (python, ticks, size) in totals.items():
            result[side] = {
                "build_us_per_punch": round(python / count * 1e6, 1),
                "statement_backend_us_per_punch": round(ticks / HZ / count * 1e6, 1),
                "json_bytes_per_punch": round(size / len(headers)),
            }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
