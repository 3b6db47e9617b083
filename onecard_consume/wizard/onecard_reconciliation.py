from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL

from ..models.onecard_settlement import CONSUME_KINDS

ACCOUNTS = [  # (label, company field, wallet kinds)
    ("Card cash", "onecard_cash_account_id", ("cash", "temporary")),
    ("Subsidy", "onecard_subsidy_account_id", ("subsidy",)),
    ("Deposits", "onecard_deposit_account_id", ("deposit",)),
]


class OnecardReconciliation(models.TransientModel):
    """Wallets vs general ledger vs terminals, for one date, with what explains a
    gap."""

    _name = "onecard.reconciliation"
    _description = "Card Reconciliation"

    date = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many(
        "onecard.reconciliation.line", "reconciliation_id", readonly=True
    )
    balanced = fields.Boolean(compute="_compute_balanced")

    @api.depends("date", "company_id")
    def _compute_display_name(self):
        for rec in self:
            rec.display_name = self.env._(
                "Reconciliation %(date)s, %(company)s",
                date=rec.date,
                company=rec.company_id.name,
            )

    @api.depends("line_ids.difference")
    def _compute_balanced(self):
        # Only timing (activity not posted yet) may separate GL and sub-ledger; anything
        # else, a manual entry on a card account first of all, is a difference to
        # explain.
        for rec in self:
            rec.balanced = all(
                rec.currency_id.is_zero(line.difference)
                for line in rec.line_ids
                if line.section == "account"
            )

    def action_compute(self):
        self.ensure_one()
        self.env.flush_all()
        end = (
            self.env["onecard.settlement"]
            .new({"company_id": self.company_id.id})
            ._utc_bound(self.date + timedelta(days=1))
        )
        lines = [Command.clear()]
        for sequence, (label, field, kinds) in enumerate(ACCOUNTS):
            account = self.company_id[field]
            lines.append(
                Command.create(
                    dict(
                        self._account_line(account, kinds, end),
                        sequence=sequence,
                        section="account",
                        name=self.env._(label),
                    )
                )
            )
            lines += [
                Command.create(dict(line, sequence=50 + sequence, section="manual"))
                for line in self._manual_lines(account, self.env._(label))
            ]
        start = end - timedelta(days=1)
        self.env.cr.execute(
            SQL(
                """
            SELECT t.name, count(*), -sum(x.amount)
              FROM onecard_transaction x JOIN onecard_terminal t ON t.id = x.terminal_id
             WHERE x.company_id = %s AND x.kind IN %s AND x.business_time >= %s AND
             x.business_time < %s
             GROUP BY t.name ORDER BY t.name
        """,
                self.company_id.id,
                CONSUME_KINDS,
                start,
                end,
            )
        )
        for name, count, amount in self.env.cr.fetchall():
            lines.append(
                Command.create(
                    {
                        "sequence": 100,
                        "section": "terminal",
                        "name": name,
                        "count": count,
                        "ledger_amount": amount,
                    }
                )
            )
        self.line_ids = lines
        return True  # the form reloads in place with the lines

    def _account_line(self, account, kinds, end):
        cr, company = self.env.cr, self.company_id.id
        cr.execute(
            SQL(
                """
            SELECT COALESCE(sum(x.amount), 0),
                   COALESCE(sum(x.amount) FILTER (WHERE c.settlement_id IS NULL OR
                   m.date > %s), 0)
              FROM onecard_transaction x
              LEFT JOIN onecard_transaction_settled c ON c.id = x.id
              LEFT JOIN onecard_settlement s ON s.id = c.settlement_id
              LEFT JOIN account_move m ON m.id = s.move_id
             WHERE x.company_id = %s AND x.wallet_kind IN %s AND x.business_time < %s
        """,
                self.date,
                company,
                kinds,
                end,
            )
        )
        ledger, unsettled = cr.fetchone()
        gl = manual = 0.0
        if account:
            cr.execute(
                SQL(
                    """
                SELECT COALESCE(-sum(l.balance), 0),
                       COALESCE(-sum(l.balance) FILTER (WHERE NOT EXISTS (
                           SELECT 1 FROM onecard_settlement s
                            WHERE s.move_id = l.move_id OR s.reversal_move_id =
                            l.move_id)), 0)
                  FROM account_move_line l
                 WHERE l.account_id = %s AND l.company_id = %s AND l.parent_state =
                 'posted' AND l.date <= %s
            """,
                    account.id,
                    company,
                    self.date,
                )
            )
            gl, manual = cr.fetchone()
        ledger, unsettled, gl, manual = map(float, (ledger, unsettled, gl, manual))
        # Manual entries are not taken out of the GL: they are what makes it differ from
        # the sub-ledger, listed below the account (_manual_lines) as the explanation.
        return {
            "ledger_amount": ledger,
            "unsettled_amount": unsettled,
            "gl_amount": gl,
            "manual_amount": manual,
            "difference": self.currency_id.round((ledger - unsettled) - gl),
        }

    def _manual_lines(self, account, label):
        """The entries on a card account not made by a settlement (nor its reversal),
        one line each."""
        if not account:
            return []
        self.env.cr.execute(
            SQL(
                """
            SELECT l.move_id, m.name, m.ref, COALESCE(-sum(l.balance), 0)
              FROM account_move_line l JOIN account_move m ON m.id = l.move_id
             WHERE l.account_id = %s AND l.company_id = %s AND l.parent_state =
             'posted' AND l.date <= %s
               AND NOT EXISTS (SELECT 1 FROM onecard_settlement s
                                WHERE s.move_id = l.move_id OR s.reversal_move_id =
                                l.move_id)
             GROUP BY l.move_id, m.name, m.ref, m.date
             ORDER BY m.date, l.move_id
        """,
                account.id,
                self.company_id.id,
                self.date,
            )
        )
        return [
            {
                "move_id": move_id,
                "name": "{}: {}{}".format(label, name, f" ({ref})" if ref else ""),
                "gl_amount": float(amount),
                "manual_amount": float(amount),
            }
            for move_id, name, ref, amount in self.env.cr.fetchall()
        ]
