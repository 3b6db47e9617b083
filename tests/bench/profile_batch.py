#!/usr/bin/env python3
"""Per-statement profile of the engine's batch path (what the gateway runs per group
commit).

    python3 tests/bench/profile_batch.py -d <bench db> [--batch 50] [--rounds 40]
        [--prepared | --reset]

Needs a database prepared by bench_gateway.py (terminals BG-*, active cards).
Runs ``onecard.terminal.service.handle_swipes`` on batches of random cards,
COMMIT after each batch (the swipes are real: 0.01 each), and prints the time
per swipe (wall time, and the CPU of this process: the engine's Python and libpq,
steadier than the wall time on a busy machine) and the statements by total time
(wall time seen from Python).
"""

# print-used: command-line tools: what they print is their result
# invalid-commit: scripts, not models: they own their transactions
# pylint: disable=print-used,invalid-commit

import argparse
import collections
import random
import time

import odoo
import odoo.sql_db
from odoo.tools import config


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-d", "--db", required=True)
    parser.add_argument("--addons-path", default="/opt/odoo18/addons,.")
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument(
        "--prepared",
        action="store_true",
        help="prepared batch statements, as on the gateway's long-lived cursors",
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="reset the connection before each batch, as Odoo's pool does on every "
        "borrow (DISCARD ALL: PostgreSQL's cached plans, foreign-key checks' included, "
        "are gone)",
    )
    args = parser.parse_args()
    config.parse_config(
        ["-d", args.db, "--addons-path", args.addons_path, "--log-level", "warn"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    from odoo.addons.onecard_consume.tools.prepared import (
        own_cursor,  # importable once the registry is loaded
    )

    timings = collections.defaultdict(lambda: [0, 0.0])
    execute = odoo.sql_db.Cursor.execute

    def timed(self, query, params=None, log_exceptions=True):
        started = time.perf_counter()
        try:
            return execute(self, query, params, log_exceptions)
        finally:
            entry = timings[" ".join(str(getattr(query, "code", query)).split())[:90]]
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    with (
        own_cursor(odoo.sql_db.ConnectionPool(1), args.db)
        if args.prepared
        else registry.cursor() as cr
    ):
        cr.execute(
            "SELECT id FROM onecard_terminal WHERE serial_number LIKE 'BG-%' ORDER BY "
            "id"
        )
        terminals = [row[0] for row in cr.fetchall()]
        cr.execute(
            "SELECT uid FROM onecard_card WHERE state = 'active' AND kind = 'official'"
        )
        uids = [row[0] for row in cr.fetchall()]
        cr.execute(
            "SELECT COALESCE(max(terminal_seq), 0) + 1000 FROM onecard_operation"
        )
        seq = cr.fetchone()[0]
        cr.commit()
        odoo.sql_db.Cursor.execute = timed
        started, commit_time = time.perf_counter(), 0.0
        cpu_started = time.process_time()  # this process: the engine's Python, libpq
        for _round in range(args.rounds):
            if args.reset:
                cr._cnx.reset()
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            batch = []
            for _i in range(args.batch):
                seq += 1
                batch.append(
                    (
                        random.choice(terminals),
                        {"uid": random.choice(uids), "amount": 0.01, "seq": seq},
                    )
                )
            answers = env["onecard.terminal.service"].handle_swipes(batch)
            assert all(isinstance(a, dict) and a["approved"] for a in answers), answers[
                :2
            ]
            before_commit = time.perf_counter()
            cr.commit()
            commit_time += time.perf_counter() - before_commit
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        odoo.sql_db.Cursor.execute = execute
    swipes = args.batch * args.rounds
    print(
        "%d swipes in batches of %d: %.2f ms per swipe (%.0f/s), "
        "COMMIT %.1f ms per batch, CPU of this process %.3f ms per swipe"
        % (
            swipes,
            args.batch,
            elapsed * 1000 / swipes,
            swipes / elapsed,
            commit_time * 1000 / args.rounds,
            cpu * 1000 / swipes,
        )
    )
    for query, (count, seconds) in sorted(
        timings.items(), key=lambda item: -item[1][1]
    )[:12]:
        print("%6d x %8.1f ms  %s" % (count, seconds * 1000, query))
    print(
        f"SQL total {sum(s for _c, s in timings.values()) * 1000:.0f} ms "
        f"of {elapsed * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
