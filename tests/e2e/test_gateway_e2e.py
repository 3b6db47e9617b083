"""Simulator -> gateway (TCP, RS-485 over a pty pair) / HTTP API -> engine ->
database."""

import json
import os
import re
import signal
import socket
import time

import pytest

from onecard_devices.lib import frame as fr
from onecard_devices.lib import messages as M

from .conftest import MODES

N = len(MODES)


def ops(e2e, prefix, offline=None):
    rows = e2e.sql(
        """
        SELECT t.serial_number, o.terminal_seq, o.state, o.id, o.offline,
            o.terminal_epoch FROM onecard_operation o
          JOIN onecard_terminal t ON t.id = o.terminal_id WHERE t.serial_number LIKE
              %s""",
        [prefix + "%"],
    )
    return [r for r in rows if offline is None or r[4] == offline]


def check_report(e2e, report, prefix, offline=False):
    """Every acknowledged swipe is in the database once, with the answer the terminal
    got."""
    assert report["unreachable"] == 0 and report["refused"] == 0, report
    assert report["unacknowledged_offline"] == 0, report
    db = {(r[0], r[5], r[1]): r for r in ops(e2e, prefix)}
    for acked in report["acked"]:
        row = db.get((acked["serial"], acked.get("epoch", 0), acked["seq"]))
        assert row, "acknowledged swipe {}/{} missing from the database".format(
            acked["serial"],
            acked["seq"],
        )
        assert (row[2] == "approved") == acked["approved"], (acked, row)
        assert row[4] == offline
    e2e.assert_ledger_invariant()


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
def test_tcp_every_mode(e2e, offline):
    seq = e2e.next_seq("E2T-")
    before = len(ops(e2e, "E2T-"))
    clock = int(
        time.time()
    )  # the terminals' clock: the records carry it, a retransmission the same
    args = [
        "--transport",
        "tcp",
        "--port",
        e2e.tcp_port,
        "--serial-prefix",
        "E2T-",
        "--terminals",
        N,
        "--swipes",
        4,
        "--first-seq",
        seq,
        "--show",
    ] + (["--offline"] if offline else [])
    report = e2e.simulate(*args, "--clock", clock)
    assert report["approved"] == 4 * N, report
    check_report(e2e, report, "E2T-", offline)
    assert len(ops(e2e, "E2T-")) == before + 4 * N
    if offline:
        return
    # The same records again (same sequence numbers, cards, amounts, times): replays,
    # never a second charge.
    again = e2e.simulate(*args, "--clock", clock)
    assert again["replays"] == 4 * N, again
    assert len(ops(e2e, "E2T-")) == before + 4 * N
    # The counters restarted (other swipes under the same numbers): refused, nothing
    # booked, alerted.
    conflicts = e2e.simulate(*args, "--clock", clock + 1)
    assert (conflicts["approved"], conflicts["conflicts"], conflicts["replays"]) == (
        0,
        4 * N,
        0,
    ), conflicts
    assert len(ops(e2e, "E2T-")) == before + 4 * N
    alerted = e2e.sql(
        "SELECT count(*) FROM onecard_terminal WHERE serial_number LIKE 'E2T-%%' AND "
        "sequence_alert"
    )
    assert alerted[0][0] == N
    # After a new sequence epoch the same numbers are new records.
    fresh = e2e.simulate(*args, "--reset-epoch")
    assert fresh["approved"] == 4 * N and fresh["conflicts"] == 0, fresh
    check_report(e2e, fresh, "E2T-")
    assert len(ops(e2e, "E2T-")) == before + 8 * N
    e2e.assert_ledger_invariant()


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
def test_serial_bus_every_mode(e2e, offline):
    seq = e2e.next_seq("E2S-")
    report = e2e.simulate(
        "--transport",
        "serial",
        "--serial-url",
        e2e.bus_sim,
        "--serial-prefix",
        "E2S-",
        "--terminals",
        N,
        "--swipes",
        3,
        "--first-seq",
        seq,
        "--show",
        *(["--offline"] if offline else []),
    )
    assert report["approved"] == 3 * N, report
    check_report(e2e, report, "E2S-", offline)


def _exchange(sock, frame_bytes, frame):
    sock.sendall(frame_bytes)
    reader = frame.FrameReader()
    while True:
        data = sock.recv(4096)
        assert data, "the gateway closed the connection"
        frames = reader.feed(data)
        if frames:
            return frames[0]


def test_naks_are_counted_and_shutdown_is_clean(e2e):
    """Issue 14.11: every NAK the gateway sends is counted, in the status lines and in
    the end-of-run
    totals; a graceful stop closes the database cursors ("Cursor not closed
    explicitly" nowhere)."""
    lib = fr
    encode = lib.encode
    log_path = os.path.join(e2e.tmp, "gateway.log")
    start = os.path.getsize(log_path)
    swipe = M.encode_message(M.SWIPE, {"uid": "04A1B2C3", "amount": 1.0, "seq": 1})
    heartbeat = M.encode_message(
        M.HEARTBEAT, {"serial": "E2T-001", "time": int(time.time())}
    )
    with socket.create_connection(("127.0.0.1", e2e.tcp_port), timeout=30) as sock:
        answers = [
            _exchange(sock, encode(M.SWIPE, swipe, 0, 1, 0, "e2e-secret"), lib)
        ]  # not bound yet
        assert (
            _exchange(
                sock, encode(M.HEARTBEAT, heartbeat, 0, 2, 0, "e2e-secret"), lib
            ).type
            != M.NAK
        )
        answers.append(
            _exchange(sock, encode(M.SWIPE, swipe, 0, 3, 0, "wrong-secret"), lib)
        )  # bad MAC
        answers.append(
            _exchange(
                sock, encode(M.SWIPE, b"\x02\x00\x01\xff", 0, 4, 0, "e2e-secret"), lib
            )
        )  # bad uid
    codes = [M.decode_message(frame.type, frame.payload)["code"] for frame in answers]
    assert [frame.type for frame in answers] == [M.NAK] * 3 and codes == [
        "unknown_terminal",
        "bad_signature",
        "invalid_body",
    ], codes
    time.sleep(6)  # one status line (--status-interval 5)
    e2e.kill_gateway(signal.SIGTERM)
    with open(log_path) as handle:
        handle.seek(start)
        log = handle.read()
    e2e.start_gateway()
    assert e2e.gateway.poll() is None
    assert sum(int(n) for n in re.findall(r"status: .*? naks=(\d+)", log)) == 3, log[
        -3000:
    ]
    totals = re.search(r"onecard-gateway stopped: (.*)", log)
    assert totals and re.search(r"\bnaks=3\b", totals.group(1)), log[-3000:]
    assert "Cursor not closed explicitly" not in log, log[-3000:]


def test_bad_mac_is_refused(e2e):
    proc = e2e.simulate_async(
        "--transport",
        "tcp",
        "--port",
        e2e.tcp_port,
        "--serial-prefix",
        "E2T-",
        "--terminals",
        1,
        "--swipes",
        1,
        "--secret",
        "wrong",
        "--max-wait",
        "3",
    )[0]
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "bad_signature" in err


def test_sigkill_mid_burst_loses_nothing_charges_nothing_twice(e2e):
    """Kill -9 the gateway during a burst, restart it: every acknowledged swipe is
    booked exactly once, retransmissions of frames whose answer was lost are
    replays, and the approved operations are exactly the acknowledged ones."""
    prefix, terminals = "E2F-", N
    seq = e2e.next_seq(prefix)
    before = {(r[0], r[1]) for r in ops(e2e, prefix)}
    proc, report_path = e2e.simulate_async(
        "--transport",
        "tcp",
        "--port",
        e2e.tcp_port,
        "--serial-prefix",
        prefix,
        "--terminals",
        terminals,
        "--rate",
        60,
        "--duration",
        12,
        "--first-seq",
        seq,
        "--timeout",
        "0.5",
    )
    time.sleep(4)
    e2e.kill_gateway(signal.SIGKILL)
    time.sleep(2)
    e2e.start_gateway()
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, out[-2000:] + err[-3000:]

    with open(report_path) as handle:
        report = json.load(handle)
    assert (
        report["retransmits"] > 0
    ), f"the kill should have forced retransmissions: {report}"
    check_report(e2e, report, prefix)
    new = [r for r in ops(e2e, prefix) if (r[0], r[1]) not in before]
    acked = {(a["serial"], a["seq"]) for a in report["acked"]}
    approved_db = {(r[0], r[1]) for r in new if r[2] == "approved"}
    approved_acked = {(a["serial"], a["seq"]) for a in report["acked"] if a["approved"]}
    # Nothing booked that the terminals do not know about, nothing they know about
    # missing.
    assert approved_db == approved_acked
    assert {(r[0], r[1]) for r in new} == acked
    assert len(new) == len(acked) == report["sent"]


def test_sigterm_is_graceful(e2e):
    e2e.kill_gateway(signal.SIGTERM)
    assert e2e.gateway.returncode == 0
    e2e.start_gateway()
