"""Fixtures for the desk reader agent tests against the real PC/SC stack.

pcscd (pcsc-lite) is started by the tests themselves, in the foreground, with a
private reader.conf.d holding one vsmartcard "vpcd" virtual reader on free TCP
ports; tests/pcsc/virtual_card.py plays the card. The agent
(onecard_devices/agent/desk_reader.py) runs as a subprocess and POSTs to a tiny
local HTTP server standing in for Odoo.

Skipped (with the reason) only when pcscd or the vpcd driver is not installed
(Debian: apt install pcscd vsmartcard-vpcd), when we are neither root nor able
to `sudo -n` (pcscd must create /run/pcscd), or when another pcscd already
runs (there is one PC/SC socket per machine).
"""

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
AGENT = os.path.join(REPO, "onecard_devices", "agent", "desk_reader.py")
READER_NAME = "OneCard Test PCD"
PCSCD_SOCKET_DIR = "/run/pcscd"

sys.path.insert(0, HERE)
from virtual_card import VirtualCard  # noqa: E402


def _pcscd_binary():
    return shutil.which("pcscd") or next(
        (
            p
            for p in ("/usr/sbin/pcscd", "/usr/local/sbin/pcscd")
            if os.access(p, os.X_OK)
        ),
        None,
    )


def _vpcd_driver():
    """Path of libifdvpcd.so: from vpcd's reader.conf (Debian: /etc/reader.conf.d/vpcd),
    else the usual places."""
    for conf in glob.glob("/etc/reader.conf.d/*") + ["/etc/reader.conf"]:
        try:
            with open(conf, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    parts = line.split()
                    if (
                        len(parts) == 2
                        and parts[0] == "LIBPATH"
                        and "vpcd" in parts[1]
                        and os.path.exists(parts[1])
                    ):
                        return parts[1]
        except OSError:
            continue
    candidates = (
        glob.glob("/usr/lib/pcsc/drivers/serial/libifdvpcd.so*")
        + glob.glob("/usr/lib/*/pcsc/drivers/serial/libifdvpcd.so*")
        + glob.glob("/usr/local/lib/pcsc/drivers/serial/libifdvpcd.so*")
    )
    return candidates[0] if candidates else None


def _root_prefix():
    if os.geteuid() == 0:
        return []
    if (
        shutil.which("sudo")
        and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0
    ):
        return ["sudo", "-n"]
    return None


def _running_pcscd():
    """Pid of a pcscd already running (per its pid file), or None."""
    try:
        with open(
            os.path.join(PCSCD_SOCKET_DIR, "pcscd.pid"), encoding="ascii"
        ) as handle:
            pid = int(handle.read().strip() or 0)
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def _free_port_pair():
    """A port P with P and P + 1 free: vpcd opens one slot per port, two slots."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port >= 65534:
            continue
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("0.0.0.0", port))
                b.bind(("0.0.0.0", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no free pair of TCP ports for vpcd")


class Pcscd:
    """pcscd in the foreground with a private reader.conf.d: one vpcd reader on ``port``
    (slot 00 00)."""

    def __init__(self, binary, driver, prefix, workdir):
        self.binary, self.driver, self.prefix, self.workdir = (
            binary,
            driver,
            prefix,
            workdir,
        )
        self.port = _free_port_pair()
        self.confdir = os.path.join(workdir, "reader.conf.d")
        os.makedirs(self.confdir, exist_ok=True)
        with open(os.path.join(self.confdir, "vpcd"), "w", encoding="ascii") as handle:
            handle.write(
                f'FRIENDLYNAME "{READER_NAME}"\nDEVICENAME   '
                f"/dev/null:0x{self.port:04X}\nLIBPATH      {driver}\nCHANNELID  "
                f"  0x{self.port:04X}\n"
            )
        self.log_path = os.path.join(workdir, "pcscd.log")
        self.proc = None

    def start(self, timeout=15):
        log = open(self.log_path, "a", encoding="utf-8")
        log.write("----- pcscd start\n")
        log.flush()
        # -f: foreground, logs on stdout; -d: debug (the log is shown when a test
        # fails); -a: APDUs
        self.proc = subprocess.Popen(
            self.prefix
            + [
                self.binary,
                "--foreground",
                "--debug",
                "--apdu",
                "--config",
                self.confdir,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"pcscd exited with {self.proc.returncode}:\n{self.log()}"
                )
            if "daemon ready" in self.log():
                return self
            time.sleep(0.05)
        raise RuntimeError(f"pcscd not ready after {timeout}s:\n{self.log()}")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except OSError:
            return ""

    def card(self, uid="04A1B2C3D4E5F6", sw=None):
        """A virtual card for this pcscd's first vpcd slot (not yet inserted: call
        start())."""
        return VirtualCard(uid, port=self.port, sw=sw)


@pytest.fixture
def pcscd(tmp_path, request):
    binary, driver = _pcscd_binary(), _vpcd_driver()
    if not binary:
        pytest.skip("pcscd is not installed (Debian: apt install pcscd)")
    if not driver:
        pytest.skip(
            "the vpcd virtual reader driver is not installed (Debian: apt "
            "install vsmartcard-vpcd)"
        )
    prefix = _root_prefix()
    if prefix is None:
        pytest.skip(
            "pcscd must run as root (it creates /run/pcscd): run as root or "
            "allow `sudo -n`"
        )
    other = _running_pcscd()
    if other:
        pytest.skip(
            f"another pcscd is already running (pid {other}); stop it (systemctl "
            f"stop pcscd.socket pcscd) "
            "so that the tests can start their own with the vpcd reader"
        )
    daemon = Pcscd(binary, driver, prefix, str(tmp_path))
    daemon.start()
    yield daemon
    daemon.stop()
    if getattr(request.node, "rep_call_failed", False):
        print("pcscd log:\n" + daemon.log()[-6000:])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call_failed = report.failed


class FakeOdoo:
    """Stands in for Odoo's /onecard/desk/reader: records every request, answers
    ``status`` / ``answer``."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.answer = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                answer = fake.answer
                if answer is None:
                    answer = (
                        {"ok": True, "uid": json.loads(body or b"{}").get("uid")}
                        if fake.status == 200
                        else {
                            "error": {
                                "code": "unauthorized",
                                "message": "Missing, unknown or revoked token.",
                            }
                        }
                    )
                data = json.dumps(answer).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def odoo():
    fake = FakeOdoo()
    yield fake
    fake.close()


class AgentProcess:
    """desk_reader.py as a subprocess; its log (stderr) goes to a file we can wait
    on."""

    def __init__(self, url, token, workdir, *extra):
        self.log_path = os.path.join(workdir, "agent.log")
        self.cmd = [
            sys.executable,
            AGENT,
            "--url",
            url,
            "--token",
            token,
            "--reader",
            READER_NAME,
            "--poll",
            "0.2",
            "--retry",
            "0.3",
            *extra,
        ]
        with open(self.log_path, "w", encoding="utf-8") as log:
            self.proc = subprocess.Popen(
                self.cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def mark(self):
        """Position in the log: wait_for(text, after=mark) only looks at what was logged
        since."""
        return len(self.log())

    def wait_for(self, text, timeout=15, after=0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log()[after:]:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(
            f"agent log never said {text!r} (rc={self.proc.poll()}):\n{self.log()}"
        )

    def wait(self, timeout=30):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired as exc:
            self.proc.kill()
            raise AssertionError(
                f"agent still running after {timeout}s:\n{self.log()}"
            ) from exc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)


@pytest.fixture
def agent(tmp_path, odoo):
    started = []

    def start(*extra, token="test-token-123"):
        process = AgentProcess(odoo.url, token, str(tmp_path), *extra)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()
