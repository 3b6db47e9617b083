from odoo import fields, models


class PaymentTransaction(models.Model):
    """Online top-ups: a transaction linked to a cardholder books ONE top-up
    through the engine when it is done (refunds: one refund), keyed by its
    reference, so a second confirmation or post-processing books nothing."""

    _inherit = "payment.transaction"

    onecard_cardholder_id = fields.Many2one(
        "onecard.cardholder",
        string="Cardholder",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    onecard_operation_id = fields.Many2one(
        "onecard.operation",
        string="Card Operation",
        readonly=True,
        copy=False,
        ondelete="restrict",
        groups="base.group_user",
    )
    # Portal users read their card top-ups (record rule); not the provider's data.
    provider_reference = fields.Char(groups="base.group_user")
    token_id = fields.Many2one(groups="base.group_user")
    state_message = fields.Text(groups="base.group_user")
    landing_route = fields.Char(groups="base.group_user")

    def _create_child_transaction(
        self, amount, is_refund=False, **custom_create_values
    ):
        if self.onecard_cardholder_id:
            custom_create_values.setdefault(
                "onecard_cardholder_id", self.onecard_cardholder_id.id
            )
        return super()._create_child_transaction(
            amount, is_refund=is_refund, **custom_create_values
        )

    def _create_payment(self, **extra_create_values):
        # A card top-up is booked by the card engine and reaches the books at
        # settlement (provider's journal / card cash liability): an account.payment
        # against the partner's receivable would count the money twice.
        if self.onecard_cardholder_id:
            return self.env["account.payment"]
        return super()._create_payment(**extra_create_values)

    def _post_process(self):
        result = super()._post_process()
        for tx in self.filtered(
            lambda t: t.state == "done"
            and t.onecard_cardholder_id
            and not t.onecard_operation_id
            and t.operation != "validation"
        ):
            tx._onecard_book()
        return result

    def _onecard_book(self):
        """Book the transaction in the card engine (idempotent on its reference)."""
        self.ensure_one()
        holder = self.onecard_cardholder_id.sudo()
        ledger = self.env["onecard.ledger"].sudo().with_company(holder.company_id)
        method = self.provider_id.sudo()._onecard_payment_method()
        card = holder._portal_topup_card()
        key = f"payment:{self.reference}"
        if self.operation == "refund":
            answer = ledger.refund(card, abs(self.amount), method, key=key)
        else:
            answer = ledger.topup(
                card, self.amount, method, key=key, reference=self.reference
            )
        self.sudo().onecard_operation_id = answer["operation_id"]
        return answer
