"""End-to-end fixtures: a database, the gateway (and Odoo's HTTP server) as
subprocesses.

Database: ONECARD_E2E_DB when set (tests/run passes the database it just
tested, with onecard_devices installed); otherwise a fresh one is created
and onecard_devices installed into it (a few minutes), and dropped at the
end. Odoo: ODOO_BIN (default: odoo-bin next to the importable ``odoo``),
addons path ONECARD_ADDONS_PATH (default: Odoo's addons + this repository).
Ports: free ones, or with ONECARD_E2E_PORT_BASE=N the gateway's TCP port N, its
HTTP port N+1 and Odoo's HTTP port N+2 (runs sharing a machine keep apart).
"""

import json
import os
import random
import signal
import subprocess
import sys
import time

import psycopg2
import pytest

from .nginx_proxy import free_port, wait_port

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The shipped simulator (python3 -m onecard_devices.simulator), run from REPO: the
# addons
# directory is its import root, as for Odoo.
SIMULATOR = ("-m", "onecard_devices.simulator")
POPULATE = os.path.join(REPO, "tests", "e2e", "populate.py")
SECRET = "e2e-secret"
MODES = ("amount", "key", "fixed", "meal", "count", "postpaid")
HOLDERS = 300


def odoo_bin():
    if os.environ.get("ODOO_BIN"):
        return os.environ["ODOO_BIN"]
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import odoo, os; print(os.path.dirname(odoo.__path__[0]))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return os.path.join(out, "odoo-bin")


def addons_path():
    if os.environ.get("ONECARD_ADDONS_PATH"):
        return os.environ["ONECARD_ADDONS_PATH"]
    root = os.path.dirname(odoo_bin())
    return "{},{}".format(os.path.join(root, "addons"), REPO)


class Env:
    """Handles shared by the tests: database, gateway process, serial bus, helpers."""

    def __init__(self, db, tmp):
        self.db, self.tmp = db, tmp
        self.gateway = None
        self.http = None
        base = int(os.environ.get("ONECARD_E2E_PORT_BASE") or 0)
        self.tcp_port = base or None
        self.http_port = None
        self.fixed_http_port = base + 2 if base else None  # Odoo's, see start_http
        # the gateway's own HTTP front end (--http-port)
        self.gateway_http_port = base + 1 if base else None
        self.bus_gateway = os.path.join(tmp, "bus_gw")
        self.bus_sim = os.path.join(tmp, "bus_sim")
        self.socat = None

    # ---- database ----
    def sql(self, query, params=None):
        with psycopg2.connect(dbname=self.db) as conn, conn.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall() if cur.description else None

    def next_seq(self, prefix):
        row = self.sql(
            """SELECT COALESCE(max(o.terminal_seq), 0) FROM onecard_operation o
                            JOIN onecard_terminal t ON t.id = o.terminal_id WHERE
                                t.serial_number LIKE %s""",
            [prefix + "%"],
        )
        return row[0][0] + 1

    def assert_ledger_invariant(self):
        bad = self.sql("""
            SELECT w.id, w.balance, COALESCE(sum(t.amount), 0) FROM onecard_wallet w
              LEFT JOIN onecard_transaction t ON t.wallet_id = w.id
             GROUP BY w.id HAVING abs(w.balance - COALESCE(sum(t.amount), 0)) >
                 0.001""")
        assert not bad, f"wallet balance != sum of its ledger rows: {bad[:5]}"

    # ---- processes ----
    def start_gateway(self, *extra):
        port_file = os.path.join(self.tmp, "gw_port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        log = open(os.path.join(self.tmp, "gateway.log"), "a")
        self.gateway_http_port = self.gateway_http_port or free_port()
        cmd = [
            sys.executable,
            odoo_bin(),
            "--addons-path=" + addons_path(),
            "onecard-gateway",
            "--http-port",
            str(self.gateway_http_port),
            "-d",
            self.db,
            "--addons-path=" + addons_path(),
            "--tcp-host",
            "127.0.0.1",
            "--tcp-port",
            str(self.tcp_port or 0),
            "--port-file",
            port_file,
            "--poll-timeout",
            "0.05",
            "--status-interval",
            "5",
            "--workers",
            "4",
            "--log-level",
            "info",
            *extra,
        ]
        self.gateway = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, cwd=REPO
        )
        deadline = time.time() + 180
        while not os.path.exists(port_file) or not open(port_file).read().strip():
            if self.gateway.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"gateway did not start, see {log.name}")
            time.sleep(0.2)
        self.tcp_port = int(open(port_file).read())
        return self.gateway

    def gateway_log_tail(self, size=4000):
        """The end of the gateway's log, for a failure message (CI keeps no files)."""
        path = os.path.join(self.tmp, "gateway.log")
        if not os.path.exists(path):
            return ""
        with open(path, errors="replace") as handle:
            return "\n--- gateway.log (end) ---\n" + handle.read()[-size:]

    def kill_gateway(self, sig=signal.SIGKILL):
        if self.gateway and self.gateway.poll() is None:
            self.gateway.send_signal(sig)
            self.gateway.wait(timeout=30)

    def start_http(self):
        self.http_port = self.fixed_http_port or free_port()
        log = open(os.path.join(self.tmp, "http.log"), "a")
        self.http = subprocess.Popen(
            [
                sys.executable,
                odoo_bin(),
                "-d",
                self.db,
                "--db-filter",
                f"^{self.db}$",
                "--addons-path=" + addons_path(),
                "--http-interface",
                "127.0.0.1",
                "--http-port",
                str(self.http_port),
                "--workers",
                "0",
                "--max-cron-threads",
                "0",
                "--db_maxconn",
                "8",
                "--log-level",
                "warn",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO,
        )
        if not wait_port(self.http_port, self.http, 180):
            raise RuntimeError(f"Odoo HTTP server did not start, see {log.name}")

    def simulate(self, *args, timeout=300, check=True):
        report = os.path.join(self.tmp, "report_%d.json" % random.randrange(1 << 30))
        cmd = [
            sys.executable,
            *SIMULATOR,
            "--secret",
            SECRET,
            "--cards",
            str(HOLDERS),
            "--report",
            report,
            "--max-wait",
            "60",
            "--timeout",
            "1.0",
            *map(str, args),
        ]
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO
        )
        if check:
            assert proc.returncode == 0, (
                proc.stdout[-2000:] + proc.stderr[-3000:] + self.gateway_log_tail()
            )
        with open(report) as handle:
            return json.load(handle)

    def simulate_async(self, *args):
        report = os.path.join(self.tmp, "report_%d.json" % random.randrange(1 << 30))
        cmd = [
            sys.executable,
            *SIMULATOR,
            "--secret",
            SECRET,
            "--cards",
            str(HOLDERS),
            "--report",
            report,
            "--max-wait",
            "120",
            "--timeout",
            "1.0",
            *map(str, args),
        ]
        return subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO
        ), report

    def stop(self):
        for proc in (self.gateway, self.http, self.socat):
            if proc and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()


@pytest.fixture(scope="session")
def e2e(tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("onecard_e2e"))
    db = os.environ.get("ONECARD_E2E_DB")
    created = False
    if not db:
        db = "oc_e2e_%d" % random.randrange(1 << 30)
        subprocess.run(["createdb", db], check=True)
        created = True
        subprocess.run(
            [
                sys.executable,
                odoo_bin(),
                "-d",
                db,
                "--addons-path=" + addons_path(),
                "-i",
                "onecard_devices",
                "--without-demo=all",
                "--stop-after-init",
                "--log-level",
                "warn",
            ],
            check=True,
            cwd=REPO,
        )
    env = Env(db, tmp)
    try:
        yield from _prepare(env, db)
    finally:
        env.stop()
        if created:
            subprocess.run(["dropdb", "--if-exists", db], check=False)


def _prepare(env, db):
    env.socat = subprocess.Popen(
        [
            "socat",
            f"pty,raw,echo=0,link={env.bus_gateway}",
            f"pty,raw,echo=0,link={env.bus_sim}",
        ],
        stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        if os.path.exists(env.bus_gateway) and os.path.exists(env.bus_sim):
            break
        time.sleep(0.1)
    terminals = []
    for index, mode in enumerate(MODES, start=1):
        terminals += [
            "tcp:%s:E2T-%03d" % (mode, index),
            "tcp:amount:E2F-%03d" % index,
            "serial:%s:E2S-%03d:%s:%d" % (mode, index, env.bus_gateway, index),
            "http:%s:E2H-%03d" % (mode, index),
        ]
    cmd = [
        sys.executable,
        POPULATE,
        "-d",
        db,
        "--addons-path",
        addons_path(),
        "--holders",
        str(HOLDERS),
        "--secret",
        SECRET,
        "--offline-limit",
        "50",
    ]
    for spec in terminals:
        cmd += ["--terminal", spec]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, f"populate failed: {proc.stderr[-3000:]}"
    env.start_gateway()
    yield env
