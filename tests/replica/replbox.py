"""A primary and its streaming replica, owned by the suite (never the main cluster).

The primary is tests/chaos's PgBox (initdb in a temporary directory, own Unix
socket, trust for our role), opened to TCP on 127.0.0.1 only, with
``wal_level = replica`` and a replication entry in pg_hba. The replica is
``pg_basebackup -R`` of it (standby.signal and primary_conninfo written by
pg_basebackup), started as a hot standby on its own port and socket.
Statistics are read with psql over each server's socket, one connection per
read (a fresh statistics snapshot each time).
"""

import os
import shutil
import sys
import time

sys.path.insert(
    0,
    os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "chaos"),
)
from pgbox import BIN, PgBox  # noqa: E402  (tests/chaos)

# Cumulative statistics of a table, as pg_stat_user_tables keeps them per server.
COUNTERS = ("seq_scan", "idx_scan", "n_tup_ins", "n_tup_upd", "n_tup_del")


class Primary(PgBox):
    def init(self):
        super().init()  # initdb, socket only, started
        with open(os.path.join(self.data, "postgresql.conf"), "a") as conf:
            conf.write(
                "\nlisten_addresses = '127.0.0.1'\nwal_level = replica\n"
                "max_wal_senders = 4\nwal_keep_size = 256MB\n"
            )
        with open(os.path.join(self.data, "pg_hba.conf"), "a") as hba:
            hba.write(f"host replication {self.role} 127.0.0.1/32 trust\n")
        self.restart("fast")


class Replica(PgBox):
    """A hot standby of ``primary``, cloned by pg_basebackup over TCP."""

    def __init__(self, root, port, primary):
        super().__init__(root, port, role=primary.role)
        self.primary = primary

    def init(self):
        os.makedirs(self.sock, exist_ok=True)
        if os.getuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sock, "postgres")
        self._as_postgres(
            f"{BIN}/pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary.port),
            "-U",
            self.role,
            "-D",
            self.data,
            "-R",  # standby.signal + primary_conninfo
            "-X",
            "stream",
            "-c",
            "fast",
        )
        with open(os.path.join(self.data, "postgresql.conf"), "a") as conf:
            # after the primary's own lines (copied by pg_basebackup): these win
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.sock}'\nhot_standby = on\n"
            )
        self.start()

    def in_recovery(self):
        return (
            self.psql("-d", "postgres", "-c", "SELECT pg_is_in_recovery()").strip()
            == "t"
        )

    def wait_replayed(self, timeout=30):
        """Until the replica has replayed everything the primary has written so far;
        returns the seconds it took."""
        target = self.primary.psql(
            "-d", "postgres", "-c", "SELECT pg_current_wal_lsn()"
        ).strip()
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            done = self.psql(
                "-d",
                "postgres",
                "-c",
                f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn",
            ).strip()
            if done == "t":
                return time.monotonic() - started
            time.sleep(0.1)
        raise TimeoutError(f"the replica did not replay up to {target} in {timeout}s")


def table_counters(box, db, prefix="onecard_"):
    """{table: {counter: value}} of the tables named ``prefix...``, from the
    server's own pg_stat_user_tables."""
    rows = box.psql(
        "-d",
        db,
        "-F",
        "|",
        "-c",
        f"SELECT relname, {', '.join(COUNTERS)} FROM pg_stat_user_tables "
        f"WHERE relname LIKE '{prefix}%' ORDER BY relname",
    )
    out = {}
    for line in rows.splitlines():
        name, *values = line.split("|")
        out[name] = {c: int(v or 0) for c, v in zip(COUNTERS, values, strict=True)}
    return out


def scans(counters, table):
    return counters[table]["seq_scan"] + counters[table]["idx_scan"]
