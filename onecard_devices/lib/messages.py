"""Message set of the binary protocol: plain dicts <-> TLV payloads.

The same messages as the terminal HTTP API (heartbeat, config, lists,
swipe, offline upload, totals, operator login, kiosk), with the same field
names, so the gateway hands the HTTP service the dicts it would get from
JSON. A response has the request's type with bit 7 set (0x04 -> 0x84).

Field types on the wire:

========  ===============================================================
u8/u16/   unsigned big-endian integer of 1, 2, 4 bytes
u32
money     signed 64-bit big-endian integer, hundredths (cents/fen);
          decoded to a float rounded to 2 decimals
bool      1 byte, 00 or 01
str       UTF-8 text
uid       card UID, 4 to 10 raw bytes; decoded to upper-case hex text
time      u32, seconds since 1970-01-01 UTC (terminal clock)
date      u32, YYYYMMDD
struct    nested TLV of a sub-schema
map       text -> money (wallet balances): nested TLV of pairs
          (tag 01 key text, tag 02 money), in order
json      UTF-8 JSON text, for rarely used nested data (commands, list
          deltas, meal periods, gaps)
========  ===============================================================

Fields marked repeated may occur many times (in order) and decode to a list.
A field without a tag of its own travels in tag FE as a JSON object (so the
binary protocol carries everything the HTTP API does). Unknown tags are
skipped (newer terminals may send more); a missing required field or a value
of the wrong size raises FrameError.
"""

import json
import struct

from .frame import FrameError, tlv_decode, tlv_encode

# Message types (requests; the answer is type | RESPONSE_BIT). Names are the
# messages of onecard.terminal.service / the HTTP API.
POLL = 0x00  # RS-485 master poll; answered by IDLE (0x80) or by a pending request
HEARTBEAT = 0x01
CONFIG = 0x02
LISTS = 0x03
SWIPE = 0x04  # answer 0x84 = swipe answer
UPLOAD = 0x05  # offline records; answer 0x85 = ack
TOTALS = 0x06
OPERATOR_LOGIN = 0x07
OPERATOR_LOGOUT = 0x08
CASHIER_TOPUP = 0x09
CASHIER_REFUND = 0x0A
KIOSK_BALANCE = 0x0B
KIOSK_COLLECT = 0x0C
KIOSK_TOPUP = 0x0D
SEQUENCE_RESET = 0x0E  # start a new sequence epoch; answer 0x8E carries it
ERROR = 0x7F  # answer 0xFF = NAK: the request itself was refused (code, message)
RESPONSE_BIT = 0x80
IDLE = POLL | RESPONSE_BIT
SWIPE_ANSWER = SWIPE | RESPONSE_BIT
ACK = UPLOAD | RESPONSE_BIT
NAK = ERROR | RESPONSE_BIT
EXTRA_TAG = 0xFE  # in any message: JSON object of fields without a tag of their own

NAMES = {
    POLL: "poll",
    HEARTBEAT: "heartbeat",
    CONFIG: "config",
    LISTS: "lists",
    SWIPE: "swipe",
    UPLOAD: "upload",
    TOTALS: "totals",
    OPERATOR_LOGIN: "operator_login",
    OPERATOR_LOGOUT: "operator_logout",
    CASHIER_TOPUP: "cashier_topup",
    CASHIER_REFUND: "cashier_refund",
    KIOSK_BALANCE: "kiosk_balance",
    KIOSK_COLLECT: "kiosk_collect",
    KIOSK_TOPUP: "kiosk_topup",
    SEQUENCE_RESET: "sequence_reset",
    ERROR: "error",
}
TYPES = {name: code for code, name in NAMES.items()}
SERVICE_MESSAGES = {code for code in NAMES if code not in (POLL, ERROR)}


def name_of(msg_type):
    base = NAMES.get(msg_type & 0x7F, f"0x{msg_type:02X}")
    if msg_type & RESPONSE_BIT:
        return {IDLE: "idle", SWIPE_ANSWER: "swipe_answer", ACK: "ack", NAK: "nak"}.get(
            msg_type, base + "_answer"
        )
    return base


class F:
    """One field of a schema."""

    __slots__ = ("tag", "name", "kind", "required", "repeated", "sub")

    def __init__(self, tag, name, kind, required=False, repeated=False, sub=None):
        self.tag, self.name, self.kind, self.required, self.repeated, self.sub = (
            tag,
            name,
            kind,
            required,
            repeated,
            sub,
        )


RECORD = [  # one offline record
    F(0x01, "seq", "u32", required=True),
    F(0x02, "uid", "uid", required=True),
    F(0x03, "amount", "money"),
    F(0x04, "key", "u8"),
    F(0x05, "time", "time", required=True),
    F(0x06, "pin", "str"),
    F(0x07, "epoch", "u32"),
]
BALANCES = F(0x20, "balances", "map")
ANSWER = [  # the engine's answer to a swipe (also one result of an upload)
    F(0x01, "seq", "u32"),
    F(0x02, "approved", "bool", required=True),
    F(0x03, "code", "str", required=True),
    F(0x04, "message", "str"),
    F(0x05, "display", "str"),
    F(0x06, "amount", "money"),
    F(0x07, "subsidy_amount", "money"),
    F(0x08, "cash_amount", "money"),
    F(0x09, "holder", "str"),
    F(0x0A, "replay", "bool"),
    F(0x0B, "flagged", "bool"),
    F(0x0C, "operation_id", "u32"),
    F(0x0D, "epoch", "u32"),
    BALANCES,
]
COUNT = [F(0x01, "count", "u32"), F(0x02, "amount", "money"), F(0x03, "period", "str")]

SCHEMAS = {
    POLL: [],
    IDLE: [],
    HEARTBEAT: [
        F(0x01, "list_version", "u32"),
        F(0x02, "config_version", "str"),
        F(0x03, "firmware", "str"),
        F(0x04, "time", "time"),
        F(0x05, "last_seq", "u32"),
        F(0x06, "results", "json"),
        F(0x10, "serial", "str"),
    ],  # serial: binds a TCP connection; not passed to the service
    HEARTBEAT | RESPONSE_BIT: [
        F(0x01, "server_time", "time"),
        F(0x02, "list_version", "u32"),
        F(0x03, "config_version", "str"),
        F(0x04, "config_changed", "bool"),
        F(0x05, "lists_changed", "bool"),
        F(0x06, "commands", "json"),
        F(0x07, "list_delta", "json"),
        F(0x08, "epoch", "u32"),
    ],
    CONFIG: [],
    CONFIG | RESPONSE_BIT: [
        F(0x01, "terminal", "str"),
        F(0x02, "name", "str"),
        F(0x03, "kind", "str"),
        F(0x04, "mode", "str"),
        F(0x05, "online", "bool"),
        F(0x06, "fixed_amount", "money"),
        F(0x07, "offline_limit", "money"),
        F(0x08, "repeat_interval", "u32"),
        F(0x09, "pin_threshold", "money"),
        F(
            0x0A,
            "keys",
            "struct",
            repeated=True,
            sub=[
                F(0x01, "key", "u8"),
                F(0x02, "name", "str"),
                F(0x03, "amount", "money"),
            ],
        ),
        F(0x0B, "meal_periods", "json"),
        F(0x0C, "timezone", "str"),
        F(0x0D, "currency", "str"),
        F(0x0E, "decimals", "u8"),
        F(0x0F, "heartbeat_interval", "u32"),
        F(0x10, "config_version", "str"),
        F(0x11, "server_time", "time"),
    ],
    LISTS: [F(0x01, "since", "u32")],
    LISTS | RESPONSE_BIT: [
        F(0x01, "version", "u32"),
        F(0x02, "full", "bool"),
        F(0x03, "blacklist", "uid", repeated=True),
        F(0x04, "whitelist", "uid", repeated=True),
        F(0x05, "entries", "json"),
    ],
    SWIPE: [
        F(0x01, "seq", "u32"),
        F(0x02, "uid", "uid", required=True),
        F(0x03, "amount", "money"),
        F(0x04, "key", "u8"),
        F(0x05, "time", "time"),
        F(0x06, "pin", "str"),
        F(0x07, "idempotency_key", "str"),
        F(0x08, "epoch", "u32"),
    ],
    SWIPE_ANSWER: ANSWER,
    UPLOAD: [F(0x10, "records", "struct", repeated=True, sub=RECORD)],
    ACK: [
        F(0x01, "accepted", "u32"),
        F(0x02, "last_seq", "u32"),
        F(0x03, "gaps", "json"),
        F(0x10, "results", "struct", repeated=True, sub=ANSWER),
    ],
    TOTALS: [F(0x01, "uid", "uid")],
    TOTALS | RESPONSE_BIT: [
        F(0x01, "holder", "str"),
        F(0x02, "terminal", "str"),
        F(0x03, "today", "struct", sub=COUNT),
        F(0x04, "meal", "struct", sub=COUNT),
    ],
    OPERATOR_LOGIN: [F(0x01, "uid", "uid", required=True), F(0x02, "pin", "str")],
    OPERATOR_LOGIN | RESPONSE_BIT: [
        F(0x01, "session", "str"),
        F(0x02, "operator", "str"),
    ],
    OPERATOR_LOGOUT: [F(0x01, "session", "str", required=True)],
    OPERATOR_LOGOUT | RESPONSE_BIT: [F(0x01, "ok", "bool")],
    CASHIER_TOPUP: [
        F(0x01, "session", "str", required=True),
        F(0x02, "uid", "uid", required=True),
        F(0x03, "amount", "money", required=True),
        F(0x04, "method", "str"),
        F(0x05, "request_id", "str", required=True),
    ],
    CASHIER_REFUND: [
        F(0x01, "session", "str", required=True),
        F(0x02, "uid", "uid", required=True),
        F(0x03, "amount", "money", required=True),
        F(0x04, "method", "str"),
        F(0x05, "request_id", "str", required=True),
    ],
    KIOSK_BALANCE: [F(0x01, "uid", "uid", required=True)],
    KIOSK_BALANCE | RESPONSE_BIT: [
        F(0x01, "holder", "str"),
        F(0x02, "card_state", "str"),
        F(0x03, "subsidy_pending", "bool"),
        BALANCES,
    ],
    KIOSK_COLLECT: [F(0x01, "uid", "uid", required=True)],
    KIOSK_COLLECT | RESPONSE_BIT: [
        F(0x01, "holder", "str"),
        F(0x02, "collected", "money"),
        BALANCES,
    ],
    KIOSK_TOPUP: [
        F(0x01, "uid", "uid", required=True),
        F(0x02, "amount", "money", required=True),
        F(0x03, "method", "str", required=True),
        F(0x04, "reference", "str", required=True),
    ],
    SEQUENCE_RESET: [],
    SEQUENCE_RESET | RESPONSE_BIT: [
        F(0x01, "epoch", "u32"),
        F(0x02, "server_time", "time"),
    ],
    ERROR: [],
    NAK: [F(0x01, "code", "str", required=True), F(0x02, "message", "str")],
}
# Cashier and kiosk top-up answers: the ledger's answer plus holder/operator/balances.
_MONEY_ANSWER = [
    F(0x01, "approved", "bool"),
    F(0x02, "code", "str"),
    F(0x03, "kind", "str"),
    F(0x04, "amount", "money"),
    F(0x05, "operation_id", "u32"),
    F(0x06, "replay", "bool"),
    F(0x07, "holder", "str"),
    F(0x08, "operator", "str"),
    BALANCES,
]
for _t in (CASHIER_TOPUP, CASHIER_REFUND, KIOSK_TOPUP):
    SCHEMAS[_t | RESPONSE_BIT] = _MONEY_ANSWER

_U = {
    "u8": struct.Struct(">B"),
    "u16": struct.Struct(">H"),
    "u32": struct.Struct(">I"),
    "i32": struct.Struct(">i"),
    "money": struct.Struct(">q"),
    "time": struct.Struct(">I"),
    "date": struct.Struct(">I"),
}


def _enc_value(field, value):
    kind = field.kind
    try:
        if kind in ("u8", "u16", "u32", "i32", "time"):
            return _U[kind].pack(int(value))
        if kind == "money":
            return _U[kind].pack(int(round(float(value) * 100)))
        if kind == "date":  # "2024-05-01" or a date -> 20240501
            text = str(value).replace("-", "")[:8]
            return _U[kind].pack(int(text))
        if kind == "bool":
            return b"\x01" if value else b"\x00"
        if kind == "str":
            return str(value).encode("utf-8")
        if kind == "uid":
            raw = (
                bytes.fromhex(str(value).replace(":", "").replace(" ", ""))
                if not isinstance(value, bytes | bytearray)
                else bytes(value)
            )
            if not 4 <= len(raw) <= 10:
                raise ValueError("UID must be 4 to 10 bytes")
            return raw
        if kind == "struct":
            return encode_fields(field.sub, value)
        if kind == "map":
            return tlv_encode(
                [
                    pair
                    for k, v in value.items()
                    for pair in (
                        (0x01, str(k).encode("utf-8")),
                        (0x02, _U["money"].pack(int(round(float(v or 0.0) * 100)))),
                    )
                ]
            )
        if kind == "json":
            return json.dumps(
                value, separators=(",", ":"), default=str, ensure_ascii=False
            ).encode("utf-8")
    except (ValueError, TypeError, OverflowError, struct.error) as exc:
        raise FrameError(f"cannot encode {field.name}={value!r}: {exc}") from None
    raise FrameError(f"unknown field kind {kind}")


def _dec_value(field, raw):  # noqa: C901 - one branch per field kind, in one place
    kind = field.kind
    if kind in _U:
        codec = _U[kind]
        if len(raw) != codec.size:
            raise FrameError(
                "field %s: %d bytes, expected %d" % (field.name, len(raw), codec.size)
            )
        value = codec.unpack(raw)[0]
        if kind == "money":
            return round(value / 100.0, 2)
        if kind == "date":
            text = "%08d" % value
            if value > 99991231:
                raise FrameError(f"field {field.name}: bad date")
            return f"{text[:4]}-{text[4:6]}-{text[6:]}"
        return value
    if kind == "bool":
        if raw not in (b"\x00", b"\x01"):
            raise FrameError(f"field {field.name}: bad boolean")
        return raw == b"\x01"
    if kind == "str":
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise FrameError(f"field {field.name}: invalid UTF-8") from None
    if kind == "uid":
        if not 4 <= len(raw) <= 10:
            raise FrameError("field %s: UID of %d bytes" % (field.name, len(raw)))
        return raw.hex().upper()
    if kind == "struct":
        return decode_fields(field.sub, raw)
    if kind == "map":
        pairs = tlv_decode(raw)
        if len(pairs) % 2 or any(
            tag != 0x01 + i % 2 for i, (tag, _v) in enumerate(pairs)
        ):
            raise FrameError(f"field {field.name}: bad map")
        result = {}
        for (_t, key), (_t2, value) in zip(pairs[::2], pairs[1::2], strict=False):
            if len(value) != 8:
                raise FrameError(f"field {field.name}: bad map value")
            result[_dec_value(_TEXT, key)] = round(
                _U["money"].unpack(value)[0] / 100.0, 2
            )
        return result
    if kind == "json":
        return _json(field.name, raw)
    raise FrameError(f"unknown field kind {kind}")


_TEXT = F(0, "key", "str")


def _json(name, raw):
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FrameError(f"field {name}: invalid JSON") from None


_EXTRA = F(EXTRA_TAG, "extra", "json")


def encode_fields(schema, values):
    if not isinstance(values, dict):
        raise FrameError("message body must be a dict")
    out = []
    for field in schema:
        value = values.get(field.name)
        if value is None or (field.repeated and not value):
            if field.required:
                raise FrameError(f"missing required field {field.name}")
            continue
        if field.repeated and not isinstance(value, list | tuple):
            raise FrameError(f"field {field.name} must be a list")
        for item in value if field.repeated else [value]:
            out.append((field.tag, _enc_value(field, item)))
    names = {field.name for field in schema}
    extra = {k: v for k, v in values.items() if k not in names and v is not None}
    if extra:
        out.append((EXTRA_TAG, _enc_value(_EXTRA, extra)))
    return tlv_encode(out)


def decode_fields(schema, payload):
    by_tag = {field.tag: field for field in schema}
    values = {}
    for tag, raw in tlv_decode(payload):
        field = by_tag.get(tag)
        if tag == EXTRA_TAG:
            extra = _json("extra", raw)
            if not isinstance(extra, dict):
                raise FrameError("extra fields must be a JSON object")
            for key, value in extra.items():
                values.setdefault(key, value)
            continue
        if field is None:
            continue  # unknown tag: skipped for forward compatibility
        value = _dec_value(field, raw)
        if field.repeated:
            values.setdefault(field.name, []).append(value)
        elif field.name in values:
            raise FrameError(f"field {field.name} given twice")
        else:
            values[field.name] = value
    for field in schema:
        if field.name not in values:
            if field.required:
                raise FrameError(f"missing required field {field.name}")
            if field.repeated:
                values[field.name] = []
    return values


def encode_message(msg_type, values=None):
    """Payload bytes of a message of ``msg_type`` from a dict."""
    schema = SCHEMAS.get(msg_type)
    if schema is None:
        raise FrameError(f"unknown message type 0x{msg_type:02X}")
    return encode_fields(schema, values or {})


def decode_message(msg_type, payload):
    """Dict of a message payload. Raises FrameError."""
    schema = SCHEMAS.get(msg_type)
    if schema is None:
        raise FrameError(f"unknown message type 0x{msg_type:02X}")
    return decode_fields(schema, payload)
