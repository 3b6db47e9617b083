def post_init_hook(env):
    """Map payment methods to the company's cash and bank journals when present."""
    methods = env["onecard.payment.method"].search([])
    for company in env["res.company"].search([]):
        cash = env["account.journal"].search([("type", "=", "cash"), ("company_id", "=", company.id)], limit=1)
        bank = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
        for method in methods.with_company(company):
            journal = cash if method.code == "cash" else bank
            if journal and not method.journal_id:
                method.journal_id = journal
