"""A payroll deduction list's own settlement: its repayment rows only, into one
entry (debit payroll clearing, credit employee receivable: the payroll rows'
cash legs and their debt reclassification net out on the card cash liability;
a repayment beyond the settled debt would stay there as credit)."""

from datetime import datetime

import pytz

from odoo import SUPERUSER_ID, Command, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .onecard_settlement import SETTLE_LOCK


class OnecardSettlement(models.Model):
    _inherit = "onecard.settlement"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _settle_payroll(self, deduction):
        company = deduction.company_id
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [SETTLE_LOCK, company.id]
        )
        day = datetime.now(pytz.timezone(company.partner_id.tz or "UTC")).date()
        domain = [
            ("company_id", "=", company.id),
            ("period", "=", "payroll"),
            ("date_from", "=", day),
            ("state", "=", "posted"),
        ]
        if self.sudo().search_count(domain):
            raise UserError(
                self.env._(
                    "A payroll deduction list of %s was confirmed today already: "
                    "confirm this one tomorrow.",
                    company.name,
                )
            )
        settlement = self.sudo().create(
            {
                "company_id": company.id,
                "period": "payroll",
                "date_from": day,
                "payroll_deduction_id": deduction.id,
            }
        )
        settlement._claim_payroll(deduction.line_ids.operation_id.ids)
        return settlement

    def _move_lines(self):
        commands = super()._move_lines()
        if self.period != "payroll":
            return commands
        # The repayment's cash legs and its reclassification meet on the card cash
        # liability: one net line (none when it was all debt).
        cash = self._account("onecard_cash_account_id").id
        net = sum(
            vals["debit"] - vals["credit"]
            for _c, _i, vals in commands
            if vals["account_id"] == cash
        )
        commands = [c for c in commands if c[2]["account_id"] != cash]
        net = self.currency_id.round(net)
        if not self.currency_id.is_zero(net):
            commands.append(
                Command.create(
                    {
                        "name": self.env._("Repaid beyond the settled debt"),
                        "account_id": cash,
                        "debit": max(net, 0.0),
                        "credit": max(-net, 0.0),
                    }
                )
            )
        return commands

    def _claim_payroll(self, operation_ids):
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO onecard_transaction_settled (id, settlement_id)
            SELECT t.id, %s FROM onecard_transaction t
             WHERE t.operation_id = ANY(%s) AND NOT EXISTS (
                   SELECT 1 FROM onecard_transaction_settled c WHERE c.id = t.id)
        """,
                self.id,
                operation_ids,
            )
        )
        self.env["onecard.transaction"].invalidate_model(["settlement_id"])
        self._stage_rows(
            SQL(
                "SELECT c.id FROM onecard_transaction_settled c"
                " WHERE c.settlement_id = %s",
                self.id,
            )
        )
        self.env.cr.execute(
            "SELECT kind, wallet_kind, count(*), sum(amount) FROM onecard_settle_rows"
            " GROUP BY 1, 2"
        )
        groups = self.env.cr.fetchall()
        self.line_ids = [
            Command.create(
                {"kind": kind, "wallet_kind": wallet, "count": count, "amount": amount}
            )
            for kind, wallet, count, amount in groups
        ]
        self.transaction_count = sum(g[2] for g in groups)
        move_lines = self._move_lines()
        if move_lines:
            date, note = self._posting_date()
            move = self.env["account.move"].create(
                {
                    "journal_id": self._journal().id,
                    "date": date,
                    "ref": self.name,
                    "move_type": "entry",
                    "company_id": self.company_id.id,
                    "line_ids": move_lines,
                }
            )
            move.with_user(SUPERUSER_ID)._post(soft=False)  # as _claim_and_post
            self.write({"move_id": move.id, "note": note})
        else:
            self.note = self.env._("Nothing to post.")
        self._debt_record()
