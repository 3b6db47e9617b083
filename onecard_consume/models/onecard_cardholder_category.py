from odoo import api, fields, models
from odoo.exceptions import ValidationError


class OnecardCardholderCategory(models.Model):
    """Rules shared by a group of cardholders (staff, managers, visitors...)."""

    _name = "onecard.cardholder.category"
    _inherit = ["onecard.config.cache"]
    _description = "Cardholder Category"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    discount_percent = fields.Float(
        help="Discount applied to every consumption of this category."
    )
    meal_limit = fields.Monetary(help="Maximum spent per meal period; 0 = no limit.")
    daily_limit = fields.Monetary(help="Maximum spent per day; 0 = no limit.")
    meals_per_period = fields.Integer(
        default=1, help="Count mode: meals allowed per meal period."
    )
    credit_limit = fields.Monetary(
        help="Postpaid (bookkeeping) mode: how far the cash wallet may go below zero."
    )
    pin_threshold = fields.Monetary(
        help="Above this amount the cardholder must key the PIN; 0 = never."
    )
    allowed_terminal_ids = fields.Many2many(
        "onecard.terminal", string="Allowed Terminals", help="Empty = every terminal."
    )
    allowed_meal_period_ids = fields.Many2many(
        "onecard.meal.period",
        string="Allowed Meal Periods",
        help="Empty = every meal period.",
    )
    meal_price_ids = fields.One2many(
        "onecard.meal.price", "cardholder_category_id", string="Meal Prices"
    )
    active = fields.Boolean(default=True)

    @api.constrains(
        "discount_percent",
        "meal_limit",
        "daily_limit",
        "credit_limit",
        "pin_threshold",
        "meals_per_period",
    )
    def _check_values(self):
        for cat in self:
            if not 0 <= cat.discount_percent <= 100:
                raise ValidationError(
                    self.env._("The discount must be between 0 and 100 %.")
                )
            if (
                min(
                    cat.meal_limit,
                    cat.daily_limit,
                    cat.credit_limit,
                    cat.pin_threshold,
                    cat.meals_per_period,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._("Limits, thresholds and counts cannot be negative.")
                )
