from odoo import fields, models


class OnecardPaymentMethod(models.Model):
    """Online top-ups: one payment method per payment provider, whose journal is
    the provider's, so that settlement posts them like the desk's methods."""

    _inherit = "onecard.payment.method"

    payment_provider_id = fields.Many2one(
        "payment.provider",
        readonly=True,
        ondelete="restrict",
        index="btree_not_null",
        help="Online top-ups paid through this provider (portal).",
    )
