"""Run docker/nginx.conf (the compose service "proxy") on this machine, for the e2e
tests and the bench.

The file is used as shipped; only the addresses change: the two upstream
servers (``odoo:8069``, ``gateway:9101``) and ``listen 80`` become local ports.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONF = os.path.join(REPO, "docker", "nginx.conf")


def nginx_binary():
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port, proc, timeout):
    """True once 127.0.0.1:port accepts a connection; False when ``proc`` exits first or
    time runs out."""
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def render(odoo_port, gateway_port, port, workdir):
    with open(CONF) as handle:
        text = handle.read()
    replacements = {
        "server odoo:8069;": "server 127.0.0.1:%d;" % odoo_port,
        "server gateway:9101;": "server 127.0.0.1:%d;" % gateway_port,
        "listen 80;": "listen 127.0.0.1:%d;" % port,
        "pid /tmp/onecard-nginx.pid;": "pid {};".format(
            os.path.join(workdir, "nginx.pid")
        ),
    }
    for old, new in replacements.items():
        if old not in text:
            raise ValueError(f"docker/nginx.conf no longer contains {old!r}")
        text = text.replace(old, new)
    # Non-root or a locked-down /var/lib/nginx: keep nginx's temporary files in workdir.
    temp = "".join(
        f"    {kind}_temp_path {os.path.join(workdir, kind)};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = text.replace("http {\n", "http {\n" + temp, 1)
    path = os.path.join(workdir, "nginx.conf")
    with open(path, "w") as handle:
        handle.write(text)
    return path


class Proxy:
    """nginx with docker/nginx.conf in front of an Odoo HTTP port and a gateway HTTP
    port."""

    def __init__(self, odoo_port, gateway_port):
        self.odoo_port, self.gateway_port = odoo_port, gateway_port
        self.port, self.proc = free_port(), None
        self.workdir = tempfile.mkdtemp(prefix="onecard_nginx_")
        os.chmod(
            self.workdir, 0o755
        )  # nginx's workers (nobody, under root) use the temp folders in it

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        conf = render(self.odoo_port, self.gateway_port, self.port, self.workdir)
        self.proc = subprocess.Popen(
            [nginx_binary(), "-c", conf, "-p", self.workdir, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if wait_port(self.port, self.proc, 10):
            return self
        if self.proc.poll() is not None:
            raise RuntimeError(
                "nginx exited: {}".format(
                    self.proc.stderr.read().decode(errors="replace")
                )
            )
        raise RuntimeError("nginx did not listen on %d" % self.port)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
