"""Everything the replica suite runs, started and stopped in one place.

A temporary directory holds the primary and replica clusters (replbox.py), the
Odoo filestore and the logs. The database comes from ONECARD_REPLICA_DB (a
database of the main cluster with the OneCard addons, copied by pg_dump: read
only there; tests/run passes the one it just tested) or, without it, is
installed with ``odoo-bin -i`` on the primary (a few minutes). Then the
suite's data (prepare.py, through the engine), ``pg_basebackup -R``, the hot
standby, and an Odoo HTTP server with ``--db_replica_host``. Every wait is
bounded; cleanup() stops what was started and removes the directory (kept
when ONECARD_REPLICA_KEEP=1, for a look at the logs).
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from replbox import Primary, Replica

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "chaos"))
from desk import Session  # noqa: E402  (tests/chaos: JSON-RPC as the web client)

ODOO_BIN = os.environ.get("ODOO_BIN", "/opt/odoo18/odoo-bin")
ADDONS = os.environ.get("ONECARD_ADDONS_PATH", "/opt/odoo18/addons," + REPO)
MODULES = "onecard_consume,onecard_devices,onecard_reports"
DB = "oc_rep"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.3)
    return False


class ReplicaSuite:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="oc_rep_")
        os.chmod(self.tmp, 0o755)  # the clusters below run as the postgres user
        pg_port = int(os.environ.get("ONECARD_REPLICA_PG_PORT", "5441"))
        self.primary = Primary(os.path.join(self.tmp, "primary"), pg_port)
        self.replica = Replica(
            os.path.join(self.tmp, "replica"), pg_port + 1, self.primary
        )
        for box in (self.primary, self.replica):
            os.makedirs(box.root)
        self.http_port = int(os.environ.get("ONECARD_REPLICA_HTTP_PORT") or free_port())
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.odoo_log = os.path.join(self.tmp, "odoo.log")
        self.odoo = None
        self.data = {}
        self.timings = {}

    # ---------------------------------------------------------------- setup
    def _timed(self, name, func, *args):
        started = time.monotonic()
        out = func(*args)
        self.timings[name] = round(time.monotonic() - started, 1)
        return out

    def start(self):
        self._timed("primary", self.primary.init)
        self._timed("database", self._database)
        self.data = self._timed("data", self._prepare)
        self._timed("replica", self.replica.init)
        self._timed("replay", self.replica.wait_replayed)
        self._timed("odoo", self._start_odoo)

    def _clean_env(self):
        """Odoo gets its servers from the command line, not from libpq's variables."""
        return {k: v for k, v in os.environ.items() if k not in ("PGHOST", "PGPORT")}

    def _database(self):
        source = os.environ.get("ONECARD_REPLICA_DB")
        if source:
            self.primary.restore(source, DB, os.path.join(self.tmp, "src.dump"))
            return
        log = os.path.join(self.tmp, "install.log")
        with open(log, "w") as out:
            done = subprocess.run(
                [
                    sys.executable,
                    ODOO_BIN,
                    "-d",
                    DB,
                    "--addons-path",
                    ADDONS,
                    "--data-dir",
                    os.path.join(self.tmp, "filestore"),
                    "-i",
                    MODULES,
                    "--without-demo=all",
                    "--stop-after-init",
                    "--log-level=warn",
                    "--max-cron-threads=0",
                    "--http-port",
                    str(self.http_port),
                ],
                env=self.primary.env(),
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=1200,
                check=False,
            )
        if done.returncode:
            raise RuntimeError(f"odoo-bin -i failed, see {log}")

    def _prepare(self):
        out = subprocess.run(
            [
                sys.executable,
                os.path.join(HERE, "prepare.py"),
                "-d",
                DB,
                "--addons-path",
                ADDONS,
            ],
            env=self.primary.env(),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if out.returncode:
            raise RuntimeError(f"prepare.py failed: {out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    def _start_odoo(self):
        log = open(self.odoo_log, "a")  # noqa: SIM115  (the server's, closed by it)
        self.odoo = subprocess.Popen(  # pylint: disable=consider-using-with
            [
                sys.executable,
                ODOO_BIN,
                "-d",
                DB,
                "--db-filter",
                f"^{DB}$",
                "--addons-path",
                ADDONS,
                "--data-dir",
                os.path.join(self.tmp, "filestore"),
                "--db_host",
                "127.0.0.1",
                "--db_port",
                str(self.primary.port),
                "--db_replica_host",
                "127.0.0.1",
                "--db_replica_port",
                str(self.replica.port),
                "--http-interface",
                "127.0.0.1",
                "--http-port",
                str(self.http_port),
                "--workers",
                "0",
                "--max-cron-threads",
                "0",
                "--log-level",
                "warn",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self._clean_env(),
            cwd=REPO,
        )
        log.close()
        if not wait_port(self.http_port, 120):
            raise RuntimeError(f"Odoo did not start, see {self.odoo_log}")

    def session(self, login=None):
        return Session(self.base, DB, login or self.data["login"])

    def log_text(self):
        with open(self.odoo_log, errors="replace") as log:
            return log.read()

    # -------------------------------------------------------------- cleanup
    def cleanup(self):
        if self.odoo is not None and self.odoo.poll() is None:
            # a second SIGTERM is Odoo's forced shutdown: the graceful one waits
            # for its threads (up to half a minute here), and nothing is to keep
            for wait in (5, 10):
                self.odoo.terminate()
                try:
                    self.odoo.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
            if self.odoo.poll() is None:
                self.odoo.kill()
                self.odoo.wait(10)
        for box in (self.replica, self.primary):
            try:
                box.stop()
            except subprocess.SubprocessError as error:  # the other still stops
                print(f"could not stop {box.data}: {error}")  # noqa: T201
        if os.environ.get("ONECARD_REPLICA_KEEP") == "1":
            print(f"ONECARD_REPLICA_KEEP=1: kept {self.tmp}")  # noqa: T201
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
