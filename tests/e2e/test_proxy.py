"""docker/nginx.conf as shipped (the compose service "proxy"): one address for browsers and HTTP terminals.

/onecard/api/ goes to the gateway's HTTP port; when the gateway is unreachable,
Odoo's own controller serves the same request; everything else goes to Odoo.
Each test makes one of the two upstreams unreachable, so an approved swipe
proves which one answered.
"""
import http.client
import json

import pytest

from .conftest import MODES, free_port
from .nginx_proxy import Proxy, nginx_binary
from .test_gateway_e2e import check_report, ops

N = len(MODES)
pytestmark = pytest.mark.skipif(not nginx_binary(), reason="nginx is not installed (.ci/run installs nginx-light)")


def _get(url_port, path, method="GET", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", url_port, timeout=60)
    conn.request(method, path, body)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, response.getheader("Content-Type") or "", data


def _swipe_through(e2e, proxy):
    seq = e2e.next_seq("E2H-")
    before = len(ops(e2e, "E2H-"))
    report = e2e.simulate("--transport", "http", "--url", proxy.url, "--serial-prefix", "E2H-", "--terminals", N,
                          "--swipes", 3, "--first-seq", seq, "--show")
    assert report["approved"] == 3 * N, report
    check_report(e2e, report, "E2H-")
    assert len(ops(e2e, "E2H-")) == before + 3 * N  # each once
    return report


def test_proxy_sends_the_terminal_api_to_the_gateway(e2e):
    with Proxy(free_port(), e2e.gateway_http_port) as proxy:  # Odoo's upstream: nothing listens
        _swipe_through(e2e, proxy)
        # A refusal is the API's JSON error, not a proxy page.
        status, ctype, data = _get(proxy.port, "/onecard/api/v1/swipe", "POST", b"{}")
        assert status == 401 and ctype.startswith("application/json"), (status, ctype, data)
        assert json.loads(data)["error"]["code"] == "missing_auth"
        # Everything else is Odoo's, and Odoo is down here.
        assert _get(proxy.port, "/web/login")[0] == 502


def test_proxy_falls_back_to_odoo_when_the_gateway_is_unreachable(e2e):
    if e2e.http is None:
        e2e.start_http()
    with Proxy(e2e.http_port, free_port()) as proxy:  # the gateway's upstream: nothing listens
        _swipe_through(e2e, proxy)
        status, _ctype, _data = _get(proxy.port, "/web/login")
        assert status == 200
