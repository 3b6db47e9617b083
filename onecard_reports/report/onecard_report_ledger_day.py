from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.onecard_consume.models.onecard_operation import OPERATION_KINDS
from odoo.addons.onecard_consume.models.onecard_settlement import (
    CONSUME_KINDS,
    PAYMENT_KINDS,
)
from odoo.addons.onecard_consume.models.onecard_wallet import WALLET_KIND_SELECTION

from .onecard_report_fund import FLOWS


class OnecardReportLedgerDay(models.Model):
    """Fund in/out by local day, from the rollups: the fund statement over whole
    days.

    The same figures as ``onecard.report.fund`` grouped by day, kind, wallet,
    payment method, canteen and department; plus the ledger rows not folded yet
    (see onecard.report.rollup).
    """

    _name = "onecard.report.ledger.day"
    _inherit = ["onecard.report.mixin"]
    _description = "Fund In/Out by Day"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "date"

    date = fields.Date(readonly=True, help="Local date in the company's time zone.")
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    kind = fields.Selection(OPERATION_KINDS, readonly=True)
    flow = fields.Selection(FLOWS, readonly=True)
    wallet_kind = fields.Selection(
        WALLET_KIND_SELECTION, string="Wallet", readonly=True
    )
    payment_method_id = fields.Many2one(
        "onecard.payment.method", string="Payment Method", readonly=True
    )
    canteen_id = fields.Many2one("onecard.canteen", string="Canteen", readonly=True)
    department_id = fields.Many2one("hr.department", string="Department", readonly=True)
    row_count = fields.Integer(string="Rows", readonly=True)
    amount = fields.Monetary(
        readonly=True, help="Signed as on the wallets: positive = card money in."
    )
    amount_in = fields.Monetary(string="Card In", readonly=True)
    amount_out = fields.Monetary(string="Card Out", readonly=True)
    received = fields.Monetary(readonly=True, help="Money received at the desk.")
    paid = fields.Monetary(readonly=True, help="Money paid out at the desk.")

    @api.model
    def _view_query(self):
        local = self._local_time_sql(SQL("t.business_time"))
        return SQL(
            """
            SELECT u.id, u.company_id, rc.currency_id, u.date, u.kind,
                   CASE WHEN u.kind IN %(payment)s THEN 'counter'
                        WHEN u.kind IN %(consume)s THEN 'consumption'
                        WHEN u.kind = 'transfer' THEN 'transfer'
                        ELSE 'subsidy' END AS flow,
                   u.wallet_kind,
                   NULLIF(u.payment_method_id, 0) AS payment_method_id,
                   NULLIF(u.canteen_id, 0) AS canteen_id,
                   NULLIF(u.department_id, 0) AS department_id,
                   u.row_count, u.amount, u.amount_in, u.amount_out,
                   CASE WHEN u.kind IN %(payment)s THEN u.amount_in ELSE 0 END
                        AS received,
                   CASE WHEN u.kind IN %(payment)s THEN u.amount_out ELSE 0 END
                        AS paid
              FROM (
                SELECT s.id, s.company_id, s.date, s.kind, s.wallet_kind,
                       s.payment_method_id, s.canteen_id, s.department_id,
                       s.row_count, s.amount, s.amount_in, s.amount_out
                  FROM onecard_rollup_ledger_day s
                UNION ALL
                SELECT -t.id, t.company_id, (%(local)s)::date, t.kind,
                       t.wallet_kind, COALESCE(t.payment_method_id, 0),
                       COALESCE(t.canteen_id, 0), COALESCE(t.department_id, 0),
                       1, t.amount, GREATEST(t.amount, 0), GREATEST(-t.amount, 0)
                  FROM onecard_rollup_tail_rows() t
                  JOIN res_company rc ON rc.id = t.company_id
                  JOIN res_partner rp ON rp.id = rc.partner_id
              ) u
              JOIN res_company rc ON rc.id = u.company_id
        """,
            local=local,
            payment=PAYMENT_KINDS,
            consume=CONSUME_KINDS,
        )
