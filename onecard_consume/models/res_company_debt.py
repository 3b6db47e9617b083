"""The accounts of postpaid debt: the employee receivable and the payroll clearing.

Created like the other card accounts (``_onecard_ensure_accounting``, only what is
empty, a branch takes its root's) and, for a company set up before they existed, on
the first settlement that needs them.
"""

from odoo import fields, models

# (field, code, name, account type): the receivable is a real receivable (partner
# ledger, aged receivable), so Odoo wants it reconcilable.
ONECARD_DEBT_ACCOUNTS = [
    (
        "onecard_receivable_account_id",
        "OC1221",
        "Employee card receivable",
        "asset_receivable",
    ),
    (
        "onecard_payroll_account_id",
        "OC2241",
        "Payroll deduction clearing",
        "liability_current",
    ),
]


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    onecard_receivable_account_id = fields.Many2one(
        "account.account",
        string="Employee Card Receivable",
        help="Postpaid debt (cash wallets below zero) at settlement, per employee.",
    )
    onecard_payroll_account_id = fields.Many2one(
        "account.account",
        string="Payroll Deduction Clearing",
        help="Debit side of the debt repaid by payroll deduction; payroll clears it.",
    )

    def _onecard_ensure_accounting(self):
        result = super()._onecard_ensure_accounting()
        Account = self.env["account.account"].sudo()
        for company in self:
            if not company.chart_template:
                continue
            root = company.root_id
            vals = {}
            for field, code, name, account_type in ONECARD_DEBT_ACCOUNTS:
                if company[field]:
                    continue
                if root != company:
                    if not root[field]:
                        root._onecard_ensure_accounting()
                    vals[field] = root[field].id
                    continue
                account = Account.with_company(company).search(
                    [*Account._check_company_domain(company), ("code", "=", code)],
                    limit=1,
                ) or Account.with_company(company).create(
                    {
                        "code": code,
                        "name": self.env._(name),
                        "account_type": account_type,
                        "company_ids": [company.id],
                        "reconcile": account_type == "asset_receivable",
                    }
                )
                vals[field] = account.id
            if vals:
                company.sudo().write(vals)
        return result
