from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.onecard_consume.models.onecard_settlement import PAYMENT_KINDS
from odoo.addons.onecard_consume.models.onecard_wallet import WALLET_KIND_SELECTION

from .onecard_report_mixin import CARD_KINDS

# Desk money movements: the payment kinds and transfers between wallets.
TOPUP_KINDS = (*PAYMENT_KINDS, "transfer")


class OnecardReportTopup(models.Model):
    """Monthly top-up table: top-ups by payment method, official <-> temporary
    transfers, refunds and deposits, per cardholder (one line per ledger row,
    one column per movement; group by cardholder and month)."""

    _name = "onecard.report.topup"
    _inherit = ["onecard.report.row.mixin"]
    _description = "Top-up Report"
    _auto = False

    wallet_kind = fields.Selection(
        WALLET_KIND_SELECTION, string="Wallet", readonly=True
    )
    payment_method_id = fields.Many2one(
        "onecard.payment.method", string="Payment Method", readonly=True
    )
    cardholder_category_id = fields.Many2one(
        "onecard.cardholder.category", string="Cardholder Category", readonly=True
    )
    card_kind = fields.Selection(CARD_KINDS, readonly=True)
    topup_amount = fields.Monetary(string="Top-ups", readonly=True)
    topup_count = fields.Integer(string="Top-up Count", readonly=True)
    refund_amount = fields.Monetary(
        string="Refunds",
        readonly=True,
        help="Refunds and balances paid out at card return.",
    )
    to_temporary_amount = fields.Monetary(
        string="To Temporary",
        readonly=True,
        help="Moved from the official (cash) account to the temporary account.",
    )
    to_official_amount = fields.Monetary(
        string="To Official",
        readonly=True,
        help="Moved from the temporary account back to the official account.",
    )
    deposit_in_amount = fields.Monetary(string="Deposits In", readonly=True)
    deposit_out_amount = fields.Monetary(string="Deposits Out", readonly=True)
    amount = fields.Monetary(
        string="Net",
        readonly=True,
        help="Signed as on the wallets (transfers net out).",
    )

    @api.model
    def _view_query(self):
        local = self._local_time_sql(SQL("t.business_time"))
        return SQL(
            """
            SELECT t.id AS id, t.operation_id, t.kind, t.wallet_kind,
            t.payment_method_id, t.business_time,
                   (%(local)s)::date AS date, t.cardholder_id, t.department_id,
                   t.cardholder_category_id, c.kind AS card_kind,
                   t.company_id, rc.currency_id,
                   CASE WHEN t.kind = 'topup' THEN t.amount ELSE 0 END AS topup_amount,
                   CASE WHEN t.kind = 'topup' THEN 1 ELSE 0 END AS topup_count,
                   CASE WHEN t.kind = 'refund' OR (t.kind = 'return' AND t.wallet_kind
                   <> 'deposit')
                        THEN -t.amount ELSE 0 END AS refund_amount,
                   CASE WHEN t.kind = 'transfer' AND t.wallet_kind = 'temporary' AND
                   t.amount > 0 THEN t.amount ELSE 0 END
                        AS to_temporary_amount,
                   CASE WHEN t.kind = 'transfer' AND t.wallet_kind = 'cash' AND
                   t.amount > 0 THEN t.amount ELSE 0 END
                        AS to_official_amount,
                   CASE WHEN t.kind = 'deposit_in' THEN t.amount ELSE 0 END AS
                   deposit_in_amount,
                   CASE WHEN t.kind = 'deposit_out' OR (t.kind = 'return' AND
                   t.wallet_kind = 'deposit')
                        THEN -t.amount ELSE 0 END AS deposit_out_amount,
                   t.amount
              FROM onecard_transaction t
              %(company)s
              LEFT JOIN onecard_card c ON c.id = t.card_id
             WHERE t.kind IN %(kinds)s
        """,
            local=local,
            company=self._company_joins(SQL("t.company_id")),
            kinds=TOPUP_KINDS,
        )
