"""HMAC-SHA256 request signing shared by the terminal HTTP API and the simulator.

Pure Python (no ``odoo`` import) so terminals, the simulator and tests reuse it.

Canonical string (UTF-8, fields joined by a single ``\\n``, no trailing newline)::

    METHOD          upper-case HTTP method, e.g. ``POST``
    PATH            URL path only, no scheme/host/query, e.g. ``/onecard/api/v1/swipe``
    TIMESTAMP       the X-Timestamp header verbatim: unix seconds as a decimal integer
    BODY_SHA256     lower-case hex SHA-256 of the raw request body bytes
                    (empty body -> sha256(b"") = e3b0c442...b855)

    canonical = f"{METHOD}\\n{PATH}\\n{TIMESTAMP}\\n{BODY_SHA256}"
    with the optional X-Nonce header (any 1-64 printable ASCII characters):
    canonical = f"{METHOD}\\n{PATH}\\n{TIMESTAMP}\\n{BODY_SHA256}\\n{NONCE}"
    signature = hex(HMAC-SHA256(key=secret.encode("utf-8"),
                                msg=canonical.encode("utf-8")))

Headers sent by the terminal: ``X-Terminal`` (serial number), ``X-Timestamp``
(unix seconds), ``X-Signature`` (the lower-case hex signature above), optionally
``X-Nonce``: two identical requests in the same second have the same
signature and the second is refused as a replay, unless each carries its own
nonce (a counter or random string); sending one on every request is advised.
The server refuses a timestamp more than ``MAX_SKEW`` seconds away from its
clock and a signature it has already accepted (replay).
"""

import hashlib
import hmac
import secrets
import time

MAX_SKEW = 300


def _bytes(value):
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def canonical(method, path, timestamp, body, nonce=None):
    """The exact string that is signed (see module docstring)."""
    body_hash = hashlib.sha256(_bytes(body)).hexdigest()
    text = f"{str(method).upper()}\n{path}\n{timestamp}\n{body_hash}"
    return text + "\n" + nonce if nonce else text


def sign(secret, method, path, timestamp, body, nonce=None):
    """Lower-case hex HMAC-SHA256 of the canonical string with ``secret``."""
    msg = canonical(method, path, timestamp, body, nonce).encode("utf-8")
    return hmac.new(_bytes(secret), msg, hashlib.sha256).hexdigest()


def verify(
    secret,
    method,
    path,
    timestamp,
    body,
    signature,
    now=None,
    max_skew=MAX_SKEW,
    nonce=None,
):
    """Return None when valid, else an error code: ``bad_timestamp``,
    ``stale_timestamp`` or ``bad_signature``. Constant-time comparison."""
    try:
        ts = int(str(timestamp).strip())
    except (TypeError, ValueError):
        return "bad_timestamp"
    now = time.time() if now is None else now
    if abs(now - ts) > max_skew:
        return "stale_timestamp"
    if not secret or not isinstance(signature, str):
        return "bad_signature"
    if nonce is not None and not (
        isinstance(nonce, str)
        and 0 < len(nonce) <= 64
        and nonce.isprintable()
        and nonce.isascii()
    ):
        return "bad_signature"
    expected = sign(secret, method, path, str(timestamp).strip(), body, nonce or None)
    if not hmac.compare_digest(expected, signature.strip().lower()):
        return "bad_signature"
    return None


def headers(serial, secret, method, path, body, timestamp=None, nonce=None):
    """Convenience for clients: the auth headers for one request (a random nonce
    unless given; "" = none)."""
    ts = str(int(time.time() if timestamp is None else timestamp))
    nonce = secrets.token_hex(8) if nonce is None else nonce
    result = {
        "X-Terminal": serial,
        "X-Timestamp": ts,
        "X-Signature": sign(secret, method, path, ts, body, nonce),
    }
    if nonce:
        result["X-Nonce"] = nonce
    return result
