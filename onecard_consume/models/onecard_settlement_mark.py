"""Per company: how far back the search for unsettled ledger rows must look.

Every row of the company with an id up to safe_id is settled, so a settlement
scans only the ids above it instead of the company's whole history. The mark
moves only to a bound no open transaction can still insert below: ledger ids come
from a sequence, so a row invisible to a settlement but with a smaller id than
what it saw belongs to a transaction still running then. A settlement therefore
proposes pending_id (the largest id it saw) with pending_xmax (its snapshot's
xmax), and a later settlement adopts it once its own snapshot says every
transaction older than pending_xmax has ended; ids up to pending_id that are still
unsettled then (rows dated after that period) keep the mark below them.
"""

from odoo import fields, models


class OnecardSettlementMark(models.Model):
    _name = "onecard.settlement.mark"
    _description = "Settled Ledger Mark"
    _log_access = False
    _rec_name = "company_id"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade"
    )
    safe_id = fields.Integer(
        readonly=True, help="Every ledger row of the company up to this id is settled."
    )
    pending_id = fields.Integer(readonly=True)
    pending_xmax = fields.Char(
        readonly=True, help="xid8 of the snapshot that proposed pending_id."
    )

    _sql_constraints = [
        ("company_uniq", "unique(company_id)", "One settled mark per company.")
    ]
