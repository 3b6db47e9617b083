"""A throwaway PostgreSQL instance the fault run owns: restarted at will.

The machine's main cluster serves everyone else's tests and is never touched:
this one lives in a temporary directory, listens only on its own Unix socket
(no TCP), on its own port number, and runs as the ``postgres`` OS user
(PostgreSQL refuses root) with a superuser role named after us. ``fsync=off``:
a restart with ``-m immediate`` kills the server processes (crash recovery
replays the WAL from the OS cache, which survives); only a machine crash would
need fsync, and that is not a fault this run injects.
"""

import os
import pwd
import shutil
import subprocess
import time

BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")


class PgBox:
    def __init__(self, root, port, role=None):
        self.root, self.port = root, port
        self.data = os.path.join(root, "data")
        self.sock = os.path.join(root, "sock")
        self.log = os.path.join(root, "postgres.log")
        self.role = role or pwd.getpwuid(os.getuid()).pw_name
        self.restarts = []  # (mode, seconds) of every restart

    def _as_postgres(self, *cmd, check=True):
        runas = [] if os.getuid() else ["runuser", "-u", "postgres", "--"]
        return subprocess.run(
            [*runas, *cmd], check=check, capture_output=True, text=True, timeout=120
        )

    def env(self):
        """Environment for processes that must use this instance (libpq, Odoo)."""
        return dict(os.environ, PGHOST=self.sock, PGPORT=str(self.port))

    def init(self):
        os.makedirs(self.sock, exist_ok=True)
        if os.getuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sock, "postgres")
        self._as_postgres(
            f"{BIN}/initdb", "-D", self.data, "-A", "trust", "-U", self.role, "-N"
        )
        with open(os.path.join(self.data, "postgresql.conf"), "a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = ''\n"
                f"unix_socket_directories = '{self.sock}'\nfsync = off\n"
                "max_connections = 200\nshared_buffers = 128MB\n"
            )
        self.start()

    def start(self):
        self._as_postgres(
            f"{BIN}/pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start"
        )

    def restart(self, mode):
        """``pg_ctl restart -m mode``; returns the seconds it took."""
        started = time.monotonic()
        self._as_postgres(
            f"{BIN}/pg_ctl",
            "-D",
            self.data,
            "-l",
            self.log,
            "-m",
            mode,
            "-w",
            "-t",
            "60",
            "restart",
        )
        took = time.monotonic() - started
        self.restarts.append((mode, took))
        return took

    def stop(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self._as_postgres(
                f"{BIN}/pg_ctl",
                "-D",
                self.data,
                "-m",
                "fast",
                "-w",
                "stop",
                check=False,
            )

    def psql(self, *args):
        return subprocess.run(
            ["psql", "-XAtq", *args],
            env=self.env(),
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def restore(self, source_db, dbname, dump_path):
        """Copy ``source_db`` of the main cluster here (pg_dump, read-only there)."""
        subprocess.run(
            ["pg_dump", "-Fc", "-d", source_db, "-f", dump_path],
            check=True,
            capture_output=True,
            env={k: v for k, v in os.environ.items() if k not in ("PGHOST", "PGPORT")},
        )
        self.load(dump_path, dbname)

    def dump(self, dbname, dump_path):
        subprocess.run(
            ["pg_dump", "-Fc", "-d", dbname, "-f", dump_path],
            check=True,
            capture_output=True,
            env=self.env(),
        )

    def load(self, dump_path, dbname):
        subprocess.run(["createdb", dbname], check=True, env=self.env())
        subprocess.run(
            ["pg_restore", "--no-owner", "-d", dbname, dump_path],
            check=True,
            capture_output=True,
            env=self.env(),
        )
