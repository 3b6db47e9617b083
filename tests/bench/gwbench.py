"""What the gateway bench's phases share: paths, the database, the simulator and
the CPU meter (tests/bench/bench_gateway.py)."""

# print-used: command-line tools: what they print is their result
# invalid-commit: scripts, not models: they own their transactions
# pylint: disable=print-used,invalid-commit

import json
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The shipped simulator, run from REPO (its import root: the addons directory).
SIMULATOR = ("-m", "onecard_devices.simulator")
POPULATE = os.path.join(REPO, "tests", "e2e", "populate.py")
SECRET = "bench-secret"
# Recorded with the figures: they move the p99 (checkpoints during a run).
PG_SETTINGS = (
    "shared_buffers",
    "max_wal_size",
    "checkpoint_timeout",
    "wal_compression",
    "synchronous_commit",
)
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))
from nginx_proxy import (  # noqa: E402,F401 - the e2e proxy helper, re-exported
    Proxy,
    free_port,
    wait_port,
)


def odoo_bin():
    if os.environ.get("ODOO_BIN"):
        return os.environ["ODOO_BIN"]
    import odoo

    return os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")


def addons_path():
    return os.environ.get("ONECARD_ADDONS_PATH") or "{},{}".format(
        os.path.join(os.path.dirname(odoo_bin()), "addons"),
        REPO,
    )


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def sql(db, query, params=None):
    import psycopg2

    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall() if cur.description else None


def next_seq(db, prefix):
    return sql(
        db,
        """SELECT COALESCE(max(o.terminal_seq), 0) + 1 FROM onecard_operation o
                        JOIN onecard_terminal t ON t.id = o.terminal_id WHERE
                            t.serial_number LIKE %s""",
        [prefix + "%"],
    )[0][0]


def simulate(args, transport, prefix, port=None, url=None, rate=None, servers=()):
    """Run the simulator; its summary with the CPU per swipe of it, the ``servers``
    (pids; their children
    count too) and PostgreSQL over the measured window."""
    report = tempfile.mktemp(suffix=".json")
    cmd = [
        sys.executable,
        *SIMULATOR,
        "--transport",
        transport,
        "--serial-prefix",
        prefix,
        "--terminals",
        str(args.terminals),
        "--secret",
        SECRET,
        "--cards",
        str(args.holders),
        "--rate",
        str(rate or args.rate),
        "--duration",
        str(args.duration),
        "--warmup",
        str(args.warmup),
        "--first-seq",
        str(next_seq(args.db, prefix)),
        "--timeout",
        "5",
        "--max-wait",
        "60",
        "--report",
        report,
    ]
    cmd += ["--port", str(port)] if port else ["--url", url]
    simulator = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, cwd=REPO)
    # CPU is counted from here (the simulator's start-up, ~0.5 s, ends its warm-up a
    # little later) to
    # its exit: the measured window, give or take a second.
    time.sleep(args.warmup)
    before = CpuMeter(simulator.pid, servers)
    if simulator.wait() != 0:
        raise RuntimeError(f"simulator exited with {simulator.returncode}")
    cpu = before.per_swipe()
    with open(report) as handle:
        summary = json.load(handle)
    os.unlink(report)
    summary.pop("acked", None)
    # CPU per approved swipe by process group: far steadier from run to run than the
    # p99,
    # so it shows whether a change made the work cheaper when the latency moves with the
    # host.
    swipes = max(
        summary["approved_per_s"] * summary["elapsed_s"], 1
    )  # "approved" counts the warm-up too
    summary["cpu_ms_per_swipe"] = {
        group: round(seconds * 1000 / swipes, 3)
        for group, seconds in cpu["groups"].items()
    }
    summary["cpu_ms_per_swipe"]["total"] = round(
        sum(cpu["groups"].values()) * 1000 / swipes, 3
    )
    summary["machine_busy_pct"] = cpu["busy_pct"]
    return summary


class CpuMeter:
    """CPU seconds from creation to ``per_swipe()`` of the servers (with their
    children), PostgreSQL,
    and the simulator, which has exited and been reaped by then."""

    def __init__(self, simulator_pid, server_pids):
        self.servers = set(server_pids)
        processes = _processes()
        self.start, self.start_machine = self._groups(processes), self._machine()
        # Reaped, the simulator's CPU is in this process's children totals (it is the
        # only child
        # reaped in between); what it used before the window is taken off.
        simulator_ticks = processes.get(simulator_pid, ("", 0, 0))[2]
        self.children_at_start = _children_cpu() + simulator_ticks / HZ

    def _groups(self, processes):
        """pid -> (group, ticks) of the servers, their children and PostgreSQL's
        processes."""
        groups = {}
        for pid, (cmdline, ppid, ticks) in processes.items():
            if pid in self.servers or ppid in self.servers:
                groups[pid] = ("server", ticks)
            elif os.path.basename(cmdline.split(" ")[0]).startswith(
                "postgres"
            ):  # server and backends
                groups[pid] = ("postgres", ticks)
        return groups

    @staticmethod
    def _machine():
        with open("/proc/stat") as handle:
            values = [int(v) for v in handle.readline().split()[1:]]
        return sum(values), values[3] + values[4]  # all, idle + iowait

    def per_swipe(self):
        end, (all_end, idle_end) = self._groups(_processes()), self._machine()
        seconds = {
            "server": 0.0,
            "postgres": 0.0,
            "simulator": _children_cpu() - self.children_at_start,
        }
        for pid, (group, ticks) in end.items():
            seconds[group] += (ticks - self.start.get(pid, (group, 0))[1]) / HZ
        all_start, idle_start = self.start_machine
        busy = 100.0 * (1 - (idle_end - idle_start) / max(all_end - all_start, 1))
        return {
            "groups": {k: v for k, v in seconds.items() if v},
            "busy_pct": round(busy, 1),
        }


HZ = os.sysconf("SC_CLK_TCK")


def _children_cpu():
    times = os.times()
    return times.children_user + times.children_system


def _processes():
    """pid -> (command line, parent pid, utime + stime ticks) of every process."""
    result = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{name}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        result[int(name)] = (cmdline, int(fields[1]), int(fields[11]) + int(fields[12]))
    return result
