"""The rows a settlement posts, staged once in a temporary table.

The totals, the claim and the debt reclassification all read the same rows.
Reading them from the ledger each time meant one scan of the unsettled range per
step and, for the debt, a join of every claimed row back to the ledger by id: at a
month of a 30,000-person campus those joins were half of settle()
(docs/performance.md, "Settlement at scale"). A temporary table is private to the
transaction, written without WAL, and dropped at commit.

``onecard_settle_rows``: the staged ledger rows (the columns the totals group by).
``onecard_settle_debt``: per cash wallet with staged rows, its settled split
before and after (onecard_settlement_reclass.py).
"""

from odoo import models
from odoo.tools import SQL

from .onecard_wallet_settled import DEBT_WALLET_KINDS


class OnecardSettlement(models.Model):
    _inherit = "onecard.settlement"  # pylint: disable=consider-merging-classes-inherited

    def _stage_rows(self, ids, above=0):
        """Stage the ledger rows whose ids the SQL query ``ids`` gives (all above
        ``above``: the ledger is then read as a primary-key range, not whole), and
        their debt changes."""
        self.ensure_one()
        cr = self.env.cr
        cr.execute(
            "DROP TABLE IF EXISTS onecard_settle_rows; "
            "DROP TABLE IF EXISTS onecard_settle_debt"
        )
        cr.execute(
            SQL(
                """
            CREATE TEMPORARY TABLE onecard_settle_rows ON COMMIT DROP AS
            SELECT t.id, t.wallet_id, t.wallet_kind, t.kind, t.payment_method_id,
                   t.canteen_id, t.meal_period_id, t.department_id,
                   t.analytic_account_id, t.payable_partner_id, t.business_time,
                   t.amount
              FROM onecard_transaction t
             WHERE t.id IN (%s) AND t.id > %s
        """,
                ids,
                above,
            )
        )
        self._stage_debt()

    def _stage_debt(self):
        """Per cash wallet with staged rows: the settled balance after them and the
        debt before and after (the part below zero), in SQL with the currency's
        rounding (amounts are numeric: exact)."""
        rounding = self.currency_id.rounding
        self.env.cr.execute(
            SQL(
                """
            CREATE TEMPORARY TABLE onecard_settle_debt ON COMMIT DROP AS
            SELECT r.wallet_id, w.cardholder_id, r.rows_amount, a.balance_after,
                   COALESCE(s.debt, 0) AS debt_before, d.debt_after,
                   d.debt_after - COALESCE(s.debt, 0) AS amount
              FROM (SELECT wallet_id, sum(amount) AS rows_amount
                      FROM onecard_settle_rows
                     WHERE wallet_kind IN %s
                     GROUP BY wallet_id) r
              JOIN onecard_wallet w ON w.id = r.wallet_id
              LEFT JOIN onecard_wallet_settled s ON s.wallet_id = r.wallet_id
             CROSS JOIN LATERAL (
                   SELECT round((COALESCE(s.balance, 0) + r.rows_amount)
                                / %s::numeric) * %s::numeric AS balance_after) a
             CROSS JOIN LATERAL (
                   SELECT GREATEST(-a.balance_after, 0) AS debt_after) d
        """,
                DEBT_WALLET_KINDS,
                rounding,
                rounding,
            )
        )
