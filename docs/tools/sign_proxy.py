"""Signing proxy for schemathesis: signs every request as a test terminal and forwards
it.

Terminals by path: /kiosk/ -> SN-KIOSK, /cashier/ and /operator/ -> SN-CASHIER, others
-> SN-PROBE, all with the same secret (--secret). Test databases only.
"""

import http.server
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(
    0,
    os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "onecard_devices", "lib"
    ),
)
import argparse

import signing

_ap = argparse.ArgumentParser()
_ap.add_argument("--upstream", default="http://127.0.0.1:8069")
_ap.add_argument("--port", type=int, default=8198)
_ap.add_argument("--secret", default="probe-secret")
ARGS = _ap.parse_args()
UPSTREAM = ARGS.upstream


class H(http.server.BaseHTTPRequestHandler):
    def _any(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.split("?")[0]
        serial = (
            "SN-KIOSK"
            if "/kiosk/" in path
            else "SN-CASHIER"
            if ("/cashier/" in path or "/operator/" in path)
            else "SN-PROBE"
        )
        headers = {
            k: v
            for k, v in self.headers.items()
            if k.lower()
            not in (
                "host",
                "content-length",
                "x-terminal",
                "x-timestamp",
                "x-signature",
                "x-nonce",
            )
        }
        headers.update(signing.headers(serial, ARGS.secret, self.command, path, body))
        req = urllib.request.Request(
            UPSTREAM + self.path,
            data=body if body else None,
            headers=headers,
            method=self.command,
        )
        try:
            resp = urllib.request.urlopen(req, timeout=60)
            status, rh, data = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            status, rh, data = e.code, e.headers, e.read()
        self.send_response(status)
        for k, v in rh.items():
            if k.lower() not in (
                "transfer-encoding",
                "connection",
                "content-length",
                "date",
                "server",
            ):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = (
        do_HEAD
    ) = do_QUERY = _any

    def log_message(self, *a):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", ARGS.port), H).serve_forever()
