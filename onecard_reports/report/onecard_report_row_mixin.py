from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.onecard_consume.models.onecard_operation import OPERATION_KINDS


class OnecardReportRowMixin(models.AbstractModel):
    """What the reports over ledger rows and operations share: one line per row or
    operation, in business time, of a cardholder and a company (whose zone gives the
    local date)."""

    _name = "onecard.report.row.mixin"
    _inherit = ["onecard.report.mixin"]
    _description = "Card Report Row Fields"
    _order = "business_time desc, id desc"
    _rec_name = "operation_id"

    operation_id = fields.Many2one(
        "onecard.operation", string="Operation", readonly=True
    )
    kind = fields.Selection(OPERATION_KINDS, readonly=True)
    business_time = fields.Datetime(readonly=True)
    date = fields.Date(readonly=True, help="Local date in the company's time zone.")
    cardholder_id = fields.Many2one(
        "onecard.cardholder", string="Cardholder", readonly=True
    )
    department_id = fields.Many2one("hr.department", string="Department", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)

    @api.model
    def _company_joins(self, company_column):
        """The company of the row (its currency) and its partner (alias ``rp``, the
        time zone of ``_local_time_sql``)."""
        return SQL(
            "LEFT JOIN res_company rc ON rc.id = %s "
            "LEFT JOIN res_partner rp ON rp.id = rc.partner_id",
            company_column,
        )
