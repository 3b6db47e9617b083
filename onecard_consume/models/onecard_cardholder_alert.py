from odoo import api, fields, models
from odoo.exceptions import UserError

ALERT_BATCH = 1000  # holders mailed per cron run; the next run takes the rest


class OnecardCardholder(models.Model):
    """Low-balance alert: the holder sets a threshold on the portal; a scheduled
    job mails once when the cash balance drops below it, and re-arms when it is
    back above. Never on the swipe path: the swipe only writes the balance."""

    _inherit = "onecard.cardholder"  # pylint: disable=consider-merging-classes-inherited

    low_balance_threshold = fields.Monetary(
        string="Low-balance Alert Below",
        help="Mail the holder when the cash balance drops below this amount "
        "(0: no alert). Set by the holder on the portal.",
    )
    low_balance_alerted = fields.Boolean(
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="The alert was sent for this crossing; cleared when the balance is "
        "back above the threshold.",
    )

    def _portal_set_alert(self, threshold):
        holder = self._portal_check()
        if (
            not isinstance(threshold, int | float)
            or threshold != threshold
            or threshold < 0
            or threshold > holder.company_id.onecard_topup_max
        ):
            raise UserError(
                self.env._(
                    "The alert threshold is an amount between 0 and %s.",
                    holder.company_id.onecard_topup_max,
                )
            )
        holder.write({"low_balance_threshold": threshold, "low_balance_alerted": False})

    @api.model
    def _cron_low_balance_alert(self):
        """Mail the holders whose cash balance crossed their threshold downwards
        since the last run (once per crossing); re-arm those back above it."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """
            UPDATE onecard_cardholder h SET low_balance_alerted = FALSE
              FROM onecard_wallet w
             WHERE w.cardholder_id = h.id AND w.kind = 'cash'
               AND h.low_balance_alerted AND w.balance >= h.low_balance_threshold
            """
        )
        cr.execute(
            """
            SELECT h.id FROM onecard_cardholder h
              JOIN onecard_wallet w ON w.cardholder_id = h.id AND w.kind = 'cash'
             WHERE h.active AND h.low_balance_threshold > 0
               AND NOT COALESCE(h.low_balance_alerted, FALSE)
               AND w.balance < h.low_balance_threshold
               AND (h.partner_id IS NOT NULL OR EXISTS (
                    SELECT 1 FROM onecard_cardholder_guardian_rel g
                     WHERE g.cardholder_id = h.id))
             ORDER BY h.id LIMIT %s
            """,
            [ALERT_BATCH],
        )
        holders = self.sudo().browse([row[0] for row in cr.fetchall()])
        holders.invalidate_recordset()
        for holder in holders:
            holder.with_context(lang=holder.partner_id.lang).message_post(
                body=holder.env._(
                    "The cash balance of %(name)s is %(balance).2f, below your alert "
                    "threshold of %(threshold).2f. Top up at /my/onecard or at the "
                    "card office.",
                    name=holder.name,
                    balance=holder.cash_balance,
                    threshold=holder.low_balance_threshold,
                ),
                partner_ids=(holder.partner_id | holder.guardian_ids).ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        holders.write({"low_balance_alerted": True})
        return len(holders)
