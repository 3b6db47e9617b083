from odoo import models


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    def _onecard_payment_method(self):
        """The card payment method of this provider, created on first use, its
        journal in the provider's company kept equal to the provider's journal."""
        self.ensure_one()
        Method = (
            self.env["onecard.payment.method"].sudo().with_context(active_test=False)
        )
        method = Method.search([("payment_provider_id", "=", self.id)], limit=1)
        if not method:
            method = Method.create(
                {
                    "name": self.name,
                    "code": f"payment_provider_{self.id}",
                    "payment_provider_id": self.id,
                    "sequence": 50,
                }
            )
        company_method = method.with_company(self.company_id)
        if self.journal_id and company_method.journal_id != self.journal_id:
            company_method.journal_id = self.journal_id
        return method
