"""Which settlement posted a ledger row: one narrow row per settled ledger row.

The ledger row itself is never rewritten to say it is settled: stamping a column
made every settled row a new wide heap tuple with an entry in each of the ledger's
indexes and a foreign-key check (docs/performance.md, "Settlement at scale"). A
settlement claims its rows with one INSERT ... SELECT here and a reversal deletes
them again. The row's id IS the ledger row's id, and settlement_id is a plain
integer, so a claim writes two small index entries and fires no trigger; the
settlement deletes its own rows (onecard_settlement_claim.py).
"""

from odoo import fields, models


class OnecardTransactionSettled(models.Model):
    _name = "onecard.transaction.settled"
    _description = "Settled Ledger Row"
    _log_access = False

    # No Many2one on purpose: a foreign key is a trigger call per claimed row.
    settlement_id = fields.Integer(required=True, readonly=True, index=True)
