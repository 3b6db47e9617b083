"""``odoo-bin onecard-gateway``: binary-protocol gateway for TCP and RS-485 terminals.

    odoo-bin --addons-path=... onecard-gateway -d DB [--tcp-port 9100]
        [--http-port 9101] [--serial URL ...]

The command line only: the gateway itself is the package ``gateway/``
(every option in docs/binary-protocol.md, section 6).
"""

import argparse
import sys

from odoo.cli.command import Command
from odoo.tools import config

from ..gateway.server import run


class OnecardGateway(Command):
    """Binary-protocol gateway for TCP and RS-485 terminals"""

    name = "onecard-gateway"

    def run(self, cmdargs):
        parser = argparse.ArgumentParser(
            prog="odoo-bin onecard-gateway",
            description=self.__doc__,
            epilog="Other options are Odoo's (-d, --db_host, -c, --addons-path, ...).",
        )
        parser.add_argument("--tcp-host", default="0.0.0.0")
        parser.add_argument(
            "--tcp-port",
            type=int,
            default=9100,
            help="-1: no TCP server; 0: any free port",
        )
        parser.add_argument("--port-file", help="write the bound TCP port to this file")
        parser.add_argument(
            "--http-port",
            type=int,
            default=-1,
            help="also serve the terminal HTTP API (same endpoints and signatures as "
            "Odoo's /onecard/api/v1) on this port, with group commit; -1: off",
        )
        parser.add_argument(
            "--http-idle",
            type=float,
            default=60.0,
            help="seconds an idle keep-alive connection stays",
        )
        parser.add_argument(
            "--serial",
            action="append",
            metavar="URL",
            help="RS-485 port to poll (pyserial URL); repeatable. Ports of serial "
            "terminals in the database are polled anyway.",
        )
        parser.add_argument(
            "--no-db-ports", action="store_true", help="poll only the --serial ports"
        )
        parser.add_argument("--baudrate", type=int, default=115200)
        parser.add_argument(
            "--poll-timeout",
            type=float,
            default=0.2,
            help="seconds to wait for a polled terminal",
        )
        parser.add_argument(
            "--workers", type=int, default=8, help="database worker threads (cursors)"
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="gateway processes sharing the TCP port (SO_REUSEPORT): one Python "
            "process is bound to one CPU by the GIL; the first one also polls the "
            "serial ports",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=200,
            help="most swipes decided and committed together (group commit); "
            "1 = one per commit",
        )
        parser.add_argument(
            "--batch-punches",
            type=int,
            default=2000,
            help="ZKTeco ATTLOG uploads: most punches in one batch (at least one "
            "upload)",
        )
        parser.add_argument(
            "--batchers",
            type=int,
            default=2,
            help="batches in progress at once (each on its own cursor)",
        )
        parser.add_argument(
            "--max-tries",
            type=int,
            default=8,
            help="tries per frame on serialization failures",
        )
        parser.add_argument("--status-interval", type=float, default=60.0)
        parser.add_argument("--shutdown-timeout", type=float, default=10.0)
        parser.add_argument(
            "--allow-unsigned",
            action="store_true",
            help="accept TCP frames without a MAC",
        )
        opts, odoo_args = parser.parse_known_args(cmdargs)
        config.parse_config(odoo_args, setup_logging=True)
        dbname = config["db_name"]
        if isinstance(dbname, list | tuple):
            dbname = dbname[0] if dbname else None
        if dbname and "," in dbname:
            dbname = dbname.split(",")[0]
        if not dbname:
            sys.exit("onecard-gateway: give the database with -d")
        opts.batch_size, opts.batchers = (
            max(opts.batch_size, 1),
            max(min(opts.batchers, opts.workers), 1),
        )
        config["db_maxconn"] = max(config["db_maxconn"], opts.workers + 4)
        if opts.processes > 1 and (not opts.tcp_port or opts.http_port == 0):
            sys.exit("onecard-gateway: --processes needs fixed ports")
        run(dbname, opts)
