"""The terminal message set, described once: every message, its HTTP path, who may
send it, its request fields (type, required, bounds) and its answer fields.

Plain Python, no Odoo. ``onecard.terminal.service`` checks every request with it
(``validation.check``), ``routes.MESSAGES`` is made from it, and
tests/unit/test_schema.py holds docs/terminal-api.yaml and the binary protocol's
field table (``messages.py``) to it field by field. A new message or field is
added here, then to its handler and to both documents (the test says what is
missing).
"""

from .validation import (
    MAX_INT,
    MAX_UPLOAD,
    Field,
    Message,
    amount,
    answer,
    array,
    boolean,
    integer,
    obj,
    text,
    time,
)

# onecard.terminal's terminal_kind; a message's kinds None: every kind may send it
TERMINAL_KINDS = ("consume", "cashier", "subsidy", "kiosk")
EVERY_KIND = None
SWIPERS = ("consume", "cashier")
BALANCES = answer("balances", "map")
RECORD = (  # one offline record of an upload
    integer("seq", True),
    integer("epoch", default=0),
    text("uid", True),
    amount("amount"),
    integer("key"),
    time("time", True),
    text("pin"),
)
SWIPE_ANSWER = (  # the engine's answer to a swipe
    answer("approved", "boolean", True),
    answer("code", "string", True),
    answer("message", "string", True),
    answer("display"),
    answer("amount", "number"),
    answer("subsidy_amount", "number"),
    answer("cash_amount", "number"),
    BALANCES,
    answer("holder"),
    answer("flagged", "boolean"),
    answer("replay", "boolean"),
    answer("operation_id", "integer", nullable=True),
    # the request's record number echoed: an HTTP answer is matched to its request
    # by these, not by its place on the connection
    answer("seq", "integer"),
    answer("epoch", "integer"),
)
LIST_ENTRY = (
    answer("uid"),
    answer("list"),
    answer("action"),
    answer("version", "integer"),
)
MONEY_ANSWER = (  # cashier and kiosk top-ups, refunds: the ledger's answer
    answer("approved", "boolean"),
    answer("code"),
    answer("kind"),
    answer("amount", "number"),
    BALANCES,
    answer("holder"),
    answer("operator"),
    answer("replay", "boolean"),
    answer("operation_id", "integer"),
)
CASHIER = (
    text("session", True),
    text("uid", True),
    amount("amount", True),
    text("method", default="cash"),
    text("request_id", True, min_length=1),
)
# a range of missing sequence numbers: [from, to]
PAIR = Field(None, "array", items=Field(None, "integer"), min_items=2, max_items=2)
COUNT = (answer("count", "integer"), answer("amount", "number"))
_MESSAGES = (
    Message(
        "heartbeat",
        "heartbeat",
        EVERY_KIND,
        [
            integer("list_version"),
            text("config_version"),
            text("firmware"),
            time("time"),
            integer("last_seq"),
            array(
                "results",
                [integer("id", True), boolean("ok", True), text("result")],
            ),
        ],
        [
            answer("server_time", "integer"),
            answer("list_version", "integer"),
            answer("config_version"),
            answer("config_changed", "boolean"),
            answer("lists_changed", "boolean"),
            array("list_delta", LIST_ENTRY),
            array(
                "commands",
                [
                    answer("id", "integer"),
                    answer("kind"),
                    answer("payload", "object"),
                ],
            ),
            answer("epoch", "integer"),
        ],
    ),
    Message(
        "config",
        "config",
        EVERY_KIND,
        [],
        [
            answer("terminal"),
            answer("name"),
            answer("kind"),
            answer("mode"),
            answer("online", "boolean"),
            answer("fixed_amount", "number"),
            answer("offline_limit", "number"),
            answer("repeat_interval", "integer"),
            answer("pin_threshold", "number"),
            array(
                "keys",
                [
                    answer("key", "integer"),
                    answer("name"),
                    answer("amount", "number"),
                ],
            ),
            array(
                "meal_periods",
                [
                    answer("code"),
                    answer("name"),
                    answer("start", "number"),
                    answer("end", "number"),
                ],
            ),
            answer("timezone"),
            answer("currency"),
            answer("decimals", "integer"),
            answer("heartbeat_interval", "integer"),
            answer("config_version"),
            answer("server_time", "integer"),
            answer("primary_server"),
            answer("fallback_server"),
            answer("failback_minutes", "integer"),
        ],
    ),
    Message(
        "lists",
        "lists",
        EVERY_KIND,
        [integer("since")],
        [
            answer("version", "integer", True),
            answer("full", "boolean", True),
            array("blacklist", "string"),
            array("whitelist", "string"),
            array("entries", LIST_ENTRY),
        ],
    ),
    Message(
        "swipe",
        "swipe",
        SWIPERS,
        [
            text("uid", True),
            amount("amount"),
            integer("key"),
            text("pin"),
            integer("seq"),
            integer("epoch", default=0),
            text("idempotency_key"),
            time("time"),
        ],
        SWIPE_ANSWER,
    ),
    Message(
        "upload",
        "upload",
        SWIPERS,
        [array("records", RECORD, True, max_items=MAX_UPLOAD)],
        [
            answer("accepted", "integer"),
            array("results", SWIPE_ANSWER),
            answer("last_seq", "integer"),
            array("gaps", PAIR),
        ],
    ),
    Message(
        "sequence_reset",
        "sequence/reset",
        SWIPERS,
        [],
        [
            answer("epoch", "integer", True, bounds=(1, MAX_INT)),
            answer("server_time", "integer", True),
        ],
    ),
    Message(
        "totals",
        "totals",
        EVERY_KIND,
        [text("uid")],
        [
            answer("holder"),
            answer("terminal"),
            obj("today", COUNT),
            obj("meal", (answer("period", nullable=True), *COUNT)),
        ],
    ),
    Message(
        "operator_login",
        "operator/login",
        ("cashier",),
        [text("uid", True), text("pin")],
        [answer("session", required=True), answer("operator", required=True)],
    ),
    Message(
        "operator_logout",
        "operator/logout",
        ("cashier",),
        [text("session", True)],
        [answer("ok", "boolean")],
    ),
    Message("cashier_topup", "cashier/topup", ("cashier",), CASHIER, MONEY_ANSWER),
    Message("cashier_refund", "cashier/refund", ("cashier",), CASHIER, MONEY_ANSWER),
    Message(
        "kiosk_balance",
        "kiosk/balance",
        ("kiosk", "subsidy", "cashier"),
        [text("uid", True)],
        [
            answer("holder"),
            answer("card_state"),
            BALANCES,
            answer("subsidy_pending", "boolean"),
        ],
    ),
    Message(
        "kiosk_collect",
        "kiosk/collect",
        ("kiosk", "subsidy"),
        [text("uid", True)],
        [answer("holder"), answer("collected", "number"), BALANCES],
    ),
    Message(
        "kiosk_topup",
        "kiosk/topup",
        ("kiosk",),
        [
            text("uid", True),
            amount("amount", True),
            text("method", True),
            text("reference", True, min_length=1),
        ],
        MONEY_ANSWER,
    ),
)
MESSAGES = {message.name: message for message in _MESSAGES}
