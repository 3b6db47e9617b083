#!/usr/bin/env python3
"""Screenshots of the OneCard screens for docs/screenshots, in English and Chinese.

    scripts/screenshots.py --url http://localhost:8069 --db onecard

Needs a running Odoo with the demo database (``scripts/serve``) and Chromium.
It logs in over JSON-RPC, hands the session cookie to a headless Chromium driven
through the DevTools protocol (websocket-client, installed when missing), opens
each screen by its menu and saves ``<name>.png`` (English) and ``<name>_zh.png``
(Simplified Chinese: the admin's language is switched for the run and restored).
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import requests

try:
    import websocket
except ImportError:  # a documentation tool: install its one dependency on demand
    subprocess.check_call(
        [sys.executable, "-m", "pip", "install", "-q", "websocket-client"]
    )
    import websocket

# name -> (menu xmlid, record to open: (model, domain) or None)
SCREENS = {
    "dashboard": ("onecard_reports.onecard_report_dashboard_menu", None),
    "desk": ("onecard_consume.onecard_desk_menu", None),
    "cardholders": ("onecard_consume.onecard_cardholder_menu", None),
    "cardholder": (
        "onecard_consume.onecard_cardholder_menu",
        ("onecard.cardholder", [("state", "=", "active")]),
    ),
    "terminals": ("onecard_devices.onecard_terminal_dashboard_menu", None),
    "settlement": ("onecard_consume.onecard_settlement_menu", None),
    "reports": ("onecard_reports.onecard_report_consumption_menu", None),
}
LANGS = {"": "en_US", "_zh": "zh_CN"}


class Odoo:
    def __init__(self, url, db, login, password):
        self.url = url.rstrip("/")
        self.http = requests.Session()
        self.uid = self._rpc(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )["uid"]

    def _rpc(self, path, params):
        reply = self.http.post(
            self.url + path,
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=60,
        ).json()
        if "error" in reply:
            raise SystemExit(
                f"screenshots: {path}: {reply['error']['data']['message']}"
            )
        return reply["result"]

    def call(self, model, method, *args, **kwargs):
        params = {
            "model": model,
            "method": method,
            "args": list(args),
            "kwargs": kwargs,
        }
        return self._rpc("/web/dataset/call_kw", params)

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        if not rows:
            raise SystemExit(f"screenshots: no record {xmlid}")
        return rows[0]["res_id"]

    def install_lang(self, code):
        """Load a language the way Settings > Languages does (a no-op when active)."""
        ids = self.call(
            "res.lang", "search", [("code", "=", code)], context={"active_test": False}
        )
        wizard = self.call(
            "base.language.install", "create", {"lang_ids": [(6, 0, ids)]}
        )
        self.call("base.language.install", "lang_install", [wizard])

    def screen_url(self, menu_xmlid, record):
        menu_id = self.ref(menu_xmlid)
        action = self.call("ir.ui.menu", "read", [menu_id], ["action"])[0]["action"]
        url = f"{self.url}/odoo/action-{action.split(',')[1]}"
        if record:
            ids = self.call(record[0], "search", record[1], limit=1)
            url += f"/{ids[0]}" if ids else ""
        return url


class Chromium:
    """One headless Chromium tab, driven over the DevTools protocol."""

    def __init__(self, width, height, port=9333):
        self.profile = tempfile.mkdtemp(prefix="onecard-shots-")
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--hide-scrollbars",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):  # bounded: 10 s for the DevTools endpoint
            try:
                tabs = requests.get(f"http://127.0.0.1:{port}/json", timeout=1).json()
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            raise SystemExit("screenshots: Chromium did not start")
        page = next(t for t in tabs if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})

    def shoot(self, url, path, settle=1.5, timeout=90):
        self.send("Page.navigate", url=url)
        # The web client renders its action after the page has loaded (and compiles
        # its assets on a fresh database): wait for a rendered view, bounded.
        ready = (
            "document.readyState === 'complete' && "
            "!!document.querySelector('.o_action_manager .o_action') && "
            "!document.querySelector('.o_blockUI, .o_loading_indicator')"
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answer = self.send("Runtime.evaluate", expression=ready)
            if answer.get("result", {}).get("value"):
                break
            time.sleep(0.5)
        time.sleep(settle)  # charts animate, late RPCs land
        data = self.send("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as out:
            out.write(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="onecard")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--size", default="1440x900")
    args = parser.parse_args()
    odoo = Odoo(args.url, args.db, args.login, args.password)
    width, height = args.size.split("x")
    browser = Chromium(width, height)
    cookie = odoo.http.cookies.get("session_id")
    host = args.url.split("//")[1].split(":")[0].split("/")[0]
    browser.send("Network.enable")
    browser.send(
        "Network.setCookie", name="session_id", value=cookie, domain=host, path="/"
    )
    original = odoo.call("res.users", "read", [odoo.uid], ["lang"])[0]["lang"]
    os.makedirs(args.out, exist_ok=True)
    try:
        for suffix, lang in LANGS.items():
            odoo.install_lang(lang)
            odoo.call("res.users", "write", [odoo.uid], {"lang": lang})
            for name, (menu, record) in SCREENS.items():
                path = os.path.join(args.out, f"{name}{suffix}.png")
                browser.shoot(odoo.screen_url(menu, record), path)
                print(f"screenshots: {path}")
    finally:
        odoo.call("res.users", "write", [odoo.uid], {"lang": original})
        browser.close()


if __name__ == "__main__":
    main()
