from odoo import api, fields, models
from odoo.exceptions import UserError

AUTO_TOPUP_BATCH = 200  # payments asked per cron run; the next run takes the rest


class OnecardCardholder(models.Model):
    """Automatic top-up: below the alert threshold, a scheduled job pays a chosen
    amount with a saved payment token, at most once a day, and mails it. The
    money is booked by the transaction's post-processing like any online
    top-up (payment_transaction.py); nothing here touches a balance."""

    _inherit = "onecard.cardholder"  # pylint: disable=consider-merging-classes-inherited

    auto_topup_amount = fields.Monetary(
        string="Automatic Top-up",
        help="Paid with the saved payment method when the cash balance is below "
        "the alert threshold (0: never); at most once a day.",
    )
    auto_topup_token_id = fields.Many2one(
        "payment.token", string="Saved Payment Method", groups="base.group_user"
    )
    auto_topup_date = fields.Date(
        string="Last Automatic Top-up", readonly=True, groups="base.group_user"
    )

    def _portal_tokens(self):
        """Saved payment methods the current user may pay this account with."""
        holder = self._portal_check()
        return (
            self.env["payment.token"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.env.user.partner_id.id),
                    ("provider_id.company_id", "=", holder.company_id.id),
                ]
            )
        )

    def _portal_set_auto_topup(self, amount, token_id):
        holder = self._portal_check()
        if not amount:
            holder.write({"auto_topup_amount": 0.0, "auto_topup_token_id": False})
            return
        amount = holder._portal_check_topup_amount(amount)
        token = self._portal_tokens().filtered(lambda t: t.id == token_id)
        if not token:
            raise UserError(self.env._("Choose one of your saved payment methods."))
        holder.write({"auto_topup_amount": amount, "auto_topup_token_id": token.id})

    @api.model
    def _cron_auto_topup(self):
        """Pay the automatic top-ups due: cash balance below the threshold, a
        token, none paid today. Returns the transactions."""
        today = fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT h.id FROM onecard_cardholder h
              JOIN onecard_wallet w ON w.cardholder_id = h.id AND w.kind = 'cash'
             WHERE h.active AND h.state = 'active'
               AND h.auto_topup_amount > 0 AND h.auto_topup_token_id IS NOT NULL
               AND w.balance < h.low_balance_threshold
               AND (h.auto_topup_date IS NULL OR h.auto_topup_date < %s)
             ORDER BY h.id LIMIT %s
            """,
            [today, AUTO_TOPUP_BATCH],
        )
        Tx = self.env["payment.transaction"].sudo()
        txs = Tx
        for holder in self.sudo().browse([row[0] for row in self.env.cr.fetchall()]):
            token = holder.auto_topup_token_id
            if not token.active:
                continue
            holder.auto_topup_date = today  # once a day, whatever the answer
            tx = Tx.create(
                {
                    "provider_id": token.provider_id.id,
                    "payment_method_id": token.payment_method_id.id,
                    "token_id": token.id,
                    "reference": Tx._compute_reference(
                        token.provider_id.code, prefix=f"OC-{holder.code}-AUTO"
                    ),
                    "amount": holder.auto_topup_amount,
                    "currency_id": holder.currency_id.id,
                    "partner_id": token.partner_id.id,
                    "operation": "offline",
                    "onecard_cardholder_id": holder.id,
                }
            )
            tx._send_payment_request()
            if tx.state == "done":
                tx._post_process()
            holder.message_post(
                body=self.env._(
                    "Automatic top-up of %(amount).2f with %(method)s: %(state)s.",
                    amount=tx.amount,
                    method=token.display_name,
                    state=dict(tx._fields["state"]._description_selection(self.env))[
                        tx.state
                    ],
                ),
                partner_ids=token.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            txs |= tx
        return txs
