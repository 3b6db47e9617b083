"""Month-end close of the card sub-ledger.

A month is closed after its month settlement is posted: from then on no operation is
dated into it (the engine asks ``_check_open`` whenever a caller dates an operation
itself: desk back-entries, corrections, recorded payments, batches), its settlement
cannot be reversed nor a settlement made inside it, and late offline records dated in
it are booked with their own business time and taken, flagged late, by the next
settlement, as for settled days. The month's reconciliation is frozen at the close
(figures and a PDF attached to the close record, with who closed it and when).
Reopening needs the manager group and a reason, and is logged in the chatter.
"""

from datetime import datetime, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .onecard_settlement import CONSUME_KINDS, SETTLE_LOCK
from .onecard_settlement_unsettled import unsettled_ids

MANAGER = "onecard_consume.group_onecard_manager"
ACCOUNTANT = "onecard_consume.group_onecard_accountant"


class OnecardMonthClose(models.Model):
    _name = "onecard.month.close"
    _description = "Card Month Close"
    _inherit = ["mail.thread"]
    _order = "month desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(required=True, readonly=True, help="First day of the month.")
    date_to = fields.Date(compute="_compute_date_to", store=True)
    utc_from = fields.Datetime(string="Starts", readonly=True)
    utc_to = fields.Datetime(string="Ends Before", readonly=True)
    state = fields.Selection(
        [("closed", "Closed"), ("reopened", "Reopened")],
        required=True,
        readonly=True,
        default="closed",
        tracking=True,
    )
    settlement_id = fields.Many2one(
        "onecard.settlement", string="Month Settlement", readonly=True
    )
    closed_by_id = fields.Many2one("res.users", string="Closed By", readonly=True)
    closed_at = fields.Datetime(string="Closed On", readonly=True)
    reopened_by_id = fields.Many2one(
        "res.users", string="Reopened By", readonly=True, tracking=True
    )
    reopened_at = fields.Datetime(string="Reopened On", readonly=True)
    reopen_reason = fields.Text(readonly=True, tracking=True)
    wallet_amount = fields.Monetary(string="Wallets", readonly=True)
    gl_amount = fields.Monetary(string="General Ledger", readonly=True)
    unsettled_amount = fields.Monetary(string="Not Posted Yet", readonly=True)
    manual_amount = fields.Monetary(string="Manual Entries", readonly=True)
    terminal_amount = fields.Monetary(string="Terminals", readonly=True)
    difference = fields.Monetary(readonly=True)
    balanced = fields.Boolean(readonly=True)
    snapshot = fields.Json(readonly=True, help="The reconciliation as it was frozen.")
    attachment_id = fields.Many2one(
        "ir.attachment", string="Reconciliation PDF", readonly=True
    )

    def init(self):
        # One closed record per company and month: the guard against two closes.
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS onecard_month_close_closed_uniq
                ON onecard_month_close (company_id, month) WHERE state = 'closed'
        """)

    @api.depends("month")
    def _compute_name(self):
        for close in self:
            close.name = (
                "{} {}".format(self.env._("Month Close"), close.month.strftime("%Y-%m"))
                if close.month
                else self.env._("Month Close")
            )

    @api.depends("month")
    def _compute_date_to(self):
        for close in self:
            close.date_to = close.month and close.month + relativedelta(
                months=1, days=-1
            )

    # -------------------------------------------------------------- the guard
    @api.model
    def _closed_at(self, company_id, when):
        """The closed month of the company containing ``when`` (naive UTC), or an
        empty recordset. One indexed query: the engine calls it only for operations
        whose caller chose the date."""
        self.flush_model(["company_id", "state", "utc_from", "utc_to"])
        self.env.cr.execute(
            """SELECT id FROM onecard_month_close
                WHERE company_id = %s AND state = 'closed'
                  AND utc_from <= %s AND utc_to > %s LIMIT 1""",
            [company_id, when, when],
        )
        row = self.env.cr.fetchone()
        return self.sudo().browse(row and row[0])

    @api.model
    def _check_open(self, company_id, when):
        """Refuse an operation dated into a closed month (nothing is booked)."""
        closed = self._closed_at(company_id, when)
        if closed:
            raise UserError(
                self.env._(
                    "%(month)s is closed: no operation can be dated into it. "
                    "Date it in an open period, or ask a card manager to reopen "
                    "the month.",
                    month=closed.month.strftime("%Y-%m"),
                )
            )

    @api.model
    def _check_month_open(self, company, day):
        """Refuse settling or reversing a settlement inside a closed month."""
        closed = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "closed"),
                ("month", "=", day.replace(day=1)),
            ],
            limit=1,
        )
        if closed:
            raise UserError(
                self.env._(
                    "%(month)s is closed: its settlements cannot change. "
                    "A card manager can reopen the month.",
                    month=closed.month.strftime("%Y-%m"),
                )
            )

    # -------------------------------------------------------------- closing
    @api.model
    def close_month(self, company, day):
        """Close the month containing ``day`` for a company; idempotent."""
        if not self.env.user.has_group(ACCOUNTANT):
            raise AccessError(self.env._("Only card accountants can close a month."))
        month = day.replace(day=1)
        end = month + relativedelta(months=1)
        tz = pytz.timezone(company.partner_id.tz or "UTC")
        if end > datetime.now(tz).date():
            raise UserError(
                self.env._(
                    "%(month)s has not ended yet: a month is closed after its last "
                    "day.",
                    month=month.strftime("%Y-%m"),
                )
            )
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [SETTLE_LOCK, company.id]
        )
        done = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("month", "=", month),
                ("state", "=", "closed"),
            ],
            limit=1,
        )
        if done:
            return done.with_env(self.env)
        settlement = self.env["onecard.settlement"].search(
            [
                ("company_id", "=", company.id),
                ("period", "=", "month"),
                ("date_from", "=", month),
                ("state", "=", "posted"),
            ],
            limit=1,
        )
        if not settlement:
            raise UserError(
                self.env._(
                    "Settle the month %(month)s first: a month is closed after its "
                    "month settlement is posted.",
                    month=month.strftime("%Y-%m"),
                )
            )
        bound = settlement._utc_bound
        values = self._reconcile(company, month, end, bound(month), bound(end))
        close = self.sudo().create(
            dict(
                values,
                company_id=company.id,
                month=month,
                utc_from=bound(month),
                utc_to=bound(end),
                settlement_id=settlement.id,
                closed_by_id=self.env.uid,
                closed_at=fields.Datetime.now(),
            )
        )
        close._attach_pdf()
        close.sudo().message_post(
            body=self.env._("Month closed; reconciliation frozen.")
        )
        return close.with_env(self.env)

    @api.model
    def _reconcile(self, company, month, end, utc_from, utc_to):
        """The month's reconciliation as figures to freeze: the accounts (wallets, GL,
        not posted yet, manual entries) at the month's last day, the manual entries,
        the terminals' totals over the month and the rows dated in the month that no
        settlement took yet."""
        last = end - timedelta(days=1)
        rec = self.env["onecard.reconciliation"].create(
            {"company_id": company.id, "date": last}
        )
        rec.action_compute()
        snapshot = {"accounts": [], "manual": [], "terminals": []}
        for line in rec.line_ids.filtered(lambda r: r.section == "account"):
            snapshot["accounts"].append(
                {
                    "name": line.name,
                    "wallets": line.ledger_amount,
                    "unsettled": line.unsettled_amount,
                    "gl": line.gl_amount,
                    "manual": line.manual_amount,
                    "difference": line.difference,
                }
            )
        for line in rec.line_ids.filtered(lambda r: r.section == "manual"):
            snapshot["manual"].append({"name": line.name, "amount": line.gl_amount})
        cr = self.env.cr
        cr.execute(
            SQL(
                """
            SELECT t.name, count(*), -sum(x.amount)
              FROM onecard_transaction x JOIN onecard_terminal t ON t.id = x.terminal_id
             WHERE x.company_id = %s AND x.kind IN %s
               AND x.business_time >= %s AND x.business_time < %s
             GROUP BY t.name ORDER BY t.name
        """,
                company.id,
                CONSUME_KINDS,
                utc_from,
                utc_to,
            )
        )
        snapshot["terminals"] = [
            {"name": name, "count": count, "amount": float(amount)}
            for name, count, amount in cr.fetchall()
        ]
        cr.execute(
            SQL(
                """SELECT count(*), COALESCE(sum(amount), 0) FROM onecard_transaction
                    WHERE id IN (%s)""",
                unsettled_ids(
                    company.id,
                    self.env["onecard.settlement"]._settled_floor(company),
                    utc_to,
                ),
            )
        )
        count, amount = cr.fetchone()
        snapshot["unsettled"] = {"count": count, "amount": float(amount)}
        accounts = snapshot["accounts"]
        return {
            "snapshot": snapshot,
            "wallet_amount": sum(a["wallets"] for a in accounts),
            "gl_amount": sum(a["gl"] for a in accounts),
            "unsettled_amount": sum(a["unsettled"] for a in accounts),
            "manual_amount": sum(a["manual"] for a in accounts),
            "difference": sum(a["difference"] for a in accounts),
            "terminal_amount": sum(t["amount"] for t in snapshot["terminals"]),
            "balanced": rec.balanced,
        }

    def _attach_pdf(self):
        self.ensure_one()
        report = self.env.ref("onecard_consume.onecard_month_close_report").sudo()
        content, kind = report._render_qweb_pdf(report, self.ids)
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{self.name}.{kind}",
                    "raw": content,
                    "mimetype": "application/pdf" if kind == "pdf" else "text/html",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        self.sudo().attachment_id = attachment

    # -------------------------------------------------------------- reopening
    def action_reopen(self, reason):
        """Reopen a closed month (managers only, with a reason, logged)."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only card managers can reopen a month."))
        if not (reason or "").strip():
            raise UserError(self.env._("Reopening a month needs a reason."))
        for close in self:
            if close.state != "closed":
                raise UserError(self.env._("Only a closed month can be reopened."))
            close.sudo().write(
                {
                    "state": "reopened",
                    "reopened_by_id": self.env.uid,
                    "reopened_at": fields.Datetime.now(),
                    "reopen_reason": reason.strip(),
                }
            )
            close.sudo().message_post(
                body=self.env._("Month reopened: %(reason)s", reason=reason.strip())
            )
        return True

    def action_download_pdf(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
