"""PUSH responses: the option block, ``OK: n``, commands, and the HTTP framing.

Every answer is ``HTTP/1.1 200`` with ``Content-Type: text/plain`` and a ``Date``
header (devices set their clock from it, PUSH SDK 2.0.1 section 2), body lines
separated by ``\\n``. ``error_response`` maps a ``PushError`` to a plain-text
refusal (never a 500).
"""

from dataclasses import dataclass
from email.utils import formatdate

from .clock import format_device_time, zk_encode_time
from .push import TOKEN

CONTENT_TYPE = "text/plain"
DEFAULT_TRANS_FLAG = "TransData AttLog OpLog EnrollUser ChgUser"

# reason -> HTTP status. Refusals a retry cannot fix still say so in plain text;
# the device logs them and retries after ErrorDelay.
ERROR_STATUS = {
    "bad_method": 405,
    "unknown_path": 404,
    "bad_query": 400,
    "missing_serial": 400,
    "bad_serial": 400,
    "unknown_serial": 403,
    "body_too_large": 413,
    "bad_content_type": 415,
    "bad_encoding": 400,
    "unknown_table": 400,
    "too_many_lines": 413,
    "length_required": 411,
    "bad_request": 400,
    # decided by the server (onecard.zkteco.service), not by the parser
    "pending_approval": 403,
    "address_not_allowed": 403,
    "busy": 503,
}


class BuildError(ValueError):
    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass
class Response:
    status: int
    body: bytes
    headers: tuple

    def to_bytes(self):
        reason = {
            200: "OK",
            400: "Bad Request",
            403: "Forbidden",
            404: "Not Found",
            405: "Method Not Allowed",
            411: "Length Required",
            413: "Payload Too Large",
            415: "Unsupported Media Type",
            503: "Service Unavailable",
        }.get(self.status, "Error")
        head = f"HTTP/1.1 {self.status} {reason}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in self.headers)
        return head.encode("ascii") + b"\r\n" + self.body


def response(text, status=200, now=None):
    """Plain-text response; ``now`` is a POSIX timestamp for the Date header."""
    body = text.encode("utf-8")
    headers = (
        ("Content-Type", CONTENT_TYPE),
        ("Content-Length", str(len(body))),
        ("Date", formatdate(now, usegmt=True)),
        ("Server", "OneCard-iclock"),
    )
    return Response(status, body, headers)


def error_response(error, now=None):
    return response(f"ERROR: {error.reason}", ERROR_STATUS.get(error.reason, 400), now)


def option_block(
    sn,
    attlog_stamp="None",
    operlog_stamp="None",
    attphoto_stamp="None",
    error_delay=30,
    delay=10,
    trans_times="00:00;14:05",
    trans_interval=1,
    trans_flag=DEFAULT_TRANS_FLAG,
    realtime=1,
    timezone=8,
    encrypt=0,
):
    """The answer to ``GET /iclock/cdata?SN=..&options=all``."""
    lines = [
        f"GET OPTION FROM: {sn}",
        f"ATTLOGStamp={attlog_stamp}",
        f"OPERLOGStamp={operlog_stamp}",
        f"ATTPHOTOStamp={attphoto_stamp}",
        f"ErrorDelay={error_delay}",
        f"Delay={delay}",
        f"TransTimes={trans_times}",
        f"TransInterval={trans_interval}",
        f"TransFlag={trans_flag}",
        f"TimeZone={timezone}",
        f"Realtime={realtime}",
        f"Encrypt={encrypt}",
    ]
    return "\n".join(lines) + "\n"


def ok(count=None):
    """``OK`` (ping, command results, polls without commands) or ``OK: n``."""
    return "OK" if count is None else f"OK: {int(count)}"


def _value(value):
    text = "" if value is None else str(value)
    if any(c in text for c in "\t\r\n"):
        raise BuildError("bad_field", repr(text))
    return text


def _cmd_id(cmd_id):
    text = str(cmd_id)
    if not TOKEN.match(text):
        raise BuildError("bad_id", repr(text))
    return text


def cmd_update_user(
    cmd_id,
    pin,
    name="",
    card="",
    pri=0,
    passwd="",
    grp=1,
    tz="0000000000000000",
    verify=0,
):
    fields = (
        ("PIN", pin),
        ("Name", name),
        ("Pri", pri),
        ("Passwd", passwd),
        ("Card", card),
        ("Grp", grp),
        ("TZ", tz),
        ("Verify", verify),
    )
    if not str(pin):
        raise BuildError("bad_pin", repr(pin))
    body = "\t".join(f"{key}={_value(value)}" for key, value in fields)
    return f"C:{_cmd_id(cmd_id)}:DATA UPDATE USERINFO {body}"


def cmd_delete_user(cmd_id, pin):
    if not str(pin):
        raise BuildError("bad_pin", repr(pin))
    return f"C:{_cmd_id(cmd_id)}:DATA DELETE USERINFO PIN={_value(pin)}"


def cmd_set_time(cmd_id, local_time):
    """Set the clock to ``local_time`` (device local, naive): ZK-encoded seconds."""
    return f"C:{_cmd_id(cmd_id)}:SET OPTION DateTime={zk_encode_time(local_time)}"


def cmd_set_option(cmd_id, key, value):
    return f"C:{_cmd_id(cmd_id)}:SET OPTION {_value(key)}={_value(value)}"


def cmd_simple(cmd_id, verb):
    """``REBOOT``, ``INFO``, ``CLEAR LOG``, ``CLEAR DATA``, ``CHECK``."""
    if verb not in ("REBOOT", "INFO", "CLEAR LOG", "CLEAR DATA", "CHECK"):
        raise BuildError("bad_command", repr(verb))
    return f"C:{_cmd_id(cmd_id)}:{verb}"


def commands(lines):
    """Body of a ``getrequest`` answer: the command lines, or ``OK`` when none."""
    return "\n".join(lines) + "\n" if lines else ok()


# --------------------------------------------------------------- device side
@dataclass
class DeviceCommand:
    id: str
    verb: str  # "DATA UPDATE USERINFO", "SET OPTION", "REBOOT", ...
    args: dict
    raw: str

    @property
    def result_name(self):
        """The ``CMD=`` a device answers with (``DATA`` for DATA ..., else the verb)."""
        return self.verb.split(" ")[0] if self.verb.startswith("DATA") else self.verb


def parse_command(line):
    """``C:<id>:<verb> <args>`` (what a device reads from getrequest)."""
    if not line.startswith("C:") or line.count(":") < 2:
        raise BuildError("bad_command", repr(line[:80]))
    _c, cmd_id, rest = line.split(":", 2)
    for verb in (
        "DATA UPDATE USERINFO",
        "DATA DELETE USERINFO",
        "SET OPTION",
        "CLEAR LOG",
        "CLEAR DATA",
        "REBOOT",
        "INFO",
        "CHECK",
    ):
        if rest == verb or rest.startswith(verb + " "):
            tail = rest[len(verb) :].strip()
            args = {}
            if tail:
                for part in tail.split("\t"):
                    key, _sep, value = part.partition("=")
                    args[key] = value
            return DeviceCommand(_cmd_id(cmd_id), verb, args, line)
    raise BuildError("bad_command", repr(line[:80]))


def result_line(command, return_code=0):
    return f"ID={command.id}&Return={int(return_code)}&CMD={command.result_name}"


def attlog_line(pin, local_time, status=0, verify=1, workcode=0):
    return "\t".join(
        (
            str(pin),
            format_device_time(local_time),
            str(status),
            str(verify),
            str(workcode),
            "0",
            "0",
        )
    )
