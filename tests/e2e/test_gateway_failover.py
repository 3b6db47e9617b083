"""Two gateway hosts (issue 20, item 5): terminals with a primary and a fallback server.

Two ordinary ``onecard-gateway`` processes on two ports against the same database, as
two hosts would run them. Eight TCP terminals get gateway A as their primary and B as
their fallback from their settings (``config``: the simulator is given A alone). In the
middle of a burst A is killed (-9): every terminal moves to B and retransmits the same
records there; A comes back, B is killed: they move back to A (the fallback failed).
At the end every swipe the simulator made is in the ledger exactly once, with the
amount it was answered, the records B got again are replays, and every wallet equals
the sum of its ledger rows.
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import HOLDERS, POPULATE, REPO, SECRET, addons_path, odoo_bin
from .nginx_proxy import free_port

PREFIX, TERMINALS, RATE = "E2G-", 8, 64  # swipes per second, all terminals
MOVE_BOUND = 20.0  # seconds: every terminal has moved by then (measured: ~1 s)


class Gateway:
    """One gateway host: an ordinary onecard-gateway process on its own port."""

    def __init__(self, e2e, name, offset):
        self.e2e, self.name = e2e, name
        # ONECARD_E2E_PORT_BASE=N (runs sharing a machine): N+5, N+6; else free ports
        base = int(os.environ.get("ONECARD_E2E_PORT_BASE") or 0)
        self.port = base + offset if base else free_port()
        self.proc = None
        self.log = os.path.join(e2e.tmp, f"gateway_{name}.log")

    def start(self):
        port_file = os.path.join(self.e2e.tmp, f"gw_{self.name}_port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        cmd = [
            sys.executable,
            odoo_bin(),
            "--addons-path=" + addons_path(),
            "onecard-gateway",
            "-d",
            self.e2e.db,
            "--tcp-host",
            "127.0.0.1",
            "--tcp-port",
            str(self.port),
            "--port-file",
            port_file,
            "--http-port",
            "-1",
            # the serial buses are wired to the suite's own gateway (one host)
            "--no-db-ports",
            "--workers",
            "3",
            "--status-interval",
            "5",
            "--log-level",
            "info",
        ]
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, cwd=REPO
            )
        self._port_file = port_file
        return self

    def wait_ready(self, timeout=180):
        deadline = time.time() + timeout
        while not (
            os.path.exists(self._port_file) and open(self._port_file).read().strip()
        ):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"gateway {self.name} did not start: {self.tail()}")
            time.sleep(0.2)

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)

    def tail(self, size=3000):
        if not os.path.exists(self.log):
            return ""
        with open(self.log, errors="replace") as handle:
            return f"\n--- gateway {self.name} (end) ---\n" + handle.read()[-size:]


def new_ops(e2e, before):
    """(serial, epoch, seq) -> (state, amount, operation id, ledger sum) of the
    operations of our terminals made since ``before`` (an operation id)."""
    rows = e2e.sql(
        """SELECT t.serial_number, o.terminal_epoch, o.terminal_seq, o.state,
                  o.amount, o.id,
                  (SELECT COALESCE(sum(x.amount), 0) FROM onecard_transaction x
                    WHERE x.operation_id = o.id)
             FROM onecard_operation o
             JOIN onecard_terminal t ON t.id = o.terminal_id
            WHERE t.serial_number LIKE %s AND o.id > %s""",
        [PREFIX + "%", before],
    )
    return rows


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def serials(e2e):
    """Our terminals (amount mode, TCP), made once for this file."""
    serials = ["%s%03d" % (PREFIX, i) for i in range(1, TERMINALS + 1)]
    cmd = [sys.executable, POPULATE, "-d", e2e.db, "--addons-path", addons_path()]
    cmd += ["--holders", str(HOLDERS), "--secret", SECRET]
    for serial in serials:
        cmd += ["--terminal", f"tcp:amount:{serial}"]
    populated = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    assert populated.returncode == 0, populated.stderr[-3000:]
    return serials


def test_two_gateways_terminals_fail_over_and_back(e2e, serials):
    gw_a, gw_b = Gateway(e2e, "a", 5), Gateway(e2e, "b", 6)
    # the settings the terminals fetch: A first, B when A is down
    e2e.sql(
        """UPDATE onecard_terminal SET primary_server = %s, fallback_server = %s,
                  failback_minutes = 10 WHERE serial_number LIKE %s""",
        [f"127.0.0.1:{gw_a.port}", f"127.0.0.1:{gw_b.port}", PREFIX + "%"],
    )
    before = e2e.sql("SELECT COALESCE(max(id), 0) FROM onecard_operation")[0][0]
    seq = e2e.next_seq(PREFIX)
    stop_file = os.path.join(e2e.tmp, "failover_stop")
    if os.path.exists(stop_file):
        os.unlink(stop_file)
    sim = None
    try:
        gw_a.start(), gw_b.start()
        gw_a.wait_ready(), gw_b.wait_ready()
        sim, report_path = e2e.simulate_async(
            "--transport",
            "tcp",
            "--port",
            gw_a.port,  # A only: the fallback comes from the settings
            "--serial-prefix",
            PREFIX,
            "--terminals",
            TERMINALS,
            "--rate",
            RATE,
            "--duration",
            150,  # the bound; the test stops it with --stop-file
            "--stop-file",
            stop_file,
            "--first-seq",
            seq,
            "--timeout",
            "0.5",
        )

        def booked():
            return len(new_ops(e2e, before))

        wait_for(lambda: booked() >= 5 * TERMINALS, 60, "the burst to start")
        killed_a = time.time()
        gw_a.kill()
        at_kill_a = booked()
        # A comes back (its host restarted) while the terminals work on B
        gw_a.start()
        wait_for(lambda: booked() >= at_kill_a + 5 * TERMINALS, 60, "B to book")
        gw_a.wait_ready()
        time.sleep(1.0)
        killed_b = time.time()
        gw_b.kill()
        at_kill_b = booked()
        wait_for(lambda: booked() >= at_kill_b + 5 * TERMINALS, 60, "A to book again")
        time.sleep(1.0)
        open(stop_file, "w").close()
        out, err = sim.communicate(timeout=120)
        assert sim.returncode == 0, out[-2000:] + err[-3000:] + gw_a.tail()
        with open(report_path) as handle:
            report = json.load(handle)
    finally:
        if sim is not None and sim.poll() is None:
            sim.kill()
            sim.wait(timeout=30)
        gw_a.kill(signal.SIGTERM)
        gw_b.kill(signal.SIGTERM)
        # the suite's other tests reach these terminals through its own gateway
        e2e.sql(
            """UPDATE onecard_terminal SET primary_server = NULL,
                      fallback_server = NULL WHERE serial_number LIKE %s""",
            [PREFIX + "%"],
        )

    # Every terminal moved to B after A died, and back to A after B died.
    moves = report["moves"]
    to_b = {}
    to_a = {}
    for move in moves:
        if move["reason"] != "failover":
            continue
        if move["to"].endswith(f":{gw_b.port}") and move["at"] >= killed_a:
            to_b.setdefault(move["serial"], move["at"] - killed_a)
        if move["to"].endswith(f":{gw_a.port}") and move["at"] >= killed_b:
            to_a.setdefault(move["serial"], move["at"] - killed_b)
    assert sorted(to_b) == serials, moves
    assert sorted(to_a) == serials, moves
    assert max(to_b.values()) < MOVE_BOUND and max(to_a.values()) < MOVE_BOUND, moves
    # the heartbeat binding each new connection kept the status rows going
    seen = e2e.sql(
        """SELECT count(*) FROM onecard_terminal WHERE serial_number LIKE %s
              AND last_seen >= to_timestamp(%s) AT TIME ZONE 'UTC'""",
        [PREFIX + "%", int(killed_b)],
    )[0][0]
    assert seen == TERMINALS

    # Nothing lost, nothing doubled, the amounts the terminals were told.
    assert report["unreachable"] == 0 and report["refused"] == 0, report
    rows = new_ops(e2e, before)
    db = {}
    for serial, epoch, tseq, state, amount, op_id, ledger in rows:
        key = (serial, epoch or 0, tseq)
        assert key not in db, f"record {key} booked twice"
        db[key] = (state, float(amount), op_id, float(ledger))
    acked = {(a["serial"], a.get("epoch", 0), a["seq"]): a for a in report["acked"]}
    assert set(db) == set(acked), (
        f"booked but not acknowledged: {sorted(set(db) - set(acked))[:5]}; "
        f"acknowledged but not booked: {sorted(set(acked) - set(db))[:5]}"
    )
    assert len(db) == report["sent"], report
    for key, answer in acked.items():
        state, amount, op_id, ledger = db[key]
        assert (state == "approved") == answer["approved"], (key, answer, db[key])
        assert answer["operation_id"] in (None, op_id), (key, answer, db[key])
        if answer["approved"]:
            # charged once, what the display showed: the operation and its rows
            assert abs(abs(amount) - answer["amount"]) < 0.005, (key, answer, amount)
            assert abs(ledger + answer["amount"]) < 0.005, (key, answer, ledger)
    e2e.assert_ledger_invariant()
    assert report["retransmits"] > 0, report
    to_b_s, to_a_s = sorted(to_b.values()), sorted(to_a.values())
    print(  # pylint: disable=print-used - the figures docs/scaling.md quotes
        f"failover: {report['sent']} swipes, "
        f"A->B moves {to_b_s[0]:.2f}-{to_b_s[-1]:.2f} s, "
        f"B->A moves {to_a_s[0]:.2f}-{to_a_s[-1]:.2f} s, "
        f"retransmits={report['retransmits']} replays={report['replays']} "
        f"busy={report['busy']} p99={report['p99_ms']:.0f} ms "
        f"max={report['max_ms']:.0f} ms"
    )


def test_a_running_gateway_sees_settings_changed_elsewhere(e2e, serials):
    """A price changed by another process (Odoo's web client, the other gateway host)
    is charged by a running gateway within a second: it follows Odoo's cache
    signaling (gateway/signaling.py). Before, the old price was charged until the
    gateway restarted."""
    serial = serials[-1]

    def set_price(price):
        # what a write in Odoo does: the row, then the bumped signaling sequence
        # (Registry.signal_changes) at the end of the request
        e2e.sql(
            """UPDATE onecard_terminal SET mode = 'fixed', fixed_amount = %s,
                      primary_server = NULL, fallback_server = NULL
                WHERE serial_number = %s;
               SELECT nextval('base_cache_signaling_default')""",
            [price, serial],
        )

    def swipe():
        report = e2e.simulate(
            "--transport",
            "tcp",
            "--port",
            e2e.tcp_port,
            "--serial-prefix",
            PREFIX,
            "--first-index",
            TERMINALS,
            "--terminals",
            1,
            "--swipes",
            1,
            "--first-seq",
            e2e.next_seq(PREFIX),
        )
        assert report["approved"] == 1, report
        return report["acked"][0]["amount"]

    try:
        set_price(4.0)
        assert swipe() == 4.0
        set_price(4.5)
        time.sleep(1.5)  # gateway/signaling.py INTERVAL
        assert swipe() == 4.5
    finally:
        e2e.sql(
            "UPDATE onecard_terminal SET mode = 'amount', fixed_amount = 0 "
            "WHERE serial_number = %s; SELECT nextval('base_cache_signaling_default')",
            [serial],
        )
    e2e.assert_ledger_invariant()
