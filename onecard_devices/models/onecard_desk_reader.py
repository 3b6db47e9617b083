"""Desk card reader agents: one bearer token per desk PC, bound to an Odoo user.

The agent (agent/desk_reader.py) reads a card UID on a PC/SC reader and POSTs it
to /onecard/desk/reader with ``Authorization: Bearer <token>``; Odoo pushes it
on the bus to the token's user, whose open Operator Desk form loads the card.
Only the SHA-256 of the token is stored; the token itself is shown once, when it
is generated.
"""

import hashlib
import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError

TOKEN_PREFIX = "ocdr_"
BUS_TYPE = "onecard_desk_uid"


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class OnecardDeskReader(models.Model):
    _name = "onecard.desk.reader"
    _description = "Desk Card Reader Agent"
    _order = "name"

    name = fields.Char(
        required=True, help="Where the reader is, e.g. “Card office, window 2”."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Operator",
        required=True,
        ondelete="cascade",
        domain=lambda self: [
            ("share", "=", False),
            (
                "groups_id",
                "in",
                self.env.ref("onecard_consume.group_onecard_operator").ids,
            ),
        ],
        help="Card UIDs read by this agent are loaded into this user's open Operator "
        "Desk.",
    )
    token_hash = fields.Char(
        copy=False, readonly=True, index=True, groups="base.group_system"
    )
    token_hint = fields.Char(
        copy=False,
        readonly=True,
        string="Token",
        help="Start of the token, to tell tokens apart. The token itself is not "
        "stored.",
    )
    has_token = fields.Boolean(compute="_compute_has_token")
    active = fields.Boolean(default=True)
    last_seen = fields.Datetime(
        readonly=True, copy=False, help="Last request of the agent that Odoo accepted."
    )
    last_uid = fields.Char(readonly=True, copy=False, string="Last Card UID")

    _sql_constraints = [
        ("token_hash_uniq", "unique(token_hash)", "This token is already in use."),
    ]

    @api.depends("token_hint")
    def _compute_has_token(self):
        for reader in self:
            reader.has_token = bool(reader.token_hint)

    def action_generate_token(self):
        """Make a new token (the old one stops working) and show it once."""
        self.ensure_one()
        if not self.active:
            raise UserError(self.env._("Archived reader agents cannot get a token."))
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.sudo().write(
            {
                "token_hash": hash_token(token),
                "token_hint": token[: len(TOKEN_PREFIX) + 6] + "…",
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "onecard.desk.reader.token.show",
            "name": self.env._("Desk Reader Token"),
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_token": token, "default_reader_name": self.name},
        }

    def action_revoke_token(self):
        self.sudo().write({"token_hash": False, "token_hint": False})

    @api.model
    def _authenticate(self, token):
        """Return the active agent whose token is ``token`` (its user active too), or an
        empty recordset."""
        if not token or not isinstance(token, str) or len(token) > 200:
            return self.browse()
        reader = self.sudo().search([("token_hash", "=", hash_token(token))], limit=1)
        if not reader.user_id.active:
            return self.browse()
        return reader

    def _deliver_uid(self, uid):
        """Push ``uid`` to the agent's user (every browser tab of that user) and note
        the visit."""
        self.ensure_one()
        payload = {"uid": uid, "reader": self.name, "reader_id": self.id}
        self.env["bus.bus"].sudo()._sendone(self.user_id.partner_id, BUS_TYPE, payload)
        self.sudo().write({"last_seen": fields.Datetime.now(), "last_uid": uid})
        return payload
