from odoo import fields, models


class OnecardTerminalKey(models.Model):
    """Key-value mode: a key of the terminal keypad and its preset amount."""

    _name = "onecard.terminal.key"
    _inherit = ["onecard.config.cache"]
    _description = "Terminal Key"
    _order = "key"

    terminal_id = fields.Many2one("onecard.terminal", required=True, ondelete="cascade")
    key = fields.Integer(required=True)
    name = fields.Char(string="Label", translate=True)
    currency_id = fields.Many2one(related="terminal_id.currency_id")
    amount = fields.Monetary(required=True)

    _sql_constraints = [
        (
            "key_uniq",
            "unique(terminal_id, key)",
            "Each key is defined once per terminal.",
        ),
        ("amount_positive", "check(amount > 0)", "A key amount must be positive."),
    ]
