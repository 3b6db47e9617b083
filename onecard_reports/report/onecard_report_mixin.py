from odoo import api, models, tools
from odoo.tools import SQL

CARD_KINDS = [
    ("official", "Official"),
    ("temporary", "Temporary"),
    ("admin", "Admin"),
    ("operator", "Operator"),
]


class OnecardReportMixin(models.AbstractModel):
    """What the SQL report views share: local time of the company, the view DDL.

    Ledger times are naive UTC; every report shows the day, month and hour
    in the company's zone (its partner's tz, e.g. Asia/Shanghai), so a
    breakfast at 07:30 in Shanghai is not yesterday's 23:30 UTC. Filters go
    on ``business_time`` (UTC bounds from the wizard) so the indexes work.
    """

    _name = "onecard.report.mixin"
    _description = "Card Report Helpers"

    @api.model
    def _local_time_sql(self, column):
        """Wall-clock timestamp of a UTC column in the company's zone (needs alias
        ``rp``)."""
        return SQL(
            "((%s AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(NULLIF(rp.tz, ''), 'UTC'))",
            column,
        )

    @api.model
    def _view_query(self):
        raise NotImplementedError

    def init(self):
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._view_query(),
            )
        )
