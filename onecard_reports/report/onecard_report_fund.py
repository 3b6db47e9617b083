from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.onecard_consume.models.onecard_settlement import (
    CONSUME_KINDS,
    PAYMENT_KINDS,
)
from odoo.addons.onecard_consume.models.onecard_wallet import WALLET_KIND_SELECTION

FLOWS = [
    ("counter", "Cash Desk"),
    ("consumption", "Consumption"),
    ("subsidy", "Subsidy"),
    ("transfer", "Transfer"),
]


class OnecardReportFund(models.Model):
    """Fund in/out statement (资金收支): every ledger row by kind, wallet and payment
    method.

    ``received`` / ``paid`` are the money that crossed the desk (top-ups,
    deposits in; refunds, returns, deposits out), by payment method: what
    the cash box and the bank must show. ``amount_in`` / ``amount_out`` are
    the card side of every movement, consumption and subsidy included.
    """

    _name = "onecard.report.fund"
    _inherit = ["onecard.report.row.mixin"]
    _description = "Fund In/Out Statement"
    _auto = False

    flow = fields.Selection(FLOWS, readonly=True)
    wallet_kind = fields.Selection(
        WALLET_KIND_SELECTION, string="Wallet", readonly=True
    )
    payment_method_id = fields.Many2one(
        "onecard.payment.method", string="Payment Method", readonly=True
    )
    canteen_id = fields.Many2one("onecard.canteen", string="Canteen", readonly=True)
    settlement_id = fields.Many2one(
        "onecard.settlement", string="Settlement", readonly=True
    )
    row_count = fields.Integer(string="Rows", readonly=True)
    amount = fields.Monetary(
        readonly=True, help="Signed as on the wallets: positive = card money in."
    )
    amount_in = fields.Monetary(string="Card In", readonly=True)
    amount_out = fields.Monetary(string="Card Out", readonly=True)
    received = fields.Monetary(readonly=True, help="Money received at the desk.")
    paid = fields.Monetary(readonly=True, help="Money paid out at the desk.")
    volume = fields.Monetary(
        readonly=True, help="Size of the movement, whatever its direction."
    )

    @api.model
    def _view_query(self):
        local = self._local_time_sql(SQL("t.business_time"))
        return SQL(
            """
            SELECT t.id AS id, t.operation_id, t.kind,
                   CASE WHEN t.kind IN %(payment)s THEN 'counter' WHEN t.kind IN
                   %(consume)s THEN 'consumption'
                        WHEN t.kind = 'transfer' THEN 'transfer' ELSE 'subsidy' END AS
                        flow,
                   t.wallet_kind, t.payment_method_id, t.business_time,
                   (%(local)s)::date AS date,
                   t.cardholder_id, t.department_id, t.canteen_id, t.company_id,
                   rc.currency_id,
                   (SELECT st.settlement_id FROM onecard_transaction_settled st
                     WHERE st.id = t.id) AS settlement_id,
                   1 AS row_count, t.amount,
                   GREATEST(t.amount, 0) AS amount_in, GREATEST(-t.amount, 0) AS
                   amount_out,
                   CASE WHEN t.kind IN %(payment)s THEN GREATEST(t.amount, 0) ELSE 0
                   END AS received,
                   CASE WHEN t.kind IN %(payment)s THEN GREATEST(-t.amount, 0) ELSE 0
                   END AS paid,
                   ABS(t.amount) AS volume
              FROM onecard_transaction t
              %(company)s
        """,
            local=local,
            company=self._company_joins(SQL("t.company_id")),
            payment=PAYMENT_KINDS,
            consume=CONSUME_KINDS,
        )
