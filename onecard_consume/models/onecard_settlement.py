"""Settlement center: a day or a month of card money into ONE journal entry.

Pattern of point_of_sale's session closing: aggregate in SQL, build the
lines with Command.create, one create, then _post. Rows are claimed by
setting settlement_id, so a row is posted exactly once; an unsettled row
dated before the period or in a period already settled (late offline
record, back-entry) is simply taken by the next settlement and shown as late.
Totals group by what the rows were booked with (canteen, analytic account,
department), never by today's configuration.
"""

import logging
import zlib
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

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
        self.env.cr.execute(
            SQL(
                """
            UPDATE onecard_transaction SET settlement_id = %s
             WHERE company_id = %s AND settlement_id IS NULL AND business_time < %s
        """,
                self.id,
                self.company_id.id,
                end,
            )
        )
        self.env["onecard.transaction"].invalidate_model(["settlement_id"])
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
              FROM onecard_transaction WHERE settlement_id = %s
             GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
        """,
                SUBSIDY_KINDS,
                start,
                settled_from,
                settled_to,
                self.id,
            )
        )
        groups = self.env.cr.fetchall()
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

    def _journal(self):
        # sudo: card accountants settle without needing Accounting rights
        journal = self.company_id.onecard_journal_id.sudo()
        if not journal:
            raise UserError(
                self.env._(
                    "Set the card settlement journal in the One-Card settings of %s.",
                    self.company_id.name,
                )
            )
        return journal

    def _posting_date(self):
        """The period's last day, or the first open day after Odoo's lock dates."""
        date = self.date_to
        locks = self.company_id._get_violated_lock_dates(date, False, self._journal())
        if locks:
            date = max(lock for lock, _field in locks) + timedelta(days=1)
            return date, self.env._("Period locked in accounting: posted on %s.", date)
        return date, False

    def _account(self, field):
        account = self.company_id[field]
        if not account:
            raise UserError(
                self.env._(
                    "Set the card accounts in the One-Card settings of %s.",
                    self.company_id.name,
                )
            )
        return account

    def _counterpart(self, line):
        """(account, partner, analytic account, label) receiving the other side of a
        total."""
        if line.kind in PAYMENT_KINDS:
            journal = line.payment_method_id.with_company(
                self.company_id
            ).journal_id.sudo()
            if not journal.default_account_id:
                raise UserError(
                    self.env._(
                        "Map the payment method %s to a journal with an account.",
                        line.payment_method_id.name or self.env._("(none)"),
                    )
                )
            return journal.default_account_id, None, None, line.payment_method_id.name
        if line.kind in CONSUME_KINDS:
            # To whom the rows were owed when booked, not the canteen's contract of
            # today: a correction gives back to the caterer that was paid for the sale.
            canteen, partner = line.canteen_id, line.partner_id
            if not partner and canteen.posting == "payable" and not canteen.partner_id:
                # rows of an outsourced canteen set up without its caterer (before that
                # was refused)
                raise UserError(
                    self.env._(
                        "Canteen %s posts to a payable: set its operator.", canteen.name
                    )
                )
            if partner:
                return (
                    partner.with_company(self.company_id).property_account_payable_id,
                    partner,
                    line.analytic_account_id,
                    canteen.name,
                )
            return (
                self._account("onecard_revenue_account_id"),
                None,
                line.analytic_account_id,
                canteen.name or self.env._("Desk"),
            )
        if line.kind in SUBSIDY_KINDS:
            return (
                self._account("onecard_subsidy_expense_account_id"),
                None,
                line.analytic_account_id,
                line.department_id.name or "",
            )
        return None  # transfers: both sides are card liabilities and net out

    def _move_lines(self):
        kinds = dict(
            self.env["onecard.transaction"]
            ._fields["kind"]
            ._description_selection(self.env)
        )
        legs = {}

        def add(account, partner, analytic, label, balance):
            key = (account.id, partner and partner.id, analytic and analytic.id, label)
            legs[key] = legs.get(key, 0.0) + balance

        for line in self.line_ids:
            label = kinds[line.kind]
            add(
                self._account(WALLET_ACCOUNT[line.wallet_kind]),
                None,
                None,
                label,
                -line.amount,
            )
            counterpart = self._counterpart(line)
            if counterpart:
                account, partner, analytic, detail = counterpart
                add(
                    account,
                    partner,
                    analytic,
                    f"{label} - {detail}" if detail else label,
                    line.amount,
                )
        currency = self.currency_id
        commands = []
        for (account_id, partner_id, analytic_id, label), balance in sorted(
            legs.items(), key=lambda i: str(i[0])
        ):
            balance = currency.round(balance)
            if currency.is_zero(balance):
                continue
            commands.append(
                Command.create(
                    {
                        "name": label,
                        "account_id": account_id,
                        "partner_id": partner_id,
                        "debit": balance if balance > 0 else 0.0,
                        "credit": -balance if balance < 0 else 0.0,
                        "analytic_distribution": {str(analytic_id): 100}
                        if analytic_id
                        else False,
                    }
                )
            )
        return commands

    # ------------------------------------------------------------- actions
    def action_reverse(self):
        """Undo a settlement while its entry can still be reversed; its rows go back to
        unsettled."""
        for settlement in self:
            if settlement.state != "posted":
                raise UserError(self.env._("Only a posted settlement can be reversed."))
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
            self.env.cr.execute(
                "UPDATE onecard_transaction SET settlement_id = NULL WHERE "
                "settlement_id = %s",
                [settlement.id],
            )
            self.env["onecard.transaction"].invalidate_model(["settlement_id"])
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
