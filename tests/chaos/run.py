"""The fault run: many channels writing at once while faults hit, then the checker.

    python3 tests/chaos/run.py --source-db oc_chaos --seed 7 --duration 600

Everything runs on this machine: a throwaway PostgreSQL (pgbox.py) holding a
copy of ``--source-db`` (pg_dump of the main cluster's database: read only
there), two gateway processes, Odoo's HTTP server, the fault proxy (proxy.py)
and the simulators (the load generator: their reports are the independent
record of what every terminal was told). Faults come from a schedule drawn
from ``--seed``. Exit status 1 on any lost or doubled operation or violation.
"""

# print-used: a command-line tool: the table is its result
# pylint: disable=print-used

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from checker import check, connect, snapshot  # noqa: E402
from faults import FAULTS, Faults  # noqa: E402
from load import HOLDERS, SECRET, Load  # noqa: E402
from pgbox import PgBox  # noqa: E402
from proxy import FaultProxy  # noqa: E402
from verdict import Verdict  # noqa: E402

ODOO_BIN = os.environ.get("ODOO_BIN", "/opt/odoo18/odoo-bin")
ADDONS = os.environ.get("ONECARD_ADDONS_PATH", "/opt/odoo18/addons," + REPO)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def terminals():
    specs = []
    for i in range(1, 26):
        specs += ["tcp:amount:CXT-%03d" % i, "http:amount:CXH-%03d" % i]
    specs += ["tcp:fixed:CXC-%03d" % i for i in (1, 2, 3)]
    specs += ["tcp:amount:CXR-001", "tcp:amount:CXO-001", "tcp:amount:CXO-002"]
    return specs


class ChaosRun(Faults, Load, Verdict):
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.tmp = tempfile.mkdtemp(prefix="oc_chaos_")
        self.box = PgBox(self.tmp, args.pg_port)
        self.db = args.db or args.source_db
        self.procs = {}
        self.logs = {}
        self.faults = {name: 0 for name in FAULTS}
        self.recovery = []  # seconds from a PostgreSQL restart to the first commit
        self.samples = []  # violations seen while running
        self.reports = []
        self.channels = {}  # report path -> channel name
        self.drill = {}

    # ---------------------------------------------------------------- setup
    def odoo(self, *args, name, **kw):
        log = self.logs[name] = open(os.path.join(self.tmp, name + ".log"), "a")
        cmd = [sys.executable, ODOO_BIN, *args]
        self.procs[name] = subprocess.Popen(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.box.env(),
            cwd=REPO,
            **kw,
        )
        return self.procs[name]

    def script(self, path, *extra, tries=3):
        """Run a helper script on the run's database; a PostgreSQL restart of the
        schedule may hit its registry load: it is run again (they are idempotent)."""
        for attempt in range(1, tries + 1):
            try:
                return self._script(path, *extra)
            except RuntimeError:
                if attempt == tries:
                    raise
                time.sleep(3)

    def _script(self, path, *extra):
        out = subprocess.run(
            [sys.executable, path, "-d", self.db, "--addons-path", ADDONS, *extra],
            env=self.box.env(),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if out.returncode:
            raise RuntimeError(f"{path} failed: {out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    def setup(self):
        self.box.init()
        self.box.restore(
            self.args.source_db, self.db, os.path.join(self.tmp, "src.dump")
        )
        populate = [os.path.join(REPO, "tests/e2e/populate.py")]
        extra = [
            "--holders",
            str(HOLDERS),
            "--secret",
            SECRET,
            "--offline-limit",
            "50",
            "--cash",
            "0",
        ]
        for spec in terminals():
            extra += ["--terminal", spec]
        self.script(*populate, *extra)
        self.desk_data = self.script(os.path.join(HERE, "prepare.py"))
        self.args.http_port = self.args.http_port or free_port()
        self.ports = {"odoo": self.args.http_port}
        for gw in ("gw_a", "gw_b"):
            self.ports[gw] = (free_port(), free_port())
            self.start_gateway(gw)
        self.odoo(
            "-d",
            self.db,
            "--db-filter",
            f"^{self.db}$",
            "--addons-path=" + ADDONS,
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(self.args.http_port),
            "--workers",
            "0",
            "--max-cron-threads",
            "0",
            "--log-level",
            "warn",
            name="odoo",
        )
        self.tcp_proxy = FaultProxy(
            [self.ports[g][0] for g in ("gw_a", "gw_b")], self.args.seed
        )
        self.http_proxy = FaultProxy(
            [self.ports[g][1] for g in ("gw_a", "gw_b")], self.args.seed + 1
        )
        self.tcp_proxy.start()
        self.http_proxy.start()
        self.wait_ready()

    def start_gateway(self, name):
        tcp, http = self.ports[name]
        self.odoo(
            "--addons-path=" + ADDONS,
            "onecard-gateway",
            "-d",
            self.db,
            "--tcp-host",
            "127.0.0.1",
            "--tcp-port",
            str(tcp),
            "--http-port",
            str(http),
            "--workers",
            "3",
            "--status-interval",
            "30",
            "--log-level",
            "info",
            name=name,
        )

    def wait_port(self, port, deadline):
        while time.time() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return True
            time.sleep(0.3)
        return False

    def wait_ready(self, names=("gw_a", "gw_b", "odoo"), timeout=240):
        deadline = time.time() + timeout
        for name in names:
            port = self.ports[name][0] if name != "odoo" else self.ports["odoo"]
            if not self.wait_port(port, deadline):
                raise RuntimeError(f"{name} did not start, see {self.logs[name].name}")

    # ------------------------------------------------------------------ run
    def run(self):
        self.setup()
        conn = connect(self.box, self.db)
        before = snapshot(conn)
        conn.close()
        self.start_load()
        started = time.monotonic()
        # the drill at half time, beside the faults (a thread: they go on)
        drill = threading.Timer(self.args.duration / 2, self.backup_drill)
        drill.daemon = True
        drill.start()
        for at, kind in self.schedule():
            while time.monotonic() - started < at:
                time.sleep(0.2)
            if time.monotonic() - started > self.args.duration - 5:
                break  # the schedule slipped past the load (slow restarts): stop
            print(f"[{time.monotonic() - started:6.1f}s] fault {kind}", flush=True)
            self.fault(kind)
            self.sample()
        self.sequence_reset()
        drill.join(600)
        for proc, report in self.sims:
            proc.wait(timeout=self.args.duration + 600)
            with open(report) as handle:
                self.reports.append(
                    dict(json.load(handle), channel=self.channels[report])
                )
        self.desk_thread.join(60)
        self.zk_thread.join(self.zk.grace + 60)
        for name in ("gw_a", "gw_b"):
            self.procs[name].send_signal(signal.SIGTERM)
            self.procs[name].wait(60)
        conn = connect(self.box, self.db)
        # a terminal that gave up waiting (Unreachable) keeps no answer: its record
        # may be booked (charged once), never more than the records it gave up on
        gave_up = sum(report.get("unreachable", 0) for report in self.reports)
        table, violations = check(conn, before, self.reports, gave_up=gave_up)
        table["terminal gave up waiting (records)"] = gave_up
        self.desk_check(conn, before, table, violations)
        if (
            self.drill
            and self.sums_by_kind(conn, self.drill["max_op"]) != self.drill["sums"]
        ):
            violations.append(
                "the restored dump's ledger differs from the live one's "
                "up to the dump point"
            )
        conn.close()
        settled = self.script(os.path.join(HERE, "settle.py"))
        if not settled["balanced"] or settled["debit"] != settled["credit"]:
            violations.append(f"settlement not balanced: {settled}")
        if not self.drill:
            violations.append("the backup drill did not finish (see the log)")
        elif self.drill.get("problems") or not self.drill["settle"].get("balanced"):
            violations.append(f"restored dump: {self.drill}")
        violations += self.samples
        return self.verdict(table, violations, settled)

    def cleanup(self, passed=False):
        """Stop everything; the temporary directory (PostgreSQL, logs, reports) is
        removed after a run that passed, unless --keep."""
        for proxy in ("tcp_proxy", "http_proxy"):
            if hasattr(self, proxy):
                getattr(self, proxy).stop()
        for proc, _report in getattr(self, "sims", []):
            if proc.poll() is None:
                proc.kill()
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        self.box.stop()
        if passed and not self.args.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source-db", required=True, help="main-cluster database to copy"
    )
    parser.add_argument(
        "--db",
        help="its name in the run's PostgreSQL (default: the same, "
        "so that Odoo finds its filestore)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load")
    parser.add_argument("--faults", type=int, default=12, help="faults in the schedule")
    parser.add_argument(
        "--rate", type=float, default=40.0, help="swipes/s of all terminals"
    )
    parser.add_argument(
        "--http-port",
        type=int,
        default=0,
        help="Odoo's HTTP port (default: a free one)",
    )
    parser.add_argument(
        "--pg-port",
        type=int,
        default=8129,
        help="the run's PostgreSQL port number (Unix socket only)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary directory (always kept after a failed run)",
    )
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    chaos = ChaosRun(args)
    print(
        f"chaos run: seed {args.seed}, {args.duration:.0f} s, logs in {chaos.tmp}",
        flush=True,
    )
    violations = ["did not finish"]
    try:
        _table, violations = chaos.run()
    finally:
        chaos.cleanup(passed=not violations)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
