from odoo import fields, models
from odoo.exceptions import UserError

# Methods whose money arrives through a clearing account of their own: code -> journal
# code.
CLEARING_JOURNALS = {"wechat": "WXP", "alipay": "ALP"}


class OnecardPaymentMethod(models.Model):
    """How money came in or went out at the desk: mapped to a journal per company."""

    _name = "onecard.payment.method"
    _description = "Card Payment Method"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    journal_id = fields.Many2one(
        "account.journal",
        company_dependent=True,
        domain=[("type", "in", ("cash", "bank"))],
        help="Journal whose account receives top-ups and pays refunds in this company. "
        "A method without a journal in a company cannot be used there.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The payment method code must be unique.")
    ]

    def action_setup(self):
        """Set the methods up in the current company: the chart's cash or bank journal,
        or a clearing journal of their own (WeChat Pay, Alipay), created here."""
        self.check_access("write")  # the journal is created as superuser below
        for method in self:
            method.sudo()._setup_company(self.env.company)

    def _needs_clearing_journal(self):
        return self.code in CLEARING_JOURNALS

    def _setup_company(self, company):
        self.ensure_one()
        Journal = self.env["account.journal"].sudo()
        domain = Journal._check_company_domain(company)
        if self._needs_clearing_journal():
            code = CLEARING_JOURNALS[self.code]
            journal = Journal.search(
                domain + [("code", "=", code)], limit=1
            ) or Journal.create(
                {
                    "name": self.with_context(lang=self.env.user.lang).name,
                    "code": code,
                    "type": "bank",
                    "company_id": company.root_id.id,
                }
            )
        else:
            # Not a clearing journal: "other" would otherwise land on Alipay's,
            # whose code sorts before the chart's bank journal.
            journal = Journal.search(
                domain
                + [
                    ("type", "=", "cash" if self.code == "cash" else "bank"),
                    ("code", "not in", list(CLEARING_JOURNALS.values())),
                ],
                limit=1,
            )
        self.with_company(company).journal_id = journal

    def _journal_for(self, company):
        """The method's journal in ``company``; a clear error when it is not set up
        there.

        A company without a chart of accounts has no journals to map yet: its
        card money is kept in the sub-ledger until it has books (settlement
        then asks for the mapping).
        """
        journal = self.with_company(company).sudo().journal_id
        if not journal and company.chart_template:
            raise UserError(
                self.env._(
                    "The payment method %(method)s is not set up in %(company)s: "
                    "a card manager sets it up in One-Card > Configuration > "
                    "Payment Methods.",
                    method=self.name,
                    company=company.name,
                )
            )
        return journal
