"""Monthly payroll deduction list: the postpaid debt of each employee at a
cut-off, handed to payroll (XLSX / CSV) and, once confirmed, repaid through the
engine (operation kind "payroll") and settled into one entry of its own (debit
payroll clearing, credit employee receivable)."""

import base64
from datetime import timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.payroll_export import to_csv, to_xlsx


def _last_month_end(record):
    return fields.Date.context_today(record).replace(day=1) - timedelta(days=1)


class OnecardPayrollDeduction(models.Model):
    _name = "onecard.payroll.deduction"
    _description = "Payroll Deduction List"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        readonly=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(
        string="Cut-off",
        required=True,
        default=_last_month_end,
        help="Debt as of the end of this day (company time) is deducted.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    line_ids = fields.One2many(
        "onecard.payroll.deduction.line", "deduction_id", string="Employees"
    )
    total = fields.Monetary(compute="_compute_total", store=True)
    settlement_id = fields.Many2one("onecard.settlement", readonly=True)
    move_id = fields.Many2one(related="settlement_id.move_id", string="Journal Entry")
    confirmed_by_id = fields.Many2one("res.users", readonly=True)
    confirmed_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "company_date_uniq",
            "unique(company_id, date)",
            "One payroll deduction list per company and cut-off.",
        )
    ]

    @api.depends("date")
    def _compute_name(self):
        for deduction in self:
            deduction.name = self.env._(
                "Payroll Deduction %s",
                deduction.date.strftime("%Y-%m") if deduction.date else "",
            )

    @api.depends("line_ids.amount")
    def _compute_total(self):
        for deduction in self:
            deduction.total = sum(deduction.line_ids.mapped("amount"))

    def write(self, vals):
        if set(vals) - {"message_main_attachment_id"} and any(
            d.state == "confirmed" for d in self
        ):
            if not self.env.su:
                raise UserError(
                    self.env._("A confirmed payroll deduction list cannot be changed.")
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        if any(d.state == "confirmed" for d in self):
            raise UserError(
                self.env._("A confirmed payroll deduction list cannot be deleted.")
            )

    # ------------------------------------------------------------- actions
    def _cutoff_end(self):
        tz = pytz.timezone(self.company_id.partner_id.tz or "UTC")
        return (
            tz.localize(fields.Datetime.to_datetime(self.date + relativedelta(days=1)))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )

    def action_load_lines(self):
        """One line per employee whose cash wallet was below zero at the cut-off:
        the debt then, capped by the debt of now (a top-up since repaid part)."""
        self.ensure_one()
        self._check_draft()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            SELECT h.id, -sum(t.amount), -w.balance
              FROM onecard_wallet w
              JOIN onecard_cardholder h ON h.id = w.cardholder_id
              JOIN onecard_transaction t ON t.wallet_id = w.id
             WHERE w.company_id = %s AND w.kind = 'cash'
               AND h.employee_id IS NOT NULL AND t.business_time < %s
             GROUP BY h.id, w.balance
            HAVING sum(t.amount) < 0 AND w.balance < 0
             ORDER BY h.code
        """,
                self.company_id.id,
                self._cutoff_end(),
            )
        )
        commands = [Command.clear()]
        for holder_id, debt, now_debt in self.env.cr.fetchall():
            debt = self.currency_id.round(min(float(debt), float(now_debt)))
            commands.append(
                Command.create(
                    {"cardholder_id": holder_id, "debt": debt, "amount": debt}
                )
            )
        self.line_ids = commands
        return True

    def _check_draft(self):
        if self.state != "draft":
            raise UserError(
                self.env._("The list %s is confirmed already.", self.display_name)
            )

    def action_confirm(self):
        """Book each line's repayment once. The list's row lock serialises two users
        confirming at once: the second finds it confirmed and books nothing."""
        for deduction in self:
            self.env.flush_all()
            self.env.cr.execute(
                "SELECT state FROM onecard_payroll_deduction WHERE id = %s FOR UPDATE",
                [deduction.id],
            )
            if self.env.cr.fetchone()[0] != "draft":
                continue
            deduction.invalidate_recordset()
            deduction._confirm()
        return True

    def _confirm(self):
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line.amount > 0)
        self.env["onecard.ledger"].payroll_repay(self, lines)
        settlement = self.env["onecard.settlement"]._settle_payroll(self)
        self.sudo().write(
            {
                "state": "confirmed",
                "settlement_id": settlement.id,
                "confirmed_by_id": self.env.uid,
                "confirmed_at": fields.Datetime.now(),
            }
        )

    # ------------------------------------------------------------- exports
    def _export_table(self):
        labels = [
            self.env._("Employee No."),
            self.env._("Badge"),
            self.env._("Employee"),
            self.env._("Department"),
            self.env._("Amount"),
        ]
        rows = [
            (
                line.cardholder_id.code or "",
                line.badge or "",
                line.employee_id.name or line.cardholder_id.name,
                line.department_id.name or "",
                self.currency_id.round(line.amount),
            )
            for line in self.line_ids.sorted(lambda line: line.cardholder_id.code)
        ]
        return labels, rows

    def _export_xlsx(self):
        labels, rows = self._export_table()
        return to_xlsx(self.name, labels, rows, self.env._("Total"))

    def _export_csv(self):
        return to_csv(*self._export_table())

    def _download(self, content, extension, mimetype):
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{self.name}.{extension}",
                    "datas": base64.b64encode(content),
                    "mimetype": mimetype,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_export_xlsx(self):
        self.ensure_one()
        return self._download(
            self._export_xlsx(),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def action_export_csv(self):
        self.ensure_one()
        return self._download(self._export_csv(), "csv", "text/csv")
