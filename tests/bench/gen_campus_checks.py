"""The campus generator's invariant checks and its index handling (gen_campus.py).

The bulk load drops the ledger tables' secondary indexes and unique constraints
(the primary keys stay: ids are appended in order, the cheapest index to keep) and
rebuilds them afterwards from the definitions PostgreSQL gave before the drop
(``pg_get_indexdef`` / ``pg_get_constraintdef``), then compares the whole set with
what it was: same names, same definitions, same constraints.
"""

# print-used: the checks print their results (a command-line tool's)
# pylint: disable=print-used

import time

from gen_campus_sql import GENESIS_SQL, LOCAL_DAY, _hash

LEDGER_TABLES = ("onecard_operation", "onecard_transaction")

# Every index and constraint of the ledger tables, as PostgreSQL defines them, with
# a constraint's comment: Odoo keeps its own definition of an SQL constraint there
# and drops and re-adds (at -u: a unique index rebuilt on every row) one whose
# comment it does not find.
SCHEMA_SQL = """
SELECT 'index', c.relname, i.indexrelid::regclass::text,
       pg_get_indexdef(i.indexrelid),
       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid),
       i.indisprimary, NULL
  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
 WHERE c.relname = ANY(%(tables)s)
UNION ALL
SELECT 'constraint', c.relname, k.conname, pg_get_constraintdef(k.oid),
       k.contype IN ('u', 'x'), k.contype = 'p',
       obj_description(k.oid, 'pg_constraint')
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
 WHERE c.relname = ANY(%(tables)s)
 ORDER BY 1, 2, 3
"""


def schema(cr):
    cr.execute(SCHEMA_SQL, {"tables": list(LEDGER_TABLES)})
    return cr.fetchall()


def drop_indexes(cr, defs):
    """Drop the unique constraints and secondary indexes of ``defs`` (schema()'s
    rows); return what to recreate, in order: constraints, then plain indexes."""
    rebuild = []
    for kind, table, name, definition, backed, primary, comment in defs:
        if primary:
            continue
        if kind == "constraint" and backed:
            cr.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            if comment is not None:
                rebuild.append(
                    cr.mogrify(
                        f'COMMENT ON CONSTRAINT "{name}" ON {table} IS %s', [comment]
                    ).decode()
                )
    for kind, _table, name, definition, backed, primary, _comment in defs:
        if kind == "index" and not backed and not primary:
            cr.execute(f"DROP INDEX {name}")
            rebuild.append(definition)
    return rebuild


GENERATED = "wallet_id IN (SELECT wallet_id FROM gen_wallet)"
HOLDERS = "cardholder_id IN (SELECT holder_id FROM gen_holder)"
CHECKS = (
    (
        "wallet balance = sum of its ledger rows",
        f"""SELECT count(*) FROM onecard_wallet w
              JOIN gen_wallet g ON g.wallet_id = w.id
              LEFT JOIN (SELECT wallet_id, sum(amount) AS total
                           FROM onecard_transaction WHERE {GENERATED}
                          GROUP BY wallet_id) t ON t.wallet_id = w.id
             WHERE w.balance <> coalesce(t.total, 0)""",
    ),
    (
        "balance_after = running sum in id order",
        f"""SELECT count(*) FROM (
                SELECT balance_after, sum(amount) OVER (
                    PARTITION BY wallet_id ORDER BY id) AS running
                  FROM onecard_transaction WHERE {GENERATED}) x
             WHERE balance_after <> running""",
    ),
    (
        "prev_hash = previous row's hash (genesis first)",
        f"""SELECT count(*) FROM (
                SELECT prev_hash, coalesce(lag(hash) OVER (
                    PARTITION BY wallet_id ORDER BY id), {GENESIS_SQL}) AS expected
                  FROM onecard_transaction WHERE {GENERATED}) x
             WHERE prev_hash IS DISTINCT FROM expected""",
    ),
    (
        "every hash recomputed from its row (sha256)",
        f"""SELECT count(*) FROM onecard_transaction
            WHERE {GENERATED}
              AND hash IS DISTINCT FROM {
            _hash(
                prev="prev_hash",
                wallet="wallet_id",
                key="idempotency_key",
                amount="amount",
                balance="balance_after",
                when="business_time",
            )
        }""",
    ),
    (
        "wallet chain head = its last row's hash",
        f"""SELECT count(*) FROM onecard_wallet w
              JOIN gen_wallet g ON g.wallet_id = w.id
              LEFT JOIN LATERAL (SELECT hash FROM onecard_transaction t
                                  WHERE t.wallet_id = w.id
                                  ORDER BY t.id DESC LIMIT 1) l ON true
             WHERE w.chain_head IS DISTINCT FROM coalesce(l.hash, {GENESIS_SQL})""",
    ),
    (
        "no duplicate idempotency keys (company, key)",
        """SELECT count(*) FROM (SELECT 1 FROM onecard_operation
             WHERE idempotency_key IS NOT NULL
             GROUP BY company_id, idempotency_key HAVING count(*) > 1) x""",
    ),
    (
        "no duplicate terminal sequences (terminal, epoch, seq)",
        """SELECT count(*) FROM (SELECT 1 FROM onecard_operation
             WHERE terminal_seq IS NOT NULL
             GROUP BY terminal_id, terminal_epoch, terminal_seq
             HAVING count(*) > 1) x""",
    ),
    (
        "each operation's rows: 1, or 2 purses (split), sum = amount",
        f"""SELECT count(*) FROM onecard_operation o
              LEFT JOIN (SELECT operation_id, count(*) AS n, sum(amount) AS total,
                                min(wallet_id) AS lo, max(wallet_id) AS hi
                           FROM onecard_transaction WHERE {GENERATED}
                          GROUP BY operation_id) t ON t.operation_id = o.id
             WHERE o.{HOLDERS}
               AND (t.n IS NULL OR t.n > 2 OR (t.n = 2 AND t.lo = t.hi)
                    OR abs(t.total) <> o.amount)""",
    ),
    (
        "every ledger row's operation exists (FK checks were off)",
        f"""SELECT count(*) FROM onecard_transaction t
             WHERE {GENERATED} AND NOT EXISTS (
                   SELECT 1 FROM onecard_operation o WHERE o.id = t.operation_id)""",
    ),
    (
        "holders' usage counters = their last swipe's",
        f"""WITH last AS (
                SELECT DISTINCT ON (cardholder_id) cardholder_id, business_time,
                       terminal_id, meal_period_id,
                       {LOCAL_DAY.format(t="business_time")} AS day
                  FROM onecard_operation
                 WHERE kind = 'consume' AND {HOLDERS}
                 ORDER BY cardholder_id, id DESC
            ), spent AS (
                SELECT l.cardholder_id, sum(o.amount) AS day_amount,
                       sum(o.amount) FILTER (WHERE o.meal_period_id
                           IS NOT DISTINCT FROM l.meal_period_id) AS meal_amount,
                       count(*) FILTER (WHERE o.meal_period_id
                           IS NOT DISTINCT FROM l.meal_period_id) AS meal_count
                  FROM last l JOIN onecard_operation o
                    ON o.cardholder_id = l.cardholder_id AND o.kind = 'consume'
                   AND o.business_time >= l.day - interval '8 hours'
                   AND o.business_time < l.day + interval '16 hours'
                 GROUP BY l.cardholder_id
            )
            SELECT count(*) FROM onecard_cardholder h
              JOIN gen_holder g ON g.holder_id = h.id
              LEFT JOIN last l ON l.cardholder_id = h.id
              LEFT JOIN spent s ON s.cardholder_id = h.id
             WHERE h.last_swipe_at IS DISTINCT FROM l.business_time
                OR h.last_swipe_terminal_id IS DISTINCT FROM l.terminal_id
                OR h.usage_day IS DISTINCT FROM l.day
                OR h.usage_meal_key IS DISTINCT FROM to_char(l.day, 'YYYY-MM-DD')
                   || '/' || coalesce(l.meal_period_id, 0)
                OR h.usage_day_amount IS DISTINCT FROM s.day_amount
                OR h.usage_meal_amount IS DISTINCT FROM s.meal_amount
                OR h.usage_meal_count IS DISTINCT FROM s.meal_count""",
    ),
)

# Not invariants: what the data looks like (printed beside the checks).
SHAPE_SQL = f"""
SELECT (SELECT count(*) FROM (SELECT operation_id FROM onecard_transaction
          WHERE {GENERATED} GROUP BY operation_id HAVING count(*) = 2) s),
       (SELECT count(*) FROM onecard_operation WHERE {HOLDERS}
           AND kind = 'correction'),
       (SELECT count(*) FROM onecard_operation WHERE {HOLDERS} AND offline),
       (SELECT count(*) FROM onecard_wallet WHERE balance < 0
           AND id IN (SELECT wallet_id FROM gen_wallet))
"""


def check(env, args):
    """The invariants over every generated row (SQL), then Verify chain on a sample."""
    cr = env.cr
    failed = 0
    for label, query in CHECKS:
        started = time.perf_counter()
        cr.execute(query)
        bad = cr.fetchone()[0]
        failed += bool(bad)
        print(
            "  %-60s %-10s %6.1f s"
            % (
                label,
                "ok" if not bad else "FAILED: %d" % bad,
                time.perf_counter() - started,
            ),
            flush=True,
        )
    cr.execute(
        "SELECT wallet_id FROM gen_wallet ORDER BY md5(wallet_id::text) LIMIT %s",
        [args.sample],
    )
    wallets = env["onecard.wallet"].browse([row[0] for row in cr.fetchall()])
    problems = wallets._verify_chain()
    failed += bool(problems)
    print(
        "  %-60s %s"
        % (
            "Verify chain (onecard.wallet) on %d wallets" % len(wallets),
            "ok" if not problems else f"FAILED: {problems[:5]}",
        )
    )
    cr.execute(SHAPE_SQL)
    print(
        "  shape: %d split swipes, %d corrections, %d offline, %d wallets below zero"
        % cr.fetchone()
    )
    return failed
