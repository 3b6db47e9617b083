from odoo import fields, models

from .onecard_card import LIVE_STATES


class OnecardCardholder(models.Model):
    """What the cardholder form shows besides the account itself."""

    _inherit = "onecard.cardholder"

    last_operation_ids = fields.Many2many(
        "onecard.operation",
        string="Last Operations",
        compute="_compute_last_operation_ids",
    )
    operation_count = fields.Integer(
        string="Operations", compute="_compute_last_operation_ids"
    )
    live_card_count = fields.Integer(
        string="Live Cards", compute="_compute_last_operation_ids"
    )

    def _compute_last_operation_ids(self):
        Operation = self.env["onecard.operation"]
        counts = dict(
            Operation._read_group(
                [("cardholder_id", "in", self.ids)], ["cardholder_id"], ["__count"]
            )
        )
        for holder in self:
            holder.last_operation_ids = (
                Operation.search([("cardholder_id", "=", holder.id)], limit=20)
                if holder.id
                else Operation
            )
            holder.operation_count = counts.get(holder, 0)
            holder.live_card_count = len(
                holder.card_ids.filtered(lambda c: c.state in LIVE_STATES)
            )

    def action_open_operations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "onecard_consume.onecard_operation_action"
        )
        action["domain"] = [("cardholder_id", "=", self.id)]
        action["context"] = {"default_cardholder_id": self.id}
        return action
