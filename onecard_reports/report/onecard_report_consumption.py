from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.onecard_consume.models.onecard_settlement import CONSUME_KINDS
from odoo.addons.onecard_consume.models.onecard_wallet import WALLET_KIND_SELECTION

from .onecard_report_mixin import CARD_KINDS


class OnecardReportConsumption(models.Model):
    """Consumption detail: one line per ledger row of a swipe, back-entry or correction.

    ``amount`` is what was spent (positive); a correction row is negative,
    so sums are net of reversals. A swipe split over the subsidy and cash
    wallets has two rows; ``swipe_ref`` (count distinct) counts it once.
    """

    _name = "onecard.report.consumption"
    _inherit = ["onecard.report.row.mixin"]
    _description = "Consumption Report"
    _auto = False

    transaction_id = fields.Many2one(
        "onecard.transaction", string="Ledger Row", readonly=True
    )
    wallet_kind = fields.Selection(
        WALLET_KIND_SELECTION, string="Wallet", readonly=True
    )
    hour = fields.Integer(readonly=True, aggregator=None)
    cardholder_category_id = fields.Many2one(
        "onecard.cardholder.category", string="Cardholder Category", readonly=True
    )
    card_id = fields.Many2one("onecard.card", string="Card", readonly=True)
    card_kind = fields.Selection(CARD_KINDS, readonly=True)
    consume_category_id = fields.Many2one(
        "onecard.consume.category", string="Consumption Category", readonly=True
    )
    meal_period_id = fields.Many2one(
        "onecard.meal.period", string="Meal Period", readonly=True
    )
    canteen_id = fields.Many2one("onecard.canteen", string="Canteen", readonly=True)
    terminal_id = fields.Many2one("onecard.terminal", string="Terminal", readonly=True)
    amount = fields.Monetary(
        readonly=True,
        help="Spent (positive); corrections are negative.",
    )
    cash_amount = fields.Monetary(string="From Cash", readonly=True)
    subsidy_amount = fields.Monetary(string="From Subsidy", readonly=True)
    swipe_ref = fields.Integer(
        string="Swipes",
        readonly=True,
        aggregator="count_distinct",
        help="Distinct swipes (a swipe paid from two wallets counts once).",
    )
    offline = fields.Boolean(readonly=True)
    reversed = fields.Boolean(
        readonly=True, help="A correction, or a consumption that was corrected."
    )
    settlement_id = fields.Many2one(
        "onecard.settlement", string="Settlement", readonly=True
    )

    @api.model
    def _view_query(self):
        local = self._local_time_sql(SQL("t.business_time"))
        return SQL(
            """
            SELECT t.id AS id, t.id AS transaction_id, t.operation_id, t.kind,
            t.wallet_kind, t.business_time,
                   (%(local)s)::date AS date, EXTRACT(HOUR FROM %(local)s)::integer AS
                   hour,
                   t.cardholder_id, t.department_id, t.cardholder_category_id,
                   t.card_id, c.kind AS card_kind, t.consume_category_id,
                   t.meal_period_id, t.canteen_id,
                   t.terminal_id, t.company_id, rc.currency_id,
                   -t.amount AS amount,
                   CASE WHEN t.wallet_kind = 'subsidy' THEN 0 ELSE -t.amount END AS
                   cash_amount,
                   CASE WHEN t.wallet_kind = 'subsidy' THEN -t.amount ELSE 0 END AS
                   subsidy_amount,
                   CASE WHEN t.kind <> 'correction' THEN t.operation_id END AS
                   swipe_ref,
                   t.offline,
                   (t.kind = 'correction' OR EXISTS (
                       SELECT 1 FROM onecard_operation o WHERE o.id = t.operation_id
                          AND o.reversed_by_id IS NOT NULL)) AS reversed,
                   (SELECT st.settlement_id FROM onecard_transaction_settled st
                     WHERE st.id = t.id) AS settlement_id
              FROM onecard_transaction t
              %(company)s
              LEFT JOIN onecard_card c ON c.id = t.card_id
             WHERE t.kind IN %(kinds)s
        """,
            local=local,
            company=self._company_joins(SQL("t.company_id")),
            kinds=CONSUME_KINDS,
        )
