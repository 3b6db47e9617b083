from odoo import fields, models


class OnecardTerminalAssignment(models.Model):
    """Where a terminal sold before it moved: one row per past (canteen, category) of a
    terminal.

    Written by onecard.terminal when its canteen or category changes, never edited. A
    record uploaded late (offline terminal, back-entry) whose business time is before
    the terminal's last move is booked to the assignment valid at that time, not to
    today's canteen; records of today never read this table (the engine compares with
    the last move it has cached).
    """

    _name = "onecard.terminal.assignment"
    _description = "Terminal Canteen History"
    _order = "terminal_id, date_to desc"

    terminal_id = fields.Many2one(
        "onecard.terminal", required=True, readonly=True, ondelete="cascade"
    )
    canteen_id = fields.Many2one(
        "onecard.canteen", required=True, readonly=True, ondelete="restrict"
    )
    consume_category_id = fields.Many2one(
        "onecard.consume.category",
        string="Consumption Category",
        readonly=True,
        ondelete="restrict",
    )
    date_from = fields.Datetime(
        string="From", readonly=True, help="Empty: since the terminal was set up."
    )
    date_to = fields.Datetime(
        string="Until",
        required=True,
        readonly=True,
        help="When the terminal moved on (server time); records dated before belong "
        "here.",
    )

    def init(self):
        # The engine looks up the first assignment ending after a record's business
        # time.
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS onecard_terminal_assignment_terminal_date_idx
                ON onecard_terminal_assignment (terminal_id, date_to)
        """)
