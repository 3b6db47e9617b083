from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    onecard_spend_order = fields.Selection(
        related="company_id.onecard_spend_order", readonly=False
    )
    onecard_auto_cardholder = fields.Boolean(
        related="company_id.onecard_auto_cardholder", readonly=False
    )
    onecard_cash_account_id = fields.Many2one(
        related="company_id.onecard_cash_account_id", readonly=False
    )
    onecard_subsidy_account_id = fields.Many2one(
        related="company_id.onecard_subsidy_account_id", readonly=False
    )
    onecard_deposit_account_id = fields.Many2one(
        related="company_id.onecard_deposit_account_id", readonly=False
    )
    onecard_subsidy_expense_account_id = fields.Many2one(
        related="company_id.onecard_subsidy_expense_account_id", readonly=False
    )
    onecard_revenue_account_id = fields.Many2one(
        related="company_id.onecard_revenue_account_id", readonly=False
    )
    onecard_journal_id = fields.Many2one(
        related="company_id.onecard_journal_id", readonly=False
    )
    onecard_auto_settle = fields.Boolean(
        related="company_id.onecard_auto_settle", readonly=False
    )
