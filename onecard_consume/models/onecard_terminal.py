from odoo import api, fields, models
from odoo.exceptions import ValidationError

MODES = [
    ("amount", "Amount (keyed by the operator)"),
    ("key", "Key-value"),
    ("fixed", "Fixed price"),
    ("meal", "Meal period price"),
    ("count", "Count (meals per period)"),
    ("postpaid", "Postpaid (bookkeeping)"),
]


class OnecardTerminal(models.Model):
    """Where a transaction happened. onecard_devices adds connection and status."""

    _name = "onecard.terminal"
    _inherit = ["onecard.config.cache"]
    _onecard_cache_fields = (
        "company_id",
        "canteen_id",
        "consume_category_id",
        "mode",
        "fixed_amount",
        "key_ids",
        "repeat_interval",
        "pin_threshold",
        "active",
    )
    _description = "Terminal"
    _order = "canteen_id, code"

    name = fields.Char(required=True)
    code = fields.Char(required=True, help="Terminal number as printed on the device.")
    company_id = fields.Many2one(related="canteen_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    canteen_id = fields.Many2one("onecard.canteen", required=True)
    consume_category_id = fields.Many2one(
        "onecard.consume.category", string="Consumption Category"
    )
    mode = fields.Selection(MODES, required=True, default="amount")
    fixed_amount = fields.Monetary(
        help="Fixed and count modes: the price of one swipe."
    )
    key_ids = fields.One2many("onecard.terminal.key", "terminal_id", string="Keys")
    repeat_interval = fields.Integer(
        default=0,
        help="Seconds during which a second swipe of the same card is refused (0 = "
        "off).",
    )
    pin_threshold = fields.Monetary(
        help="Above this amount a PIN is required (0 = use the cardholder category)."
    )
    active = fields.Boolean(default=True)
    assignment_ids = fields.One2many(
        "onecard.terminal.assignment",
        "terminal_id",
        string="Canteen History",
        readonly=True,
    )

    _sql_constraints = [
        (
            "code_uniq",
            "unique(code, company_id)",
            "The terminal code must be unique per company.",
        )
    ]

    @api.model
    def _sequence_conflicts(self, conflicts):
        """Requests refused because their key or sequence number belongs to another
        request.

        conflicts: dicts (terminal_id, epoch, seq, idempotency_key, uid, amount,
        key, offline, business_time). The engine has logged them; onecard_devices
        raises an alert on the terminal.
        """

    @api.constrains("fixed_amount", "repeat_interval", "pin_threshold")
    def _check_values(self):
        for terminal in self:
            if (
                terminal.fixed_amount < 0
                or terminal.repeat_interval < 0
                or terminal.pin_threshold < 0
            ):
                raise ValidationError(
                    self.env._("Terminal amounts and intervals cannot be negative.")
                )

    def _check_company_move(self, canteen):
        """A terminal's company follows its canteen; one that booked money stays in its
        company: its rows, lists and history are that company's (set up a new terminal
        in the other company instead)."""
        Operation = self.env["onecard.operation"].sudo()
        for terminal in self:
            if canteen.company_id == terminal.company_id:
                continue
            if Operation.search_count([("terminal_id", "=", terminal.id)], limit=1):
                raise ValidationError(
                    self.env._(
                        "Terminal %(terminal)s has booked operations in %(company)s: "
                        "it cannot move to a canteen of %(other)s. Set up a terminal "
                        "of its own there.",
                        terminal=terminal.name,
                        company=terminal.company_id.name,
                        other=canteen.company_id.name,
                    )
                )

    def write(self, vals):
        """A new canteen or category is a move: the assignment it ends goes to the
        history first, so records of before the move uploaded later still book where
        they were sold."""
        if vals.get("canteen_id"):
            self._check_company_move(
                self.env["onecard.canteen"].browse(vals["canteen_id"])
            )
        if "canteen_id" in vals or "consume_category_id" in vals:
            now, moves = fields.Datetime.now(), []
            for terminal in self:
                old = (terminal.canteen_id.id, terminal.consume_category_id.id)
                new = (
                    vals.get("canteen_id", old[0]) or False,
                    vals.get("consume_category_id", old[1]) or False,
                )
                if new != old and old[0]:
                    last = terminal.sudo().assignment_ids[:1]  # newest first (_order)
                    moves.append(
                        {
                            "terminal_id": terminal.id,
                            "canteen_id": old[0],
                            "consume_category_id": old[1],
                            "date_from": last.date_to or False,
                            "date_to": now,
                        }
                    )
            if moves:
                self.env["onecard.terminal.assignment"].sudo().create(moves)
                self.invalidate_recordset(["assignment_ids"])
        return super().write(vals)
