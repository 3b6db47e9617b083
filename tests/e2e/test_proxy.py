"""docker/nginx.conf as shipped (the compose service "proxy"): one address for browsers
and HTTP terminals.

/onecard/api/ goes to the gateway's HTTP port; when the gateway is unreachable,
Odoo's own controller serves the same request; everything else goes to Odoo.
Each test makes one of the two upstreams unreachable, so an approved swipe
proves which one answered.
"""

import base64
import http.client
import json
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .conftest import MODES, REPO
from .nginx_proxy import Proxy, free_port, nginx_binary
from .test_gateway_e2e import check_report, ops

N = len(MODES)
pytestmark = pytest.mark.skipif(
    not nginx_binary(), reason="nginx is not installed (.ci/run installs nginx-light)"
)
TOO_LARGE = "The body is larger than 1 MiB."
BUSY = "The server is busy, try again."


def _zh_cn(msgid):
    """The msgstr of ``msgid`` in onecard_devices' zh_CN.po (what the gateway itself
    answers)."""
    with open(
        os.path.join(REPO, "onecard_devices", "i18n", "zh_CN.po"), encoding="utf-8"
    ) as handle:
        text = handle.read()
    return text.split(f'msgid "{msgid}"\nmsgstr "', 1)[1].split('"', 1)[0]


def _get(port, path, method="GET", body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body, headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, response.getheader("Content-Type") or "", data


def _swipe_through(e2e, proxy):
    seq = e2e.next_seq("E2H-")
    before = len(ops(e2e, "E2H-"))
    report = e2e.simulate(
        "--transport",
        "http",
        "--url",
        proxy.url,
        "--serial-prefix",
        "E2H-",
        "--terminals",
        N,
        "--swipes",
        3,
        "--first-seq",
        seq,
        "--show",
    )
    assert report["approved"] == 3 * N, report
    check_report(e2e, report, "E2H-")
    assert len(ops(e2e, "E2H-")) == before + 3 * N  # each once


def test_proxy_sends_the_terminal_api_to_the_gateway(e2e):
    with Proxy(
        free_port(), e2e.gateway_http_port
    ) as proxy:  # Odoo's upstream: nothing listens
        _swipe_through(e2e, proxy)
        # Refusals are the API's JSON errors, not proxy pages: unsigned (the gateway's
        # answer); over 1 MiB (nginx's, in the API's words and the terminal's language).
        got, ctype, data = _get(proxy.port, "/onecard/api/v1/swipe", "POST", b"{}")
        assert got == 401 and ctype.startswith("application/json"), (
            got,
            ctype,
            data[:200],
        )
        assert json.loads(data)["error"]["code"] == "missing_auth"
        for language, message in (
            ("en-US", TOO_LARGE),
            ("zh-CN,zh;q=0.9", _zh_cn(TOO_LARGE)),
        ):
            got, ctype, data = _get(
                proxy.port,
                "/onecard/api/v1/swipe",
                "POST",
                b" " * (1024 * 1024 + 1),
                {"Accept-Language": language},
            )
            assert got == 413 and ctype.startswith("application/json"), (
                got,
                ctype,
                data[:200],
            )
            assert json.loads(data)["error"] == {
                "code": "body_too_large",
                "message": message,
            }
        # Up to the limit the body reaches the gateway (refused there for its
        # signature).
        assert (
            _get(proxy.port, "/onecard/api/v1/swipe", "POST", b" " * (1024 * 1024))[0]
            == 401
        )
        # Everything else is Odoo's, and Odoo is down here.
        assert _get(proxy.port, "/web/login")[0] == 502


def test_proxy_falls_back_to_odoo_when_the_gateway_is_unreachable(e2e):
    if e2e.http is None:
        e2e.start_http()
    with Proxy(
        e2e.http_port, free_port()
    ) as proxy:  # the gateway's upstream: nothing listens
        _swipe_through(e2e, proxy)
        status, _ctype, _data = _get(proxy.port, "/web/login")
        assert status == 200
        # The operator desk's bus: the websocket handshake passes through to Odoo.
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=30) as sock:
            key = base64.b64encode(os.urandom(16)).decode()
            sock.sendall(
                (
                    "GET /websocket HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: %s\r\n"
                    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
                    % (proxy.port, proxy.url, key)
                ).encode()
            )
            assert sock.recv(4096).startswith(
                b"HTTP/1.1 101"
            ), "websocket not upgraded through the proxy"


class _OdooFault(BaseHTTPRequestHandler):
    """Answers every request as Odoo does when its stack fails before our controller
    (HTML 500)."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"<html><body>Internal Server Error: PoolError</body></html>"
        self.send_response(500)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


def test_proxy_never_gives_a_terminal_an_html_error():
    """Gateway down and Odoo failing (HTML 500) or down too: the API's JSON "busy"
    (503), translated."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OdooFault)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for odoo_port in (
            server.server_address[1],
            free_port(),
        ):  # failing, then unreachable
            with Proxy(odoo_port, free_port()) as proxy:
                for language, message in (("en-US", BUSY), ("zh-CN", _zh_cn(BUSY))):
                    got, ctype, data = _get(
                        proxy.port,
                        "/onecard/api/v1/swipe",
                        "POST",
                        b"{}",
                        {"Accept-Language": language},
                    )
                    assert got == 503 and ctype.startswith("application/json"), (
                        got,
                        ctype,
                        data[:200],
                    )
                    assert json.loads(data)["error"] == {
                        "code": "busy",
                        "message": message,
                    }
    finally:
        server.shutdown()
