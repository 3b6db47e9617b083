"""The faults of the run, on the schedule drawn from its seed, and the
mid-run checks (samples, backup drill, the terminal whose counter restarted).

Mixed into ChaosRun (run.py): uses its processes, proxies and PostgreSQL.
"""

import json
import os
import signal
import subprocess
import time

from checker import connect, invariants, snapshot

FAULTS = ("pg_fast", "pg_immediate", "gateway_kill", "move", "cut", "network")
HERE = os.path.dirname(os.path.abspath(__file__))


class Faults:
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
            # Duplicated bytes only towards the binary protocol: over HTTP/1.1 a
            # swipe answer echoes its seq (the simulator drops another one), but
            # heartbeat and upload answers are still matched by their order (TCP
            # itself never duplicates, so only a broken middlebox could).
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
        restored = self.db + "_restored"
        for attempt in range(
            5
        ):  # a restart of the schedule may cut the dump or restore
            try:
                self.box.dump(self.db, path)
                subprocess.run(
                    ["dropdb", "--if-exists", restored], env=self.box.env(), check=True
                )
                self.box.load(path, restored)
                break
            except subprocess.CalledProcessError:
                if attempt == 4:
                    raise
                time.sleep(2)
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
