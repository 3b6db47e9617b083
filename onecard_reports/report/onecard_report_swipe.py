from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.onecard_consume.models.onecard_settlement import CONSUME_KINDS

from .onecard_report_mixin import CARD_KINDS


class OnecardReportSwipe(models.Model):
    """Swipe statistics: one line per consumption operation (approved or declined).

    The terminal, meal-period and traffic reports: a swipe is an operation,
    whatever the number of wallets it took money from. Declined swipes are
    counted apart (they have no ledger rows); a correction counts as one
    correction and takes its amount back from the day it was made.
    """

    _name = "onecard.report.swipe"
    _inherit = ["onecard.report.row.mixin"]
    _description = "Swipe Statistics"
    _auto = False

    state = fields.Selection(
        [("approved", "Approved"), ("declined", "Declined")], readonly=True
    )
    reason_code = fields.Char(string="Reason", readonly=True)
    hour = fields.Integer(
        readonly=True, aggregator=None, help="Local hour of the day (0-23)."
    )
    cardholder_category_id = fields.Many2one(
        "onecard.cardholder.category", string="Cardholder Category", readonly=True
    )
    card_kind = fields.Selection(CARD_KINDS, readonly=True)
    terminal_id = fields.Many2one("onecard.terminal", string="Terminal", readonly=True)
    canteen_id = fields.Many2one("onecard.canteen", string="Canteen", readonly=True)
    consume_category_id = fields.Many2one(
        "onecard.consume.category", string="Consumption Category", readonly=True
    )
    meal_period_id = fields.Many2one(
        "onecard.meal.period", string="Meal Period", readonly=True
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
    offline = fields.Boolean(readonly=True)
    reversed = fields.Boolean(readonly=True, help="This consumption was corrected.")

    @api.model
    def _view_query(self):
        local = self._local_time_sql(SQL("o.business_time"))
        return SQL(
            """
            SELECT o.id AS id, o.id AS operation_id, o.kind, o.state, o.reason_code,
            o.business_time,
                   (%(local)s)::date AS date, EXTRACT(HOUR FROM %(local)s)::integer AS
                   hour,
                   o.cardholder_id, o.department_id, o.cardholder_category_id,
                   c.kind AS card_kind, o.terminal_id, o.canteen_id,
                   o.consume_category_id,
                   o.meal_period_id, o.company_id,
                   rc.currency_id,
                   CASE WHEN o.state = 'approved' AND o.kind <> 'correction' THEN 1
                   ELSE 0 END AS swipe_count,
                   CASE WHEN o.state = 'declined' THEN 1 ELSE 0 END AS declined_count,
                   CASE WHEN o.kind = 'correction' THEN 1 ELSE 0 END AS
                   correction_count,
                   CASE WHEN o.state = 'approved' AND o.offline THEN 1 ELSE 0 END AS
                   offline_count,
                   CASE WHEN o.state <> 'approved' THEN 0
                        WHEN o.kind = 'correction' THEN -o.amount ELSE o.amount END AS
                        amount,
                   o.offline, o.reversed_by_id IS NOT NULL AS reversed
              FROM onecard_operation o
              %(company)s
              LEFT JOIN onecard_card c ON c.id = o.card_id
             WHERE o.kind IN %(kinds)s
        """,
            local=local,
            company=self._company_joins(SQL("o.company_id")),
            kinds=CONSUME_KINDS,
        )

    def init(self):
        # Terminal and traffic reports filter operations by business time.
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS onecard_operation_business_time_idx
                ON onecard_operation (business_time, company_id)
        """)
        return super().init()
