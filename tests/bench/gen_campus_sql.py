"""The SQL of the campus generator (gen_campus.py): plain text, psycopg2 named params.

Staging is in temporary tables (gen_holder, gen_wallet, gen_terminal, gen_event,
gen_ord, gen_hash) of the generator's session; the real tables get one INSERT ...
SELECT each, in business-time order, so ids follow time as the engine's would.
"""

GENESIS_SQL = "repeat('0', 64)"
STAMP = "%(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'"

# Holders (category: 60 % students, 30 % staff, 9.5 % guests, 0.5 % VIP), one
# official card, a cash and a subsidy wallet each.
HOLDER_SQL = f"""
CREATE TEMP TABLE gen_holder (idx int, holder_id int, department_id int,
    category_id int, category_pos int, card_id int, cash_id int, sub_id int);
WITH h AS (
    INSERT INTO onecard_cardholder (company_id, department_id, category_id, name,
        code, state, active, create_uid, create_date, write_uid, write_date)
    SELECT %(company)s, (%(departments)s::int[])[1 + i %% 20],
           (%(categories)s::int[])[1 + CASE WHEN i %% 10 < 6 THEN 1
               WHEN i %% 10 < 9 THEN 0 WHEN i %% 200 = 199 THEN 3 ELSE 2 END],
           %(prefix)s || ' holder ' || lpad(i::text, 6, '0'),
           %(prefix)s || '-' || lpad(i::text, 6, '0'), 'active', true, {STAMP}
      FROM generate_series(0, %(holders)s - 1) i
    RETURNING id, code, department_id, category_id
)
INSERT INTO gen_holder
SELECT substr(code, length(%(prefix)s) + 2)::int AS idx, id AS holder_id,
       department_id, category_id,
       array_position(%(categories)s::int[], category_id) AS category_pos,
       0 AS card_id, 0 AS cash_id, 0 AS sub_id
  FROM h;
CREATE UNIQUE INDEX ON gen_holder (idx);
CREATE TEMP TABLE gen_wallet (wallet_id int, cardholder_id int, kind varchar);
WITH w AS (
    INSERT INTO onecard_wallet (cardholder_id, company_id, kind, balance, chain_head,
        create_uid, create_date, write_uid, write_date)
    SELECT h.holder_id, %(company)s, k.kind, 0, {GENESIS_SQL}, {STAMP}
      FROM gen_holder h CROSS JOIN (VALUES ('cash'), ('subsidy')) k(kind)
    RETURNING id, cardholder_id, kind
)
INSERT INTO gen_wallet SELECT id, cardholder_id, kind FROM w;
CREATE UNIQUE INDEX ON gen_wallet (wallet_id);
WITH c AS (
    INSERT INTO onecard_card (cardholder_id, company_id, number, uid, kind, state,
        create_uid, create_date, write_uid, write_date)
    SELECT h.holder_id, %(company)s, %(prefix)s || 'C' || lpad(h.idx::text, 6, '0'),
           upper(substr(md5(%(prefix)s || h.idx), 1, 8)), 'official', 'active',
           {STAMP}
      FROM gen_holder h
    RETURNING id, cardholder_id
)
UPDATE gen_holder h SET card_id = c.id FROM c WHERE c.cardholder_id = h.holder_id;
UPDATE gen_holder h SET cash_id = w.wallet_id FROM gen_wallet w
 WHERE w.cardholder_id = h.holder_id AND w.kind = 'cash';
UPDATE gen_holder h SET sub_id = w.wallet_id FROM gen_wallet w
 WHERE w.cardholder_id = h.holder_id AND w.kind = 'subsidy';
"""

# Business times are UTC (Odoo's), the campus is in Asia/Shanghai (UTC+8).
LOCAL = "(%(start)s::date + d.d)::timestamp - interval '8 hours'"
EVENT_SQL = f"""
CREATE TEMP TABLE gen_terminal AS
SELECT t.idx - 1 AS idx, t.id, term.canteen_id, term.consume_category_id,
       c.analytic_account_id
  FROM unnest(%(terminals)s::int[]) WITH ORDINALITY t(id, idx)
  JOIN onecard_terminal term ON term.id = t.id
  JOIN onecard_canteen c ON c.id = term.canteen_id;
CREATE UNIQUE INDEX ON gen_terminal (idx);
CREATE TEMP TABLE gen_event (gid bigserial PRIMARY KEY, kind varchar, idx int,
    wallet_kind varchar, amount numeric, business_time timestamp, term int,
    period int, method int, offline bool DEFAULT false, reversal_of bigint);
-- meals (period 1-3) and the shop (period 0) at the home canteen's terminals
INSERT INTO gen_event (kind, idx, wallet_kind, amount, business_time, term, period,
    offline)
SELECT 'consume', h.idx, m.wk,
       -(round((m.lo + random() * (m.hi - m.lo)) * 2) / 2)::numeric(12, 2),
       date_trunc('second', {LOCAL}
           + make_interval(secs => (m.h0 + random() * (m.h1 - m.h0)) * 3600)),
       (h.idx %% 4) * 10 + CASE WHEN m.period = 0 THEN 9
           ELSE floor(random() * 9)::int END,
       NULLIF(m.period, 0), random() < 0.01
  FROM generate_series(0, %(days)s - 1) d(d)
 CROSS JOIN gen_holder h
 CROSS JOIN (VALUES (1, 'cash', 3.0, 8.0, 6.0, 9.0, 0.8),
                    (2, 'subsidy', 10.0, 20.0, 11.0, 13.5, 0.95),
                    (3, 'cash', 8.0, 18.0, 17.0, 20.0, 0.8),
                    (0, 'cash', 2.0, 30.0, 8.0, 20.0, 0.9))
       m(period, wk, lo, hi, h0, h1, p)
 WHERE random() < least(1.0, m.p * %(scale)s
       * CASE WHEN extract(isodow FROM %(start)s::date + d.d) > 5 THEN 0.6 ELSE 1 END);
-- cash top-ups at the desk: day 0 before breakfast, then every 14 days
INSERT INTO gen_event (kind, idx, wallet_kind, amount, business_time, method)
SELECT 'topup', h.idx, 'cash', (ARRAY[100, 200, 300])[1 + floor(random() * 3)::int],
       date_trunc('second', {LOCAL} + CASE WHEN d.d = 0 THEN interval '5 hours'
           ELSE make_interval(secs => (8 + random() * 10) * 3600) END),
       1 + floor(random() * array_length(%(methods)s::int[], 1))::int
  FROM generate_series(0, %(days)s - 1) d(d)
 CROSS JOIN gen_holder h
 WHERE d.d = 0 OR (d.d + h.idx) %% 14 = 0;
-- monthly subsidy by holder category (staff, student, guest, vip)
INSERT INTO gen_event (kind, idx, wallet_kind, amount, business_time)
SELECT 'subsidy_grant', h.idx, 'subsidy',
       (ARRAY[300, 250, 100, 400])[h.category_pos], {LOCAL} + interval '30 minutes'
  FROM generate_series(0, %(days)s - 1) d(d)
 CROSS JOIN gen_holder h
 WHERE d.d = 0 OR extract(day FROM %(start)s::date + d.d) = 1;
-- corrections: a few consumptions given back the next day
INSERT INTO gen_event (kind, idx, wallet_kind, amount, business_time, term, period,
    reversal_of)
SELECT 'correction', e.idx, e.wallet_kind, -e.amount,
       e.business_time + interval '1 day', e.term, e.period, e.gid
  FROM gen_event e
 WHERE e.kind = 'consume' AND random() < 0.0005;
"""

# Ids in business-time order (reserved from the sequences: op_base + n, tx_base + n),
# the running balance per wallet, a sequence per terminal (epoch 0).
ORDER_SQL = """
CREATE TEMP TABLE gen_ord AS
SELECT s.*, %(op_base)s + s.n AS op_id, %(tx_base)s + s.n AS tx_id,
       sum(s.amount) OVER (PARTITION BY s.wallet_id ORDER BY s.n) AS balance_after,
       CASE WHEN s.kind = 'consume' THEN row_number() OVER (
           PARTITION BY s.kind = 'consume', s.term ORDER BY s.n) END AS seq,
       %(prefix)s || '-' || s.n AS idem, NULL::bigint AS reversal_op
  FROM (SELECT row_number() OVER (ORDER BY e.business_time, e.gid) AS n, e.*,
               h.holder_id, h.department_id, h.category_id, h.card_id,
               CASE e.wallet_kind WHEN 'cash' THEN h.cash_id ELSE h.sub_id END
                   AS wallet_id
          FROM gen_event e JOIN gen_holder h USING (idx)) s;
CREATE UNIQUE INDEX ON gen_ord (n);
CREATE INDEX ON gen_ord (gid) WHERE kind = 'consume';
UPDATE gen_ord c SET reversal_op = r.op_id FROM gen_ord r
 WHERE c.kind = 'correction' AND r.kind = 'consume' AND r.gid = c.reversal_of;
"""

# tools/chain.py's text, byte for byte: prev|wallet|key|%.2f amount|%.2f balance|time
HASH_TEXT = """{prev} || '|' || {wallet}::text || '|' || coalesce({key}, '') || '|'
    || round({amount}, 2)::text || '|' || round({balance}, 2)::text || '|'
    || to_char({when}, 'YYYY-MM-DD"T"HH24:MI:SS')"""


def _hash(**columns):
    return f"encode(sha256(convert_to({HASH_TEXT.format(**columns)}, 'UTF8')), 'hex')"


# One pass in wallet order: each hash needs the one before it (not set-based).
CHAIN_FUNCTION_SQL = """
CREATE FUNCTION pg_temp.gen_chain()
RETURNS TABLE (n bigint, prev_hash varchar, hash varchar) LANGUAGE plpgsql AS $$
DECLARE
    r record;
    wallet int := -1;
    head varchar;
BEGIN
    FOR r IN SELECT o.n AS rn, o.wallet_id, o.idem, o.amount, o.balance_after,
                    o.business_time
               FROM gen_ord o ORDER BY o.wallet_id, o.n LOOP
        IF r.wallet_id <> wallet THEN
            wallet := r.wallet_id;
            head := %(genesis)s;
        END IF;
        n := r.rn;
        prev_hash := head;
        head := %(hash)s;
        hash := head;
        RETURN NEXT;
    END LOOP;
END $$;
""".replace("%(genesis)s", GENESIS_SQL).replace(
    "%(hash)s",
    _hash(
        prev="head",
        wallet="r.wallet_id",
        key="r.idem",
        amount="r.amount",
        balance="r.balance_after",
        when="r.business_time",
    ),
)

OPERATION_INSERT_SQL = f"""
INSERT INTO onecard_operation (id, kind, state, company_id, cardholder_id, card_id,
    terminal_id, meal_period_id, payment_method_id, amount, business_time, offline,
    flagged, idempotency_key, terminal_seq, terminal_epoch, request_digest, note,
    reversal_of_id, result, department_id, cardholder_category_id, canteen_id,
    consume_category_id, create_uid, create_date, write_uid, write_date)
SELECT o.op_id, o.kind, 'approved', %(company)s, o.holder_id, o.card_id,
       CASE WHEN o.kind = 'consume' THEN t.id END, (%(periods)s::int[])[o.period],
       (%(methods)s::int[])[o.method], abs(o.amount), o.business_time, o.offline,
       false, o.idem, o.seq, CASE WHEN o.seq IS NOT NULL THEN 0 END, md5(o.idem),
       CASE WHEN o.kind = 'correction' THEN 'generated correction' END,
       o.reversal_op,
       jsonb_build_object('approved', true, 'code', 'ok', 'amount', abs(o.amount),
           'balances', jsonb_build_object(o.wallet_kind, o.balance_after),
           'flagged', false, 'replay', false),
       o.department_id, o.category_id, t.canteen_id, t.consume_category_id, {STAMP}
  FROM gen_ord o LEFT JOIN gen_terminal t ON t.idx = o.term
 ORDER BY o.n;
"""

TRANSACTION_INSERT_SQL = f"""
INSERT INTO onecard_transaction (id, operation_id, wallet_id, wallet_kind, amount,
    balance_after, prev_hash, hash, kind, cardholder_id, department_id,
    cardholder_category_id, card_id, terminal_id, canteen_id, meal_period_id,
    consume_category_id, analytic_account_id, payment_method_id, company_id,
    business_time, offline, idempotency_key, create_uid, create_date, write_uid,
    write_date)
SELECT o.tx_id, o.op_id, o.wallet_id, o.wallet_kind, o.amount, o.balance_after,
       g.prev_hash, g.hash, o.kind, o.holder_id, o.department_id, o.category_id,
       o.card_id, CASE WHEN o.kind = 'consume' THEN t.id END, t.canteen_id,
       (%(periods)s::int[])[o.period], t.consume_category_id,
       CASE WHEN o.kind = 'subsidy_grant' THEN d.onecard_analytic_account_id
            ELSE t.analytic_account_id END,
       (%(methods)s::int[])[o.method], %(company)s, o.business_time, o.offline,
       o.idem, {STAMP}
  FROM gen_ord o
  JOIN gen_hash g USING (n)
  LEFT JOIN gen_terminal t ON t.idx = o.term
  LEFT JOIN hr_department d ON d.id = o.department_id
 ORDER BY o.n;
"""

WALLET_UPDATE_SQL = """
UPDATE onecard_wallet w SET balance = s.balance, chain_head = s.head
  FROM (SELECT DISTINCT ON (o.wallet_id) o.wallet_id, o.balance_after AS balance,
               g.hash AS head
          FROM gen_ord o JOIN gen_hash g USING (n)
         ORDER BY o.wallet_id, o.n DESC) s
 WHERE w.id = s.wallet_id;
UPDATE onecard_operation o SET reversed_by_id = c.op_id
  FROM gen_ord c WHERE c.kind = 'correction' AND o.id = c.reversal_op;
"""

GENERATED = "wallet_id IN (SELECT wallet_id FROM gen_wallet)"
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
        """SELECT count(*) FROM onecard_transaction
            WHERE wallet_id IN (SELECT wallet_id FROM gen_wallet)
              AND hash IS DISTINCT FROM {}""".format(
            _hash(
                prev="prev_hash",
                wallet="wallet_id",
                key="idempotency_key",
                amount="amount",
                balance="balance_after",
                when="business_time",
            )
        ),
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
        "every generated operation has its one ledger row",
        """SELECT count(*) FROM (SELECT o.id FROM onecard_operation o
              LEFT JOIN onecard_transaction t ON t.operation_id = o.id
             WHERE o.cardholder_id IN (SELECT cardholder_id FROM gen_wallet)
             GROUP BY o.id HAVING count(t.id) <> 1) x""",
    ),
)
