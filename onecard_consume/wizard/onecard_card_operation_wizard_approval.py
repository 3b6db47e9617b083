from odoo import api, fields, models

# Wizard operations that can need a second person's approval, and their request kind.
APPROVAL_OPERATIONS = ("refund", "return", "correction", "back_entry")


class OnecardCardOperationWizard(models.TransientModel):
    """Tell the operator before confirming that the operation goes to a manager
    (the reason is then required); the operation itself decides (``_hold``)."""

    _inherit = "onecard.card.operation.wizard"

    approval_needed = fields.Boolean(compute="_compute_approval_needed")

    @api.depends("operation", "amount", "card_id", "operation_id", "cardholder_id")
    def _compute_approval_needed(self):
        Request = self.env["onecard.approval.request"]
        for wizard in self:
            company = wizard.cardholder_id.company_id or self.env.company
            amount = wizard.amount
            if wizard.operation == "return":
                amount = Request._payout(wizard.card_id) if wizard.card_id else 0.0
            elif wizard.operation == "correction":
                amount = wizard.operation_id.amount
            wizard.approval_needed = (
                wizard.operation in APPROVAL_OPERATIONS
                and company._onecard_needs_approval(amount)
            )
