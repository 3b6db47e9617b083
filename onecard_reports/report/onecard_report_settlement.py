from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.onecard_consume.models.onecard_operation import OPERATION_KINDS
from odoo.addons.onecard_consume.models.onecard_wallet import WALLET_KIND_SELECTION


class OnecardReportSettlement(models.Model):
    """Daily and monthly settlement report: the posted totals of onecard.settlement.

    Read from the settlement lines themselves (what was posted), not
    recomputed from the ledger, so it matches the journal entries exactly;
    the tests check both against the ledger rows each settlement claimed.
    """

    _name = "onecard.report.settlement"
    _inherit = ["onecard.report.mixin"]
    _description = "Settlement Report"
    _auto = False
    _order = "date_from desc, settlement_id desc, id"
    _rec_name = "settlement_id"

    settlement_id = fields.Many2one(
        "onecard.settlement", string="Settlement", readonly=True
    )
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True)
    period = fields.Selection([("day", "Day"), ("month", "Month")], readonly=True)
    state = fields.Selection(
        [("posted", "Posted"), ("reversed", "Reversed")], readonly=True
    )
    date_from = fields.Date(readonly=True)
    date_to = fields.Date(readonly=True)
    kind = fields.Selection(OPERATION_KINDS, readonly=True)
    wallet_kind = fields.Selection(
        WALLET_KIND_SELECTION, string="Wallet", readonly=True
    )
    payment_method_id = fields.Many2one(
        "onecard.payment.method", string="Payment Method", readonly=True
    )
    canteen_id = fields.Many2one("onecard.canteen", string="Canteen", readonly=True)
    meal_period_id = fields.Many2one(
        "onecard.meal.period", string="Meal Period", readonly=True
    )
    department_id = fields.Many2one("hr.department", string="Department", readonly=True)
    late = fields.Boolean(
        readonly=True,
        help="Rows dated before the period: late offline records or corrections.",
    )
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    count = fields.Integer(string="Rows", readonly=True)
    amount = fields.Monetary(
        readonly=True, help="Signed as on the wallets: positive = card money in."
    )
    amount_in = fields.Monetary(string="Card In", readonly=True)
    amount_out = fields.Monetary(string="Card Out", readonly=True)

    @api.model
    def _view_query(self):
        return SQL("""
            SELECT l.id AS id, l.settlement_id, s.move_id, s.period, s.state,
            s.date_from, s.date_to, l.kind,
                   l.wallet_kind, l.payment_method_id, l.canteen_id, l.meal_period_id,
                   l.department_id, l.late,
                   s.company_id, rc.currency_id, l.count, l.amount,
                   GREATEST(l.amount, 0) AS amount_in, GREATEST(-l.amount, 0) AS
                   amount_out
              FROM onecard_settlement_line l
              JOIN onecard_settlement s ON s.id = l.settlement_id
              LEFT JOIN res_company rc ON rc.id = s.company_id
        """)
