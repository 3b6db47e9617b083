"""The agent's side of POST /onecard/desk/reader (standard library only)."""

import json
import urllib.error
import urllib.parse
import urllib.request

from . import ENDPOINT, __version__, log


class Odoo:
    """POSTs UIDs to Odoo's /onecard/desk/reader with the bearer token."""

    def __init__(self, url, token, timeout=10.0):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                "--url must be an http(s) URL, e.g. https://odoo.example.com"
            )
        if parts.path in ("", "/"):
            url = urllib.parse.urlunsplit(
                (parts.scheme, parts.netloc, ENDPOINT, "", "")
            )
        self.url, self.token, self.timeout = url, token, timeout

    def post(self, payload):
        """Return (status, decoded JSON answer or None); status 0 when Odoo could not be
        reached."""
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload).encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": "Bearer " + self.token,
                "User-Agent": "onecard-desk-reader/" + __version__,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            return 0, {
                "error": {
                    "code": "unreachable",
                    "message": str(getattr(exc, "reason", exc)),
                }
            }
        try:
            return status, json.loads(body.decode("utf-8"))
        except ValueError:
            return status, None

    def deliver(self, uid):
        status, answer = self.post({"uid": uid})
        if status == 200 and isinstance(answer, dict) and answer.get("ok"):
            log.info("card %s delivered to Odoo (%s)", uid, self.url)
            return True
        self._log_refusal(f"card {uid} NOT delivered", status, answer)
        return False

    def check(self):
        status, answer = self.post({"ping": True})
        if status == 200 and isinstance(answer, dict) and answer.get("ok"):
            log.info(
                "token accepted by %s: reader %r, desk of user %r",
                self.url,
                answer.get("reader"),
                answer.get("user"),
            )
            return True
        self._log_refusal("token check failed", status, answer)
        return False

    def _log_refusal(self, what, status, answer):
        error = (answer or {}).get("error") if isinstance(answer, dict) else None
        detail = (
            "{}: {}".format(error.get("code"), error.get("message"))
            if isinstance(error, dict)
            else "no JSON answer"
        )
        if status == 0:
            log.error("%s: cannot reach Odoo at %s (%s)", what, self.url, detail)
        elif status == 401:
            log.error(
                "%s: Odoo refused the token (401 %s); generate a new one in Odoo",
                what,
                detail,
            )
        else:
            log.error("%s: Odoo answered HTTP %s (%s)", what, status, detail)
