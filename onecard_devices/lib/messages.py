"""Message set of the binary protocol: plain dicts <-> TLV payloads.

The same messages as the terminal HTTP API (heartbeat, config, lists,
swipe, offline upload, totals, operator login, kiosk), with the same field
names, so the gateway hands the HTTP service the dicts it would get from
JSON. A response has the request's type with bit 7 set (0x04 -> 0x84).

Field types and their encoding: ``fields.py``. The fields are those of the
message set (``schema.py``); tests/unit/test_schema.py holds this table to it.
"""

from .fields import (  # noqa: F401 - EXTRA_TAG: re-exported
    EXTRA_TAG,
    F,
    decode_fields,
    encode_fields,
)
from .frame import FrameError

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
COUNT = [F(0x01, "count", "u32"), F(0x02, "amount", "money")]
MEAL = [*COUNT, F(0x03, "period", "str")]

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
        F(0x12, "primary_server", "str"),
        F(0x13, "fallback_server", "str"),
        F(0x14, "failback_minutes", "u32"),
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
        F(0x04, "meal", "struct", sub=MEAL),
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
