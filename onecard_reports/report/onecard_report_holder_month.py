from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.onecard_consume.models.onecard_settlement import CONSUME_KINDS


class OnecardReportHolderMonth(models.Model):
    """Consumption per cardholder and local month, from the rollups: the monthly
    summary per cardholder over whole months.

    The same figures as ``onecard.report.consumption`` grouped by cardholder and
    month: swipes from the operations, what was spent from each wallet from the
    ledger rows; plus the rows and operations not folded yet (see
    onecard.report.rollup).
    """

    _name = "onecard.report.holder.month"
    _inherit = ["onecard.report.mixin"]
    _description = "Consumption per Cardholder and Month"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "cardholder_id"

    date = fields.Date(
        string="Month", readonly=True, help="First day of the local month."
    )
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    cardholder_id = fields.Many2one(
        "onecard.cardholder", string="Cardholder", readonly=True
    )
    department_id = fields.Many2one("hr.department", string="Department", readonly=True)
    cardholder_category_id = fields.Many2one(
        "onecard.cardholder.category", string="Cardholder Category", readonly=True
    )
    swipe_count = fields.Integer(string="Swipes", readonly=True)
    cash_amount = fields.Monetary(string="From Cash", readonly=True)
    subsidy_amount = fields.Monetary(string="From Subsidy", readonly=True)
    amount = fields.Monetary(
        readonly=True, help="Spent (positive), net of corrections."
    )

    @api.model
    def _view_query(self):
        month = SQL(
            "date_trunc('month', %s)::date",
            self._local_time_sql(SQL("x.business_time")),
        )
        tail = """
                SELECT -x.id, x.company_id, %(month)s, x.cardholder_id,
                       COALESCE(x.department_id, 0),
                       COALESCE(x.cardholder_category_id, 0), %(measures)s
                  FROM %(table)s x
                  JOIN res_company rc ON rc.id = x.company_id
                  JOIN res_partner rp ON rp.id = rc.partner_id
                 WHERE x.cardholder_id IS NOT NULL AND %(where)s
        """
        rows = SQL(
            tail,
            month=month,
            table=SQL("onecard_rollup_tail_rows()"),
            measures=SQL(
                "0, CASE WHEN x.wallet_kind = 'subsidy' THEN 0 ELSE -x.amount END, "
                "CASE WHEN x.wallet_kind = 'subsidy' THEN -x.amount ELSE 0 END"
            ),
            where=SQL("x.kind IN %s", CONSUME_KINDS),
        )
        operations = SQL(
            tail,
            month=month,
            table=SQL("onecard_rollup_tail_operations()"),
            measures=SQL("1, 0, 0"),
            where=SQL(
                "x.state = 'approved' AND x.kind IN %s", ("consume", "back_entry")
            ),
        )
        return SQL(
            """
            SELECT u.id, u.company_id, rc.currency_id, u.date, u.cardholder_id,
                   NULLIF(u.department_id, 0) AS department_id,
                   NULLIF(u.cardholder_category_id, 0) AS cardholder_category_id,
                   u.swipe_count, u.cash_amount, u.subsidy_amount,
                   u.cash_amount + u.subsidy_amount AS amount
              FROM (
                SELECT s.id, s.company_id, s.month AS date, s.cardholder_id,
                       s.department_id, s.cardholder_category_id,
                       s.swipe_count, s.spent_cash AS cash_amount,
                       s.spent_subsidy AS subsidy_amount
                  FROM onecard_rollup_holder_month s
                UNION ALL %(rows)s
                UNION ALL %(operations)s
              ) u
              JOIN res_company rc ON rc.id = u.company_id
        """,
            rows=rows,
            operations=operations,
        )
