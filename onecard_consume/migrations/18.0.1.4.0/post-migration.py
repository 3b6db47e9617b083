"""Settlement at scale (issue 20, item 3): which settlement holds a ledger row moves
from the row's own column to onecard_transaction_settled, and each company gets
its mark (onecard_settlement_mark.py).

Set-based: one INSERT ... SELECT of the stamped rows (in id order, so the primary
key is built by appending), the settlement_id index built after the load, then the
old column dropped (a catalogue change, the rows are not rewritten). The upgrade runs
with no one booking, so the mark is exact at once: the id below each company's
first unsettled row (or the largest id if none).
"""

from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not column_exists(cr, "onecard_transaction", "settlement_id"):
        return  # already moved
    cr.execute("DROP INDEX IF EXISTS onecard_transaction_settled__settlement_id_index")
    cr.execute(
        """
        INSERT INTO onecard_transaction_settled (id, settlement_id)
        SELECT id, settlement_id FROM onecard_transaction
         WHERE settlement_id IS NOT NULL ORDER BY id
        ON CONFLICT (id) DO NOTHING
        """
    )
    cr.execute(
        "CREATE INDEX IF NOT EXISTS onecard_transaction_settled__settlement_id_index "
        "ON onecard_transaction_settled (settlement_id)"
    )
    cr.execute(
        """
        INSERT INTO onecard_settlement_mark (company_id, safe_id, pending_id)
        SELECT c.id, COALESCE(u.low - 1, top.id), COALESCE(u.low - 1, top.id)
          FROM res_company c
         CROSS JOIN (SELECT COALESCE(max(id), 0) AS id FROM onecard_transaction) top
          LEFT JOIN (SELECT company_id, min(id) AS low FROM onecard_transaction
                      WHERE settlement_id IS NULL GROUP BY company_id) u
                 ON u.company_id = c.id
        ON CONFLICT (company_id) DO UPDATE
           SET safe_id = excluded.safe_id, pending_id = excluded.pending_id,
               pending_xmax = NULL
        """
    )
    # CASCADE: the reports' SQL views read the column; upgrading onecard_consume
    # upgrades onecard_reports after it, whose init() builds them again.
    cr.execute("ALTER TABLE onecard_transaction DROP COLUMN settlement_id CASCADE")
    cr.execute("ANALYZE onecard_transaction_settled")
