#!/usr/bin/env python3
"""CPU profile of one signed swipe through Odoo's own HTTP stack (no sockets).

    python3 tests/bench/profile_http.py -d <bench db> [--requests 2000]
        [--path /web/health] [--top 40]

Needs a database prepared by bench_gateway.py (HTTP terminals BH-*, secret
bench-secret, active cards). Calls Odoo's WSGI application (``odoo.http.root``)
in this process with werkzeug's test environ, as a prefork worker would, and
prints the process CPU time per request and cProfile's top functions by
cumulative and own time. The swipes are real (committed, 0.01 each).
``--path /web/health`` profiles Odoo's own cheapest route in the same setting.
"""

# print-used: command-line tools: what they print is their result
# pylint: disable=print-used

import argparse
import cProfile
import json
import pstats
import random
import sys
import time


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-d", "--db", required=True)
    parser.add_argument("--addons-path", default="/opt/odoo18/addons,.")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--path", default="/onecard/api/v1/swipe")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--no-profile", action="store_true", help="only the CPU time per request"
    )
    args = parser.parse_args()

    from werkzeug.test import EnvironBuilder

    import odoo
    import odoo.http
    from odoo.tools import config

    config.parse_config(
        ["-d", args.db, "--addons-path", args.addons_path, "--log-level", "warn"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    from odoo.addons.onecard_devices.lib.signing import headers as signed_headers

    with registry.cursor() as cr:
        cr.execute(
            "SELECT serial_number, secret FROM onecard_terminal WHERE serial_number "
            "LIKE 'BH-%%'"
        )
        terminals = cr.fetchall()
        cr.execute(
            "SELECT uid FROM onecard_card WHERE state = 'active' AND kind = 'official'"
        )
        uids = [row[0] for row in cr.fetchall()]
    app, rng, statuses = odoo.http.root, random.Random(1), {}

    def one():
        if args.path.startswith("/onecard/"):
            serial, secret = rng.choice(terminals)
            body = json.dumps(
                {
                    "uid": rng.choice(uids),
                    "amount": 0.01,
                    "idempotency_key": "prof-%d-%d"
                    % (time.time_ns(), rng.randrange(1 << 30)),
                }
            ).encode()
            hdrs = dict(
                signed_headers(serial, secret, "POST", args.path, body),
                **{"Content-Type": "application/json"},
            )
            env = EnvironBuilder(
                path=args.path, method="POST", data=body, headers=hdrs
            ).get_environ()
        else:
            env = EnvironBuilder(path=args.path, method="GET").get_environ()
        status = []
        out = app(env, lambda s, h, exc_info=None: status.append(s))
        b"".join(out)
        if hasattr(out, "close"):
            out.close()
        statuses[status[0]] = statuses.get(status[0], 0) + 1

    for _i in range(50):  # warm-up: registry, routing map, kept cursor, plans
        one()
    profiler = None if args.no_profile else cProfile.Profile(time.process_time)
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for _i in range(args.requests):
        one()
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        "%s: %d requests, CPU %.3f ms/request, wall %.3f ms/request%s, statuses %s"
        % (
            args.path,
            args.requests,
            cpu * 1000 / args.requests,
            wall * 1000 / args.requests,
            " (profiled)" if profiler else "",
            statuses,
        )
    )
    if profiler:
        stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
