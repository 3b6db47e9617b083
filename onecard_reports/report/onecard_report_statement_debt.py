from odoo import api, models
from odoo.tools import SQL


class OnecardReportStatement(models.AbstractModel):
    _inherit = "report.onecard_reports.report_statement"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _statements(self, wizard):
        """Each statement also says what the holder owes at the end of the period:
        the postpaid debt, what the cash wallets are below zero (the subsidy never
        covers it: it is the company's money)."""
        statements = super()._statements(wizard)
        if not statements:
            return statements
        _start, end = wizard._utc_bounds()
        self.env.cr.execute(
            SQL(
                """
            SELECT cardholder_id, sum(GREATEST(-balance, 0)) FROM (
                SELECT cardholder_id, wallet_id, sum(amount) AS balance
                  FROM onecard_transaction
                 WHERE cardholder_id = ANY(%s) AND company_id = %s
                   AND wallet_kind IN ('cash', 'temporary') AND business_time < %s
                 GROUP BY cardholder_id, wallet_id) w
             GROUP BY cardholder_id
        """,
                [st["holder"].id for st in statements],
                wizard.company_id.id,
                end,
            )
        )
        debts = dict(self.env.cr.fetchall())
        for st in statements:
            st["debt"] = float(debts.get(st["holder"].id) or 0.0)
        return statements
