"""The PUSH device simulator against a tiny stdlib PUSH server stub on 127.0.0.1."""

import asyncio
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from onecard_devices.zkteco import build as B
from onecard_devices.zkteco import push as P
from onecard_devices.zkteco import simulator as SIM

# The CLI as docs/zkteco.md runs it: a module of the plain package, from the repo root.
SIMULATOR = ("-m", "onecard_devices.zkteco.simulator")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Stub(BaseHTTPRequestHandler):
    """Answers like a PUSH server: option block, OK: n, queued commands, OK."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _serve(self, method):
        url = urlsplit(self.path)
        size = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(size) if size else b""
        server = self.server
        try:
            msg = P.parse_request(
                method, url.path, url.query, body, self.headers.get("Content-Type", "")
            )
        except P.PushError as exc:
            return self._send(B.error_response(exc))
        with server.lock:
            server.messages.append(msg)
            if isinstance(msg, P.Registration):
                text = B.option_block(msg.sn, attlog_stamp="9999", timezone=8)
            elif isinstance(msg, P.AttLogUpload):
                server.records.extend(msg.records)
                count = len(msg.records)
                if server.ack_limit:  # acknowledge less than sent, once
                    count, server.ack_limit = min(count, server.ack_limit), 0
                    del server.records[len(server.records) - len(msg.records) + count :]
                text = B.ok(count)
            elif isinstance(msg, P.CommandPoll):
                text = B.commands(server.queue.pop(msg.sn, []))
            elif isinstance(msg, P.CommandResults):
                server.results.extend(msg.results)
                text = B.ok()
            else:
                text = B.ok()
        self._send(B.response(text))

    def _send(self, resp):
        self.send_response(resp.status)
        for key, value in resp.headers:
            if key not in ("Date", "Server"):
                self.send_header(key, value)
        self.end_headers()
        self.wfile.write(resp.body)

    def do_GET(self):  # noqa: N802 - http.server's naming
        self._serve("GET")

    def do_POST(self):  # noqa: N802
        self._serve("POST")


@pytest.fixture
def stub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    server.daemon_threads = True
    server.lock = threading.Lock()
    server.messages, server.records, server.results, server.queue = [], [], [], {}
    server.ack_limit = 0
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def _run(coro):
    return asyncio.run(asyncio.wait_for(coro, 30))


def test_register_realtime_offline_bulk_and_commands(stub):
    device = SIM.PushDevice(stub.url, "CN5A201560001", tz=8, timeout=5)
    stub.queue["CN5A201560001"] = [
        B.cmd_update_user(101, "1001", "Li Lei", "3281298468"),
        B.cmd_update_user(102, "1002", "Han Meimei", ""),
        B.cmd_delete_user(103, "1002"),
        B.cmd_simple(104, "INFO"),
        "C:105:FROBNICATE now",
    ]

    async def scenario():
        options = await device.register()
        assert options["ATTLOGStamp"] == "9999" and options["Realtime"] == "1"
        device.punch("1001")
        assert await device.upload() == 1
        device.online = False
        for _ in range(1200):
            device.punch("1001")
        with pytest.raises(SIM.DeviceOffline):
            await device.upload()
        device.online = True
        assert await device.upload() == 1200
        assert await device.poll() == 5
        assert await device.poll() == 0  # "OK": nothing queued

    _run(scenario())
    uploads = [m for m in stub.messages if isinstance(m, P.AttLogUpload)]
    assert [len(m.records) for m in uploads] == [1, 500, 500, 200]
    assert all(not m.errors for m in uploads) and len(stub.records) == 1201
    assert device.users == {
        "1001": {
            "PIN": "1001",
            "Name": "Li Lei",
            "Pri": "0",
            "Passwd": "",
            "Card": "3281298468",
            "Grp": "1",
            "TZ": "0000000000000000",
            "Verify": "0",
        }
    }
    assert [(r.id, r.return_code, r.cmd) for r in stub.results] == [
        ("101", 0, "DATA"),
        ("102", 0, "DATA"),
        ("103", 0, "DATA"),
        ("104", 0, "INFO"),
        ("105", -1002, "UNKNOWN"),
    ]
    info = stub.results[3].fields
    assert info["~DeviceName"] == "OneCard-sim" and info["UserCount"] == "1"
    assert not any(m.errors for m in stub.messages if isinstance(m, P.CommandResults))


def test_partial_acknowledgement_keeps_the_rest(stub):
    device = SIM.PushDevice(stub.url, "CN5A201560002", timeout=5)
    stub.ack_limit = 300

    async def scenario():
        await device.register()
        for _ in range(500):
            device.punch("1001")
        return await device.upload()

    assert _run(scenario()) == 500
    assert [len(m.records) for m in stub.messages if isinstance(m, P.AttLogUpload)] == [
        500,
        200,
    ]
    assert len(stub.records) == 500 and device.buffer == []


def test_refused_registration_is_reported_not_raised_elsewhere(stub):
    device = SIM.PushDevice(stub.url, "BAD SERIAL!", timeout=5)
    with pytest.raises(SIM.DeviceOffline, match="400"):
        _run(device.register())


def test_set_time_command_moves_the_device_clock(stub):
    from datetime import datetime, timedelta

    device = SIM.PushDevice(stub.url, "CN5A201560003", timeout=5)
    target = datetime(2030, 1, 2, 3, 4, 5)
    stub.queue[device.sn] = [B.cmd_set_time(7, target), B.cmd_simple(8, "REBOOT")]
    _run(device.poll())
    assert abs(device.now() - target) < timedelta(seconds=5)
    assert device.reboots == 1


def test_cli_runs_n_devices(stub):
    out = subprocess.run(
        [
            sys.executable,
            *SIMULATOR,
            "--url",
            stub.url,
            "--devices",
            "3",
            "--punches",
            "2",
            "--offline-punches",
            "600",
            "--polls",
            "1",
            "--timeout",
            "5",
        ],
        capture_output=True,
        cwd=REPO,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("registered=True uploaded=602 buffered=0") == 3
    assert len(stub.records) == 3 * 602
    help_out = subprocess.run(
        [sys.executable, *SIMULATOR, "--help"],
        capture_output=True,
        cwd=REPO,
        text=True,
        timeout=30,
        check=True,
    )
    assert "--offline-punches" in help_out.stdout


def test_cli_reports_an_unreachable_server():
    out = subprocess.run(
        [
            sys.executable,
            *SIMULATOR,
            "--url",
            "http://127.0.0.1:9",
            "--timeout",
            "2",
            "--quiet",
        ],
        capture_output=True,
        cwd=REPO,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 1 and "errors=" in out.stdout
