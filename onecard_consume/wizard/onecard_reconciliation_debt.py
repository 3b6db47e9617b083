from odoo import models


class OnecardReconciliation(models.TransientModel):
    _inherit = "onecard.reconciliation"  # pylint: disable=consider-merging-classes-inherited

    def _account_line(self, account, kinds, end):
        """Card cash: the wallets' settled sum is credit (card cash liability) minus
        debt (employee receivable), so the GL side is both accounts together."""
        line = super()._account_line(account, kinds, end)
        receivable = self.company_id.onecard_receivable_account_id
        if (
            account
            and account == self.company_id.onecard_cash_account_id
            and receivable
        ):
            debt = super()._account_line(receivable, kinds, end)
            line["gl_amount"] += debt["gl_amount"]
            line["manual_amount"] += debt["manual_amount"]
            line["difference"] = self.currency_id.round(
                (line["ledger_amount"] - line["unsettled_amount"]) - line["gl_amount"]
            )
        return line
