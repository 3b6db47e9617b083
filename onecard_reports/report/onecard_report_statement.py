from odoo import api, models
from odoo.exceptions import UserError


class OnecardReportStatement(models.AbstractModel):
    """Personal statement (个人对帐单): printed from the report wizard."""

    _name = "report.onecard_reports.report_statement"
    _inherit = "report.onecard_reports.report_summary"
    _description = "Personal Statement"

    @api.model
    def _wizard_values(self, wizards):
        return {
            "statements": {wizard.id: self._statements(wizard) for wizard in wizards}
        }

    @api.model
    def _holders(self, wizard):
        holders = wizard.cardholder_ids
        if not holders and wizard.department_ids:
            # Who is in the department now, and who was when the period's rows were
            # booked (the department stored on the row): a person who moved keeps
            # the statement of the months spent there.
            start, end = wizard._utc_bounds()
            self.env.flush_all()
            self.env.cr.execute(
                """SELECT DISTINCT cardholder_id FROM onecard_transaction
                    WHERE company_id = %s AND department_id = ANY(%s)
                      AND business_time >= %s AND business_time < %s""",
                [wizard.company_id.id, wizard.department_ids.ids, start, end],
            )
            booked = [row[0] for row in self.env.cr.fetchall()]
            holders = (
                self.env["onecard.cardholder"]
                .with_context(active_test=False)
                .search(
                    [
                        ("company_id", "=", wizard.company_id.id),
                        "|",
                        ("department_id", "in", wizard.department_ids.ids),
                        ("id", "in", booked),
                    ]
                )
            )
        if not holders:
            raise UserError(
                self.env._("Choose the cardholders or the department of the statement.")
            )
        return holders

    @api.model
    def _statements(self, wizard):
        """Per cardholder: opening balance, every movement with a running balance,
        closing balance.

        Spendable wallets only (cash, subsidy, temporary); deposits are
        shown apart. Movements are in business-time order (the terminal's
        clock, so a late offline record sits where it was eaten); the
        opening balance is the sum of every row before the period, the
        closing one the opening plus the period, one SQL statement each.
        """
        wizard.ensure_one()
        start, end = wizard._utc_bounds()
        holders = self._holders(wizard)
        self.env.flush_all()
        cr = self.env.cr
        tz = wizard.company_id.partner_id.tz or "UTC"
        cr.execute(
            """
            SELECT cardholder_id,
                   COALESCE(SUM(amount) FILTER (WHERE business_time < %(start)s AND
                   wallet_kind <> 'deposit'), 0),
                   COALESCE(SUM(amount) FILTER (WHERE business_time < %(end)s AND
                   wallet_kind <> 'deposit'), 0),
                   COALESCE(SUM(amount) FILTER (WHERE business_time < %(end)s AND
                   wallet_kind = 'deposit'), 0)
              FROM onecard_transaction
             WHERE cardholder_id = ANY(%(holders)s) AND company_id = %(company)s
             GROUP BY cardholder_id
        """,
            {
                "start": start,
                "end": end,
                "holders": holders.ids,
                "company": wizard.company_id.id,
            },
        )
        balances = {row[0]: row[1:] for row in cr.fetchall()}
        cr.execute(
            """
            SELECT t.cardholder_id, (t.business_time AT TIME ZONE 'UTC') AT TIME ZONE
            %(tz)s, t.kind, t.wallet_kind,
                   t.amount, term.name, pm.id, t.offline, o.note,
                   SUM(t.amount) OVER (PARTITION BY t.cardholder_id ORDER BY
                   t.business_time, t.id)
              FROM onecard_transaction t
              JOIN onecard_operation o ON o.id = t.operation_id
              LEFT JOIN onecard_terminal term ON term.id = t.terminal_id
              LEFT JOIN onecard_payment_method pm ON pm.id = t.payment_method_id
             WHERE t.cardholder_id = ANY(%(holders)s) AND t.company_id = %(company)s
             AND t.wallet_kind <> 'deposit'
               AND t.business_time >= %(start)s AND t.business_time < %(end)s
             ORDER BY t.cardholder_id, t.business_time, t.id
        """,
            {
                "tz": tz,
                "start": start,
                "end": end,
                "holders": holders.ids,
                "company": wizard.company_id.id,
            },
        )
        rows = cr.fetchall()
        kinds = dict(
            self.env["onecard.transaction"]
            ._fields["kind"]
            ._description_selection(self.env)
        )
        wallets = dict(
            self.env["onecard.transaction"]
            ._fields["wallet_kind"]
            ._description_selection(self.env)
        )
        methods = {
            m.id: m.name
            for m in self.env["onecard.payment.method"]
            .with_context(active_test=False)
            .search([])
        }
        moves = {}
        for (
            holder_id,
            when,
            kind,
            wallet,
            amount,
            terminal,
            method,
            offline,
            note,
            running,
        ) in rows:
            opening = float(balances.get(holder_id, (0, 0, 0))[0])
            moves.setdefault(holder_id, []).append(
                {
                    "time": when.strftime("%Y-%m-%d %H:%M"),
                    "kind": kinds.get(kind, kind),
                    "wallet": wallets[wallet],
                    "place": terminal or methods.get(method) or "",
                    "offline": offline,
                    "note": note or "",
                    "amount": float(amount),
                    "income": max(float(amount), 0.0),
                    "expense": max(-float(amount), 0.0),
                    "balance": opening + float(running),
                }
            )
        statements = []
        for holder in holders.sorted(
            lambda h: (h.department_id.name or "", h.code or "")
        ):
            opening, closing, deposit = (
                float(v) for v in balances.get(holder.id, (0, 0, 0))
            )
            lines = moves.get(holder.id, [])
            statements.append(
                {
                    "holder": holder,
                    "opening": opening,
                    "closing": closing,
                    "deposit": deposit,
                    "lines": lines,
                    "income": sum(line["income"] for line in lines),
                    "expense": sum(line["expense"] for line in lines),
                }
            )
        return statements
