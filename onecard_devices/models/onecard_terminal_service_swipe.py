"""Terminal service: money from terminals (swipe, the gateway's swipe batches,
offline upload, sequence epochs) and the consumption totals."""

from datetime import datetime, timedelta, timezone
from datetime import time as dtime

import pytz

from odoo import api, models
from odoo.tools import SQL

from ..lib.errors import TerminalError
from ..lib.schema import MESSAGES
from ..lib.validation import Invalid, check

SWIPE = MESSAGES["swipe"]


# One handler group a file (onecard_terminal_service.py lists them): apart on purpose.
class OnecardTerminalService(models.AbstractModel):
    _inherit = "onecard.terminal.service"  # pylint: disable=consider-merging-classes-inherited

    def _business_time(self, unix):
        if unix is None:
            return None
        return datetime.fromtimestamp(unix, timezone.utc).replace(tzinfo=None)

    def _msg_swipe(self, terminal, payload):
        """Real-time swipe: the engine's answer (idempotent by key or seq)."""
        request = self._swipe_request(terminal.id, payload)
        answer = self.env["onecard.consumption"].swipe_many([request])[0]
        return self._echo(answer, request)

    @staticmethod
    def _echo(answer, request):
        """The answer with the request's record number (a _swipe_request): a
        terminal matches an HTTP answer to its request by it, not by its place on
        the connection."""
        if request.get("terminal_seq") is None:
            return answer
        return dict(
            answer, seq=request["terminal_seq"], epoch=request["terminal_epoch"]
        )

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
                # check() itself, not _checked: one call less a swipe (the hot path)
                payload = check(
                    {} if payload is None else payload, SWIPE.request, SWIPE.names
                )
                self._check_kind(SWIPE, kind)
            except Invalid as exc:
                results[index] = self._refusal(exc)
                continue
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
            for (index, request), answer in zip(
                group,
                engine.swipe_many([request for _i, request in group]),
                strict=False,
            ):
                results[index] = self._echo(answer, request)
        return results

    def _msg_upload(self, terminal, payload):
        """Offline records in sequence order; idempotent by (terminal, seq); reports
        gaps."""
        records = payload["records"]  # checked by handle, each record too
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
