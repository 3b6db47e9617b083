"""The swipe engine's first step: a batch's requests, their replays, the lookup.

``_prepare`` turns each request into what the engine books (where, when, which
identities make it that request); ``_lookup`` finds the stored answers of requests
already processed and locks the cards' holders and wallets, in one statement;
``_replays`` answers the replays and refuses the conflicts (see
``onecard_consumption.py``).
"""

import logging

from odoo import models

from ..tools import normalize_uid
from ..tools import swipe_rules as rules
from ..tools.prepared import execute_prepared
from .onecard_card import LIVE_STATES
from .onecard_consumption import request_digest

_logger = logging.getLogger(__name__)

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
               h.pin_locked_until, h.subsidy_pending, h.pin_hash,
               h.own_daily_limit::float8
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


class OnecardConsumptionLookup(models.AbstractModel):
    # one model, one file per step (see onecard_consumption.py)
    _inherit = "onecard.consumption"  # pylint: disable=consider-merging-classes-inherited

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
        if header["kind"] == "back_entry":
            # a back-entry is dated by the desk: never into a closed month (offline
            # records are booked anyway and settled late in the next open period)
            self.env["onecard.month.close"]._check_open(
                conf["company_id"], header["business_time"]
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
            "daily_limit": columns[17] or 0.0,
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
