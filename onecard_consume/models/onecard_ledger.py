"""The one money engine: every movement of card money is booked here.

Balances change only through ``_book``: it locks the wallet rows, updates the
stored balance in SQL with a floor check, appends hash-chained ledger rows and
records the answer under the request's idempotency key. Callers above it
(operations below, consumption rules, wizards, terminal API, gateway) never
touch balances themselves.
"""

import hashlib
import json
import uuid

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import chain_hash
from ..tools.prepared import execute_prepared
from .onecard_card import LIVE_STATES
from .onecard_settlement import CONSUME_KINDS, SUBSIDY_KINDS

# Columns written by _write_book, with their SQL types.
OPERATION_COLUMNS = (
    ("kind", "varchar"),
    ("state", "varchar"),
    ("reason_code", "varchar"),
    ("message", "varchar"),
    ("company_id", "int"),
    ("cardholder_id", "int"),
    ("card_id", "int"),
    ("terminal_id", "int"),
    ("meal_period_id", "int"),
    ("payment_method_id", "int"),
    ("amount", "numeric"),
    ("business_time", "timestamp"),
    ("offline", "bool"),
    ("flagged", "bool"),
    ("idempotency_key", "varchar"),
    ("terminal_seq", "int"),
    ("terminal_epoch", "int"),
    ("request_digest", "varchar"),
    ("note", "varchar"),
    ("reversal_of_id", "int"),
    ("result", "jsonb"),
)
# the first six come from the row, the others from its operation's header
ROW_COLUMNS = (
    ("wallet_id", "int"),
    ("wallet_kind", "varchar"),
    ("amount", "numeric"),
    ("balance_after", "numeric"),
    ("prev_hash", "varchar"),
    ("hash", "varchar"),
    ("kind", "varchar"),
    ("cardholder_id", "int"),
    ("department_id", "int"),
    ("card_id", "int"),
    ("terminal_id", "int"),
    ("canteen_id", "int"),
    ("meal_period_id", "int"),
    ("consume_category_id", "int"),
    ("analytic_account_id", "int"),
    ("payable_partner_id", "int"),
    ("payment_method_id", "int"),
    ("company_id", "int"),
    ("business_time", "timestamp"),
    ("offline", "bool"),
    ("idempotency_key", "varchar"),
)
USAGE_COLUMNS = (  # a swiping holder's counters (onecard.consumption)
    ("id", "int"),
    ("usage_day", "date"),
    ("usage_day_amount", "numeric"),
    ("usage_meal_key", "varchar"),
    ("usage_meal_amount", "numeric"),
    ("usage_meal_count", "int"),
    ("last_swipe_at", "timestamp"),
    ("last_swipe_terminal_id", "int"),
    ("pin_failures", "int"),
    ("pin_locked_until", "timestamp"),
)
WALLET_COLUMNS = (("id", "int"), ("delta", "numeric"), ("head", "varchar"))
ROW_NAMES = tuple(name for name, _type in ROW_COLUMNS)
USAGE_NAMES = tuple(name for name, _type in USAGE_COLUMNS)


def chain_row(state, header, wallet_id, amount, rows, wallets):
    """Chain one ledger row of ``header`` (idempotency_key and business_time set) onto a
    wallet.

    state: {wallet_id: (balance, chain head, kind)} as locked, moved to the new
    balance and head. Appends (header, row) to ``rows`` and adds the amount to
    ``wallets`` {wallet_id: (delta, new head)}: what ``_write_book`` takes.
    The one place a row's hash is made: desk bookings, swipes and subsidy
    batches chain alike. Returns the wallet's kind.
    """
    balance, head, wallet_kind = state[wallet_id]
    after = round(balance + amount, 2)
    row_hash = chain_hash(
        head,
        wallet_id,
        header["idempotency_key"],
        amount,
        after,
        header["business_time"],
    )
    state[wallet_id] = (after, row_hash, wallet_kind)
    rows.append((header, (wallet_id, wallet_kind, amount, after, head, row_hash)))
    wallets[wallet_id] = (
        round(wallets.get(wallet_id, (0.0, None))[0] + amount, 2),
        row_hash,
    )
    return wallet_kind


def _names(columns, prefix=""):
    return ", ".join(prefix + name for name, _type in columns)


def _recordset(columns):
    """Rows from one JSON parameter (an array of objects): json.dumps and PostgreSQL's
    JSON parser are C; psycopg2 adapting every element of a column array is Python and
    was half the statement's time for a gateway batch."""
    return "json_to_recordset(%s::json) AS v({})".format(
        ", ".join("{} {}".format(*column) for column in columns)
    )


# _write_book's one statement: each table's rows are one JSON parameter;
# who and when (create/write uid and date) is one row of two parameters, the same for
# all. The updates also get their ids as an array: the planner then knows how few rows
# change (it guesses 100 for json_to_recordset and scans the whole table).
WRITE_BOOK_SQL = """
    WITH stamp AS (
        SELECT %s::int AS uid, %s::timestamp AS now
    ), ops AS (
        INSERT INTO onecard_operation ({op_names}, create_uid, create_date, write_uid,
        write_date)
        SELECT v.*, stamp.uid, stamp.now, stamp.uid, stamp.now FROM {op_rows}, stamp
        RETURNING id, company_id, idempotency_key
    ), wallets AS (
        UPDATE onecard_wallet w SET balance = w.balance + v.delta, chain_head = v.head
          FROM {wallet_rows} WHERE w.id = v.id AND w.id = ANY(%s::int[])
    ), usage AS (
        UPDATE onecard_cardholder h SET {usage_set}
          FROM {usage_rows} WHERE h.id = v.id AND h.id = ANY(%s::int[])
    ), rows AS (
        INSERT INTO onecard_transaction ({row_names}, operation_id, create_uid,
        create_date, write_uid, write_date)
        SELECT {row_values}, ops.id, stamp.uid, stamp.now, stamp.uid, stamp.now
          FROM {row_rows}
          JOIN ops ON ops.company_id = v.company_id AND ops.idempotency_key =
          v.idempotency_key
         CROSS JOIN stamp
         ORDER BY v.ord
    )
    SELECT company_id, idempotency_key, id FROM ops
""".format(
    op_names=_names(OPERATION_COLUMNS),
    op_rows=_recordset(OPERATION_COLUMNS),
    wallet_rows=_recordset(WALLET_COLUMNS),
    usage_set=", ".join(f"{name} = v.{name}" for name, _type in USAGE_COLUMNS[1:]),
    usage_rows=_recordset(USAGE_COLUMNS),
    row_names=_names(ROW_COLUMNS),
    row_values=_names(ROW_COLUMNS, "v."),
    row_rows=_recordset(ROW_COLUMNS + (("ord", "int"),)),
)


class IdempotencyConflict(UserError):
    """An idempotency key reused with other parameters (like Stripe's): refused, nothing
    booked."""


def desk_digest(
    kind, holder_id, lines, card_id=None, method_id=None, amount=None, **extra
):
    """Digest of a desk operation (what makes a keyed request that request): see
    ``_simple``."""
    parts = [
        "1",
        kind,
        holder_id,
        card_id or "",
        method_id or "",
        "" if amount is None else repr(float(amount)),
    ]
    for line in lines:
        wallet_id = line.get("wallet_id") or (
            line["wallet"].id if line.get("wallet") else ""
        )
        parts += [
            wallet_id,
            "drain" if line.get("drain") else repr(float(line.get("amount") or 0.0)),
        ]
    parts += [
        f"{name}={extra[name]}"
        for name in sorted(extra)
        if extra[name] not in (None, False)
    ]
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


class OnecardLedger(models.AbstractModel):
    _name = "onecard.ledger"
    _description = "Card Money Engine"

    # ------------------------------------------------------------------ core
    @api.model
    def _replay(
        self,
        company_id,
        key=None,
        terminal_id=None,
        terminal_seq=None,
        digest=None,
        terminal_epoch=0,
    ):
        """The stored first answer of a request already processed, or None.

        digest: the digest of the request now asked; when the stored one
        differs (the key or sequence number was used for another request)
        raise IdempotencyConflict: a replay must BE a replay, never "approved,
        nothing booked" for something else. Operations stored without a digest
        replay as before.
        """
        if key:
            self.env.cr.execute(
                "SELECT id, result, request_digest FROM onecard_operation WHERE "
                "company_id = %s AND idempotency_key = %s",
                [company_id, key],
            )
        elif terminal_id and terminal_seq is not None:
            self.env.cr.execute(
                """SELECT id, result, request_digest FROM onecard_operation
                    WHERE terminal_id = %s AND terminal_epoch = %s AND terminal_seq =
                    %s""",
                [terminal_id, terminal_epoch or 0, terminal_seq],
            )
        else:
            return None
        row = self.env.cr.fetchone()
        if not row:
            return None
        if digest and row[2] and row[2] != digest:
            # outside the _() call: Babel's extractor evaluates the strings in it
            shown = key or f"{terminal_epoch or 0}:{terminal_seq}"
            raise IdempotencyConflict(
                self.env._(
                    "The idempotency key %(key)s was already used for another "
                    "request: nothing was booked. "
                    "Use a new key for a new request.",
                    key=shown,
                )
            )
        return dict(row[1] or {}, operation_id=row[0], replay=True)

    @api.model
    def _lock_wallets(self, wallet_ids=None, holder_id=None):
        """Lock wallets (the given ones, or all of a holder) in id order.

        Returns {id: (balance, chain head, kind)}. Under REPEATABLE READ a
        wallet changed by a concurrent committed transaction raises a
        serialization failure here; the caller owning the transaction retries.
        """
        if holder_id:
            self.env.cr.execute(
                """SELECT id, balance, chain_head, kind FROM onecard_wallet
                                    WHERE cardholder_id = %s ORDER BY id FOR UPDATE""",
                [holder_id],
            )
        else:
            self.env.cr.execute(
                """SELECT id, balance, chain_head, kind FROM onecard_wallet
                                    WHERE id = ANY(%s) ORDER BY id FOR UPDATE""",
                [list(wallet_ids)],
            )
        return {
            row[0]: (float(row[1] or 0.0), row[2], row[3])
            for row in self.env.cr.fetchall()
        }

    @api.model
    def _book(self, header, lines, answer=None, state=None):
        """Record one operation and its ledger rows; return (operation id, balances).

        header: operation columns (kind, state, company_id, cardholder_id, ...).
        lines: dicts with wallet (record) or wallet_id, amount (signed) and
        floor (lowest balance allowed after; None = no check: offline records
        and reversals are always booked) or drain (take the whole balance).
        answer(balances) -> dict: the answer stored with the operation for
        replays (else header["result"]). state: wallets the caller already
        locked with _lock_wallets. Raises UserError when a floor would be
        crossed; nothing is written then. At most three statements (wallet
        lock, holder's department, one write), whatever the history size.
        """
        cr = self.env.cr
        when = header.get("business_time") or fields.Datetime.now()
        key = header.get("idempotency_key") or uuid.uuid4().hex
        header.update(
            business_time=when, idempotency_key=key
        )  # the caller reads the header back
        for line in lines:
            line.setdefault(
                "wallet_id", line["wallet"].id if line.get("wallet") else None
            )
        if state is None:
            state = (
                self._lock_wallets([line["wallet_id"] for line in lines])
                if lines
                else {}
            )
        for line in lines:
            if line.get("drain"):  # take the whole balance as it is under the lock
                line["amount"] = -state[line["wallet_id"]][0]
        lines = [line for line in lines if line["amount"]]
        if header.get("amount") is None:
            header["amount"] = abs(sum(line["amount"] for line in lines))
        rows, wallets = [], {}
        for line in lines:
            balance, _head, wallet_kind = state[line["wallet_id"]]
            amount = round(line["amount"], 2)
            if (
                line.get("floor") is not None
                and balance + amount < line["floor"] - 0.001
            ):
                kinds = dict(
                    self.env["onecard.wallet"]
                    ._fields["kind"]
                    ._description_selection(self.env)
                )
                raise UserError(
                    self.env._(
                        "Insufficient balance in the %(wallet)s wallet: "
                        "%(balance).2f available.",
                        wallet=kinds[wallet_kind],
                        balance=balance - line["floor"],
                    )
                )
            chain_row(state, header, line["wallet_id"], amount, rows, wallets)
        balances = {kind: balance for balance, _head, kind in state.values()}
        header["result"] = answer(balances) if answer else (header.get("result") or {})
        # Where and for whom, as it is now (a desk operation is dated now); a caller
        # that knows better (a correction mirroring its sale) sets these keys and
        # nothing is looked up.
        if header.get("terminal_id") and "canteen_id" not in header:
            conf = self.env["onecard.consumption"]._terminal_conf(header["terminal_id"])
            header.update(
                canteen_id=conf["canteen_id"],
                consume_category_id=conf["consume_category_id"],
            )
            if (
                header.get("kind") in CONSUME_KINDS
            ):  # the canteen's revenue carries them, not a top-up's cash
                header.setdefault("analytic_account_id", conf["analytic_account_id"])
                header.setdefault("payable_partner_id", conf["payable_partner_id"])
        subsidy = (
            header.get("kind") in SUBSIDY_KINDS and "analytic_account_id" not in header
        )
        if header.get("cardholder_id") and ("department_id" not in header or subsidy):
            self.env["onecard.cardholder"].flush_model(["department_id"])
            self.env["hr.department"].flush_model(["onecard_analytic_account_id"])
            cr.execute(
                """SELECT d.id, d.onecard_analytic_account_id FROM onecard_cardholder h
                            LEFT JOIN hr_department d ON d.id = COALESCE(%s,
                            h.department_id)
                           WHERE h.id = %s""",
                [header.get("department_id") or None, header["cardholder_id"]],
            )
            department_id, analytic_id = cr.fetchone()
            header.setdefault("department_id", department_id)
            if (
                subsidy
            ):  # the subsidy expense carries the department's analytic account of today
                header["analytic_account_id"] = analytic_id
        op_id = self._write_book([header], rows, wallets)[0]
        return op_id, balances

    # ---------------------------------------------------------- the writer
    @api.model
    def _write_book(self, headers, rows, wallets, usage=()):
        """Write a booking in ONE statement; return the operation ids in the order of
        ``headers``.

        headers: operation columns (see OPERATION_COLUMNS; business_time,
        idempotency_key and result set). rows: ledger rows in chain order, as
        (header, (wallet_id, wallet_kind, amount, balance_after, prev_hash, hash)).
        wallets: {wallet_id: (delta, new chain head)}. usage: the swiping
        holders' counters (USAGE_COLUMNS order). One operation from the desk
        or a few hundred swipes of a gateway batch: the same single round
        trip. Data-modifying CTEs always run to completion; the ledger rows
        find their operation by (company, idempotency key) and are inserted
        in chain order (ORDER BY ordinality), so ids grow along each chain.
        """

        def value(header, name):
            v = header.get(name)
            if name in ("offline", "flagged"):
                return bool(v)
            if name in ("state", "amount"):
                return v or ("approved" if name == "state" else 0.0)
            return None if v is False or v == "" else v  # the ORM's False is SQL's NULL

        ops = [
            {name: value(h, name) for name, _type in OPERATION_COLUMNS} for h in headers
        ]
        wallet_rows = [
            {"id": wallet_id, "delta": delta, "head": head}
            for wallet_id, (delta, head) in wallets.items()
        ]
        usage_rows = [
            dict(zip(USAGE_NAMES, counters, strict=False)) for counters in usage
        ]
        ledger_rows = []
        for ord_, (h, row) in enumerate(rows):
            ledger_row = dict(zip(ROW_NAMES, row, strict=False), ord=ord_)
            ledger_row.update((name, value(h, name)) for name in ROW_NAMES[6:])
            ledger_rows.append(ledger_row)
        # default=str: datetimes and dates as ISO text, which PostgreSQL casts back.
        ops, wallet_rows, usage_rows, ledger_rows = (
            json.dumps(table, default=str)
            for table in (ops, wallet_rows, usage_rows, ledger_rows)
        )
        params = [
            self.env.uid,
            fields.Datetime.now(),
            ops,
            wallet_rows,
            list(wallets),
            usage_rows,
            [counters[0] for counters in usage],
            ledger_rows,
        ]
        execute_prepared(self.env.cr, "onecard_write_book", WRITE_BOOK_SQL, params)
        ids = {
            (company_id, key): op_id
            for company_id, key, op_id in self.env.cr.fetchall()
        }
        # SQL wrote behind the ORM's back: drop what it may have cached.
        self.env["onecard.wallet"].browse(list(wallets)).invalidate_recordset(
            ["balance", "chain_head", "transaction_ids"]
        )
        holder_ids = {h.get("cardholder_id") for h in headers if h.get("cardholder_id")}
        if holder_ids:
            self.env["onecard.cardholder"].browse(
                list(holder_ids)
            ).invalidate_recordset()
        return [ids[(h.get("company_id"), h["idempotency_key"])] for h in headers]

    # ------------------------------------------------------ desk operations
    def _check_amount(self, amount):
        if (
            not isinstance(amount, int | float)
            or amount != amount
            or amount <= 0
            or amount == float("inf")
        ):
            raise UserError(self.env._("The amount must be a positive number."))
        currency = self.env.company.currency_id
        # Not compare_amounts(): it rounds both sides, so 10.001 would pass as 10.00.
        if abs(currency.round(amount) - amount) > currency.rounding * 1e-6:
            raise UserError(
                self.env._("The amount has more decimals than the currency allows.")
            )
        return currency.round(amount)

    def _check_card(self, card, allowed=("active",), payout=False):
        if not card:
            raise UserError(self.env._("Unknown card."))
        card.ensure_one()
        if card.state not in allowed:
            raise UserError(
                self.env._(
                    "Card %(card)s is %(state)s: this operation is not possible.",
                    card=card.number,
                    state=card._state_label(),
                )
            )
        card.cardholder_id._check_usable(payout=payout)

    def _simple(
        self,
        kind,
        holder,
        lines,
        card=None,
        method=None,
        amount=None,
        key=None,
        note=None,
        **extra,
    ):
        """Book a desk operation and return its answer dict.

        With a key: the same key again with the same request (kind, holder,
        card, method, amount, wallets and amounts, note) is a replay of the first
        answer; with anything else an IdempotencyConflict (nothing booked).
        """
        digest = None
        if key:
            digest = desk_digest(
                kind,
                holder.id,
                lines,
                card_id=card and card.id,
                method_id=method and method.id,
                amount=amount,
                note=note,
                **extra,
            )
            replay = self._replay(holder.company_id.id, key, digest=digest)
            if replay:
                return replay
        # department (and a subsidy's analytic account) are looked up by _book unless
        # given in extra
        header = dict(
            kind=kind,
            state="approved",
            company_id=holder.company_id.id,
            cardholder_id=holder.id,
            card_id=card and card.id,
            payment_method_id=method and method.id,
            amount=amount,
            idempotency_key=key,
            note=note,
            request_digest=digest,
            **extra,
        )
        op_id, _balances = self._book(
            header,
            lines,
            answer=lambda balances: {
                "approved": True,
                "code": "ok",
                "kind": kind,
                "amount": header["amount"],
                "balances": balances,
            },
        )
        return dict(header["result"], operation_id=op_id)

    def _method(self, method, company):
        if not method:
            raise UserError(self.env._("Choose a payment method."))
        method._journal_for(
            company
        )  # refused before anything is booked, not at settlement
        return method

    @api.model
    def issue_card(
        self,
        holder,
        uid,
        kind="official",
        deposit=0.0,
        topup=0.0,
        method=None,
        number=None,
        expiry_date=None,
        user=None,
    ):
        """Issue a card to a holder, taking a deposit and an opening top-up."""
        holder._check_usable()
        if any(
            isinstance(value, int | float) and value < 0 for value in (deposit, topup)
        ):
            raise UserError(
                self.env._("Deposit and opening top-up cannot be negative.")
            )
        # Validate both amounts before the card exists: nothing is written on bad input.
        deposit = self._check_amount(deposit) if deposit else 0.0
        topup = self._check_amount(topup) if topup else 0.0
        if (deposit or topup) and not method:
            raise UserError(
                self.env._("Choose a payment method for the deposit and the top-up.")
            )
        if deposit or topup:
            self._method(method, holder.company_id)
        card = self.env["onecard.card"].create(
            {
                "cardholder_id": holder.id,
                "uid": uid,
                "kind": kind,
                "number": number or "/",
                "expiry_date": expiry_date,
                "user_id": user and user.id,
                "deposit": deposit,
            }
        )
        if deposit:
            self._simple(
                "deposit_in",
                holder,
                [{"wallet": holder._wallet("deposit"), "amount": deposit}],
                card=card,
                method=method,
                amount=deposit,
            )
        if topup:
            self.topup(card, topup, method)
        return card

    @api.model
    def topup(self, card, amount, method, key=None, reference=None):
        self._check_card(card, LIVE_STATES)
        amount = self._check_amount(amount)
        holder = card.cardholder_id
        wallet = holder._wallet(card._wallet_kind())
        return self._simple(
            "topup",
            holder,
            [{"wallet": wallet, "amount": amount}],
            card=card,
            method=self._method(method, holder.company_id),
            amount=amount,
            key=key,
            note=reference,
        )

    @api.model
    def refund(self, card, amount, method, key=None):
        """Pay part of the balance back; never below zero."""
        self._check_card(card, LIVE_STATES, payout=True)
        amount = self._check_amount(amount)
        wallet = card.cardholder_id._wallet(card._wallet_kind())
        return self._simple(
            "refund",
            card.cardholder_id,
            [{"wallet": wallet, "amount": -amount, "floor": 0.0}],
            card=card,
            method=self._method(method, card.company_id),
            amount=amount,
            key=key,
        )

    @api.model
    def transfer(self, holder, amount, to_temporary=True, key=None):
        """Move money between the official (cash) and temporary accounts."""
        holder._check_usable()
        amount = self._check_amount(amount)
        source, target = holder._wallet("cash"), holder._wallet("temporary")
        if not to_temporary:
            source, target = target, source
        return self._simple(
            "transfer",
            holder,
            [
                {"wallet": source, "amount": -amount, "floor": 0.0},
                {"wallet": target, "amount": amount},
            ],
            amount=amount,
            key=key,
        )

    @api.model
    def report_lost(self, card):
        self._check_card(card, ("active", "frozen"))
        card._set_state("lost", self.env._("Reported lost"))

    @api.model
    def unlock(self, card):
        self._check_card(card, ("lost",))
        if card.replaced_by_id:
            raise UserError(
                self.env._(
                    "Card %(card)s was replaced by card %(new)s: it stays blocked.",
                    card=card.number,
                    new=card.replaced_by_id.number,
                )
            )
        card._set_state("active", self.env._("Found and unlocked"))

    @api.model
    def freeze(self, card, reason=None):
        self._check_card(card, ("active",))
        card._set_state("frozen", reason or self.env._("Frozen"))

    @api.model
    def unfreeze(self, card):
        self._check_card(card, ("frozen",))
        card._set_state("active", self.env._("Unfrozen"))

    @api.model
    def replace_card(self, card, new_uid, number=None):
        """Issue a new card to the same holder; the old one stays blocked (lost).

        Wallets belong to the holder, so the balance follows by itself; the
        deposit moves to the new card without money changing hands.
        """
        self._check_card(card, LIVE_STATES)
        new = self.env["onecard.card"].create(
            {
                "cardholder_id": card.cardholder_id.id,
                "uid": new_uid,
                "kind": card.kind,
                "number": number or "/",
                "expiry_date": card.expiry_date,
                "user_id": card.user_id.id,
                "deposit": card.deposit,
            }
        )
        if card.state != "lost":
            card._set_state("lost", self.env._("Replaced by card %s", new.number))
        card.sudo().write({"deposit": 0.0, "replaced_by_id": new.id})
        return new

    @api.model
    def return_card(self, card, method):
        """Take a card back: pay out its balance and deposit, close it.

        A negative balance (postpaid debt) is collected instead of paid. When
        the holder's last live card goes, unspent subsidy is cleared: subsidy
        is the company's money, never paid out in cash.
        """
        self._check_card(card, (*LIVE_STATES, "expired"), payout=True)
        method = self._method(method, card.company_id)
        holder = card.cardholder_id
        wallet = holder._wallet(card._wallet_kind())
        lines = [{"wallet": wallet, "drain": True, "amount": 0.0}]
        if card.deposit:
            lines.append(
                {
                    "wallet": holder._wallet("deposit"),
                    "amount": -card.deposit,
                    "floor": 0.0,
                }
            )
        others = holder.card_ids.filtered(
            lambda c: c != card and c.state in LIVE_STATES and not c.replaced_by_id
        )
        if not others:
            self._simple(
                "subsidy_clear",
                holder,
                [{"wallet": holder._wallet("subsidy"), "drain": True, "amount": 0.0}],
                card=card,
                amount=None,
                note=self.env._("Card returned"),
            )
        result = self._simple(
            "return", holder, lines, card=card, method=method, amount=None
        )
        card._set_state("returned", self.env._("Returned"))
        card.sudo().write({"deposit": 0.0})
        return result

    @api.model
    def correct(self, operation, reason):
        """Reverse a consumption with a reason: a new operation, rows of opposite
        sign."""
        if not reason:
            raise UserError(self.env._("A correction needs a reason."))
        if (
            operation.kind not in ("consume", "back_entry")
            or operation.state != "approved"
        ):
            raise UserError(self.env._("Only approved consumptions can be corrected."))
        if operation.reversed_by_id:
            raise UserError(self.env._("This consumption was already corrected."))
        rows = operation.transaction_ids
        lines = [{"wallet": row.wallet_id, "amount": -row.amount} for row in rows]
        # The reversal mirrors the sale's rows (one header: they all carry the same
        # values), not the terminal's or the holder's configuration of today: the
        # terminal may have moved to another canteen, the holder to another department,
        # the canteen to another analytic account or contract (the caterer paid for the
        # sale gives it back).
        sale = rows[:1]
        result = self._simple(
            "correction",
            operation.cardholder_id,
            lines,
            card=operation.card_id,
            amount=operation.amount,
            note=reason,
            reversal_of_id=operation.id,
            terminal_id=operation.terminal_id.id,
            meal_period_id=(sale.meal_period_id or operation.meal_period_id).id,
            canteen_id=sale.canteen_id.id,
            consume_category_id=sale.consume_category_id.id,
            department_id=sale.department_id.id,
            analytic_account_id=sale.analytic_account_id.id,
            payable_partner_id=sale.payable_partner_id.id,
        )
        self.env.cr.execute(
            "UPDATE onecard_operation SET reversed_by_id = %s WHERE id = %s",
            [result["operation_id"], operation.id],
        )
        operation.invalidate_recordset(["reversed_by_id"])
        return result

    @api.model
    def _employee_left(self, holders):
        """Freeze the cards of people who left and flag them for refund."""
        for holder in holders:
            live = holder.card_ids.filtered(lambda c: c.state == "active")
            live._set_state("frozen", self.env._("Employee archived"))
        holders.write({"refund_pending": True})

    # ------------------------------------------------------------- batches
    @api.model
    def _book_many(self, kind, company, entries, note=None, business_time=None):
        """Book many single-holder operations in a few set-based statements.

        entries: dicts with cardholder_id, key (idempotency key, unique) and
        lines [(wallet_id, amount)], amount a number, "drain" (the whole
        positive balance as it is under the lock) or ("upto", x) (at most x of
        it: what is left of a grant that is taken back). Used by subsidy batches
        (10,000 people in one go): one lock query, one department query and
        the one writer (``_write_book``), instead of a round of statements per person.
        Returns {key: {wallet_id: amount booked}}.
        """
        when = business_time or fields.Datetime.now()
        state = self._lock_wallets({w for entry in entries for w, _a in entry["lines"]})
        self.env["onecard.cardholder"].flush_model(["department_id"])
        self.env["hr.department"].flush_model(["onecard_analytic_account_id"])
        self.env.cr.execute(
            """SELECT h.id, h.department_id, d.onecard_analytic_account_id FROM
                onecard_cardholder h
                                 LEFT JOIN hr_department d ON d.id = h.department_id
                                 WHERE h.id = ANY(%s)""",
            [list({entry["cardholder_id"] for entry in entries})],
        )
        departments = {
            holder_id: (department_id, analytic_id)
            for holder_id, department_id, analytic_id in self.env.cr.fetchall()
        }
        headers, rows, wallets, booked = [], [], {}, {}
        for entry in entries:
            key, booked[entry["key"]] = entry["key"], {}
            department_id, analytic_id = departments[entry["cardholder_id"]]
            header = {
                "kind": entry.get("kind", kind),
                "state": "approved",
                "company_id": company.id,
                "cardholder_id": entry["cardholder_id"],
                "department_id": department_id,
                "business_time": when,
                "idempotency_key": key,
                "note": entry.get("note", note),
                "result": {},
            }
            if header["kind"] in SUBSIDY_KINDS:
                header["analytic_account_id"] = analytic_id
            for wallet_id, amount in entry["lines"]:
                balance = state[wallet_id][0]
                if amount == "drain":
                    amount = -max(balance, 0.0)
                elif isinstance(
                    amount, tuple
                ):  # ("upto", x): take back at most x of what is left
                    amount = -min(max(balance, 0.0), amount[1])
                amount = round(amount, 2)
                if not amount:
                    continue
                chain_row(state, header, wallet_id, amount, rows, wallets)
                booked[key][wallet_id] = amount
            if booked[key]:
                header["amount"] = abs(sum(booked[key].values()))
                headers.append(header)
        if headers:
            self._write_book(headers, rows, wallets)
        return booked
