from odoo import fields, models


class OnecardOperationBooked(models.Model):
    """Where and for whom an operation was booked, as it was then: declined swipes have
    no ledger rows, so the swipe report reads these from the operation."""

    _inherit = "onecard.operation"  # pylint: disable=consider-merging-classes-inherited

    department_id = fields.Many2one(
        "hr.department",
        readonly=True,
        ondelete="restrict",
        help="The holder's department when the operation was booked.",
    )
    cardholder_category_id = fields.Many2one(
        "onecard.cardholder.category",
        string="Cardholder Category",
        readonly=True,
        ondelete="restrict",
        help="The holder's category when the operation was booked.",
    )
    canteen_id = fields.Many2one(
        "onecard.canteen",
        readonly=True,
        ondelete="restrict",
        help="The terminal's canteen at the operation's business time.",
    )
    consume_category_id = fields.Many2one(
        "onecard.consume.category",
        string="Consumption Category",
        readonly=True,
        ondelete="restrict",
    )
