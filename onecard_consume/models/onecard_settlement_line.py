from odoo import fields, models

from .onecard_operation import OPERATION_KINDS
from .onecard_wallet import WALLET_KIND_SELECTION


class OnecardSettlementLine(models.Model):
    """One total of a settlement: event, wallet, payment method, canteen, meal."""

    _name = "onecard.settlement.line"
    _description = "Settlement Total"
    _order = "kind, wallet_kind"

    settlement_id = fields.Many2one(
        "onecard.settlement", required=True, ondelete="cascade", index=True
    )
    kind = fields.Selection(OPERATION_KINDS, required=True)
    wallet_kind = fields.Selection(WALLET_KIND_SELECTION, required=True)
    payment_method_id = fields.Many2one("onecard.payment.method")
    canteen_id = fields.Many2one("onecard.canteen")
    meal_period_id = fields.Many2one("onecard.meal.period")
    department_id = fields.Many2one("hr.department")
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Analytic Account",
        help="As the ledger rows were booked with it.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Owed To",
        help="The caterer the rows were owed to when booked (empty: own revenue).",
    )
    late = fields.Boolean(
        help="Posted outside its period: dated before this period, or in a period "
        "already "
        "settled (a late offline record or back-entry)."
    )
    count = fields.Integer()
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    amount = fields.Monetary(help="Signed as on the wallets: positive = card money in.")
