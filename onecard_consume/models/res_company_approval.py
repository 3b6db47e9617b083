from odoo import fields, models


class ResCompany(models.Model):
    """The four-eyes approval settings (docs/approval.md)."""

    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # A Boolean beside the amount: a Monetary reads 0.00 when empty, and 0 has a
    # meaning of its own here (every such operation needs approval).
    onecard_approval = fields.Boolean(
        string="Four-Eyes Approval",
        help="Refunds, card returns, corrections and back-entries above the threshold "
        "wait for a second person (a OneCard manager) to approve them.",
    )
    onecard_approval_threshold = fields.Monetary(
        string="Approval Threshold",
        currency_field="currency_id",
        help="Operations of more than this amount need approval; 0: every one.",
    )

    def _onecard_needs_approval(self, amount):
        """Whether an operation of ``amount`` needs a second person's approval."""
        self.ensure_one()
        if not self.onecard_approval:
            return False
        threshold = self.onecard_approval_threshold or 0.0
        if self.currency_id.is_zero(threshold):
            return True
        return self.currency_id.compare_amounts(amount or 0.0, threshold) > 0
