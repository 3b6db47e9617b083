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
from checker import check, connect, invariants, snapshot  # noqa: E402
from desk import DeskLoad  # noqa: E402
from pgbox import PgBox  # noqa: E402
from proxy import FaultProxy  # noqa: E402
from verdict import Verdict  # noqa: E402

ODOO_BIN = os.environ.get("ODOO_BIN", "/opt/odoo18/odoo-bin")
ADDONS = os.environ.get("ONECARD_ADDONS_PATH", "/opt/odoo18/addons," + REPO)
SECRET = "chaos-secret"
HOLDERS = 300
FAULTS = ("pg_fast", "pg_immediate", "gateway_kill", "move", "cut", "network")


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


class ChaosRun(Verdict):
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

    # ----------------------------------------------------------------- load
    def simulate(self, name, *args):
        report = os.path.join(self.tmp, f"report_{name}.json")
        self.channels[report] = name
        cmd = [
            sys.executable,
            "-m",
            "onecard_devices.simulator",
            "--secret",
            SECRET,
            "--cards",
            str(HOLDERS),
            "--report",
            report,
            "--timeout",
            "1.0",
            "--max-wait",
            "90",
            *map(str, args),
        ]
        log = open(os.path.join(self.tmp, f"sim_{name}.log"), "w")
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        return proc, report

    def start_load(self):
        d, r = self.args.duration, self.args.rate
        tcp, http = self.tcp_proxy.port, self.http_proxy.port
        odoo = self.args.http_port
        self.sims = [
            self.simulate(
                "tcp",
                "--transport",
                "tcp",
                "--port",
                tcp,
                "--serial-prefix",
                "CXT-",
                "--terminals",
                25,
                "--rate",
                r * 0.5,
                "--duration",
                d,
            ),
            self.simulate(
                "http_gw",
                "--transport",
                "http",
                "--url",
                f"http://127.0.0.1:{http}",
                "--serial-prefix",
                "CXH-",
                "--terminals",
                12,
                "--rate",
                r * 0.25,
                "--duration",
                d,
            ),
            self.simulate(
                "http_odoo",
                "--transport",
                "http",
                "--url",
                f"http://127.0.0.1:{odoo}",
                "--serial-prefix",
                "CXH-",
                "--first-index",
                13,
                "--terminals",
                13,
                "--rate",
                r * 0.15,
                "--duration",
                d,
            ),
            # clocks 15 minutes behind
            self.simulate(
                "clock",
                "--transport",
                "tcp",
                "--port",
                tcp,
                "--serial-prefix",
                "CXC-",
                "--terminals",
                3,
                "--rate",
                1.5,
                "--duration",
                d,
                "--clock",
                int(time.time()) - 900,
            ),
            # offline: every record buffered, uploaded later (the terminal "reboots")
            self.simulate(
                "offline",
                "--transport",
                "tcp",
                "--port",
                tcp,
                "--serial-prefix",
                "CXO-",
                "--terminals",
                2,
                "--rate",
                1,
                "--duration",
                d,
                "--offline",
            ),
        ]
        self.desk = DeskLoad(
            f"http://127.0.0.1:{odoo}", self.db, self.desk_data, self.args.seed + 2
        )
        now = time.monotonic()
        self.desk_thread = threading.Thread(
            target=self.desk.run, args=(now + d, now + d / 3), daemon=True
        )
        self.desk_thread.start()

    # --------------------------------------------------------------- faults
    def fault(self, kind):
        self.faults[kind] += 1
        if kind in ("pg_fast", "pg_immediate"):
            mode = "fast" if kind == "pg_fast" else "immediate"
            self.box.restart(mode)
            self.recovery.append(self.time_to_commit())
        elif kind == "gateway_kill":
            # The host of the terminals' gateway dies: the proxy (a load balancer's
            # health check) sends them to the other process if that one is up, and
            # the killed one is started again (its registry takes 10-35 s to load
            # on this shared machine: the schedule does not wait for it).
            name = ("gw_a", "gw_b")[self.tcp_proxy.current]
            other = "gw_b" if name == "gw_a" else "gw_a"
            self.procs[name].send_signal(signal.SIGKILL)
            self.procs[name].wait(30)
            if self.wait_port(self.ports[other][0], time.time() + 1):
                self.tcp_proxy.move()
                self.http_proxy.move()
            self.start_gateway(name)
        elif kind == "move":
            self.tcp_proxy.move()
            self.http_proxy.move()
        elif kind == "cut":
            self.tcp_proxy.cut_all()
            self.http_proxy.cut_all()
        else:  # network: 5 s of delays, duplicates and cuts mid-frame
            # Duplicated bytes only towards the binary protocol: its answers carry the
            # request's sequence, HTTP/1.1 answers are matched by their order alone (a
            # duplicated response would answer the terminal's next request; TCP itself
            # never duplicates, so only a broken middlebox could).
            self.tcp_proxy.set_faults(delay=0.05, dup_rate=0.05, cut_rate=0.03)
            self.http_proxy.set_faults(delay=0.05, cut_rate=0.03)
            time.sleep(5)
            self.tcp_proxy.set_faults()
            self.http_proxy.set_faults()

    def time_to_commit(self):
        """Seconds until a swipe is booked again after the restart (the service
        serves by itself: nothing is restarted)."""
        started = time.monotonic()
        conn = connect(self.box, self.db)
        with conn.cursor() as cur:
            cur.execute("SELECT COALESCE(max(id), 0) FROM onecard_operation")
            last = cur.fetchone()[0]
        conn.close()
        while time.monotonic() - started < 60:
            time.sleep(0.1)
            conn = connect(self.box, self.db)
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT count(*) FROM onecard_operation WHERE id > %s", [last]
                )
                done = cur.fetchone()[0]
            conn.close()
            if done:
                return round(time.monotonic() - started, 2)
        return None

    def sample(self):
        """Invariants while running (a read: never blocks the writers)."""
        conn = connect(self.box, self.db)
        try:
            found = invariants(conn)
        finally:
            conn.close()
        self.samples += found

    def backup_drill(self):
        """pg_dump of the live database, restored: chains, wallets, settlement."""
        path = os.path.join(self.tmp, "live.dump")
        for attempt in range(3):  # a restart of the schedule may cut the dump
            try:
                self.box.dump(self.db, path)
                break
            except subprocess.CalledProcessError:
                if attempt == 2:
                    raise
                time.sleep(2)
        restored = self.db + "_restored"
        self.box.load(path, restored)
        conn = connect(self.box, restored)
        before = snapshot(conn)
        problems = invariants(conn)
        sums = self.sums_by_kind(conn, before["max_op"])
        conn.close()
        live_db, self.db = self.db, restored
        try:
            settled = self.script(os.path.join(HERE, "settle.py"))
        finally:
            self.db = live_db
        self.drill = {
            "max_op": before["max_op"],
            "problems": problems,
            "settle": settled,
            "sums": sums,
        }

    @staticmethod
    def sums_by_kind(conn, max_op):
        """{kind: total} of the ledger rows of operations up to ``max_op``."""
        with conn.cursor() as cur:
            cur.execute(
                """SELECT kind, round(sum(amount), 2)::float FROM onecard_transaction
                    WHERE operation_id <= %s GROUP BY kind ORDER BY kind""",
                [max_op],
            )
            return dict(cur.fetchall())

    def schedule(self):
        d = self.args.duration
        times = sorted(
            self.rng.uniform(8, max(d - 15, 9)) for _i in range(self.args.faults)
        )
        kinds = [FAULTS[i % len(FAULTS)] for i in range(len(times))]
        self.rng.shuffle(kinds)
        return list(zip(times, kinds, strict=True))

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
        if self.drill.get("problems") or not self.drill.get("settle", {}).get(
            "balanced", True
        ):
            violations.append(f"restored dump: {self.drill}")
        violations += self.samples
        return self.verdict(table, violations, settled)

    def sequence_reset(self):
        """A terminal whose counter restarted: the same numbers for other swipes are
        refused as sequence_conflict (never approved as replays); after a sequence
        reset (a new epoch) its records are booked again."""
        port = self.ports[("gw_a", "gw_b")[self.tcp_proxy.current]][0]
        base = (
            "--transport",
            "tcp",
            "--port",
            port,
            "--serial-prefix",
            "CXR-",
            "--terminals",
            1,
            "--swipes",
            10,
            "--first-seq",
            0,
        )
        runs = {}
        for name, extra in (
            ("reset_1", ()),
            ("reset_2", ("--card-base", "0x10000005")),
            ("reset_3", ("--reset-epoch",)),
        ):
            proc, report = self.simulate(name, *base, *extra)
            proc.wait(timeout=300)
            with open(report) as handle:
                runs[name] = dict(json.load(handle), channel="tcp seq restart")
        self.reports += [runs["reset_1"], runs["reset_3"]]
        self.conflicts = runs["reset_2"]
        self.faults["sequence_restart"] = 1

    def cleanup(self):
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
        "--keep", action="store_true", help="keep the temporary directory"
    )
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    chaos = ChaosRun(args)
    print(
        f"chaos run: seed {args.seed}, {args.duration:.0f} s, logs in {chaos.tmp}",
        flush=True,
    )
    try:
        _table, violations = chaos.run()
    finally:
        chaos.cleanup()
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
