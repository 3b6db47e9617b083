"""ZKTeco PUSH protocol (iClock / ADMS, devices call ``/iclock/*`` over HTTP).

``parse_request`` turns one HTTP request into a typed message and raises only
``PushError`` (a request-level refusal with a stable ``reason``); problems with
single lines of an upload are reported in the message's ``errors`` (line number,
reason) and never fail the rest. ``build.py`` holds the responses.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

from .clock import ClockError, device_to_utc, parse_device_time, plausibility
from .messages import (  # noqa: F401 - re-exported: push.Registration, ...
    AttLogRecord,
    AttLogUpload,
    CommandPoll,
    CommandResult,
    CommandResults,
    FpRecord,
    IgnoredUpload,
    LineError,
    OperLogUpload,
    OpLogRecord,
    OptionsUpload,
    Ping,
    Registration,
    UserRecord,
)

MAX_BODY = 4 * 1024 * 1024
TOKEN = re.compile(r"^[A-Za-z0-9_-]+\Z")  # serials, PINs, command ids (ASCII)
MAX_LINES = 20000
PATHS = ("cdata", "getrequest", "devicecmd", "ping", "fdata")
TEXT_TYPES = (
    "",
    "text/plain",
    "application/push",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
)
IGNORED_TABLES = ("ATTPHOTO", "BIODATA", "USERPIC", "BIOPHOTO", "ERRORLOG")


class PushError(Exception):
    """The whole request is refused; ``reason`` is one of REQUEST_REASONS."""

    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


REQUEST_REASONS = (
    "bad_method",
    "unknown_path",
    "bad_query",
    "missing_serial",
    "bad_serial",
    "unknown_serial",
    "body_too_large",
    "bad_content_type",
    "bad_encoding",
    "unknown_table",
    "too_many_lines",
    # refused by the gateway's HTTP front before parsing (no or a bad Content-Length)
    "length_required",
    "bad_request",
    # decided by the server (onecard.zkteco.service), not by the parser
    "pending_approval",
    "address_not_allowed",
    "busy",
)
LINE_REASONS = (
    "truncated_line",
    "bad_pin",
    "bad_time",
    "bad_field",
    "unknown_line_type",
    "unknown_pin",
    "time_in_past",
    "time_in_future",
)


INFO_KEYS = (
    "firmware",
    "users",
    "fingerprints",
    "records",
    "ip",
    "fp_version",
    "face_version",
    "face_count",
    "faces",
)


def _valid_serial(sn):
    return len(sn) <= 32 and bool(TOKEN.match(sn))


def _valid_pin(pin):
    return len(pin) <= 24 and bool(TOKEN.match(pin))


def _decode(body):
    if b"\x00" in body:
        raise PushError("bad_encoding", "NUL byte in a text body")
    for encoding in ("utf-8", "gb18030"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PushError("bad_encoding", "neither UTF-8 nor GB18030")


def _lines(text):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > MAX_LINES:
        raise PushError("too_many_lines", str(len(lines)))
    return [(no, line) for no, line in enumerate(lines, 1) if line.strip()]


def _kv_tabs(text):
    """``PIN=1\tName=Li\tCard=123`` -> dict (values may be empty)."""
    out = {}
    for part in text.split("\t"):
        if "=" not in part:
            raise ValueError(part)
        key, value = part.split("=", 1)
        out[key.strip()] = value.strip()
    return out


@dataclass
class Context:
    """What the caller knows about the device and the time (all optional)."""

    tz: object = None  # device TimeZone (hours, "+0800" or IANA name) -> utc
    now: object = None  # naive UTC now, for the plausibility window
    past: object = None  # timedelta, default clock.DEFAULT_PAST
    future: object = None  # timedelta, default clock.DEFAULT_FUTURE
    is_known_serial: object = None  # callable(sn) -> bool
    is_known_pin: object = None  # callable(pin) -> bool
    max_body: int = MAX_BODY


def parse_request(method, path, query, body=b"", content_type="", ctx=None):
    """One HTTP request from a device -> a message; raises only PushError."""
    ctx = ctx or Context()
    method = (method or "").upper()
    try:
        params = dict(
            parse_qsl(
                query or "",
                keep_blank_values=True,
                strict_parsing=False,
                max_num_fields=64,
            )
        )
    except ValueError as exc:
        raise PushError("bad_query", str(exc)) from exc
    name = _endpoint(path)
    sn = params.get("SN", params.get("sn", "")).strip()
    if not sn:
        raise PushError("missing_serial")
    if not _valid_serial(sn):
        raise PushError("bad_serial", sn[:40])
    if ctx.is_known_serial is not None and not ctx.is_known_serial(sn):
        raise PushError("unknown_serial", sn)
    if isinstance(body, str):
        body = body.encode("utf-8")
    body = bytes(body or b"")
    if len(body) > ctx.max_body:
        raise PushError("body_too_large", str(len(body)))
    if method == "GET":
        return _parse_get(name, sn, params)
    if method != "POST":
        raise PushError("bad_method", method)
    table = params.get("table", "").strip()
    if name in ("fdata",) or table.upper() in IGNORED_TABLES:
        return IgnoredUpload(sn, table or name, len(body))
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime not in TEXT_TYPES:
        raise PushError("bad_content_type", mime)
    text = _decode(body)
    if name == "devicecmd":
        return _parse_results(sn, text)
    if name != "cdata":
        raise PushError("bad_method", f"POST {name}")
    if table.upper() == "ATTLOG":
        return _parse_attlog(sn, params.get("Stamp", ""), text, ctx)
    if table.upper() == "OPERLOG":
        return _parse_operlog(sn, params.get("OpStamp", params.get("Stamp", "")), text)
    if table.lower() == "options":
        return OptionsUpload(sn, _parse_options(text))
    raise PushError("unknown_table", table[:40])


def is_attlog_upload(method, path, query):
    """Whether a request looks like an ATTLOG upload, before it is parsed.

    The gateway batches these (group commit); a wrong guess only changes which
    transaction answers the request, never the answer.
    """
    if (method or "").upper() != "POST":
        return False
    try:
        params = dict(parse_qsl(query or "", max_num_fields=64))
        return (
            _endpoint(path) == "cdata" and params.get("table", "").upper() == "ATTLOG"
        )
    except (PushError, ValueError):
        return False


def _endpoint(path):
    parts = unquote(path or "").rstrip("/").split("/")
    if len(parts) < 2 or parts[-2] != "iclock":
        raise PushError("unknown_path", (path or "")[:80])
    name = parts[-1]
    if name.endswith(".aspx"):  # older firmware calls /iclock/cdata.aspx
        name = name[:-5]
    if name not in PATHS:
        raise PushError("unknown_path", (path or "")[:80])
    return name


def _parse_get(name, sn, params):
    if name == "cdata":
        return Registration(
            sn,
            params.get("options", ""),
            params.get("pushver", ""),
            params.get("language", ""),
            params,
        )
    if name == "getrequest":
        info = {}
        if params.get("INFO"):
            info = dict(zip(INFO_KEYS, params["INFO"].split(","), strict=False))
        return CommandPoll(sn, info)
    if name == "ping":
        return Ping(sn)
    raise PushError("bad_method", f"GET {name}")


def _flag(record, ctx):
    if ctx.is_known_pin is not None and not ctx.is_known_pin(record.pin):
        record.flag = "unknown_pin"
    if ctx.tz is None:
        return
    record.utc = device_to_utc(record.time, ctx.tz)
    if ctx.now is not None and not record.flag:
        kwargs = {k: v for k, v in (("past", ctx.past), ("future", ctx.future)) if v}
        record.flag = plausibility(record.utc, ctx.now, **kwargs) or ""


def _int(text):
    text = text.strip()
    return int(text) if text else 0


def _parse_attlog(sn, stamp, text, ctx):
    """``PIN\\tYYYY-MM-DD HH:MM:SS\\tstatus\\tverify\\tworkcode\\treserved...``"""
    upload = AttLogUpload(sn, stamp)
    for no, line in _lines(text):
        fields = line.split("\t")
        if len(fields) < 2:
            upload.errors.append(LineError(no, "truncated_line", line[:200]))
            continue
        pin = fields[0].strip()
        if not _valid_pin(pin):
            upload.errors.append(LineError(no, "bad_pin", line[:200]))
            continue
        try:
            when = parse_device_time(fields[1].strip())
            status = _int(fields[2]) if len(fields) > 2 else 0
            verify = _int(fields[3]) if len(fields) > 3 else 0
        except ClockError:
            upload.errors.append(LineError(no, "bad_time", line[:200]))
            continue
        except ValueError:
            upload.errors.append(LineError(no, "bad_field", line[:200]))
            continue
        workcode = fields[4].strip() if len(fields) > 4 else "0"
        record = AttLogRecord(
            no,
            pin,
            when,
            status,
            verify,
            workcode or "0",
            tuple(f.strip() for f in fields[5:]),
        )
        try:
            _flag(record, ctx)
        except ClockError:
            upload.errors.append(LineError(no, "bad_time", line[:200]))
            continue
        upload.records.append(record)
    return upload


def _parse_operlog(sn, stamp, text):
    upload = OperLogUpload(sn, stamp)
    for no, line in _lines(text):
        head, _sep, rest = line.partition(" ")
        try:
            if head == "USER":
                kv = _kv_tabs(rest)
                pin = kv.get("PIN", "")
                if not _valid_pin(pin):
                    upload.errors.append(LineError(no, "bad_pin", line[:200]))
                    continue
                upload.users.append(
                    UserRecord(
                        no,
                        pin,
                        kv.get("Name", ""),
                        kv.get("Card", ""),
                        _int(kv.get("Pri", "")),
                        kv,
                    )
                )
            elif head == "OPLOG":
                fields = rest.split("\t")
                if len(fields) < 3:
                    upload.errors.append(LineError(no, "truncated_line", line[:200]))
                    continue
                upload.oplogs.append(
                    OpLogRecord(
                        no,
                        int(fields[0]),
                        fields[1].strip(),
                        parse_device_time(fields[2].strip()),
                        tuple(f.strip() for f in fields[3:]),
                    )
                )
            elif head == "FP":
                kv = _kv_tabs(rest)
                if not _valid_pin(kv.get("PIN", "")):
                    upload.errors.append(LineError(no, "bad_pin", line[:200]))
                    continue
                upload.fingerprints.append(
                    FpRecord(
                        no,
                        kv["PIN"],
                        _int(kv.get("FID", "")),
                        _int(kv.get("Size", "")),
                        _int(kv.get("Valid", "1") or "1"),
                        kv.get("TMP", ""),
                    )
                )
            elif head in ("USERPIC", "BIOPHOTO", "FACE", "BIODATA"):
                upload.ignored += 1
            else:
                upload.errors.append(LineError(no, "unknown_line_type", line[:200]))
        except ClockError:
            upload.errors.append(LineError(no, "bad_time", line[:200]))
        except ValueError:
            upload.errors.append(LineError(no, "bad_field", line[:200]))
    return upload


def _parse_options(text):
    """``~DeviceName=K40,MAC=00:17:...,FWVersion=Ver 6.60`` (commas or lines)."""
    out = {}
    for part in text.replace("\r", "\n").replace("\n", ",").split(","):
        if "=" in part:
            key, value = part.split("=", 1)
            out[key.strip()] = value.strip()
    return out


def _parse_results(sn, text):
    """``ID=12&Return=0&CMD=DATA`` one per line (more fields after INFO)."""
    results = CommandResults(sn)
    for no, line in _lines(text):
        last = results.results[-1] if results.results else None
        if last and last.cmd == "INFO" and "&" not in line and "=" in line:
            key, _sep, value = line.partition("=")  # INFO answers: key=value lines
            last.fields[key.strip()] = value.strip()
            continue
        kv = {}
        for part in line.split("&"):
            key, _sep, value = part.partition("=")
            kv[key.strip()] = value.strip()
        if "ID" not in kv or "Return" not in kv:
            results.errors.append(LineError(no, "truncated_line", line[:200]))
            continue
        try:
            code = int(kv["Return"])
        except ValueError:
            results.errors.append(LineError(no, "bad_field", line[:200]))
            continue
        if not TOKEN.match(kv["ID"]):
            results.errors.append(LineError(no, "bad_field", line[:200]))
            continue
        results.results.append(CommandResult(no, kv["ID"], code, kv.get("CMD", ""), kv))
    return results
