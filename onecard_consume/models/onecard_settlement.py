"""Settlement center: a day or a month of card money into ONE journal entry.

Pattern of point_of_sale's session closing: aggregate in SQL, build the
lines with Command.create, one create, then _post. Rows are claimed by
one row each in onecard_transaction_settled (its key is the ledger row's id), so a
row is posted exactly once (onecard_settlement_claim.py); an unsettled row
dated before the period or in a period already settled (late offline
record, back-entry) is simply taken by the next settlement and shown as late.
Totals group by what the rows were booked with (canteen, analytic account,
department), never by today's configuration. Which account takes each total is
onecard_settlement_posting.py.
"""

import logging
import zlib
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .onecard_settlement_unsettled import unsettled_ids

_logger = logging.getLogger(__name__)

# Advisory lock namespace: a constant (Python's str hash() differs per process,
# so it would not serialise two workers settling the same company).
SETTLE_LOCK = zlib.crc32(b"onecard.settlement") % 2**31
PAYMENT_KINDS = ("topup", "refund", "return", "deposit_in", "deposit_out")
CONSUME_KINDS = ("consume", "back_entry", "correction")
SUBSIDY_KINDS = ("subsidy_grant", "subsidy_clear", "subsidy_expire")
WALLET_ACCOUNT = {
    "cash": "onecard_cash_account_id",
    "temporary": "onecard_cash_account_id",
    "subsidy": "onecard_subsidy_account_id",
    "deposit": "onecard_deposit_account_id",
}


class OnecardSettlement(models.Model):
    _name = "onecard.settlement"
    _description = "Card Settlement"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    period = fields.Selection(
        [("day", "Day"), ("month", "Month")], required=True, default="day"
    )
    date_from = fields.Date(required=True)
    date_to = fields.Date(compute="_compute_date_to", store=True)
    state = fields.Selection(
        [("posted", "Posted"), ("reversed", "Reversed")],
        default="posted",
        required=True,
        readonly=True,
        tracking=True,
    )
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True)
    reversal_move_id = fields.Many2one("account.move", readonly=True)
    line_ids = fields.One2many(
        "onecard.settlement.line", "settlement_id", string="Totals", readonly=True
    )
    transaction_count = fields.Integer(readonly=True)
    late_count = fields.Integer(
        readonly=True,
        help="Rows booked here although dated before the period or in a "
        "period already settled.",
    )
    note = fields.Char(readonly=True)

    def init(self):
        # One posted settlement per company, period and start: the last guard
        # against two workers settling the same day at once (the advisory lock
        # in settle() serialises them, but a REPEATABLE READ snapshot taken
        # before the lock would not see the other's settlement).
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS onecard_settlement_posted_uniq
                ON onecard_settlement (company_id, period, date_from) WHERE state =
                'posted'
        """)

    @api.depends("period", "date_from", "company_id")
    def _compute_name(self):
        for settlement in self:
            fmt = "%Y-%m-%d" if settlement.period == "day" else "%Y-%m"
            settlement.name = (
                "{} {}".format(
                    self.env._("Settlement"), settlement.date_from.strftime(fmt)
                )
                if settlement.date_from
                else self.env._("Settlement")
            )

    @api.depends("period", "date_from")
    def _compute_date_to(self):
        for settlement in self:
            start = settlement.date_from
            settlement.date_to = start and (
                start
                if settlement.period == "day"
                else start + relativedelta(months=1, days=-1)
            )

    # ------------------------------------------------------------- settling
    @api.model
    def settle(self, company, period, day):
        """Settle the day (or the month containing it) for a company; idempotent."""
        start = day if period == "day" else day.replace(day=1)
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [SETTLE_LOCK, company.id]
        )
        done = self.search(
            [
                ("company_id", "=", company.id),
                ("period", "=", period),
                ("date_from", "=", start),
                ("state", "=", "posted"),
            ],
            limit=1,
        )
        if done:
            return done
        self.env["onecard.month.close"]._check_month_open(company, start)
        settlement = self.create(
            {"company_id": company.id, "period": period, "date_from": start}
        )
        settlement._claim_and_post()
        return settlement

    def _utc_bound(self, day):
        tz = pytz.timezone(self.company_id.partner_id.tz or "UTC")
        return (
            tz.localize(datetime.combine(day, time.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )

    def _claim_and_post(self):
        self.ensure_one()
        start, end = (
            self._utc_bound(self.date_from),
            self._utc_bound(self.date_to + timedelta(days=1)),
        )
        self.env.flush_all()
        # The rows are staged once (onecard_settlement_stage.py): the totals, the
        # claim and the debt read them there, and no query joins the claim table
        # while its statistics may still say it is empty (onecard_settlement_claim.py).
        floor = self._settled_floor(self.company_id)
        self._stage_rows(unsettled_ids(self.company_id.id, floor, end), floor)
        # Late: posted outside its own period, i.e. dated before this period, or in a
        # period an earlier posted settlement already covered (a day settled, then a
        # month: the day's late records are late in the month too), whatever the kind of
        # this settlement.
        settled_from, settled_to = self._settled_periods()
        self.env.cr.execute(
            SQL(
                """
            SELECT kind, wallet_kind, payment_method_id, canteen_id, meal_period_id,
                   CASE WHEN kind IN %s THEN department_id END, analytic_account_id,
                   payable_partner_id,
                   business_time < %s OR EXISTS (
                       SELECT 1 FROM unnest(%s::timestamp[], %s::timestamp[]) p(lo, hi)
                        WHERE business_time >= p.lo AND business_time < p.hi),
                   count(*), sum(amount)
              FROM onecard_settle_rows
             GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
        """,
                SUBSIDY_KINDS,
                start,
                settled_from,
                settled_to,
            )
        )
        groups = self.env.cr.fetchall()
        self._claim_rows(floor)
        # Totals are written only here (sudo): nobody edits them afterwards.
        self.sudo().line_ids = [
            Command.create(
                {
                    "kind": kind,
                    "wallet_kind": wallet_kind,
                    "payment_method_id": method,
                    "canteen_id": canteen,
                    "meal_period_id": meal,
                    "department_id": department,
                    "analytic_account_id": analytic,
                    "partner_id": partner,
                    "late": late,
                    "count": count,
                    "amount": amount,
                }
            )
            for (
                kind,
                wallet_kind,
                method,
                canteen,
                meal,
                department,
                analytic,
                partner,
                late,
                count,
                amount,
            ) in groups
        ]
        self.transaction_count = sum(g[9] for g in groups)
        self.late_count = sum(g[9] for g in groups if g[8])
        move_lines = self._move_lines()
        if not move_lines:
            self.note = self.env._("Nothing to post.")
            return
        date, note = self._posting_date()
        move = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "journal_id": self._journal().id,
                    "date": date,
                    "ref": self.name,
                    "move_type": "entry",
                    "company_id": self.company_id.id,
                    "line_ids": move_lines,
                }
            )
        )
        # The card journal hashes what it posts, and Odoo hashes as the real user
        # (sudo(False)): card accountants have no Accounting write rights.
        move.with_user(SUPERUSER_ID)._post(soft=False)
        self.write({"move_id": move.id, "note": note})

    def _settled_periods(self):
        """The time other posted settlements of the company cover from this period's
        start on, as UTC bounds (a list of starts, a list of ends), merged: a year of
        day settlements is one interval. Before the start every row is late anyway."""
        others = self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "posted"),
                ("id", "!=", self.id),
                ("date_to", ">=", self.date_from),
            ],
            order="date_from",
        )
        merged = []
        for other in others:
            lo, hi = (
                max(other.date_from, self.date_from),
                other.date_to + timedelta(days=1),
            )
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        return [self._utc_bound(lo) for lo, _hi in merged], [
            self._utc_bound(hi) for _lo, hi in merged
        ]

    # ------------------------------------------------------------- actions
    def action_reverse(self):
        """Undo a settlement while its entry can still be reversed; its rows go back to
        unsettled."""
        for settlement in self:
            if settlement.state != "posted":
                raise UserError(self.env._("Only a posted settlement can be reversed."))
            self.env["onecard.month.close"]._check_month_open(
                settlement.company_id, settlement.date_from
            )
            move = settlement.move_id.with_user(SUPERUSER_ID)  # see _claim_and_post
            if move:
                if settlement.company_id._get_violated_lock_dates(
                    move.date, False, move.journal_id
                ):
                    raise UserError(
                        self.env._(
                            "The entry %s is in a locked period: it cannot be "
                            "reversed.",
                            move.name,
                        )
                    )
                reversal = move._reverse_moves(
                    [
                        {
                            "date": move.date,
                            "ref": self.env._("Reversal of %s", settlement.name),
                        }
                    ],
                    cancel=True,
                )
                settlement.reversal_move_id = reversal
            settlement._release_rows()
            settlement.state = "reversed"

    def _action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    @api.model
    def action_settle_yesterday(self):
        """Settle yesterday (in the company's time zone) for the current company and
        show it."""
        company = self.env.company
        return self.settle(
            company, "day", self._company_yesterday(company)
        )._action_open()

    @api.model
    def _company_yesterday(self, company):
        tz = pytz.timezone(company.partner_id.tz or "UTC")
        return datetime.now(tz).date() - timedelta(days=1)

    @api.model
    def _cron_settle_yesterday(self):
        """Settle yesterday for every company that wants it; one company's
        problem (no accounts yet) neither blocks nor rolls back the others."""
        for company in self.env["res.company"].search(
            [("onecard_auto_settle", "=", True)]
        ):
            try:
                with self.env.cr.savepoint():
                    self.with_company(company).settle(
                        company, "day", self._company_yesterday(company)
                    )
            except UserError as error:
                _logger.warning("One-Card: settling %s failed: %s", company.name, error)
