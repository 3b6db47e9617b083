"""The one money engine, its booking core: the only writer of balances and ledger rows.

Balances change only through ``_book`` (one operation) and ``_book_many`` (a batch):
they lock the wallet rows, check floors, chain the ledger rows per wallet and hand
everything to ``_write_book``, which writes operations, rows and balances in one SQL
statement (its columns and text: ``tools/booking.py``). ``_replay`` gives a request
that comes back its first answer, or refuses it (IdempotencyConflict) when the key
was used for another request. The desk operations built on this core are in
``onecard_ledger_operations.py``; the swipe rules in ``tools/swipe_rules.py``, called
by the engine in ``onecard_consumption*.py``.
Callers above the engine never touch balances themselves.
"""

import uuid

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.booking import WRITE_BOOK_SQL, chain_row, write_book_params
from ..tools.prepared import execute_prepared
from .onecard_settlement import CONSUME_KINDS, SUBSIDY_KINDS


class IdempotencyConflict(UserError):
    """An idempotency key reused with other parameters (like Stripe's): refused, nothing
    booked."""


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
        lock, holder's department and category, one write), whatever the history
        size, and a fourth when the caller dates the operation itself (is its
        month closed? ``onecard.month.close._check_open``).
        """
        cr = self.env.cr
        when = header.get("business_time")
        if when and not header.get("offline"):
            # the caller dates it (back-entry, correction, recorded payment): never
            # into a closed month; "now" is never in one (only ended months close)
            self.env["onecard.month.close"]._check_open(header["company_id"], when)
        when = when or fields.Datetime.now()
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
        if header.get("cardholder_id") and (
            "department_id" not in header
            or "cardholder_category_id" not in header
            or subsidy
        ):
            self.env["onecard.cardholder"].flush_model(["department_id", "category_id"])
            self.env["hr.department"].flush_model(["onecard_analytic_account_id"])
            cr.execute(
                """SELECT d.id, d.onecard_analytic_account_id, h.category_id
                     FROM onecard_cardholder h
                     LEFT JOIN hr_department d ON d.id = COALESCE(%s, h.department_id)
                    WHERE h.id = %s""",
                [header.get("department_id") or None, header["cardholder_id"]],
            )
            department_id, analytic_id, category_id = cr.fetchone()
            header.setdefault("department_id", department_id)
            header.setdefault("cardholder_category_id", category_id)
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
        trip. Data-modifying CTEs always run to completion; each operation's
        header columns are sent once (its head), its ledger rows point at it by
        index, find their operation by (company, idempotency key) and are
        inserted in chain order (ORDER BY ord), so ids grow along each chain.
        """

        params = write_book_params(
            self.env.uid, fields.Datetime.now(), headers, rows, wallets, usage
        )
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
        if business_time:
            self.env["onecard.month.close"]._check_open(company.id, business_time)
        when = business_time or fields.Datetime.now()
        state = self._lock_wallets({w for entry in entries for w, _a in entry["lines"]})
        self.env["onecard.cardholder"].flush_model(["department_id", "category_id"])
        self.env["hr.department"].flush_model(["onecard_analytic_account_id"])
        self.env.cr.execute(
            """SELECT h.id, h.department_id, d.onecard_analytic_account_id,
                      h.category_id FROM onecard_cardholder h
                                 LEFT JOIN hr_department d ON d.id = h.department_id
                                 WHERE h.id = ANY(%s)""",
            [list({entry["cardholder_id"] for entry in entries})],
        )
        departments = {
            holder_id: (department_id, analytic_id, category_id)
            for holder_id, department_id, analytic_id, category_id in (
                self.env.cr.fetchall()
            )
        }
        headers, rows, wallets, booked = [], [], {}, {}
        for entry in entries:
            key, booked[entry["key"]] = entry["key"], {}
            department_id, analytic_id, category_id = departments[
                entry["cardholder_id"]
            ]
            header = {
                "kind": entry.get("kind", kind),
                "state": "approved",
                "company_id": company.id,
                "cardholder_id": entry["cardholder_id"],
                "department_id": department_id,
                "cardholder_category_id": category_id,
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
