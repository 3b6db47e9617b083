from odoo import fields, models

# (field, code, name, account type): what a company needs to post card money.
ONECARD_ACCOUNTS = [
    ("onecard_cash_account_id", "OC2201", "Card cash liability", "liability_current"),
    (
        "onecard_subsidy_account_id",
        "OC2202",
        "Card subsidy liability",
        "liability_current",
    ),
    (
        "onecard_deposit_account_id",
        "OC2203",
        "Card deposit liability",
        "liability_current",
    ),
    ("onecard_subsidy_expense_account_id", "OC6601", "Meal subsidy expense", "expense"),
    ("onecard_revenue_account_id", "OC6001", "Canteen revenue", "income"),
]
# Everything a company's card postings are mapped to (a branch takes its root's).
ONECARD_POSTING_FIELDS = [field for field, *_rest in ONECARD_ACCOUNTS] + [
    "onecard_journal_id"
]


class ResCompany(models.Model):
    _inherit = "res.company"

    onecard_spend_order = fields.Selection(
        [
            ("subsidy_first", "Subsidy first, then cash"),
            ("cash_first", "Cash first, then subsidy"),
        ],
        string="Card Spend Order",
        default="subsidy_first",
        required=True,
    )
    onecard_auto_cardholder = fields.Boolean(
        string="Cardholder per Employee",
        default=True,
        help="Create a cardholder automatically for every new or imported employee.",
    )
    onecard_cash_account_id = fields.Many2one(
        "account.account", string="Card Cash Liability"
    )
    onecard_subsidy_account_id = fields.Many2one(
        "account.account", string="Subsidy Liability"
    )
    onecard_deposit_account_id = fields.Many2one(
        "account.account", string="Deposit Liability"
    )
    onecard_subsidy_expense_account_id = fields.Many2one(
        "account.account", string="Subsidy Expense"
    )
    onecard_revenue_account_id = fields.Many2one(
        "account.account", string="Canteen Revenue"
    )
    onecard_journal_id = fields.Many2one(
        "account.journal",
        string="Card Settlement Journal",
        domain=[("type", "=", "general")],
    )
    onecard_auto_settle = fields.Boolean(
        string="Settle Yesterday Automatically",
        default=True,
        help="A scheduled action settles the previous day every night.",
    )

    def write(self, vals):
        result = super().write(vals)
        if {"onecard_spend_order", "currency_id", "partner_id"} & set(vals):
            self.env.registry.clear_cache()  # cached by the consumption engine
        return result

    def _onecard_ensure_accounting(self):
        """Create the card accounts and journal a company lacks (any chart of accounts).

        Only fills what is empty, so an accountant's own mapping is kept.
        Companies without a chart of accounts are skipped. A branch shares its
        parent's accounts and journals (Odoo's rule for branches): it gets the
        root company's, never its own.
        """
        Account = self.env["account.account"].sudo()
        for company in self:
            if not company.chart_template:
                continue
            root = company.root_id
            if root != company:
                root._onecard_ensure_accounting()
                company.sudo().write(
                    {
                        name: root[name].id
                        for name in ONECARD_POSTING_FIELDS
                        if not company[name]
                    }
                )
                company._onecard_map_payment_methods()
                continue
            vals = {}
            for field, code, name, account_type in ONECARD_ACCOUNTS:
                if company[field]:
                    continue
                account = Account.with_company(company).search(
                    [*Account._check_company_domain(company), ("code", "=", code)],
                    limit=1,
                )
                vals[field] = (
                    account
                    or Account.with_company(company).create(
                        {
                            "code": code,
                            "name": self.env._(name),
                            "account_type": account_type,
                            "company_ids": [company.id],
                            "reconcile": False,
                        }
                    )
                ).id
            if not company.onecard_journal_id:
                journal = (
                    self.env["account.journal"]
                    .sudo()
                    .search(
                        [("code", "=", "CARD"), ("company_id", "=", company.id)],
                        limit=1,
                    )
                )
                journal = journal or journal.create(
                    {
                        "name": self.env._("Card Settlement"),
                        "code": "CARD",
                        "type": "general",
                        "company_id": company.id,
                    }
                )
                # Posted settlement entries are locked with Odoo's hash: no reset
                # to draft, no edit; the way out is the settlement's reversal.
                journal.restrict_mode_hash_table = True
                vals["onecard_journal_id"] = journal.id
            company.sudo().write(vals)
            company._onecard_map_payment_methods()

    def _onecard_map_payment_methods(self):
        """Map the payment methods that use the chart's own journals (cash, bank,
        other).

        WeChat Pay and Alipay need clearing journals of their own: those are
        created when a card manager sets the method up for the company
        (``onecard.payment.method.action_setup``), never in every company that
        loads a chart. A branch takes its root company's mapping.
        """
        self.ensure_one()
        Method = self.env["onecard.payment.method"].sudo()
        for method in Method.with_company(self).search([("journal_id", "=", False)]):
            if self.root_id != self:
                method.journal_id = method.with_company(self.root_id).journal_id
            elif not method._needs_clearing_journal():
                method._setup_company(self)
