"""Consumption rules: what a terminal asks when a card is swiped.

``swipe`` is the one entry point of every channel (terminal API, gateway,
desk back-entry). It never raises for a business refusal: it returns an
answer with a stable reason code, stored under the request key so a replay
gets the same answer. Cost per swipe is a handful of indexed statements,
whatever the history size: limits and counts come from counters kept on the
cardholder row, never from scanning the ledger; terminal, category and meal
period settings come from a per-process cache cleared when they change.
Swipes are decided in batches (``swipe_many``; ``swipe`` is a batch of one)
with two statements per batch, whatever its size: one looking up replays and
locking the cards' holders and wallets, one writing the operations, ledger
rows, balances and usage counters. The gateway's group commit relies on
that: a burst of swipes costs about what one swipe costs. Only records dated
before their terminal last moved (offline uploads, back-entries) cost one more
statement per batch: the canteen the terminal had at their business time.

A replay must BE a replay: every request is stored with a digest of what
makes it that request (``request_digest``). A request that comes back under
a known key or (terminal, epoch, sequence) with another digest (a terminal
whose counter restarted, a key reused for another swipe) is refused with
``sequence_conflict``: nothing booked, no operation, the terminal alerted.
"""

import hashlib
import logging
import uuid

import pytz

from odoo import api, fields, models, tools
from odoo.tools.translate import LazyTranslate

from ..tools import normalize_uid
from ..tools import swipe_rules as rules
from ..tools.prepared import execute_prepared
from .onecard_card import LIVE_STATES
from .onecard_ledger import chain_row

_lt = LazyTranslate(__name__)
_logger = logging.getLogger(__name__)

REASONS = {
    "ok": _lt("Approved"),
    "unknown_card": _lt("Unknown card"),
    "card_lost": _lt("Card reported lost"),
    "card_frozen": _lt("Card frozen"),
    "card_returned": _lt("Card returned"),
    "card_expired": _lt("Card expired"),
    "card_kind": _lt("This card cannot pay"),
    "holder_inactive": _lt("Account closed or frozen"),
    "terminal_not_allowed": _lt("Not allowed at this terminal"),
    "outside_meal_period": _lt("No meal served now"),
    "meal_period_not_allowed": _lt("Meal period not allowed"),
    "meal_count_exceeded": _lt("Meals for this period used up"),
    "repeat_swipe": _lt("Already swiped, wait a moment"),
    "meal_limit": _lt("Meal limit reached"),
    "daily_limit": _lt("Daily limit reached"),
    "pin_required": _lt("Enter PIN"),
    "pin_wrong": _lt("Wrong PIN"),
    "pin_locked": _lt("PIN locked, see the card office"),
    "insufficient_balance": _lt("Insufficient balance"),
    "invalid_amount": _lt("Invalid amount"),
    "invalid_key": _lt("Undefined key"),
    "no_price": _lt("No price for this meal"),
    "sequence_conflict": _lt("Record number already used: refused"),
}
DIGEST_VERSION = "1"


def request_digest(request, uid):
    """Digest of what makes a swipe request this request (stored with its operation).

    A retransmission carries the same values; a terminal whose counter
    restarted, or a key reused for another swipe, does not. Covered: kind,
    terminal, card UID, amount as sent, keypad key, offline flag, the time
    the terminal sent (None when it sent none: the server's clock is not part
    of the request), the caller's idempotency key and (epoch, sequence). Not
    covered: the PIN (a digest over a 4-6 digit PIN and known fields would
    give the PIN away) and the terminal's settings (a retransmission after a
    settings push is still the same request).
    """
    amount = request.get("amount")
    if isinstance(amount, int | float) and not isinstance(amount, bool):
        amount = repr(float(amount))  # 12, 12.0 and 12.50 are the same amount
    when = request.get("business_time")
    parts = (
        DIGEST_VERSION,
        request.get("kind") or "consume",
        request["terminal_id"],
        uid or "",
        amount,
        request.get("key"),
        "1" if request.get("offline") else "0",
        when.isoformat() if when else "",
        request.get("idempotency_key") or "",
        request.get("terminal_epoch") or 0,
        request.get("terminal_seq"),
    )
    return hashlib.sha256(
        "\x1f".join("" if part is None else str(part) for part in parts).encode()
    ).hexdigest()


# One statement per batch: the stored answers of requests already processed, and the
# cards, holders and wallets of the batch, holders and wallets locked in holder order.
LOOKUP_SQL = """
    WITH locked AS (
        SELECT c.company_id, c.uid, c.id AS card_id, c.state, c.kind AS card_kind,
        c.expiry_date,
               w.id AS wallet_id, w.balance::float8, w.chain_head, w.kind AS
               wallet_kind, h.id AS holder_id,
               h.name, h.state AS holder_state, h.active, h.category_id,
               h.department_id, h.usage_day,
               h.usage_day_amount::float8, h.usage_meal_key,
               h.usage_meal_amount::float8,
               h.usage_meal_count, h.last_swipe_at, h.last_swipe_terminal_id,
               h.pin_failures,
               h.pin_locked_until, h.subsidy_pending, h.pin_hash
          FROM onecard_card c JOIN onecard_cardholder h ON h.id = c.cardholder_id
          JOIN onecard_wallet w ON w.cardholder_id = h.id
         WHERE c.uid = ANY(%s) AND c.company_id = ANY(%s)
         ORDER BY h.id, w.id FOR UPDATE OF h, w
    ), replays AS (
        SELECT json_agg(json_build_array(kind, scope, value, id, result, digest)) AS
        found FROM (
            SELECT 'key' AS kind, o.company_id AS scope, o.idempotency_key AS value,
            o.id, o.result,
                   o.request_digest AS digest
              FROM unnest(%s::int[], %s::varchar[]) v(c, k)
              JOIN onecard_operation o ON o.company_id = v.c AND o.idempotency_key = v.k
             UNION ALL
            SELECT 'seq', o.terminal_id, o.terminal_epoch || ':' || o.terminal_seq,
            o.id, o.result, o.request_digest
              FROM unnest(%s::int[], %s::int[], %s::int[]) v(t, e, s)
              JOIN onecard_operation o ON o.terminal_id = v.t AND o.terminal_epoch =
              v.e AND o.terminal_seq = v.s
        ) found
    )
    SELECT replays.found, locked.* FROM replays LEFT JOIN locked ON true
"""


# database name -> (generation token, {(method, key): settings}): see _settings_memo.
_SETTINGS = {}


class OnecardConsumption(models.AbstractModel):
    _name = "onecard.consumption"
    _description = "Consumption Engine"

    @api.model
    def swipe(
        self,
        terminal,
        uid,
        amount=None,
        key=None,
        pin=None,
        idempotency_key=None,
        terminal_seq=None,
        business_time=None,
        offline=False,
        kind="consume",
        note=None,
        terminal_epoch=0,
    ):
        """Charge a card at a terminal; return the answer dict (see module doc).

        offline=True: a record the terminal already accepted (the meal was
        eaten). It is booked whatever the rules say, even below zero, and
        flagged when a rule would have refused it. terminal_epoch: the
        terminal's sequence epoch (a new one after a legitimate counter
        reset); a record is identified by (terminal, epoch, sequence).
        """
        return self.swipe_many(
            [
                dict(
                    terminal_id=terminal.id,
                    uid=uid,
                    amount=amount,
                    key=key,
                    pin=pin,
                    idempotency_key=idempotency_key,
                    terminal_seq=terminal_seq,
                    business_time=business_time,
                    offline=offline,
                    kind=kind,
                    note=note,
                    terminal_epoch=terminal_epoch,
                )
            ]
        )[0]

    @api.model
    def swipe_many(self, requests):
        """Decide and book many swipes in one go; return their answers in order.

        requests: dicts with the arguments of ``swipe`` (terminal_id instead of
        the record). They are decided in order, each seeing the effect of the
        ones before it (a card swiped twice in one batch is charged twice, or
        refused the second time by the repeat interval), with two statements
        for the whole batch: replay lookup with the card + holder + wallet
        lock (``_lookup``), and one statement writing everything
        (``_write_book``). This is what lets the gateway commit a burst of
        swipes at once (group commit).
        """
        now, memo = fields.Datetime.now(), self._settings_memo()
        items = [self._prepare(request, now, memo) for request in requests]
        answers = [None] * len(items)
        self.env.flush_all()
        self._assign_past(items)
        stored, cards, wallets = self._lookup(items)
        conflicts = self._replays(items, answers, stored)
        todo = [
            item
            for item, answer in zip(items, answers, strict=False)
            if answer is None and item["duplicate_of"] is None
        ]
        holders = {card["holder"]["id"]: card["holder"] for card in cards.values()}
        for item in todo:
            item["card"] = cards.get((item["conf"]["company_id"], item["uid"]))
        collected = self._collect_pending(todo)
        for holder_id in collected:  # the subsidy just granted changed their wallets
            wallets[holder_id] = self.env["onecard.ledger"]._lock_wallets(
                holder_id=holder_id
            )
        book = dict(headers=[], rows=[], wallets={}, dirty=set(), memo=memo, now=now)
        for item in todo:
            self._decide(item, wallets, book)
        self._write(book, holders)
        for index, item in enumerate(items):
            if item["duplicate_of"] is not None:  # the same request twice in one batch
                first = items[item["duplicate_of"]]
                answers[index] = dict(
                    first["header"]["result"],
                    operation_id=first["header"]["id"],
                    replay=True,
                )
            elif answers[index] is None:
                answers[index] = dict(
                    item["header"]["result"], operation_id=item["header"]["id"]
                )
        if conflicts:  # rare: what it costs (the terminal's alert) is paid only then
            self._report_conflicts([items[index] for index in conflicts])
        return answers

    def _memo(self, memo, method, key, model=None):
        """Cached settings from ``_settings_memo`` (an ormcache hit costs more than a
        dict)."""
        if (method, key) not in memo:
            memo[(method, key)] = getattr(model if model is not None else self, method)(
                key
            )
        return memo[(method, key)]

    @api.model
    @tools.ormcache()
    def _settings_generation(self):
        """A new token each time Odoo's default ormcache is cleared: settings changed
        (here, or signalled by another worker), or the entry was evicted."""
        return object()

    def _settings_memo(self):
        """The settings looked up so far (terminals, categories, meal periods), per
        process.

        Every ormcache hit goes through the decorator package's
        inspect.Signature.bind twice (the method, then the LRU's lock): at ~4 hits
        per swipe a fifth of the engine's CPU. This memo is one ormcache hit per
        batch: it is thrown away when ``_settings_generation`` changes, i.e. when the
        cache the values came from was cleared.
        """
        generation = self._settings_generation()
        entry = _SETTINGS.get(self.env.cr.dbname)
        if entry is None or entry[0] is not generation:
            entry = _SETTINGS[self.env.cr.dbname] = (generation, {})
        return entry[1]

    def _prepare(self, request, now, memo):
        conf = self._memo(memo, "_terminal_conf", request["terminal_id"])
        header = dict(
            kind=request.get("kind") or "consume",
            company_id=conf["company_id"],
            terminal_id=conf["id"],
            canteen_id=conf["canteen_id"],
            consume_category_id=conf["consume_category_id"],
            analytic_account_id=conf["analytic_account_id"],
            payable_partner_id=conf["payable_partner_id"],
            business_time=request.get("business_time") or now,
            offline=bool(request.get("offline")),
            idempotency_key=request.get("idempotency_key"),
            terminal_seq=request.get("terminal_seq"),
            note=request.get("note"),
        )
        uid = normalize_uid(request.get("uid"))
        header["request_digest"] = request_digest(request, uid)
        # A request is the same as an earlier one by its key, or by the terminal's
        # record number (within its sequence epoch): a record number booked once is
        # never booked again. Whether it is the SAME request the digest tells
        # (_replays).
        identities = []
        if header["idempotency_key"]:
            identities.append(("key", conf["company_id"], header["idempotency_key"]))
        if header["terminal_seq"] is not None:
            header["terminal_epoch"] = request.get("terminal_epoch") or 0
            identities.append(
                (
                    "seq",
                    conf["id"],
                    "{}:{}".format(header["terminal_epoch"], header["terminal_seq"]),
                )
            )
        return dict(
            request,
            conf=conf,
            header=header,
            identities=identities,
            uid=uid,
            duplicate_of=None,
        )

    def _assign_past(self, items):
        """Book records dated before their terminal's last move where the terminal was
        then.

        Offline uploads and back-entries of sales made before a terminal moved belong to
        the canteen and category of their business time, not of upload time. Only such
        records cost a statement (one for the batch); a batch of current swipes costs
        nothing here.
        """
        past = [
            (index, item["conf"]["id"], item["header"]["business_time"])
            for index, item in enumerate(items)
            if item["conf"]["moved_at"]
            and item["header"]["business_time"] < item["conf"]["moved_at"]
        ]
        if not past:
            return
        self.env.cr.execute(
            """
            SELECT v.i, a.canteen_id, a.consume_category_id, c.analytic_account_id,
                   CASE WHEN c.posting = 'payable' THEN c.partner_id END
              FROM unnest(%s::int[], %s::int[], %s::timestamp[]) v(i, t, at)
              JOIN LATERAL (SELECT canteen_id, consume_category_id FROM
              onecard_terminal_assignment a
                             WHERE a.terminal_id = v.t AND a.date_to > v.at
                             ORDER BY a.date_to LIMIT 1) a ON true
              JOIN onecard_canteen c ON c.id = a.canteen_id
        """,
            [[p[0] for p in past], [p[1] for p in past], [p[2] for p in past]],
        )
        for (
            index,
            canteen_id,
            category_id,
            analytic_id,
            partner_id,
        ) in self.env.cr.fetchall():
            items[index]["header"].update(
                canteen_id=canteen_id,
                consume_category_id=category_id or False,
                analytic_account_id=analytic_id or False,
                payable_partner_id=partner_id or False,
            )

    def _lookup(self, items):
        """One statement: the stored answers of requests already processed, and the
        batch's cards, holders and wallets, holders and wallets locked.

        One round trip fewer per batch than a lookup then a lock (under load
        each round trip also waits for a CPU).
        Locking the holder serialises one person's swipes, so limits, counts
        and the repeat interval are exact; rows are locked in holder order so
        two batches cannot deadlock. A live card wins over a returned one with
        the same UID. The cards of replayed requests are locked too (harmless:
        replays are rare). Returns ({identity: stored answer}, {(company_id,
        uid): card dict with its "holder" dict (shared by the holder's cards,
        updated as the batch goes)}, {holder id: {wallet id: (balance, chain
        head, kind)}}).
        """
        by_key = [i for item in items for i in item["identities"] if i[0] == "key"]
        by_seq = [
            (
                item["header"]["terminal_id"],
                item["header"]["terminal_epoch"],
                item["header"]["terminal_seq"],
            )
            for item in items
            if item["header"]["terminal_seq"] is not None
        ]
        wanted = {
            (item["conf"]["company_id"], item["uid"]) for item in items if item["uid"]
        }
        execute_prepared(
            self.env.cr,
            "onecard_swipe_lookup",
            LOOKUP_SQL,
            [
                list({uid for _c, uid in wanted}),
                list({company for company, _u in wanted}),
                [i[1] for i in by_key],
                [i[2] for i in by_key],
                [i[0] for i in by_seq],
                [i[1] for i in by_seq],
                [i[2] for i in by_seq],
            ],
            log_exceptions=False,
        )  # a serialization failure here is expected under load: the caller retries
        rows = self.env.cr.fetchall()
        stored = {}
        for kind, scope, value, op_id, result, digest in rows[0][0] or ():
            stored[(kind, scope, value)] = (
                dict(result or {}, operation_id=op_id, replay=True),
                digest,
            )
        holders, cards, wallets = {}, {}, {}
        for row in rows:
            if row[1] is None:  # no card at all: the one row only carries the replays
                continue
            (
                company,
                uid,
                card_id,
                state,
                kind,
                expiry,
                wallet_id,
                balance,
                head,
                wallet_kind,
            ) = row[1:11]
            wallets.setdefault(row[11], {})[wallet_id] = (
                balance or 0.0,
                head,
                wallet_kind,
            )
            if (company, uid) not in wanted:
                continue
            holder = holders.get(row[11])
            if holder is None:
                holder = holders[row[11]] = self._holder_state(row[11:])
            rank = (state in LIVE_STATES, card_id)
            best = cards.get((company, uid))
            if best is None or rank > best["rank"]:
                cards[(company, uid)] = {
                    "card_id": card_id,
                    "card_state": state,
                    "card_kind": kind,
                    "expiry_date": expiry,
                    "holder": holder,
                    "rank": rank,
                }
        return stored, cards, wallets

    def _holder_state(self, columns):
        """A holder as the batch keeps it, from the lookup's columns (holder_id on).

        The rules' counters are records (``usage``, ``pin``), replaced by the
        rules' answer as the holder's swipes are decided; ``_write`` stores them.
        """
        return {
            "id": columns[0],
            "name": columns[1],
            "state": columns[2],
            "active": columns[3],
            "category_id": columns[4],
            "department_id": columns[5],
            # usage_day .. last_swipe_terminal_id, in the order of rules.Usage
            "usage": rules.Usage(*columns[6:13]),
            "pin": rules.Pin(columns[13], columns[14], columns[16]),
            "subsidy_pending": columns[15],
        }

    def _replays(self, items, answers, stored):
        """Answer requests already processed from ``stored``; mark repeats inside the
        batch.

        A known identity with another digest is a conflict: refused, nothing
        booked (the answer is not stored: the identity belongs to the first
        request). Operations stored before digests existed (NULL) replay as
        before. Returns the indexes of the conflicting requests.
        """
        first, conflicts = {}, []
        for index, item in enumerate(items):
            digest = item["header"]["request_digest"]
            known = [i for i in item["identities"] if i in stored]
            if known:
                answer, stored_digest = stored[known[0]]
                if stored_digest is not None and stored_digest != digest:
                    answers[index] = self._conflict(item)
                    conflicts.append(index)
                else:
                    answers[index] = answer
                continue
            earlier = [first[i] for i in item["identities"] if i in first]
            if earlier:
                if items[earlier[0]]["header"]["request_digest"] != digest:
                    answers[index] = self._conflict(item)
                    conflicts.append(index)
                    continue
                item["duplicate_of"] = earlier[0]
            for identity in item[
                "identities"
            ]:  # a repeat's other identities lead to the request it repeats
                first.setdefault(identity, earlier[0] if earlier else index)
        return conflicts

    def _conflict(self, item):
        """The answer to a reused key or sequence number: a refusal that says nothing of
        the first request."""
        return dict(
            self._result(None, "sequence_conflict", 0.0, {}, {}), operation_id=None
        )

    def _report_conflicts(self, items):
        """Log the conflicting requests and hand them to the terminals (onecard_devices
        raises an alert)."""
        conflicts = []
        for item in items:
            header = item["header"]
            _logger.warning(
                "sequence conflict: terminal %s epoch %s seq %s key %s reused by "
                "another request",
                header["terminal_id"],
                header.get("terminal_epoch"),
                header["terminal_seq"],
                header["idempotency_key"],
            )
            conflicts.append(
                {
                    "terminal_id": header["terminal_id"],
                    "epoch": header.get("terminal_epoch"),
                    "seq": header["terminal_seq"],
                    "idempotency_key": header["idempotency_key"],
                    "uid": item["uid"],
                    "amount": item.get("amount"),
                    "key": item.get("key"),
                    "offline": header["offline"],
                    "business_time": item.get("business_time"),
                }
            )
        # The refusal must reach the terminal even if raising the alert fails (mail, a
        # lock): a failing batch would be redone and fail again, and the terminal retry
        # the record for ever.
        try:
            with self.env.cr.savepoint():
                self.env["onecard.terminal"].sudo()._sequence_conflicts(conflicts)
        except Exception:  # noqa: BLE001 - logged; the conflicts are in the log line above too
            _logger.exception(
                "could not raise the sequence-conflict alert of terminal(s) %s",
                sorted({c["terminal_id"] for c in conflicts}),
            )

    def _collect_pending(self, items):
        """Collection-mode subsidies wait for the holder's next swipe with a live card;
        return those holders."""
        collected = []
        for item in items:
            card = item["card"]
            if (
                card
                and card["holder"]["subsidy_pending"]
                and card["card_state"] == "active"
            ):
                self.env["onecard.subsidy.batch"]._collect(
                    self.env["onecard.cardholder"].browse(card["holder"]["id"])
                )
                card["holder"]["subsidy_pending"] = False
                collected.append(card["holder"]["id"])
        self.env.flush_all()
        return collected

    def _decide(self, item, wallets, book):
        """Apply the rules to one swipe and queue what it books (nothing is written
        here)."""
        conf, header, card = item["conf"], item["header"], item["card"]
        offline = header["offline"]
        if not card:
            return self._decline(item, "unknown_card", book)
        holder = card["holder"]
        header.update(
            card_id=card["card_id"],
            cardholder_id=holder["id"],
            department_id=holder["department_id"],
        )
        when = header["business_time"]
        local = pytz.utc.localize(when).astimezone(pytz.timezone(conf["tz"]))
        period_id = rules.find_period(
            self._memo(book["memo"], "_meal_periods", conf["company_id"]), local
        )
        header["meal_period_id"] = period_id
        terminal = conf["rules"]
        category = self._memo(
            book["memo"], "_category_conf", holder["category_id"] or 0
        )
        swipe = rules.Swipe(
            amount=item.get("amount"),
            key=item.get("key"),
            pin=item.get("pin"),
            when=when,
            day=local.date(),
            period_id=period_id,
            meal_key=rules.meal_key(local.date(), period_id),
            offline=offline,
            now=book["now"],
        )
        price, code = rules.price(terminal, category, swipe)
        if code:
            return self._decline(item, code, book, wallets[holder["id"]])
        state = rules.Holder(
            card_state=card["card_state"],
            card_kind=card["card_kind"],
            expiry_date=card["expiry_date"],
            state=holder["state"],
            active=holder["active"],
            usage=holder["usage"],
            pin=holder["pin"],
        )
        code = rules.check(terminal, category, state, swipe, price)
        pin = rules.pin_after(terminal, category, state, swipe, price, code)
        if pin is not holder["pin"]:
            holder["pin"] = pin
            book["dirty"].add(holder["id"])
        if code and not offline:
            return self._decline(item, code, book, wallets[holder["id"]])
        wallet_state = wallets[holder["id"]]
        by_kind, balances = {}, {}
        for wallet_id, (balance, _head, kind) in wallet_state.items():
            by_kind[kind], balances[kind] = wallet_id, balance
        split = rules.split(
            terminal, category, card["card_kind"], balances, price, forced=offline
        )
        if split.short:
            return self._decline(item, "insufficient_balance", book, wallet_state)
        flagged = bool(code) or split.overdrawn
        header.update(state="approved", reason_code="ok", amount=price, flagged=flagged)
        header["idempotency_key"] = header["idempotency_key"] or uuid.uuid4().hex
        taken = {}
        for kind, amount in split.takes:
            chain_row(
                wallet_state,
                header,
                by_kind[kind],
                amount,
                book["rows"],
                book["wallets"],
            )
            taken[kind] = taken.get(kind, 0.0) - amount
        balances = {kind: balance for balance, _head, kind in wallet_state.values()}
        header["result"] = self._result(holder, "ok", price, taken, balances, flagged)
        book["headers"].append(header)
        holder["usage"] = rules.usage_after(holder["usage"], price, swipe, conf["id"])
        book["dirty"].add(holder["id"])

    def _decline(self, item, code, book, state=None):
        header, card = item["header"], item["card"]
        header.update(
            state="declined", reason_code=code, message=str(REASONS[code]), amount=0.0
        )
        header["idempotency_key"] = header["idempotency_key"] or uuid.uuid4().hex
        balances = {kind: balance for balance, _head, kind in (state or {}).values()}
        header["result"] = self._result(
            card and card["holder"], code, 0.0, {}, balances
        )
        book["headers"].append(header)

    def _write(self, book, holders):
        """Write the batch in one statement: operations, ledger rows, wallets, usage
        counters."""
        if not book["headers"]:
            return
        usage = []
        for holder_id in book["dirty"]:
            holder = holders[holder_id]
            counters, pin = holder["usage"], holder["pin"]
            usage.append(
                (  # USAGE_COLUMNS
                    holder_id,
                    counters.day,
                    counters.day_amount,
                    counters.meal_key,
                    counters.meal_amount,
                    counters.meal_count,
                    counters.last_swipe,
                    counters.last_terminal_id,
                    pin.failures,
                    pin.locked_until,
                )
            )
        op_ids = self.env["onecard.ledger"]._write_book(
            book["headers"], book["rows"], book["wallets"], usage
        )
        for header, op_id in zip(book["headers"], op_ids, strict=False):
            header["id"] = op_id

    # ----------------------------------------------------- cached settings
    @api.model
    @tools.ormcache("terminal_id")
    def _terminal_conf(self, terminal_id):
        """What the engine needs of a terminal and its company (never mutate it): where
        its sales are booked, and under "rules" the settings the swipe rules read."""
        terminal = (
            self.env["onecard.terminal"]
            .sudo()
            .with_context(active_test=False)
            .browse(terminal_id)
        )
        company = terminal.company_id
        # From the table, not the one2many: the ORM cache of the terminal's history may
        # predate a move.
        self.env["onecard.terminal.assignment"].flush_model(["terminal_id", "date_to"])
        self.env.cr.execute(
            "SELECT max(date_to) FROM onecard_terminal_assignment WHERE "
            "terminal_id = %s",
            [terminal_id],
        )
        moved_at = self.env.cr.fetchone()[0]
        return {
            "id": terminal.id,
            "company_id": company.id,
            "canteen_id": terminal.canteen_id.id,
            "consume_category_id": terminal.consume_category_id.id,
            "analytic_account_id": terminal.canteen_id.analytic_account_id.id,
            "payable_partner_id": terminal.canteen_id.partner_id.id
            if terminal.canteen_id.posting == "payable"
            else False,
            "moved_at": moved_at,
            "tz": company.partner_id.tz or "UTC",
            "rules": rules.Terminal(
                id=terminal.id,
                mode=terminal.mode,
                fixed_amount=terminal.fixed_amount,
                repeat_interval=terminal.repeat_interval,
                pin_threshold=terminal.pin_threshold,
                keys={k.key: k.amount for k in terminal.key_ids},
                rounding=company.currency_id.rounding,
                spend_order=company.onecard_spend_order,
            ),
        }

    @api.model
    @tools.ormcache("category_id")
    def _category_conf(self, category_id):
        category = (
            self.env["onecard.cardholder.category"].sudo().browse(category_id or [])
        )
        return rules.Category(
            discount=category.discount_percent or 0.0,
            meal_limit=category.meal_limit or 0.0,
            daily_limit=category.daily_limit or 0.0,
            meals_per_period=max(category.meals_per_period or 1, 1),
            credit_limit=category.credit_limit or 0.0,
            pin_threshold=category.pin_threshold or 0.0,
            terminals=frozenset(category.allowed_terminal_ids.ids),
            periods=frozenset(category.allowed_meal_period_ids.ids),
            prices={
                price.meal_period_id.id: price.price
                for price in category.meal_price_ids
            },
        )

    @api.model
    @tools.ormcache("company_id")
    def _meal_periods(self, company_id):
        periods = (
            self.env["onecard.meal.period"]
            .sudo()
            .search([("company_id", "in", [company_id, False])])
        )
        return tuple(
            rules.MealPeriod(period.id, period.start_hour, period.end_hour)
            for period in periods
        )

    def _find_period(self, company_id, local):
        """The company's meal period open at a local datetime, or False."""
        return rules.find_period(self._meal_periods(company_id), local)

    # ------------------------------------------------------------ helpers
    def _result(self, holder, code, amount, taken, balances, flagged=False):
        message = str(REASONS[code])
        display = message
        if code == "ok":
            display = "{} {:.2f} / {:.2f}".format(  # float(): as "%.2f" did
                message,
                float(amount),
                float(balances.get("cash", 0.0) + balances.get("subsidy", 0.0)),
            )
        return {
            "approved": code == "ok",
            "code": code,
            "message": message,
            "display": display,
            "amount": amount,
            "subsidy_amount": taken.get("subsidy", 0.0),
            "cash_amount": taken.get("cash", 0.0) + taken.get("temporary", 0.0),
            "balances": balances,
            "holder": holder["name"] if holder else "",
            "flagged": flagged,
            "replay": False,
        }
