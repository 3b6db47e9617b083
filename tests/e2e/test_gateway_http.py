"""The terminal HTTP API end to end: through Odoo's server and through the gateway's
--http-port (group commit), refusals, reused record numbers, a poisoned batch."""

import http.client
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from onecard_devices.lib import signing

from .conftest import MODES
from .test_gateway_e2e import check_report, ops

N = len(MODES)


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
def test_http_every_mode(e2e, offline):
    if e2e.http is None:
        e2e.start_http()
    seq = e2e.next_seq("E2H-")
    report = e2e.simulate(
        "--transport",
        "http",
        "--url",
        "http://127.0.0.1:%d" % e2e.http_port,
        "--serial-prefix",
        "E2H-",
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
    check_report(e2e, report, "E2H-", offline)


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
def test_gateway_http_front_every_mode(e2e, offline):
    """The same HTTP API, served by the gateway (group commit) instead of Odoo's HTTP
    stack."""
    seq = e2e.next_seq("E2H-")
    args = [
        "--transport",
        "http",
        "--url",
        "http://127.0.0.1:%d" % e2e.gateway_http_port,
        "--serial-prefix",
        "E2H-",
        "--terminals",
        N,
        "--swipes",
        3,
        "--first-seq",
        seq,
        "--show",
        "--clock",
        int(time.time()),
    ] + (["--offline"] if offline else [])
    report = e2e.simulate(*args)
    assert report["approved"] == 3 * N, report
    check_report(e2e, report, "E2H-", offline)
    # re-signed retransmissions of the same sequence numbers: replays, never a second
    # charge
    if not offline:
        before = len(ops(e2e, "E2H-"))
        again = e2e.simulate(*args)
        assert again["replays"] == 3 * N, again
        assert len(ops(e2e, "E2H-")) == before
        e2e.assert_ledger_invariant()


def _post(e2e, path, body=b"", head=None, method="POST"):
    conn = http.client.HTTPConnection("127.0.0.1", e2e.gateway_http_port, timeout=60)
    conn.request(method, path, body, head or {})
    response = conn.getresponse()
    answer = json.loads(response.read())
    conn.close()
    return response.status, answer


def test_gateway_http_front_refusals(e2e):
    """Bad requests get the controller's JSON errors; a replayed signature is refused
    and charges nothing."""
    sign_headers = signing.headers

    def post(path, body=b"", head=None, method="POST"):
        return _post(e2e, path, body, head, method)

    path = "/onecard/api/v1/swipe"
    assert post("/onecard/api/v1/nothing")[0] == 404
    assert post(path, method="GET")[1]["error"]["code"] == "method_not_allowed"
    assert post(path, b"{}")[1]["error"]["code"] == "missing_auth"
    # announced too large: refused before the body is read (the connection is then
    # closed)
    status, answer = post(path, b"", {"Content-Length": str(1024 * 1024 + 1)})
    assert (status, answer["error"]["code"]) == (413, "body_too_large")
    serial = "E2H-%03d" % 1
    uid = e2e.sql(
        "SELECT uid FROM onecard_card WHERE state = 'active' AND kind = 'official' "
        "ORDER BY id LIMIT 1"
    )[0][0]
    seq = e2e.next_seq("E2H-") + 1000
    body = json.dumps({"uid": uid, "amount": 1.0, "seq": seq}).encode()
    signed = dict(
        sign_headers(serial, "e2e-secret", "POST", path, body),
        **{"Content-Type": "application/json"},
    )
    assert (
        post(path, body, dict(signed, **{"X-Signature": "0" * 64}))[1]["error"]["code"]
        == "bad_signature"
    )
    status, first = post(path, body, signed)
    assert status == 200 and first["approved"] and not first["replay"], first
    count = len(ops(e2e, "E2H-"))
    status, again = post(path, body, signed)
    assert (status, again["error"]["code"]) == (401, "replayed")
    assert len(ops(e2e, "E2H-")) == count
    bad_json = b'{"uid": '
    status, answer = post(
        path, bad_json, dict(sign_headers(serial, "e2e-secret", "POST", path, bad_json))
    )
    assert (status, answer["error"]["code"]) == (400, "invalid_json")
    e2e.assert_ledger_invariant()


def _send_swipe(e2e, serial, payload):
    path = "/onecard/api/v1/swipe"
    body = json.dumps(payload).encode()
    return _post(
        e2e,
        path,
        body,
        dict(
            signing.headers(serial, "e2e-secret", "POST", path, body),
            **{"Content-Type": "application/json"},
        ),
    )


def _cards(e2e, count):
    return [
        row[0]
        for row in e2e.sql(
            "SELECT uid FROM onecard_card WHERE state = 'active' AND kind = 'official' "
            "ORDER BY id LIMIT %s",
            [count],
        )
    ]


def test_reused_record_number_with_another_request_is_refused(e2e):
    """A record number already booked, sent again for another swipe (another amount,
    another idempotency
    key): refused with sequence_conflict, nothing booked, the terminal alerted; the
    same request is a replay."""
    serial, uid = "E2H-001", _cards(e2e, 4)[3]  # E2H-001: amount mode
    seq = e2e.next_seq("E2H-") + 7000
    request = {
        "uid": uid,
        "amount": 0.5,
        "seq": seq,
        "idempotency_key": "a-%d" % seq,
        "time": int(time.time()),
    }
    status, first = _send_swipe(e2e, serial, request)
    assert status == 200 and first["approved"] and not first["replay"], first
    count = len(ops(e2e, "E2H-"))
    conflicts_before = e2e.sql(
        "SELECT COALESCE(sequence_conflict_count, 0) FROM onecard_terminal WHERE "
        "serial_number = %s",
        [serial],
    )[0][0]
    status, again = _send_swipe(
        e2e, serial, dict(request, amount=9.0, idempotency_key="b-%d" % seq)
    )
    assert status == 200 and again["code"] == "sequence_conflict", again
    assert (
        not again["approved"] and not again["replay"] and not again.get("operation_id")
    ), again
    assert len(ops(e2e, "E2H-")) == count
    assert e2e.sql(
        "SELECT sequence_conflict_count, sequence_alert FROM onecard_terminal WHERE "
        "serial_number = %s",
        [serial],
    )[0] == (conflicts_before + 1, True)
    status, replay = _send_swipe(e2e, serial, request)
    assert (
        status == 200
        and replay["replay"]
        and replay["operation_id"] == first["operation_id"]
    ), replay
    e2e.assert_ledger_invariant()


def test_one_failing_swipe_does_not_refuse_its_batch(e2e):
    """A swipe the database refuses (a CHECK constraint injected for one card) makes its
    batch fail; the
    gateway redoes the batch one swipe per transaction: that swipe gets a 500, the
    others are approved."""
    uids = _cards(e2e, 16)
    poison_card = e2e.sql("SELECT id FROM onecard_card WHERE uid = %s", [uids[0]])[0][0]
    e2e.sql(
        "ALTER TABLE onecard_operation ADD CONSTRAINT e2e_poison CHECK (card_id <> %s) "
        "NOT VALID",
        [poison_card],
    )
    try:
        first = e2e.next_seq("E2H-") + 9000
        bodies = [
            {"uid": uid, "amount": 0.5, "seq": first + i} for i, uid in enumerate(uids)
        ]
        bodies.insert(7, bodies.pop(0))  # the poisoned card in the middle of the burst
        before = len(ops(e2e, "E2H-"))
        with ThreadPoolExecutor(len(bodies)) as pool:
            answers = list(
                pool.map(lambda payload: _send_swipe(e2e, "E2H-003", payload), bodies)
            )
    finally:
        e2e.sql("ALTER TABLE onecard_operation DROP CONSTRAINT e2e_poison")
    poison = answers.pop(7)
    assert poison[0] == 500 and poison[1]["error"]["code"] == "server_error", poison
    assert all(
        status == 200 and answer["approved"] for status, answer in answers
    ), answers
    assert len(ops(e2e, "E2H-")) == before + len(answers)
    with open(os.path.join(e2e.tmp, "gateway.log")) as handle:
        assert "deciding them one by one" in handle.read()
    e2e.assert_ledger_invariant()
