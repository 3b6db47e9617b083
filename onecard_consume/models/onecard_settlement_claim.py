"""How a settlement claims its ledger rows and gives them back.

A claim is one INSERT ... SELECT into onecard_transaction_settled of the company's
unsettled rows dated before the period end; the ledger rows are not rewritten. The
unsettled rows are looked for only above the company's mark (every row up to it is
settled, onecard_settlement_mark.py), so the search never scans history. A reversal
deletes the settlement's claim rows and lowers the mark below them, so they are
unsettled again and the next settlement claims them.
"""

from odoo import api, models
from odoo.tools import SQL

from .onecard_settlement_unsettled import unsettled_ids

FIRST_SLICE = 100_000  # ids: about a day of a 30,000-person campus


class OnecardSettlement(models.Model):
    _inherit = "onecard.settlement"  # pylint: disable=consider-merging-classes-inherited

    def _settled_floor(self, company):
        """The company's mark: every ledger row up to this id is settled."""
        self.env.cr.execute(
            "SELECT safe_id FROM onecard_settlement_mark WHERE company_id = %s",
            [company.id],
        )
        row = self.env.cr.fetchone()
        return row[0] if row and row[0] else 0

    def _claim_rows(self, floor):
        """Claim the staged rows (onecard_settlement_stage.py: the company's
        unsettled rows above floor, its mark read under the settlement lock, dated
        before the period end), in id order: the claim's key pages fill in order."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO onecard_transaction_settled (id, settlement_id)
            SELECT id, %s FROM onecard_settle_rows ORDER BY id
        """,
                self.id,
            )
        )
        self.env["onecard.transaction"].invalidate_model(["settlement_id"])
        self._move_mark(floor)

    def _move_mark(self, floor):
        """Adopt the mark the previous settlement proposed if no transaction that was
        open then is still open (its rows are visible now, claimed or not), and
        propose the largest id this settlement sees for the next one."""
        cr, company_id = self.env.cr, self.company_id.id
        cr.execute(
            """
            SELECT m.pending_id,
                   m.pending_xmax IS NOT NULL AND m.pending_xmax::xid8
                       <= pg_snapshot_xmin(pg_current_snapshot()),
                   (SELECT COALESCE(max(id), 0) FROM onecard_transaction),
                   pg_snapshot_xmax(pg_current_snapshot())::text
              FROM (SELECT 1) one
              LEFT JOIN onecard_settlement_mark m ON m.company_id = %s
            """,
            [company_id],
        )
        pending, adopt, top, xmax = cr.fetchone()
        safe = floor
        if adopt and pending > floor:
            first_unsettled = self._first_unsettled(floor, pending)
            safe = first_unsettled - 1 if first_unsettled else pending
        cr.execute(
            """
            INSERT INTO onecard_settlement_mark AS m (company_id, safe_id, pending_id,
                                                      pending_xmax)
            VALUES (%s, %s, %s, %s)
            ON CONFLICT (company_id) DO UPDATE
               SET safe_id = excluded.safe_id, pending_id = excluded.pending_id,
                   pending_xmax = excluded.pending_xmax
            """,
            [company_id, safe, top, xmax],
        )

    def _first_unsettled(self, floor, upto):
        """The smallest unsettled id of the company in (floor, upto], or None.

        Only the rows up to the proposed mark matter: at a settlement a period,
        they are the previous period's, claimed then. The range is read in slices
        that double, each a set difference (onecard_settlement_unsettled.py), and
        the search stops at the first slice with an unsettled row: a history
        loaded ahead of its settlements (a generated year) is not read whole at
        every settlement.
        """
        cr, low, step = self.env.cr, floor, FIRST_SLICE
        while low < upto:
            high = min(low + step, upto)
            cr.execute(
                SQL(
                    "SELECT min(u.id) FROM (%s) u",
                    unsettled_ids(self.company_id.id, low, upto=high),
                )
            )
            first = cr.fetchone()[0]
            if first:
                return first
            low, step = high, step * 2
        return None

    def _release_rows(self):
        """Give the settlement's rows back (reversal): they are unsettled again."""
        self.ensure_one()
        self.env.cr.execute(
            """
            WITH gone AS (
                DELETE FROM onecard_transaction_settled WHERE settlement_id = %s
                RETURNING id
            )
            UPDATE onecard_settlement_mark m
               SET safe_id = LEAST(m.safe_id, g.low - 1),
                   pending_id = LEAST(m.pending_id, g.low - 1)
              FROM (SELECT min(id) AS low FROM gone) g
             WHERE m.company_id = %s AND g.low IS NOT NULL
            """,
            [self.id, self.company_id.id],
        )
        self.env["onecard.transaction"].invalidate_model(["settlement_id"])

    @api.ondelete(at_uninstall=False)
    def _unlink_release_rows(self):
        # The claim table has no foreign key (see its model): a deleted settlement
        # gives its rows back itself, as the old ON DELETE SET NULL did.
        for settlement in self:
            settlement._release_rows()
