"""The shape of a booking: its columns, the chaining of a row, the ONE statement.

What ``onecard.ledger._write_book`` sends to PostgreSQL, kept apart from the engine
because it is plain data and SQL text (no Odoo import): the engine's file stays
about the decisions, and the swipe engine (``onecard.consumption``) chains its rows
with the same ``chain_row``.
"""

import json

from .chain import chain_hash

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
    # who and where at booking time (reports read these, never today's holder)
    ("department_id", "int"),
    ("cardholder_category_id", "int"),
    ("canteen_id", "int"),
    ("consume_category_id", "int"),
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
    ("cardholder_category_id", "int"),
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
# What _write_book sends once per operation (its "head"): the operation's columns and
# the header columns of its ledger rows. A ledger row sends only its own six and the
# index of its head: the header's values travel once, not once per row.
ROW_OWN_COLUMNS = ROW_COLUMNS[:6]
HEAD_COLUMNS = OPERATION_COLUMNS + tuple(
    column
    for column in ROW_COLUMNS[6:]
    if column[0] not in {name for name, _type in OPERATION_COLUMNS}
)
HEAD_NAMES = tuple(name for name, _type in HEAD_COLUMNS)
ROW_OWN_NAMES = tuple(name for name, _type in ROW_OWN_COLUMNS)


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


def head_values(header, index):
    """An operation's head as _write_book sends it: every HEAD_NAMES column, the ORM's
    False and empty text as SQL's NULL, the flags as booleans, the defaults of state
    and amount; ``hord``: its index, by which its ledger rows find it."""
    head = {}
    get = header.get
    for name in HEAD_NAMES:
        value = get(name)
        head[name] = None if value is False or value == "" else value
    head["offline"] = bool(get("offline"))
    head["flagged"] = bool(get("flagged"))
    head["state"] = get("state") or "approved"
    head["amount"] = get("amount") or 0.0
    head["hord"] = index
    return head


def write_book_params(uid, now, headers, rows, wallets, usage):
    """WRITE_BOOK_SQL's parameters (see ``onecard.ledger._write_book``): each table one
    JSON text, built in one pass per row and encoded by json's C encoder."""
    hord = {id(h): index for index, h in enumerate(headers)}
    heads = [head_values(h, index) for index, h in enumerate(headers)]
    wallet_rows = [
        {"id": wallet_id, "delta": delta, "head": head}
        for wallet_id, (delta, head) in wallets.items()
    ]
    usage_rows = [dict(zip(USAGE_NAMES, counters, strict=False)) for counters in usage]
    ledger_rows = [
        dict(zip(ROW_OWN_NAMES, row, strict=False), hord=hord[id(h)], ord=ord_)
        for ord_, (h, row) in enumerate(rows)
    ]
    # default=str: datetimes and dates as ISO text, which PostgreSQL casts back.
    heads, wallet_rows, usage_rows, ledger_rows = (
        json.dumps(table, default=str, separators=(",", ":"), check_circular=False)
        for table in (heads, wallet_rows, usage_rows, ledger_rows)
    )
    return [
        uid,
        now,
        heads,
        wallet_rows,
        list(wallets),
        usage_rows,
        [counters[0] for counters in usage],
        ledger_rows,
    ]


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
# change (it guesses 100 for json_to_recordset and scans the whole table). The heads
# are parsed once (MATERIALIZED) and read twice: by the operations' INSERT and by the
# ledger rows' (their header columns).
WRITE_BOOK_SQL = """
    WITH stamp AS (
        SELECT %s::int AS uid, %s::timestamp AS now
    ), heads AS MATERIALIZED (
        SELECT * FROM {head_rows}
    ), ops AS (
        INSERT INTO onecard_operation ({op_names}, create_uid, create_date, write_uid,
        write_date)
        SELECT {op_values}, stamp.uid, stamp.now, stamp.uid, stamp.now
          FROM heads v, stamp ORDER BY v.hord
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
          JOIN heads h ON h.hord = v.hord
          JOIN ops ON ops.company_id = h.company_id AND ops.idempotency_key =
          h.idempotency_key
         CROSS JOIN stamp
         ORDER BY v.ord
    )
    SELECT company_id, idempotency_key, id FROM ops
""".format(
    op_names=_names(OPERATION_COLUMNS),
    op_values=_names(OPERATION_COLUMNS, "v."),
    head_rows=_recordset(HEAD_COLUMNS + (("hord", "int"),)),
    wallet_rows=_recordset(WALLET_COLUMNS),
    usage_set=", ".join(f"{name} = v.{name}" for name, _type in USAGE_COLUMNS[1:]),
    usage_rows=_recordset(USAGE_COLUMNS),
    row_names=_names(ROW_COLUMNS),
    row_values=_names(ROW_OWN_COLUMNS, "v.") + ", " + _names(ROW_COLUMNS[6:], "h."),
    row_rows=_recordset(ROW_OWN_COLUMNS + (("hord", "int"), ("ord", "int"))),
)
