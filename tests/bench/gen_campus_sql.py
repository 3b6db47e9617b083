"""The SQL of the campus generator (gen_campus.py): plain text, psycopg2 named params.

Staging is in temporary tables of the generator's session. Once per run: gen_holder,
gen_wallet, gen_terminal and the carried state (gen_wstate: each wallet's balance and
chain head; gen_tstate: each terminal's last sequence; gen_usage: each holder's
counters). Per batch of days: gen_event (one row per ledger row), gen_ord (ids,
balances, sequences), gen_hash (the chains); the real tables get one INSERT ...
SELECT each per batch, in business-time order, so ids follow time as the engine's
would, and the batch's staging is dropped before the next one.
"""

GENESIS_SQL = "repeat('0', 64)"
STAMP = "%(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'"
# The campus is in Asia/Shanghai (UTC+8, no daylight saving); business times are UTC.
LOCAL_DAY = "(({t}) + interval '8 hours')::date"

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
-- each cash wallet's settled split, as onecard.wallet's create makes it
INSERT INTO onecard_wallet_settled (wallet_id, cardholder_id, company_id, balance, debt,
    create_uid, create_date, write_uid, write_date)
SELECT wallet_id, cardholder_id, %(company)s, 0, 0, {STAMP}
  FROM gen_wallet WHERE kind = 'cash';
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

# What one batch hands the next: balances and heads, terminal sequences, counters.
STATE_SQL = f"""
CREATE TEMP TABLE gen_terminal AS
SELECT t.idx - 1 AS idx, t.id, term.canteen_id, term.consume_category_id,
       c.analytic_account_id
  FROM unnest(%(terminals)s::int[]) WITH ORDINALITY t(id, idx)
  JOIN onecard_terminal term ON term.id = t.id
  JOIN onecard_canteen c ON c.id = term.canteen_id;
CREATE UNIQUE INDEX ON gen_terminal (idx);
CREATE TEMP TABLE gen_wstate AS
SELECT wallet_id, 0::numeric AS balance, {GENESIS_SQL}::varchar AS head
  FROM gen_wallet;
CREATE UNIQUE INDEX ON gen_wstate (wallet_id);
CREATE TEMP TABLE gen_tstate AS SELECT idx AS term, 0::bigint AS seq FROM gen_terminal;
CREATE UNIQUE INDEX ON gen_tstate (term);
ANALYZE gen_holder, gen_wallet, gen_terminal, gen_wstate, gen_tstate;
CREATE TEMP TABLE gen_usage (holder_id int PRIMARY KEY, day date,
    day_amount numeric, meal_key varchar, meal_amount numeric, meal_count int,
    last_swipe timestamp, terminal_id int);
"""

LOCAL = "(%(start)s::date + d.d)::timestamp - interval '8 hours'"
DAYS = "generate_series(%(day_from)s, %(day_to)s - 1) d(d)"
# One row per ledger row: ``op`` is the gid of its operation's first row (a split
# swipe's cash row points at its subsidy row), ``part`` its place in the operation.
EVENT_SQL = f"""
CREATE TEMP TABLE gen_event (gid bigserial PRIMARY KEY, op bigint, part int DEFAULT 0,
    kind varchar, idx int, wallet_kind varchar, amount numeric, op_amount numeric,
    business_time timestamp, term int, period int, method int,
    offline bool DEFAULT false, split bool DEFAULT false, reversal_of bigint);
-- meals (period 1-3) and the shop (period 0) at the home canteen's terminals; 5 %%
-- of the lunches are split: the subsidy purse pays 8.00, the cash purse the rest
INSERT INTO gen_event (kind, idx, wallet_kind, amount, business_time, term, period,
    offline, split)
SELECT 'consume', h.idx, m.wk,
       -(round((m.lo + random() * (m.hi - m.lo)) * 2) / 2)::numeric(12, 2),
       date_trunc('second', {LOCAL}
           + make_interval(secs => (m.h0 + random() * (m.h1 - m.h0)) * 3600)),
       (h.idx %% 4) * 10 + CASE WHEN m.period = 0 THEN 9
           ELSE floor(random() * 9)::int END,
       NULLIF(m.period, 0), random() < 0.01, m.period = 2 AND random() < 0.05
  FROM {DAYS}
 CROSS JOIN gen_holder h
 CROSS JOIN (VALUES (1, 'cash', 3.0, 8.0, 6.0, 9.0, 0.8),
                    (2, 'subsidy', 10.0, 20.0, 11.0, 13.5, 0.95),
                    (3, 'cash', 8.0, 18.0, 17.0, 20.0, 0.8),
                    (0, 'cash', 2.0, 30.0, 8.0, 20.0, 0.9))
       m(period, wk, lo, hi, h0, h1, p)
 WHERE random() < least(1.0, m.p * %(scale)s
       * CASE WHEN extract(isodow FROM %(start)s::date + d.d) > 5 THEN 0.6 ELSE 1 END);
INSERT INTO gen_event (op, part, kind, idx, wallet_kind, amount, business_time, term,
    period, offline, split)
SELECT gid, 1, kind, idx, 'cash', amount + 8, business_time, term, period, offline,
       true
  FROM gen_event WHERE split;
UPDATE gen_event SET op_amount = amount, amount = -8 WHERE split AND part = 0;
-- cash top-ups at the desk: day 0 before breakfast, then every 14 days, a little
-- more than two weeks of cash meals and shop (~363 a fortnight), so few go below zero
INSERT INTO gen_event (kind, idx, wallet_kind, amount, business_time, method)
SELECT 'topup', h.idx, 'cash', CASE WHEN d.d = 0 THEN 500
           ELSE (ARRAY[300, 400, 500])[1 + floor(random() * 3)::int] END,
       date_trunc('second', {LOCAL} + CASE WHEN d.d = 0 THEN interval '5 hours'
           ELSE make_interval(secs => (8 + random() * 10) * 3600) END),
       1 + floor(random() * array_length(%(methods)s::int[], 1))::int
  FROM {DAYS}
 CROSS JOIN gen_holder h
 WHERE d.d = 0 OR (d.d + h.idx) %% 14 = 0;
-- monthly subsidy by holder category (staff, student, guest, vip): about a month of
-- lunches (~380) or more
INSERT INTO gen_event (kind, idx, wallet_kind, amount, business_time)
SELECT 'subsidy_grant', h.idx, 'subsidy',
       (ARRAY[450, 400, 400, 600])[h.category_pos], {LOCAL} + interval '30 minutes'
  FROM {DAYS}
 CROSS JOIN gen_holder h
 WHERE d.d = 0 OR extract(day FROM %(start)s::date + d.d) = 1;
-- corrections: a few (unsplit) consumptions given back the next day, within the batch
INSERT INTO gen_event (kind, idx, wallet_kind, amount, business_time, term, period,
    reversal_of)
SELECT 'correction', e.idx, e.wallet_kind, -e.amount,
       e.business_time + interval '1 day', e.term, e.period, e.gid
  FROM gen_event e
 WHERE e.kind = 'consume' AND NOT e.split AND random() < 0.0005
   AND e.business_time + interval '1 day'
       < (%(start)s::date + %(day_to)s)::timestamp - interval '8 hours';
"""

# (Autovacuum never analyzes temporary tables: the ANALYZEs give the planner their
# sizes, without which it picks nested loops over millions of rows.)
# Ids in business-time order (reserved from the sequences: op_base + the operation's
# rank, tx_base + the row's), the running balance per wallet and a sequence per
# terminal (epoch 0), both carried on from the batches before (gen_wstate, gen_tstate).
ORDER_SQL = """
ANALYZE gen_event;
CREATE TEMP TABLE gen_ord AS
SELECT s.*, %(op_base)s + s.opn AS op_id, %(tx_base)s + s.n AS tx_id,
       ws.balance + sum(s.amount) OVER (PARTITION BY s.wallet_id ORDER BY s.n)
           AS balance_after,
       CASE WHEN s.kind = 'consume' AND s.part = 0 THEN ts.seq + row_number() OVER (
           PARTITION BY s.kind = 'consume' AND s.part = 0, s.term ORDER BY s.n) END
           AS seq,
       %(prefix)s || '-' || (%(op_done)s + s.opn) AS idem, NULL::bigint AS reversal_op
  FROM (SELECT row_number() OVER w AS n,
               dense_rank() OVER (ORDER BY e.business_time, coalesce(e.op, e.gid))
                   AS opn,
               coalesce(e.op, e.gid) AS opg, coalesce(e.op_amount, e.amount)
                   AS op_total, e.*,
               h.holder_id, h.department_id, h.category_id, h.card_id,
               CASE e.wallet_kind WHEN 'cash' THEN h.cash_id ELSE h.sub_id END
                   AS wallet_id
          FROM gen_event e JOIN gen_holder h USING (idx)
        WINDOW w AS (ORDER BY e.business_time, coalesce(e.op, e.gid), e.part)) s
  JOIN gen_wstate ws USING (wallet_id)
  LEFT JOIN gen_tstate ts ON ts.term = s.term;
DROP TABLE gen_event;
CREATE UNIQUE INDEX ON gen_ord (n);
CREATE INDEX ON gen_ord (gid) WHERE kind = 'consume';
CREATE INDEX ON gen_ord (opg) WHERE part = 1;
CREATE INDEX ON gen_ord (reversal_of) WHERE kind = 'correction';
ANALYZE gen_ord;
UPDATE gen_ord c SET reversal_op = r.op_id FROM gen_ord r
 WHERE c.kind = 'correction' AND r.kind = 'consume' AND r.gid = c.reversal_of;
"""

# tools/chain.py's text, byte for byte: prev|wallet|key|%.2f amount|%.2f balance|time
HASH_TEXT = """{prev} || '|' || {wallet}::text || '|' || coalesce({key}, '') || '|'
    || round({amount}, 2)::text || '|' || round({balance}, 2)::text || '|'
    || to_char({when}, 'YYYY-MM-DD"T"HH24:MI:SS')"""


def _hash(**columns):
    return f"encode(sha256(convert_to({HASH_TEXT.format(**columns)}, 'UTF8')), 'hex')"


# One pass in wallet order: each hash needs the one before it (not set-based); a
# wallet's chain goes on from the head the previous batch left (gen_wstate).
CHAIN_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION pg_temp.gen_chain()
RETURNS TABLE (n bigint, prev_hash varchar, hash varchar) LANGUAGE plpgsql AS $$
DECLARE
    r record;
    wallet int := -1;
    head varchar;
BEGIN
    FOR r IN SELECT o.n AS rn, o.wallet_id, o.idem, o.amount, o.balance_after,
                    o.business_time, ws.head AS start
               FROM gen_ord o JOIN gen_wstate ws USING (wallet_id)
              ORDER BY o.wallet_id, o.n LOOP
        IF r.wallet_id <> wallet THEN
            wallet := r.wallet_id;
            head := r.start;
        END IF;
        n := r.rn;
        prev_hash := head;
        head := %(hash)s;
        hash := head;
        RETURN NEXT;
    END LOOP;
END $$;
CREATE TEMP TABLE gen_hash AS SELECT * FROM pg_temp.gen_chain();
CREATE UNIQUE INDEX ON gen_hash (n);
ANALYZE gen_hash;
""".replace(
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

# One operation per first row (part 0); a split's result shows both purses; a
# corrected consumption points at its correction (same batch), no UPDATE after.
OPERATION_INSERT_SQL = f"""
INSERT INTO onecard_operation (id, kind, state, company_id, cardholder_id, card_id,
    terminal_id, meal_period_id, payment_method_id, amount, business_time, offline,
    flagged, idempotency_key, terminal_seq, terminal_epoch, request_digest, note,
    reversal_of_id, reversed_by_id, result, department_id, cardholder_category_id,
    canteen_id, consume_category_id, create_uid, create_date, write_uid, write_date)
SELECT o.op_id, o.kind, 'approved', %(company)s, o.holder_id, o.card_id,
       CASE WHEN o.kind = 'consume' THEN t.id END, (%(periods)s::int[])[o.period],
       (%(methods)s::int[])[o.method], abs(o.op_total), o.business_time, o.offline,
       false, o.idem, o.seq, CASE WHEN o.seq IS NOT NULL THEN 0 END, md5(o.idem),
       CASE WHEN o.kind = 'correction' THEN 'generated correction' END,
       o.reversal_op, r.op_id,
       jsonb_build_object('approved', true, 'code', 'ok', 'amount', abs(o.op_total),
           'balances', jsonb_build_object(o.wallet_kind, o.balance_after)
               || CASE WHEN c.n IS NOT NULL
                       THEN jsonb_build_object('cash', c.balance_after)
                       ELSE '{{}}'::jsonb END,
           'flagged', false, 'replay', false),
       o.department_id, o.category_id, t.canteen_id, t.consume_category_id, {STAMP}
  FROM gen_ord o
  LEFT JOIN gen_ord c ON c.part = 1 AND c.opg = o.opg
  LEFT JOIN gen_ord r ON r.kind = 'correction' AND r.reversal_of = o.gid
  LEFT JOIN gen_terminal t ON t.idx = o.term
 WHERE o.part = 0
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

# After each batch: what the next one starts from, then the batch's staging goes.
# The counters are what the engine's usage_after leaves (tools/swipe_rules.py): the
# local day of the last swipe and what was spent that day, the meal bucket
# "<day>/<period id or 0>" of the last swipe with its amount and count, its time and
# terminal. A batch ends on a local midnight, so a holder's last day is in one batch.
CARRY_SQL = f"""
UPDATE gen_wstate w SET balance = s.balance_after, head = s.hash
  FROM (SELECT DISTINCT ON (o.wallet_id) o.wallet_id, o.balance_after, g.hash
          FROM gen_ord o JOIN gen_hash g USING (n)
         ORDER BY o.wallet_id, o.n DESC) s
 WHERE w.wallet_id = s.wallet_id;
UPDATE gen_tstate t SET seq = s.seq
  FROM (SELECT term, max(seq) AS seq FROM gen_ord WHERE seq IS NOT NULL
         GROUP BY term) s
 WHERE t.term = s.term;
WITH c AS (
    SELECT holder_id, n, business_time, term, period, -op_total AS amount,
           {LOCAL_DAY.format(t="business_time")} AS day
      FROM gen_ord WHERE kind = 'consume' AND part = 0
), last AS (
    SELECT DISTINCT ON (holder_id) holder_id, business_time, term, period, day
      FROM c ORDER BY holder_id, n DESC
)
INSERT INTO gen_usage
SELECT l.holder_id, l.day, sum(c.amount) FILTER (WHERE c.day = l.day),
       to_char(l.day, 'YYYY-MM-DD') || '/'
           || coalesce((%(periods)s::int[])[l.period], 0),
       sum(c.amount) FILTER (WHERE c.day = l.day
           AND c.period IS NOT DISTINCT FROM l.period),
       count(*) FILTER (WHERE c.day = l.day AND c.period IS NOT DISTINCT FROM l.period),
       l.business_time, t.id
  FROM last l JOIN c USING (holder_id) JOIN gen_terminal t ON t.idx = l.term
 GROUP BY l.holder_id, l.day, l.period, l.business_time, t.id
    ON CONFLICT (holder_id) DO UPDATE SET day = excluded.day,
       day_amount = excluded.day_amount, meal_key = excluded.meal_key,
       meal_amount = excluded.meal_amount, meal_count = excluded.meal_count,
       last_swipe = excluded.last_swipe, terminal_id = excluded.terminal_id;
DROP TABLE gen_ord;
DROP TABLE gen_hash;
"""

FINISH_SQL = """
UPDATE onecard_wallet w SET balance = s.balance, chain_head = s.head
  FROM gen_wstate s WHERE w.id = s.wallet_id;
UPDATE onecard_cardholder h SET usage_day = u.day, usage_day_amount = u.day_amount,
       usage_meal_key = u.meal_key, usage_meal_amount = u.meal_amount,
       usage_meal_count = u.meal_count, last_swipe_at = u.last_swipe,
       last_swipe_terminal_id = u.terminal_id
  FROM gen_usage u WHERE h.id = u.holder_id;
"""
