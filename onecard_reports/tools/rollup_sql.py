"""The SQL of the report rollups: their tables and the statements that fold new
ledger rows and operations into them (see models/onecard_report_rollup.py).

Every key column is NOT NULL, a missing many2one stored as 0 (the views turn it
back into NULL), so one plain unique index takes ``ON CONFLICT`` upserts on any
PostgreSQL Odoo 18 supports (a NULL would never conflict with another NULL).
Dates are the company's local dates, as the reports show them.
"""

# Local date / hour of a UTC business time: the company's partner's zone (alias rp).
LOCAL = "((%(col)s AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(NULLIF(rp.tz, ''), 'UTC'))"

# name: (key columns with their type, measure columns)
TABLES = {
    "onecard_rollup_holder_month": (
        [
            ("company_id", "integer"),
            ("month", "date"),
            ("cardholder_id", "integer"),
            ("department_id", "integer"),
            ("cardholder_category_id", "integer"),
        ],
        ["swipe_count", "spent_cash", "spent_subsidy"],
    ),
    "onecard_rollup_ledger_day": (
        [
            ("company_id", "integer"),
            ("date", "date"),
            ("kind", "varchar"),
            ("wallet_kind", "varchar"),
            ("payment_method_id", "integer"),
            ("canteen_id", "integer"),
            ("department_id", "integer"),
        ],
        ["row_count", "amount", "amount_in", "amount_out"],
    ),
    "onecard_rollup_swipe_day": (
        [
            ("company_id", "integer"),
            ("date", "date"),
            ("hour", "integer"),
            ("kind", "varchar"),
            ("state", "varchar"),
            ("offline", "boolean"),
            ("terminal_id", "integer"),
            ("canteen_id", "integer"),
            ("meal_period_id", "integer"),
            ("consume_category_id", "integer"),
            ("department_id", "integer"),
            ("cardholder_category_id", "integer"),
        ],
        ["op_count", "amount"],
    ),
}

STATE_TABLE = """
    CREATE TABLE IF NOT EXISTS onecard_rollup_state (
        source varchar PRIMARY KEY,
        folded_id bigint NOT NULL DEFAULT 0
    )
"""


def create_table_sql(name):
    keys, measures = TABLES[name]
    columns = [f"{col} {kind} NOT NULL" for col, kind in keys]
    columns += [
        f"{m} {'bigint' if m.endswith('_count') else 'numeric'} NOT NULL DEFAULT 0"
        for m in measures
    ]
    key_list = ", ".join(col for col, _kind in keys)
    return (
        f"CREATE TABLE IF NOT EXISTS {name} (id bigserial PRIMARY KEY, "
        f"{', '.join(columns)}); "
        f"CREATE UNIQUE INDEX IF NOT EXISTS {name}_key ON {name} ({key_list})"
    )


def upsert_sql(name, select, measures):
    """INSERT the grouped SELECT (its columns: the keys, then ``measures``), adding
    to the rows already there."""
    keys, _all = TABLES[name]
    key_list = ", ".join(col for col, _kind in keys)
    add = ", ".join(f"{m} = {name}.{m} + EXCLUDED.{m}" for m in measures)
    return (
        f"INSERT INTO {name} ({key_list}, {', '.join(measures)}) {select} "
        f"ON CONFLICT ({key_list}) DO UPDATE SET {add}"
    )


def _local(col):
    return LOCAL % {"col": col}


# Each fold reads the rows of one source with lo < id <= hi, grouped by the keys.
COMPANY_JOIN = (
    "JOIN res_company rc ON rc.id = {a}.company_id "
    "JOIN res_partner rp ON rp.id = rc.partner_id"
)
CONSUME = "('consume', 'back_entry', 'correction')"

LEDGER_FOLDS = [
    (
        "onecard_rollup_holder_month",
        ["spent_cash", "spent_subsidy"],
        f"""
        SELECT t.company_id, date_trunc('month', {_local("t.business_time")})::date,
               t.cardholder_id, COALESCE(t.department_id, 0),
               COALESCE(t.cardholder_category_id, 0),
               -COALESCE(sum(t.amount) FILTER (WHERE t.wallet_kind <> 'subsidy'), 0),
               -COALESCE(sum(t.amount) FILTER (WHERE t.wallet_kind = 'subsidy'), 0)
          FROM onecard_transaction t {COMPANY_JOIN.format(a="t")}
         WHERE t.id > %(lo)s AND t.id <= %(hi)s AND t.kind IN {CONSUME}
           AND t.cardholder_id IS NOT NULL
         GROUP BY 1, 2, 3, 4, 5
        """,
    ),
    (
        "onecard_rollup_ledger_day",
        ["row_count", "amount", "amount_in", "amount_out"],
        f"""
        SELECT t.company_id, ({_local("t.business_time")})::date, t.kind,
               t.wallet_kind, COALESCE(t.payment_method_id, 0),
               COALESCE(t.canteen_id, 0), COALESCE(t.department_id, 0),
               count(*), sum(t.amount), sum(GREATEST(t.amount, 0)),
               sum(GREATEST(-t.amount, 0))
          FROM onecard_transaction t {COMPANY_JOIN.format(a="t")}
         WHERE t.id > %(lo)s AND t.id <= %(hi)s
         GROUP BY 1, 2, 3, 4, 5, 6, 7
        """,
    ),
]

# A swipe is an operation: counted here, never from its (one or two) ledger rows.
OPERATION_FOLDS = [
    (
        "onecard_rollup_holder_month",
        ["swipe_count"],
        f"""
        SELECT o.company_id, date_trunc('month', {_local("o.business_time")})::date,
               o.cardholder_id, COALESCE(o.department_id, 0),
               COALESCE(o.cardholder_category_id, 0), count(*)
          FROM onecard_operation o {COMPANY_JOIN.format(a="o")}
         WHERE o.id > %(lo)s AND o.id <= %(hi)s AND o.state = 'approved'
           AND o.kind IN ('consume', 'back_entry') AND o.cardholder_id IS NOT NULL
         GROUP BY 1, 2, 3, 4, 5
        """,
    ),
    (
        "onecard_rollup_swipe_day",
        ["op_count", "amount"],
        f"""
        SELECT o.company_id, ({_local("o.business_time")})::date,
               EXTRACT(HOUR FROM {_local("o.business_time")})::integer,
               o.kind, o.state, COALESCE(o.offline, false),
               COALESCE(o.terminal_id, 0), COALESCE(o.canteen_id, 0),
               COALESCE(o.meal_period_id, 0), COALESCE(o.consume_category_id, 0),
               COALESCE(o.department_id, 0), COALESCE(o.cardholder_category_id, 0),
               count(*), sum(o.amount)
          FROM onecard_operation o {COMPANY_JOIN.format(a="o")}
         WHERE o.id > %(lo)s AND o.id <= %(hi)s AND o.kind IN {CONSUME}
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
        """,
    ),
]

SOURCES = {
    "ledger": ("onecard_transaction", LEDGER_FOLDS),
    "operation": ("onecard_operation", OPERATION_FOLDS),
}

# The rows not folded yet, for the rollup views. Written as ``id > (SELECT
# folded_id ...)`` in a view, PostgreSQL cannot know the mark when it plans and
# guesses a third of the table: on a large ledger the guessed cost switches on JIT
# compilation (a second per query) and can pick a sequential scan. A PL/pgSQL
# function is planned apart with the mark as its parameter (an index range scan)
# and tells the view's planner to expect ROWS rows.
TAILS = {
    "onecard_rollup_tail_rows": ("onecard_transaction", "ledger"),
    "onecard_rollup_tail_operations": ("onecard_operation", "operation"),
}


def tail_function_sql(name):
    table, source = TAILS[name]
    return f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS SETOF {table}
        LANGUAGE plpgsql STABLE ROWS 1000 AS $$
        DECLARE
            mark bigint;
        BEGIN
            SELECT folded_id INTO mark FROM onecard_rollup_state
             WHERE source = '{source}';
            RETURN QUERY EXECUTE 'SELECT * FROM {table} WHERE id > $1'
                USING COALESCE(mark, 0);
        END $$
    """
