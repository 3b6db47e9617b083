"""Message handlers of the terminal protocol, shared by every transport.

The HTTP controller (``controllers/terminal_api.py``) and the binary gateway
(``cli/``) authenticate the terminal, decode the request into a plain dict
and call::

    env["onecard.terminal.service"].handle(terminal, message, payload) -> dict

inside a transaction they own (see ``gateway/retry.run_committed``: commit, then
answer; retry serialization failures at once). Handlers validate the payload
strictly (unknown fields, wrong types, out-of-range numbers raise
``TerminalError`` with a 400 code), never commit, and return plain JSON-able
dicts. A business decline of a swipe is NOT an error: it is an answer with
``approved: false`` and a stable ``code`` (see onecard.consumption REASONS).

Messages and payloads (all fields optional unless marked *):

heartbeat   {list_version:int, config_version:str, firmware:str, time:int (terminal
clock,
             unix s), last_seq:int, results:[{id*:int, ok*:bool, result:str}]}
            -> {server_time, list_version, config_version, config_changed,
            lists_changed,
                list_delta (when small and list_version given), commands:[{id, kind,
                payload}], epoch (the terminal's current sequence epoch)}
config      {} -> the settings to apply (mode, fixed_amount, keys, meal_periods, ...)
lists       {since:int} -> {version, full, blacklist, whitelist} or {version,
full:false, entries} swipe       {uid*:str, amount:number, key:int, pin:str, seq:int,
epoch:int, idempotency_key:str, time:int}
            -> the engine's answer (approved, code, message, display, amount, balances,
            ...);
               code sequence_conflict: (epoch, seq) or the key was used for another
               request
upload      {records*:[{seq*:int, epoch:int, uid*:str, amount:number, key:int,
time*:int}]}
            -> {accepted, results:[{seq, ...answer}], last_seq, gaps:[[from, to], ...]}
sequence_reset  {} -> {epoch, server_time}: a new sequence epoch (records numbered from
1 again) totals      {uid:str} -> {today:{count, amount}, meal:{period, count, amount}}
(card or terminal) operator_login  {uid*:str, pin:str} -> {session, operator}
operator_logout {session*:str} -> {ok}
cashier_topup   {session*:str, uid*:str, amount*:number, method:str, request_id*:str}
cashier_refund  {session*:str, uid*:str, amount*:number, method:str, request_id*:str}
kiosk_balance   {uid*:str} -> {holder, balances, subsidy_pending}
kiosk_collect   {uid*:str} -> {collected, balances}
kiosk_topup     {uid*:str, amount*:number, method*:str, reference*:str}
"""

import hashlib
import json
import math
import secrets
from datetime import datetime, timedelta, timezone
from datetime import time as dtime

import pytz

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.onecard_consume.models.onecard_ledger import IdempotencyConflict
from odoo.addons.onecard_consume.tools import check_pin, normalize_uid

from ..lib.errors import TerminalError
from ..lib.signing import MAX_SKEW, verify

MAX_INT = 2**31 - 1
MAX_AMOUNT = 1000000
MAX_UPLOAD = 500
SMALL_DELTA = 200
INT = "int"
NUM = "number"
BOOL = "bool"
LIST = "list"

# message -> {field: (type, required, max length / bounds)}
SCHEMAS = {
    "heartbeat": {
        "list_version": (INT, False),
        "config_version": (str, False),
        "firmware": (str, False),
        "time": (INT, False),
        "last_seq": (INT, False),
        "results": (LIST, False),
    },
    "config": {},
    "lists": {"since": (INT, False)},
    "swipe": {
        "uid": (str, True),
        "amount": (NUM, False),
        "key": (INT, False),
        "pin": (str, False),
        "seq": (INT, False),
        "epoch": (INT, False),
        "idempotency_key": (str, False),
        "time": (INT, False),
    },
    "upload": {"records": (LIST, True)},
    "sequence_reset": {},
    "totals": {"uid": (str, False)},
    "operator_login": {"uid": (str, True), "pin": (str, False)},
    "operator_logout": {"session": (str, True)},
    "cashier_topup": {
        "session": (str, True),
        "uid": (str, True),
        "amount": (NUM, True),
        "method": (str, False),
        "request_id": (str, True),
    },
    "cashier_refund": {
        "session": (str, True),
        "uid": (str, True),
        "amount": (NUM, True),
        "method": (str, False),
        "request_id": (str, True),
    },
    "kiosk_balance": {"uid": (str, True)},
    "kiosk_collect": {"uid": (str, True)},
    "kiosk_topup": {
        "uid": (str, True),
        "amount": (NUM, True),
        "method": (str, True),
        "reference": (str, True),
    },
}
RECORD_SCHEMA = {
    "seq": (INT, True),
    "epoch": (INT, False),
    "uid": (str, True),
    "amount": (NUM, False),
    "key": (INT, False),
    "time": (INT, True),
    "pin": (str, False),
}
RESULT_SCHEMA = {"id": (INT, True), "ok": (BOOL, True), "result": (str, False)}
# Terminal kinds allowed to send a message (None = every kind).
KINDS = {
    "swipe": ("consume", "cashier"),
    "upload": ("consume", "cashier"),
    "sequence_reset": ("consume", "cashier"),
    "operator_login": ("cashier",),
    "operator_logout": ("cashier",),
    "cashier_topup": ("cashier",),
    "cashier_refund": ("cashier",),
    "kiosk_balance": ("kiosk", "subsidy", "cashier"),
    "kiosk_collect": ("kiosk", "subsidy"),
    "kiosk_topup": ("kiosk",),
}


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def _check_value(env, name, value, kind):  # noqa: C901 (one branch per type)
    """Type and range check of one JSON value; raises TerminalError."""
    if kind is INT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TerminalError(
                "invalid_type", env._("Field %(field)s must be an integer.", field=name)
            )
        if not 0 <= value <= MAX_INT and name not in ("time",):
            raise TerminalError(
                "out_of_range", env._("Field %(field)s is out of range.", field=name)
            )
        if (
            name == "time" and not 946684800 <= value <= 4102444800
        ):  # 2000-01-01 .. 2100-01-01
            raise TerminalError(
                "out_of_range",
                env._("Field %(field)s is not a plausible time.", field=name),
            )
    elif kind is NUM:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TerminalError(
                "invalid_type", env._("Field %(field)s must be a number.", field=name)
            )
        if (
            isinstance(value, float)
            and not math.isfinite(value)
            or not 0 <= value <= MAX_AMOUNT
        ):
            raise TerminalError(
                "out_of_range", env._("Field %(field)s is out of range.", field=name)
            )
    elif kind is BOOL:
        if not isinstance(value, bool):
            raise TerminalError(
                "invalid_type",
                env._("Field %(field)s must be true or false.", field=name),
            )
    elif kind is LIST:
        if not isinstance(value, list):
            raise TerminalError(
                "invalid_type", env._("Field %(field)s must be a list.", field=name)
            )
    elif kind is str:
        if not isinstance(value, str):
            raise TerminalError(
                "invalid_type", env._("Field %(field)s must be a string.", field=name)
            )
        if len(value) > 128:
            raise TerminalError(
                "out_of_range", env._("Field %(field)s is too long.", field=name)
            )
        try:
            value.encode("utf-8")  # lone surrogates ("\\udc00") cannot be stored
        except UnicodeEncodeError:
            raise TerminalError(
                "invalid_value", env._("Field %(field)s is not valid text.", field=name)
            ) from None
        if "\x00" in value:
            raise TerminalError(
                "invalid_value",
                env._("Field %(field)s contains a NUL character.", field=name),
            )


def validate(env, payload, schema, where=""):
    """Strictly check a JSON object against a schema; return it as a dict."""
    if not isinstance(payload, dict):
        raise TerminalError(
            "invalid_body",
            env._("The body must be a JSON object%(where)s.", where=where),
        )
    unknown = sorted(set(payload) - set(schema))
    if unknown:
        raise TerminalError(
            "unknown_field",
            env._(
                "Unknown field: %(field)s.", field=", ".join(map(str, unknown))[:200]
            ),
        )
    for name, (kind, required) in schema.items():
        value = payload.get(name)
        if value is None:
            if required:
                raise TerminalError(
                    "missing_field", env._("Missing field: %(field)s.", field=name)
                )
            continue
        _check_value(env, name, value, kind)
    return payload


class OnecardTerminalService(models.AbstractModel):
    _name = "onecard.terminal.service"
    _description = "Terminal Protocol Service"

    # ------------------------------------------------------------ entry points
    @api.model
    def authenticate(
        self, serial, method, path, timestamp, body, signature, now=None, nonce=None
    ):
        """Check the signature of a request; return the (sudo) terminal.

        Raises TerminalError 401 for a missing header, an unknown or archived
        terminal, a bad or stale timestamp, a bad signature, or a signature
        seen before (replay). The accepted signature is recorded in
        onecard.terminal.nonce (unique index) in the caller's transaction:
        a concurrent copy of the same request waits on that index until the
        first one commits, then finds it (replayed); if the first one rolls
        back, nothing of it happened and the copy may go ahead.
        """
        terminal_id = self._check_signature(
            serial, method, path, timestamp, body, signature, now=now, nonce=nonce
        )
        terminal = (
            self.env["onecard.terminal"]
            .sudo()
            .with_context(active_test=False)
            .browse(terminal_id)
        )
        if not self.env["onecard.terminal.nonce"]._use(
            terminal, signature.strip().lower()
        ):
            raise self._replayed()
        return terminal

    def _replayed(self):
        return TerminalError(
            "replayed",
            self.env._(
                "This request was already received; sign again with a new timestamp."
            ),
        )

    def _check_signature(
        self, serial, method, path, timestamp, body, signature, now=None, nonce=None
    ):
        """The id of the active terminal that signed this request (the nonce is not
        burnt here)."""
        if not serial or not timestamp or not signature:
            raise TerminalError(
                "missing_auth",
                self.env._(
                    "X-Terminal, X-Timestamp and X-Signature headers are required."
                ),
            )
        terminal_id, secret, active = self._terminal_secret(serial)
        if not terminal_id or not secret:
            raise TerminalError("unknown_terminal", self.env._("Unknown terminal."))
        error = verify(
            secret, method, path, timestamp, body, signature, now=now, nonce=nonce
        )
        if error == "bad_timestamp":
            raise TerminalError(error, self.env._("X-Timestamp must be unix seconds."))
        if error == "stale_timestamp":
            raise TerminalError(
                error,
                self.env._(
                    "The request time is more than %(skew)s seconds away from "
                    "the server clock.",
                    skew=MAX_SKEW,
                ),
            )
        if error:
            raise TerminalError("bad_signature", self.env._("Invalid signature."))
        if not active:
            raise TerminalError(
                "terminal_inactive", self.env._("This terminal is archived.")
            )
        return terminal_id

    @api.model
    def serve_signed(self, message, request):
        """One signed HTTP request, whichever front end received it (Odoo controller,
        gateway).

        request: dict(serial, method, path, timestamp, body (bytes), signature,
        nonce) from the headers. Authenticates (burning the signature), decodes
        the JSON body and handles the message; the caller owns the transaction
        and commits it before answering.
        """
        terminal = self.authenticate(
            request["serial"],
            request["method"],
            request["path"],
            request["timestamp"],
            request["body"],
            request["signature"],
            nonce=request.get("nonce"),
        )
        payload = self._decode(request["body"])
        _kind, _company, lang = self._terminal_meta(terminal.id)
        handler = self.with_context(lang=lang or self.env.lang)
        return handler.handle(terminal.with_env(handler.env), message, payload)

    @api.model
    def serve_signed_swipes(self, requests):
        """Many signed HTTP swipe requests in one go (the gateway's HTTP front end,
        group commit).

        Same checks as ``serve_signed`` for each; the signatures are burnt with
        one statement, then the valid swipes are decided in one engine batch.
        Returns, per request, the answer or the TerminalError refusing it.
        """
        results, accepted, burn = [None] * len(requests), [], {}
        for index, request in enumerate(requests):
            try:
                terminal_id = self._check_signature(
                    request["serial"],
                    request["method"],
                    request["path"],
                    request["timestamp"],
                    request["body"],
                    request["signature"],
                    nonce=request.get("nonce"),
                )
                signature = request["signature"].strip().lower()
                if signature in burn:
                    raise self._replayed()
                burn[signature] = terminal_id
                accepted.append((index, terminal_id, signature))
            except TerminalError as exc:
                results[index] = exc
        fresh = self.env["onecard.terminal.nonce"]._use_many(burn)
        swipes = []
        for index, terminal_id, signature in accepted:
            try:
                if signature not in fresh:
                    raise self._replayed()
                swipes.append(
                    (index, terminal_id, self._decode(requests[index]["body"]))
                )
            except TerminalError as exc:
                results[index] = exc
        answers = self.handle_swipes(
            [(terminal_id, payload) for _i, terminal_id, payload in swipes]
        )
        for (index, _t, _p), answer in zip(swipes, answers, strict=False):
            results[index] = answer
        return results

    def _decode(self, body):
        """The JSON body as Python values; any malformed body is a 400, never a 500."""
        try:
            return (
                json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
                if body.strip()
                else {}
            )
        except (ValueError, RecursionError) as exc:
            raise TerminalError(
                "invalid_json", self.env._("The body is not valid JSON.")
            ) from exc

    @api.model
    @tools.ormcache("serial")
    def _terminal_secret(self, serial):
        """(id, secret, active) of the terminal with this serial number, cached per
        process.

        Cleared when a terminal's serial, secret or active flag changes
        (onecard.config.cache).
        """
        terminal = (
            self.env["onecard.terminal"]
            .sudo()
            .with_context(active_test=False)
            .search([("serial_number", "=", serial)], limit=1)
        )
        return terminal.id, terminal.secret, terminal.active

    @api.model
    def handle(self, terminal, message, payload):
        """Validate ``payload`` for ``message`` and run its handler.

        terminal: onecard.terminal record (authenticated); message: a key of
        SCHEMAS; payload: decoded JSON (any type). Returns a dict; raises
        TerminalError for a refused request. Runs as superuser in the
        terminal's company; the caller owns the transaction.
        """
        if message not in SCHEMAS:
            raise TerminalError(
                "not_found",
                self.env._("Unknown message %(message)s.", message=str(message)[:64]),
            )
        if payload is None:
            payload = {}
        payload = validate(self.env, payload, SCHEMAS[message])
        kind, company_id, _lang = self._terminal_meta(terminal.id)
        kinds = KINDS.get(message)
        if kinds and kind not in kinds:
            raise TerminalError(
                "wrong_terminal_kind",
                self.env._("This terminal cannot send %(message)s.", message=message),
            )
        terminal = terminal.sudo().with_company(company_id)
        self = self.sudo().with_company(company_id)
        try:
            return getattr(self, "_msg_" + message)(terminal, payload)
        except IdempotencyConflict as exc:
            raise TerminalError(
                "idempotency_conflict", str(exc.args[0] if exc.args else exc)
            ) from exc
        except (UserError, ValidationError) as exc:
            raise TerminalError(
                "refused", str(exc.args[0] if exc.args else exc)
            ) from exc

    # ------------------------------------------------------------ status / setup
    def _msg_heartbeat(self, terminal, payload):
        """Record that the terminal is alive; tell it what changed; hand out
        commands."""
        for result in payload.get("results") or []:
            validate(self.env, result, RESULT_SCHEMA, where=" (results)")
        now = fields.Datetime.now()
        drift = (
            int(payload["time"] - now.replace(tzinfo=timezone.utc).timestamp())
            if payload.get("time")
            else None
        )
        self.env.cr.execute(
            """
            UPDATE onecard_terminal SET last_seen = %s, clock_drift = COALESCE(%s,
            clock_drift),
                   firmware = COALESCE(%s, firmware), list_version = COALESCE(%s,
                   list_version), silent = false
             WHERE id = %s
        """,
            [
                now,
                drift,
                payload.get("firmware"),
                payload.get("list_version"),
                terminal.id,
            ],
        )
        terminal.invalidate_recordset(
            ["last_seen", "clock_drift", "firmware", "list_version", "silent"]
        )
        self.env["onecard.terminal.command"]._report(
            terminal, payload.get("results") or []
        )
        version = terminal.company_id.onecard_list_version
        config_version = self._config_version(terminal)
        answer = {
            "server_time": int(now.replace(tzinfo=timezone.utc).timestamp()),
            "list_version": version,
            "config_version": config_version,
            "config_changed": payload.get("config_version")
            not in (None, config_version),
            "lists_changed": payload.get("list_version") is not None
            and payload["list_version"] != version,
            "commands": self.env["onecard.terminal.command"]._hand_out(terminal),
            "epoch": terminal.seq_epoch,
        }
        since = payload.get("list_version")
        if since is not None and since != version:
            delta = self.env["onecard.list.entry"]._delta(
                terminal.company_id, since, limit=SMALL_DELTA
            )
            if delta is not None:
                answer["list_delta"] = delta
        return answer

    def _config_values(self, terminal):
        currency = terminal.currency_id
        periods = self.env["onecard.meal.period"].search(
            [("company_id", "in", [terminal.company_id.id, False])]
        )
        return {
            "terminal": terminal.code,
            "name": terminal.name,
            "kind": terminal.terminal_kind,
            "mode": terminal.mode,
            "online": terminal.online_mode,
            "fixed_amount": currency.round(terminal.fixed_amount),
            "offline_limit": currency.round(terminal.offline_limit),
            "repeat_interval": terminal.repeat_interval,
            "pin_threshold": currency.round(terminal.pin_threshold),
            "keys": [
                {"key": k.key, "name": k.name or "", "amount": currency.round(k.amount)}
                for k in terminal.key_ids.sorted("key")
            ],
            "meal_periods": [
                {
                    "code": p.code,
                    "name": p.name,
                    "start": p.start_hour,
                    "end": p.end_hour,
                }
                for p in periods
            ],
            "timezone": terminal.company_id.partner_id.tz or "UTC",
            "currency": currency.name,
            "decimals": currency.decimal_places,
            "heartbeat_interval": terminal._heartbeat_interval(),
        }

    def _config_version(self, terminal):
        blob = json.dumps(self._config_values(terminal), sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def _msg_config(self, terminal, payload):
        """Settings the terminal applies, with the server clock (set_time)."""
        values = self._config_values(terminal)
        values["config_version"] = hashlib.sha256(
            json.dumps(values, sort_keys=True, default=str).encode()
        ).hexdigest()[:16]
        values["server_time"] = int(datetime.now(timezone.utc).timestamp())
        return values

    def _msg_lists(self, terminal, payload):
        """Full black/white lists, or the delta since the terminal's version."""
        company = terminal.company_id
        entries = self.env["onecard.list.entry"]
        version = company.onecard_list_version
        since = payload.get("since")
        answer = None
        if since is not None and since <= version:
            delta = entries._delta(company, since)
            if delta is not None:
                answer = {"version": version, "full": False, "entries": delta}
        if answer is None:
            answer = dict(entries._full(company), version=version, full=True)
        self.env.cr.execute(
            "UPDATE onecard_terminal SET list_version = %s WHERE id = %s",
            [version, terminal.id],
        )
        terminal.invalidate_recordset(["list_version"])
        return answer

    # ------------------------------------------------------------ money
    def _business_time(self, unix):
        if unix is None:
            return None
        return datetime.fromtimestamp(unix, timezone.utc).replace(tzinfo=None)

    def _msg_swipe(self, terminal, payload):
        """Real-time swipe: the engine's answer (idempotent by key or seq)."""
        return self.env["onecard.consumption"].swipe_many(
            [self._swipe_request(terminal.id, payload)]
        )[0]

    def _swipe_request(self, terminal_id, payload, offline=False):
        key = payload.get("idempotency_key")
        return {
            "terminal_id": terminal_id,
            "uid": payload["uid"],
            "amount": payload.get("amount"),
            "key": payload.get("key"),
            "pin": payload.get("pin"),
            "idempotency_key": key and f"T{terminal_id}:{key}",
            "terminal_seq": payload.get("seq"),
            "terminal_epoch": payload.get("epoch") or 0,
            "business_time": self._business_time(payload.get("time")),
            "offline": offline,
        }

    @api.model
    def handle_swipes(self, swipes):
        """Many real-time swipes at once (the gateway's group commit).

        swipes: [(terminal id, payload)]. Each payload is checked like
        ``handle(terminal, "swipe", payload)``; the valid ones are decided by
        the engine in one batch per company, in order. Returns a list with,
        for each swipe, the engine's answer or the TerminalError refusing it.
        The caller owns the transaction.
        """
        results, groups = [None] * len(swipes), {}
        settings = self.env["onecard.consumption"]
        memo = (
            settings._settings_memo()
        )  # the terminal's kind, company, language: once per process
        for index, (terminal_id, payload) in enumerate(swipes):
            kind, company_id, lang = settings._memo(
                memo, "_terminal_meta", terminal_id, model=self
            )
            try:
                payload = validate(
                    self.env, payload if payload is not None else {}, SCHEMAS["swipe"]
                )
                if kind not in KINDS["swipe"]:
                    raise TerminalError(
                        "wrong_terminal_kind",
                        self.env._(
                            "This terminal cannot send %(message)s.", message="swipe"
                        ),
                    )
            except TerminalError as exc:
                results[index] = exc
                continue
            groups.setdefault((company_id, lang), []).append(
                (index, self._swipe_request(terminal_id, payload))
            )
        for (company_id, lang), group in groups.items():
            engine = (
                self.env["onecard.consumption"]
                .sudo()
                .with_company(company_id)
                .with_context(lang=lang or self.env.lang)
            )
            for (index, _request), answer in zip(
                group,
                engine.swipe_many([request for _i, request in group]),
                strict=False,
            ):
                results[index] = answer
        return results

    @api.model
    @tools.ormcache("terminal_id")
    def _terminal_meta(self, terminal_id):
        """Kind, company and answer language (None: the request's) of a terminal, cached
        per process.

        Cleared when they change (onecard.config.cache on terminals, res.partner
        language).
        """
        terminal = (
            self.env["onecard.terminal"]
            .sudo()
            .with_context(active_test=False)
            .browse(terminal_id)
        )
        return (
            terminal.terminal_kind,
            terminal.company_id.id,
            terminal.company_id.partner_id.lang or None,
        )

    def _msg_upload(self, terminal, payload):
        """Offline records in sequence order; idempotent by (terminal, seq); reports
        gaps."""
        records = payload["records"]
        if len(records) > MAX_UPLOAD:
            raise TerminalError(
                "out_of_range",
                self.env._("At most %(max)s records per upload.", max=MAX_UPLOAD),
            )
        for record in records:
            validate(self.env, record, RECORD_SCHEMA, where=" (records)")
        numbers = [(r.get("epoch") or 0, r["seq"]) for r in records]
        if len(set(numbers)) != len(numbers):
            raise TerminalError(
                "invalid_value", self.env._("Duplicate sequence numbers in one upload.")
            )
        # last_seq and gaps are about the terminal's current epoch; older epochs'
        # records are late ones
        epoch = terminal.seq_epoch
        seqs = [seq for record_epoch, seq in numbers if record_epoch == epoch]
        previous = terminal.last_seq or 0
        records = sorted(records, key=lambda r: (r.get("epoch") or 0, r["seq"]))
        answers = self.env["onecard.consumption"].swipe_many(
            [
                self._swipe_request(terminal.id, record, offline=True)
                for record in records
            ]
        )
        results = [
            dict(answer, seq=record["seq"], epoch=record.get("epoch") or 0)
            for record, answer in zip(records, answers, strict=False)
        ]
        top = max(seqs + [previous])
        if top != previous:
            self.env.cr.execute(
                "UPDATE onecard_terminal SET last_seq = GREATEST(last_seq, %s) "
                "WHERE id = %s",
                [top, terminal.id],
            )
            terminal.invalidate_recordset(["last_seq"])
        # A record refused as a sequence conflict is not accepted (nothing was booked
        # for it).
        accepted = sum(1 for result in results if result["code"] != "sequence_conflict")
        return {
            "accepted": accepted,
            "results": results,
            "last_seq": max(top, previous),
            "gaps": self._gaps(terminal, top, epoch),
        }

    def _msg_sequence_reset(self, terminal, payload):
        """Start a new sequence epoch: the terminal numbers its records from 1 again.

        For a legitimate counter reset (firmware reset, new main board). Cannot
        give a free meal: a record is identified by (terminal, epoch, seq) and
        a known one replays only when it is the same request (digest).
        """
        return {
            "epoch": terminal._start_sequence_epoch(),
            "server_time": int(datetime.now(timezone.utc).timestamp()),
        }

    def _gaps(self, terminal, top, epoch=0, window=10000):
        """Missing sequence numbers (ranges) of ``epoch`` below ``top``, over the last
        ``window`` numbers."""
        low = max(1, top - window + 1)
        if top < low:
            return []
        self.env.cr.execute(
            """
            SELECT s FROM generate_series(%s::int, %s::int) s
             WHERE NOT EXISTS (SELECT 1 FROM onecard_operation o
                                WHERE o.terminal_id = %s AND o.terminal_epoch = %s AND
                                o.terminal_seq = s)
             ORDER BY s
        """,
            [low, top, terminal.id, epoch],
        )
        missing = [row[0] for row in self.env.cr.fetchall()]
        ranges = []
        for seq in missing:
            if ranges and ranges[-1][1] == seq - 1:
                ranges[-1][1] = seq
            else:
                ranges.append([seq, seq])
        return ranges

    def _local_bounds(self, terminal):
        """Today (00:00 to now) and the current meal period, in UTC, by company time
        zone."""
        tz = pytz.timezone(terminal.company_id.partner_id.tz or "UTC")
        local_now = datetime.now(timezone.utc).astimezone(tz)
        start = (
            tz.localize(datetime.combine(local_now.date(), dtime.min))
            .astimezone(timezone.utc)
            .replace(tzinfo=None)
        )
        period = self.env["onecard.meal.period"]._find(local_now, terminal.company_id)
        meal_start = None
        if period:
            hours = timedelta(hours=period.start_hour)
            meal_start = (
                tz.localize(datetime.combine(local_now.date(), dtime.min) + hours)
                .astimezone(timezone.utc)
                .replace(tzinfo=None)
            )
        return start, period, meal_start

    def _sum(self, where, since):
        query = SQL(
            """
            SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM onecard_operation
             WHERE kind = 'consume' AND state = 'approved' AND reversed_by_id IS NULL
               AND business_time >= %s AND %s
        """,
            since,
            where,
        )
        self.env.cr.execute(query)
        count, amount = self.env.cr.fetchone()
        return {"count": count, "amount": float(amount)}

    def _msg_totals(self, terminal, payload):
        """Consumption totals today and this meal, for a card (uid) or this terminal."""
        if payload.get("uid"):
            card = self._card(terminal, payload["uid"])
            where = SQL("cardholder_id = %s", card.cardholder_id.id)
            scope = {"holder": card.cardholder_id.name}
        else:
            where = SQL("terminal_id = %s", terminal.id)
            scope = {"terminal": terminal.code}
        start, period, meal_start = self._local_bounds(terminal)
        meal = (
            dict(self._sum(where, meal_start), period=period.code)
            if period
            else {"period": None, "count": 0, "amount": 0.0}
        )
        return dict(scope, today=self._sum(where, start), meal=meal)

    # ------------------------------------------------------------ operators / cashier
    def _card(self, terminal, uid):
        card = self.env["onecard.card"]._find_by_uid(uid, terminal.company_id)
        if not card or not normalize_uid(uid):
            raise TerminalError("unknown_card", self.env._("Unknown card."))
        return card

    def _msg_operator_login(self, terminal, payload):
        """An operator card logs its Odoo user in on a cashier terminal."""
        card = self._card(terminal, payload["uid"])
        user = card.user_id
        if (
            card.kind not in ("operator", "admin")
            or card.state != "active"
            or not user
            or not user.active
            or not user.has_group("onecard_consume.group_onecard_operator")
        ):
            raise TerminalError(
                "not_operator", self.env._("This card cannot log in an operator.")
            )
        pin_hash = card.cardholder_id.sudo().pin_hash
        if pin_hash and not check_pin(payload.get("pin") or "", pin_hash):
            raise TerminalError("not_operator", self.env._("Wrong PIN."))
        token = secrets.token_urlsafe(24)
        terminal.write(
            {
                "operator_user_id": user.id,
                "operator_session": hashlib.sha256(token.encode()).hexdigest(),
                "operator_since": fields.Datetime.now(),
            }
        )
        return {"session": token, "operator": user.name}

    def _operator(self, terminal, session):
        digest = hashlib.sha256(session.encode()).hexdigest()
        if (
            not terminal.operator_session
            or not terminal.operator_user_id
            or not secrets.compare_digest(digest, terminal.operator_session)
        ):
            raise TerminalError(
                "operator_required", self.env._("Log in with an operator card first.")
            )
        return terminal.operator_user_id

    def _msg_operator_logout(self, terminal, payload):
        self._operator(terminal, payload["session"])
        terminal.write(
            {
                "operator_user_id": False,
                "operator_session": False,
                "operator_since": False,
            }
        )
        return {"ok": True}

    def _method(self, code, default="cash"):
        method = self.env["onecard.payment.method"].search(
            [("code", "=", code or default)], limit=1
        )
        if not method:
            raise TerminalError(
                "invalid_value",
                self.env._(
                    "Unknown payment method %(method)s.", method=(code or default)[:32]
                ),
            )
        return method

    def _cashier(self, terminal, payload, operation):
        user = self._operator(terminal, payload["session"])
        card = self._card(terminal, payload["uid"])
        method = self._method(payload.get("method"))
        desk = card.with_user(user).sudo()
        key = "T{}:{}".format(terminal.id, payload["request_id"])
        result = getattr(desk, operation)(payload["amount"], method, key=key)
        self.env.cr.execute(
            "UPDATE onecard_operation SET terminal_id = %s WHERE id = %s AND "
            "terminal_id IS NULL",
            [terminal.id, result["operation_id"]],
        )
        return dict(
            result,
            holder=card.cardholder_id.name,
            operator=user.name,
            balances=self._balances(card.cardholder_id),
        )

    def _msg_cashier_topup(self, terminal, payload):
        return self._cashier(terminal, payload, "topup")

    def _msg_cashier_refund(self, terminal, payload):
        return self._cashier(terminal, payload, "refund")

    # ------------------------------------------------------------ kiosk
    def _balances(self, holder):
        holder.invalidate_recordset(["wallet_ids"])
        return {w.kind: w.balance for w in holder.wallet_ids}

    def _msg_kiosk_balance(self, terminal, payload):
        card = self._card(terminal, payload["uid"])
        holder = card.cardholder_id
        return {
            "holder": holder.name,
            "card_state": card.state,
            "balances": self._balances(holder),
            "subsidy_pending": holder.subsidy_pending,
        }

    def _msg_kiosk_collect(self, terminal, payload):
        """Collect pending subsidies (collection-mode batches) at a kiosk."""
        card = self._card(terminal, payload["uid"])
        if card.state != "active":
            raise TerminalError(
                "refused", self.env._("Card %(card)s is not active.", card=card.number)
            )
        holder = card.cardholder_id
        self.env.cr.execute(
            "SELECT subsidy_pending FROM onecard_cardholder WHERE id = %s FOR UPDATE",
            [holder.id],
        )
        pending = self.env.cr.fetchone()[0]
        collected = (
            self.env["onecard.subsidy.batch"]._collect(holder) if pending else 0.0
        )
        holder.invalidate_recordset(["subsidy_pending"])
        return {
            "holder": holder.name,
            "collected": collected,
            "balances": self._balances(holder),
        }

    def _msg_kiosk_topup(self, terminal, payload):
        """Top-up paid outside (WeChat/Alipay...); the payment reference is the
        idempotency key."""
        card = self._card(terminal, payload["uid"])
        method = self._method(payload["method"])
        key = "kiosk:{}:{}".format(method.code, payload["reference"])
        try:
            result = card.topup(
                payload["amount"], method, key=key, reference=payload["reference"]
            )
        except (
            IdempotencyConflict
        ) as exc:  # the same payment reference for another card or amount
            raise TerminalError(
                "reference_reused",
                self.env._("This payment reference was already used."),
            ) from exc
        if result.get("replay"):
            self.env.cr.execute(
                "SELECT card_id, amount FROM onecard_operation WHERE id = %s",
                [result.get("operation_id")],
            )
            row = self.env.cr.fetchone()
            if row and (
                row[0] != card.id
                or terminal.currency_id.compare_amounts(
                    float(row[1]), payload["amount"]
                )
            ):
                raise TerminalError(
                    "reference_reused",
                    self.env._("This payment reference was already used."),
                )
        else:
            self.env.cr.execute(
                "UPDATE onecard_operation SET terminal_id = %s WHERE id = %s",
                [terminal.id, result["operation_id"]],
            )
        return dict(
            result,
            holder=card.cardholder_id.name,
            balances=self._balances(card.cardholder_id),
        )
