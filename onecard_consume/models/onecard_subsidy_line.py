from odoo import fields, models

LINE_STATES = [
    ("draft", "Draft"),
    ("skipped", "Skipped"),
    ("pending", "To Collect"),
    ("granted", "Granted"),
    ("cancelled", "Cancelled"),
    ("expired", "Expired"),
]


class OnecardSubsidyLine(models.Model):
    _name = "onecard.subsidy.line"
    _description = "Subsidy Line"
    _order = "batch_id, id"

    batch_id = fields.Many2one(
        "onecard.subsidy.batch", required=True, ondelete="cascade", index=True
    )
    cardholder_id = fields.Many2one("onecard.cardholder", required=True, index=True)
    department_id = fields.Many2one(related="cardholder_id.department_id", store=True)
    company_id = fields.Many2one(related="batch_id.company_id", store=True)
    currency_id = fields.Many2one(related="batch_id.currency_id")
    amount = fields.Monetary(required=True)
    granted_amount = fields.Monetary(readonly=True)
    state = fields.Selection(
        LINE_STATES, default="draft", required=True, readonly=True, index=True
    )
    reason = fields.Char(readonly=True, help="Why the line was skipped.")

    _sql_constraints = [
        (
            "holder_uniq",
            "unique(batch_id, cardholder_id)",
            "A cardholder appears once per batch.",
        ),
        ("amount_positive", "check(amount > 0)", "A subsidy amount must be positive."),
    ]
