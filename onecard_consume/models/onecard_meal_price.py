from odoo import fields, models


class OnecardMealPrice(models.Model):
    """Meal-period mode: the price of a meal by period and cardholder category."""

    _name = "onecard.meal.price"
    _inherit = ["onecard.config.cache"]
    _description = "Meal Price"

    cardholder_category_id = fields.Many2one(
        "onecard.cardholder.category", required=True, ondelete="cascade"
    )
    meal_period_id = fields.Many2one(
        "onecard.meal.period", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="cardholder_category_id.currency_id")
    price = fields.Monetary(required=True)

    _sql_constraints = [
        (
            "uniq",
            "unique(cardholder_category_id, meal_period_id)",
            "One price per meal period and category.",
        ),
        ("price_positive", "check(price >= 0)", "A meal price cannot be negative."),
    ]
