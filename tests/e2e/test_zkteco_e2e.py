"""ZKTeco PUSH devices end to end: a running Odoo and gateway, both ports.

Devices are ``onecard_devices/zkteco/simulator.py`` (``PushDevice``) speaking
plain HTTP to Odoo's controller (``odoo``) or to the gateway's HTTP port
(``gateway``, group commit); what a manager does on the terminal form goes
through Odoo's JSON-RPC as admin. The ZK company (``zk_populate.py``) keeps
Asia/Shanghai time and three meal periods, so a punch's meal and local day are
checked, not assumed. Every test ends with wallet = sum of its ledger rows.
"""

import asyncio
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

from onecard_devices.zkteco.cardno import uid_to_device
from onecard_devices.zkteco.clock import utc_to_device
from onecard_devices.zkteco.simulator import DeviceOffline, PushDevice

from .conftest import REPO, addons_path

POPULATE = os.path.join(REPO, "tests", "e2e", "zk_populate.py")
HOLDERS = 30
TZ = 8  # the devices' TimeZone, as Asia/Shanghai
MEALS = (("ZKB", 6, 3.0), ("ZKL", 11, 12.0), ("ZKD", 17, 9.0))  # code, hour, price


class Zk:
    """The ZK company, RPC as admin, devices on either port."""

    def __init__(self, e2e, data):
        self.e2e, self.data = e2e, data
        self.pins = sorted(data["cards"])
        self.rpc_id = 0
        self.run = f"{random.randrange(1 << 16):04X}"  # new devices at every run

    def sn(self, name, port):
        return f"ZKE2E{name}{port[0].upper()}{self.run}"

    def url(self, port):
        number = self.e2e.http_port if port == "odoo" else self.e2e.gateway_http_port
        return f"http://127.0.0.1:{number}"

    def rpc(self, model, method, *args):
        self.rpc_id += 1
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": self.rpc_id,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.e2e.db,
                    2,
                    "admin",
                    model,
                    method,
                    list(args),
                    {"context": {"allowed_company_ids": [self.data["company_id"], 1]}},
                ],
            },
        }
        request = urllib.request.Request(
            self.url("odoo") + "/jsonrpc",
            json.dumps(payload).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            body = json.load(answer)
        assert "error" not in body, body["error"]
        return body.get("result")  # None is left out

    def terminal(self, sn):
        rows = self.e2e.sql(
            "SELECT id, zk_state, zk_last_time_sync, zk_user_count, zk_info "
            "FROM onecard_terminal WHERE serial_number = %s",
            [sn],
        )
        return (
            dict(zip(("id", "state", "synced", "users", "info"), rows[0], strict=False))
            if rows
            else None
        )

    def approve(self, sn):
        """The manager moves the device to the ZK canteen, meal mode, and approves."""
        tid = self.terminal(sn)["id"]
        self.rpc(
            "onecard.terminal",
            "write",
            [tid],
            {"canteen_id": self.data["canteen_id"], "mode": "meal"},
        )
        self.rpc("onecard.terminal", "action_zk_approve", [tid])
        return tid

    def operations(self, tid):
        """Consumption operations of a terminal: key -> (state, amount, period, day)."""
        rows = self.e2e.sql(
            """SELECT o.idempotency_key, o.state, o.amount, p.code,
                      ((o.business_time AT TIME ZONE 'UTC')
                        AT TIME ZONE 'Asia/Shanghai')::date,
                      COALESCE(o.reason_code, 'ok')
                 FROM onecard_operation o
                 LEFT JOIN onecard_meal_period p ON p.id = o.meal_period_id
                WHERE o.terminal_id = %s AND o.kind = 'consume'""",
            [tid],
        )
        assert len(rows) == len({r[0] for r in rows}), "an operation booked twice"
        return {r[0]: r[1:] for r in rows}

    def device(self, port, sn, **kw):
        return PushDevice(self.url(port), sn, TZ, timeout=60, **kw)

    def ready_device(self, port, sn):
        """A registered, approved device holding every user."""
        device = self.device(port, sn)
        run(device.register())
        self.approve(sn)
        run(device.register())
        run(device.sync())
        assert len(device.users) == HOLDERS
        return device, self.terminal(sn)["id"]


def run(coro):
    return asyncio.run(coro)


def key(tid, pin, local):
    utc = local - timedelta(hours=TZ)
    return f"ZK{tid}:{pin}:{utc:%Y%m%d%H%M%S}"


def local_now():
    return utc_to_device(datetime.now(timezone.utc).replace(tzinfo=None), TZ)


@pytest.fixture(scope="module")
def zk(e2e):
    if e2e.http is None:
        e2e.start_http()
    proc = subprocess.run(
        [
            sys.executable,
            POPULATE,
            "-d",
            e2e.db,
            "--addons-path",
            addons_path(),
            "--holders",
            str(HOLDERS),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    yield Zk(e2e, json.loads(proc.stdout.strip().splitlines()[-1]))
    e2e.assert_ledger_invariant()


@pytest.fixture(params=["odoo", "gateway"])
def port(request):
    return request.param


def test_new_device_pending_until_approved_then_users_clock_and_one_booking(zk, port):
    sn = zk.sn("REG", port)
    device = zk.device(port, sn, clock_offset=-3600)  # its clock is an hour slow
    options = run(device.register())
    assert options["Realtime"] == "1"
    assert zk.terminal(sn)["state"] == "pending"  # in the first canteen (UTC)
    yesterday = local_now().replace(hour=12, minute=5, second=0) - timedelta(days=1)
    device.punch(zk.pins[0], yesterday)
    with pytest.raises(DeviceOffline, match="pending_approval"):
        run(device.upload())
    assert device.buffer, "the device keeps what was refused"
    assert run(device.poll()) == 0  # no users, no clock, no commands while pending
    tid = zk.terminal(sn)["id"]
    assert not zk.operations(tid)

    zk.approve(sn)
    # devices register again at start: the clock is set then, and the time zone
    # is the ZK company's now
    assert run(device.register())["TimeZone"] == "8"
    assert run(device.sync()) == HOLDERS + 1  # the users and the clock
    assert set(device.users) == set(zk.pins)
    for pin, user in device.users.items():
        assert user["Card"] == uid_to_device(zk.data["cards"][pin], "dec_le32")
    assert abs((device.now() - local_now()).total_seconds()) < 10
    commands = zk.e2e.sql(
        "SELECT kind, state, result FROM onecard_terminal_command "
        "WHERE terminal_id = %s",
        [tid],
    )
    assert {(k, s, r) for k, s, r in commands} == {
        ("set_time", "done", "Return=0"),
        ("user_update", "done", "Return=0"),
    }
    run(device.poll())  # reports its user count
    terminal = zk.terminal(sn)
    assert terminal["synced"] and terminal["users"] == HOLDERS

    assert run(device.upload()) == 1
    device.punch(zk.pins[0], yesterday)  # posted twice (the answer was lost)
    assert run(device.upload()) == 1
    operations = zk.operations(tid)
    assert list(operations.values()) == [
        ("approved", 12.0, "ZKL", yesterday.date(), "ok")
    ]
    assert key(tid, zk.pins[0], yesterday) in operations
    zk.e2e.assert_ledger_invariant()


def test_lost_card_leaves_the_device_at_its_next_poll(zk, port):
    device, _tid = zk.ready_device(port, zk.sn("LOST", port))
    pin = zk.pins[10 if port == "odoo" else 11]
    card = zk.e2e.sql(
        "SELECT id FROM onecard_card WHERE uid = %s", [zk.data["cards"][pin]]
    )
    zk.rpc("onecard.card", "report_lost", [card[0][0]])
    assert run(device.sync()) == 1
    assert pin not in device.users and len(device.users) == HOLDERS - 1
    zk.rpc("onecard.card", "unlock", [card[0][0]])  # found again: back on the device
    assert run(device.sync()) == 1
    assert device.users[pin]["Card"] == uid_to_device(zk.data["cards"][pin], "dec_le32")


def test_offline_device_uploads_2000_buffered_punches_once(zk, port):
    """Ten days of meals buffered offline, uploaded in batches of 500, twice."""
    device, tid = zk.ready_device(port, zk.sn("OFF", port))
    today = local_now().replace(hour=0, minute=0, second=0, microsecond=0)
    expected = {}
    for day in range(2, 12):
        for code, hour, price in MEALS:
            start = today - timedelta(days=day) + timedelta(hours=hour, minutes=1)
            for j in range(67):
                if len(expected) == 2000:
                    break
                pin, when = zk.pins[j % HOLDERS], start + timedelta(minutes=2 * j)
                device.punch(pin, when)
                expected[key(tid, pin, when)] = (
                    "approved",
                    price,
                    code,
                    when.date(),
                    "ok",
                )
    assert len(device.buffer) == 2000
    lines = list(device.buffer)
    assert run(device.upload()) == 2000
    assert zk.operations(tid) == expected
    device.buffer = lines  # every acknowledgement lost: the device sends it all again
    assert run(device.upload()) == 2000
    assert zk.operations(tid) == expected
    spent = zk.e2e.sql(
        "SELECT -sum(t.amount) FROM onecard_transaction t "
        "JOIN onecard_operation o ON o.id = t.operation_id WHERE o.terminal_id = %s",
        [tid],
    )[0][0]
    assert float(spent) == sum(v[1] for v in expected.values())
    zk.e2e.assert_ledger_invariant()


class StubbornDevice(PushDevice):
    """Refuses to reboot (``Return=-1002``), as a device does with a command it
    cannot run."""

    def apply(self, line):
        if line.endswith(":REBOOT"):
            return f"ID={line.split(':')[1]}&Return=-1002&CMD=REBOOT"
        return super().apply(line)


def test_command_results_are_recorded(zk, port):
    sn = zk.sn("CMD", port)
    _device, tid = zk.ready_device(port, sn)
    device = StubbornDevice(zk.url(port), sn, TZ, timeout=60)
    info = zk.rpc(
        "onecard.terminal.command", "create", {"terminal_id": tid, "kind": "info"}
    )
    reboot = zk.rpc(
        "onecard.terminal.command", "create", {"terminal_id": tid, "kind": "reboot"}
    )
    assert run(device.poll()) == 2
    states = dict(
        (row[0], row[1:])
        for row in zk.e2e.sql(
            "SELECT id, state, result FROM onecard_terminal_command WHERE id IN %s",
            [(info, reboot)],
        )
    )
    assert states == {info: ("done", "Return=0"), reboot: ("failed", "Return=-1002")}
    assert "DeviceName=OneCard-sim" in zk.terminal(sn)["info"]


def raw(zk, port, method, path, body=b"", content_type="text/plain", headers=None):
    """One request as a (broken) device would send it -> (status, type, text)."""
    conn = http.client.HTTPConnection(
        "127.0.0.1", int(zk.url(port).rsplit(":", 1)[1]), timeout=60
    )
    try:
        head = {"Content-Type": content_type} if content_type else {}
        conn.request(method, path, body=body, headers={**head, **(headers or {})})
        answer = conn.getresponse()
        text = answer.read().decode("utf-8", "replace")
        return answer.status, answer.getheader("Content-Type", ""), text
    finally:
        conn.close()


def test_bad_input_is_a_plain_text_refusal_or_a_flagged_record(zk, port):
    sn = zk.sn("BAD", port)
    _device, tid = zk.ready_device(port, sn)
    when = local_now().replace(hour=18, minute=0, second=0) - timedelta(days=1)
    good = f"{zk.pins[3]}\t{when:%Y-%m-%d %H:%M:%S}\t0\t4\t0\t0\t0"
    stranger = f"NOPE1\t{when:%Y-%m-%d %H:%M:%S}\t0\t4\t0\t0\t0"
    past = f"{zk.pins[4]}\t2020-01-01 12:00:00\t0\t4\t0\t0\t0"
    later = local_now() + timedelta(days=2)
    future = f"{zk.pins[4]}\t{later:%Y-%m-%d %H:%M:%S}\t0\t4\t0\t0\t0"
    broken = [
        f"{zk.pins[5]} {when:%Y-%m-%d %H:%M:%S} 0 4",  # spaces instead of TABs
        f"{zk.pins[5]}\t2026-13-45 99:00:00\t0\t4",  # no such time
        "bad pin!\t2026-01-01 12:00:00",
        f"{zk.pins[5]}\t{when:%Y-%m-%d %H:%M}",  # cut off in the middle
    ]
    upload = f"/iclock/cdata?SN={sn}&table=ATTLOG&Stamp=1"
    body = "\n".join([good, stranger, past, future, *broken]).encode()
    for _twice in range(2):
        status, ctype, text = raw(zk, port, "POST", upload, body)
        assert (status, text) == (200, "OK: 4") and ctype.startswith("text/plain")
    operations = zk.operations(tid)
    assert sorted(operations.values()) == [
        ("approved", 9.0, "ZKD", when.date(), "ok"),
        ("declined", 0.0, None, when.date(), "unknown_card"),  # nobody to feed
    ]
    note = zk.e2e.sql(
        "SELECT count(*) FROM mail_message WHERE model = 'onecard.terminal' "
        "AND res_id = %s AND body LIKE %s",
        [tid, "%implausible%"],
    )
    assert note[0][0] == 2  # far past / future: listed for an operator, not booked
    refusals = [
        (
            "POST",
            "/iclock/cdata?SN=NOSUCHDEVICE&table=ATTLOG",
            good,
            None,
            403,
            "unknown_serial",
        ),
        ("POST", upload, '{"PIN": 1}', "application/json", 415, "bad_content_type"),
        (
            "POST",
            upload,
            good,
            "multipart/form-data; boundary=x",
            415,
            "bad_content_type",
        ),
        ("POST", upload, b"\x00\xff" + good.encode(), None, 400, "bad_encoding"),
        ("POST", f"/iclock/cdata?SN={sn}&table=NOPE", good, None, 400, "unknown_table"),
        ("GET", "/iclock/cdata?options=all", "", None, 400, "missing_serial"),
        ("GET", "/iclock/cdata?SN=a%20b&options=all", "", None, 400, "bad_serial"),
        ("GET", f"/iclock/nothing?SN={sn}", "", None, 404, "unknown_path"),
        ("PUT", upload, good, None, 405, "bad_method"),
    ]
    for method, path, payload, ctype, status, reason in refusals:
        payload = payload.encode() if isinstance(payload, str) else payload
        got = raw(zk, port, method, path, payload, ctype or "text/plain")
        assert got[0] == status and got[2] == f"ERROR: {reason}", (path, got)
        assert got[1].startswith("text/plain"), got
    # 4 MiB + 1 announced: refused by its Content-Length, before the body is read
    with socket.create_connection(zk.url(port)[7:].split(":"), timeout=60) as sock:
        sock.sendall(
            f"POST {upload} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
            f"Content-Length: {4 * 1024 * 1024 + 1}\r\n\r\n".encode()
            + b"x" * 65536
        )
        answer = sock.makefile("rb").read().decode()
    assert answer.startswith("HTTP/1.1 413 ") and "text/plain" in answer, answer
    assert answer.endswith("\r\n\r\nERROR: body_too_large"), answer
    if port == "gateway":  # framing the gateway's own parser refuses
        status, _ctype, text = raw(
            zk, port, "POST", upload, good, headers={"Content-Length": "x"}
        )
        assert (status, text) == (400, "ERROR: bad_request")
    assert zk.operations(tid) == operations  # nothing more booked
    zk.e2e.assert_ledger_invariant()
