from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.onecard_consume.models.onecard_operation import OPERATION_KINDS
from odoo.addons.onecard_consume.models.onecard_settlement import CONSUME_KINDS


class OnecardReportSwipeDay(models.Model):
    """Swipe statistics by local day and hour, from the rollups (the terminal,
    statistics and category reports over whole days; the dashboard).

    The same figures as ``onecard.report.swipe`` grouped by day: one line per rolled
    up group, plus one per operation not folded yet (see onecard.report.rollup).
    """

    _name = "onecard.report.swipe.day"
    _inherit = ["onecard.report.mixin"]
    _description = "Swipe Statistics by Day"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "date"

    date = fields.Date(readonly=True, help="Local date in the company's time zone.")
    hour = fields.Integer(
        readonly=True, aggregator=None, help="Local hour of the day (0-23)."
    )
    kind = fields.Selection(OPERATION_KINDS, readonly=True)
    state = fields.Selection(
        [("approved", "Approved"), ("declined", "Declined")], readonly=True
    )
    offline = fields.Boolean(readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    terminal_id = fields.Many2one("onecard.terminal", string="Terminal", readonly=True)
    canteen_id = fields.Many2one("onecard.canteen", string="Canteen", readonly=True)
    meal_period_id = fields.Many2one(
        "onecard.meal.period", string="Meal Period", readonly=True
    )
    consume_category_id = fields.Many2one(
        "onecard.consume.category", string="Consumption Category", readonly=True
    )
    department_id = fields.Many2one("hr.department", string="Department", readonly=True)
    cardholder_category_id = fields.Many2one(
        "onecard.cardholder.category", string="Cardholder Category", readonly=True
    )
    swipe_count = fields.Integer(
        string="Swipes", readonly=True, help="Approved consumptions."
    )
    declined_count = fields.Integer(string="Declined", readonly=True)
    correction_count = fields.Integer(string="Corrections", readonly=True)
    offline_count = fields.Integer(string="Offline Records", readonly=True)
    amount = fields.Monetary(
        readonly=True, help="Net amount spent: consumptions minus corrections."
    )

    @api.model
    def _view_query(self):
        local = self._local_time_sql(SQL("o.business_time"))
        return SQL(
            """
            SELECT u.id, u.company_id, rc.currency_id, u.date, u.hour, u.kind,
                   u.state, u.offline, NULLIF(u.terminal_id, 0) AS terminal_id,
                   NULLIF(u.canteen_id, 0) AS canteen_id,
                   NULLIF(u.meal_period_id, 0) AS meal_period_id,
                   NULLIF(u.consume_category_id, 0) AS consume_category_id,
                   NULLIF(u.department_id, 0) AS department_id,
                   NULLIF(u.cardholder_category_id, 0) AS cardholder_category_id,
                   CASE WHEN u.state = 'approved' AND u.kind <> 'correction'
                        THEN u.op_count ELSE 0 END AS swipe_count,
                   CASE WHEN u.state = 'declined' THEN u.op_count ELSE 0 END
                        AS declined_count,
                   CASE WHEN u.kind = 'correction' THEN u.op_count ELSE 0 END
                        AS correction_count,
                   CASE WHEN u.state = 'approved' AND u.offline THEN u.op_count
                        ELSE 0 END AS offline_count,
                   CASE WHEN u.state <> 'approved' THEN 0
                        WHEN u.kind = 'correction' THEN -u.amount
                        ELSE u.amount END AS amount
              FROM (
                SELECT s.id, s.company_id, s.date, s.hour, s.kind, s.state,
                       s.offline, s.terminal_id, s.canteen_id, s.meal_period_id,
                       s.consume_category_id, s.department_id,
                       s.cardholder_category_id, s.op_count, s.amount
                  FROM onecard_rollup_swipe_day s
                UNION ALL
                SELECT -o.id, o.company_id, (%(local)s)::date,
                       EXTRACT(HOUR FROM %(local)s)::integer, o.kind, o.state,
                       COALESCE(o.offline, false), COALESCE(o.terminal_id, 0),
                       COALESCE(o.canteen_id, 0), COALESCE(o.meal_period_id, 0),
                       COALESCE(o.consume_category_id, 0),
                       COALESCE(o.department_id, 0),
                       COALESCE(o.cardholder_category_id, 0), 1, o.amount
                  FROM onecard_rollup_tail_operations() o
                  JOIN res_company rc ON rc.id = o.company_id
                  JOIN res_partner rp ON rp.id = rc.partner_id
                 WHERE o.kind IN %(kinds)s
              ) u
              JOIN res_company rc ON rc.id = u.company_id
        """,
            local=local,
            kinds=CONSUME_KINDS,
        )
