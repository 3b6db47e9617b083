from odoo import fields, models


class OnecardTransactionBooked(models.Model):
    """Who the holder was when the row was booked (the department and canteen columns
    are on the row itself): reports group by these, never by the holder of today."""

    _inherit = "onecard.transaction"  # pylint: disable=consider-merging-classes-inherited

    cardholder_category_id = fields.Many2one(
        "onecard.cardholder.category",
        string="Cardholder Category",
        readonly=True,
        ondelete="restrict",
        help="The holder's category when this row was booked.",
    )
