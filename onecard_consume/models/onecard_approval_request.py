"""Four-eyes approval: a desk operation that moves more money than the company's
threshold is a request first; a OneCard manager who did not ask approves it (then
the engine books it, re-checking everything at that moment) or rejects it.

The request keeps the operation's arguments as typed fields, so what the approver
reads is what is booked. Requests are written only through their actions (sudo
after the checks): the ORM's create and write refuse users, so RPC cannot put a
request in another state or change what it books.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .onecard_card import CARD_STATES

APPROVAL_KINDS = [
    ("refund", "Refund"),
    ("return", "Card Return"),
    ("correction", "Correction"),
    ("back_entry", "Back-entry"),
]
APPROVAL_STATES = [
    ("draft", "Draft"),
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]
MANAGER_GROUP = "onecard_consume.group_onecard_manager"
# What users may write themselves: the approver's note before deciding, and
# what mail.thread / mail.activity.mixin write.
USER_WRITABLE = {"decision_note"}


class OnecardApprovalRequest(models.Model):
    _name = "onecard.approval.request"
    _description = "Card Operation Approval Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/")
    kind = fields.Selection(
        APPROVAL_KINDS, string="Operation", required=True, readonly=True
    )
    state = fields.Selection(
        APPROVAL_STATES,
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    requester_id = fields.Many2one(
        "res.users", string="Requested By", required=True, readonly=True, index=True
    )
    request_date = fields.Datetime(
        string="Requested On", default=fields.Datetime.now, readonly=True
    )
    reason = fields.Text(required=True, readonly=True)
    cardholder_id = fields.Many2one(
        "onecard.cardholder", required=True, readonly=True, ondelete="restrict"
    )
    card_id = fields.Many2one(
        "onecard.card", readonly=True, ondelete="restrict", check_company=True
    )
    card_state = fields.Selection(
        CARD_STATES,
        string="Card State Then",
        readonly=True,
        help="The card's state when the request was made: approval is refused when "
        "it changed since.",
    )
    amount = fields.Monetary(
        readonly=True, help="What the operation pays out, corrects or charges."
    )
    payment_method_id = fields.Many2one(
        "onecard.payment.method", readonly=True, ondelete="restrict"
    )
    target_operation_id = fields.Many2one(
        "onecard.operation",
        string="Consumption to Correct",
        readonly=True,
        ondelete="restrict",
    )
    terminal_id = fields.Many2one(
        "onecard.terminal", readonly=True, ondelete="restrict"
    )
    business_time = fields.Datetime(
        readonly=True, help="When the meal of a back-entry was eaten."
    )
    idempotency_key = fields.Char(readonly=True, copy=False)
    decided_by_id = fields.Many2one(
        "res.users", string="Decided By", readonly=True, tracking=True
    )
    decision_date = fields.Datetime(string="Decided On", readonly=True)
    decision_note = fields.Text(help="Why the request was rejected (required then).")
    operation_id = fields.Many2one(
        "onecard.operation",
        string="Booked Operation",
        readonly=True,
        tracking=True,
        ondelete="restrict",
        help="The operation the engine booked when the request was approved.",
    )
    is_requester = fields.Boolean(compute="_compute_is_requester")
    can_decide = fields.Boolean(
        compute="_compute_is_requester",
        help="The user is a OneCard manager and not the requester.",
    )

    _sql_constraints = [
        (
            "key_uniq",
            "unique(company_id, idempotency_key)",
            "An idempotency key names one approval request per company.",
        ),
    ]

    @api.depends_context("uid")
    def _compute_is_requester(self):
        manager = self.env.user.has_group(MANAGER_GROUP)
        for request in self:
            request.is_requester = request.requester_id == self.env.user
            request.can_decide = manager and not request.is_requester

    @api.depends("name", "kind", "cardholder_id")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for request in self:
            request.display_name = (
                f"{request.name} {labels.get(request.kind, '')} "
                f"{request.cardholder_id.name or ''}"
            ).strip()

    # Requests are made by the desk operations (``_hold``) and changed by their
    # actions, both through sudo after their checks; users write only the note.
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(
                self.env._(
                    "Approval requests are made by the desk operations that need them."
                )
            )
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("onecard.approval.request")
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            fields_written = set(vals) - USER_WRITABLE
            if any(
                not name.startswith(("message_", "activity_"))
                for name in fields_written
            ):
                raise UserError(
                    self.env._(
                        "Approval requests change only through their buttons: "
                        "approve, reject, cancel."
                    )
                )
            if "decision_note" in vals:
                self._check_decider()
                if any(request.state != "pending" for request in self):
                    raise UserError(
                        self.env._("Only a pending request can be annotated.")
                    )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("Approval requests are kept as the trail: cancel it instead.")
        )

    # ------------------------------------------------------------ actions
    def action_submit(self):
        for request in self:
            request._lock("draft")
            if request.requester_id != self.env.user and not self.env.su:
                raise UserError(self.env._("Only the requester can submit a request."))
            request.sudo().write({"state": "pending"})
            # the request was created in this transaction: tracking skips it
            request.sudo().message_post(
                body=self.env._("Sent for approval: %s", request.reason),
                author_id=request.requester_id.partner_id.id,
            )
            request._notify_managers()
        return True

    def action_approve(self):
        """Approve and book through the engine, as the approver; refused to the
        requester and to users without the manager group. A request that the card's
        or the account's state no longer allows stays pending (the engine's error is
        shown): reject it, or let the requester cancel it."""
        for request in self:
            request._check_decider()
            request._lock("pending")
            answer = request._book()
            request.sudo().write(
                {
                    "state": "approved",
                    "decided_by_id": self.env.uid,
                    "decision_date": fields.Datetime.now(),
                    "operation_id": answer.get("operation_id"),
                }
            )
            request._close_activities(self.env._("Approved"))
        return True

    def action_reject(self):
        for request in self:
            request._check_decider()
            request._lock("pending")
            if not (request.decision_note or "").strip():
                raise UserError(
                    self.env._("Write in the decision note why you reject it.")
                )
            request.sudo().write(
                {
                    "state": "rejected",
                    "decided_by_id": self.env.uid,
                    "decision_date": fields.Datetime.now(),
                }
            )
            request._close_activities(self.env._("Rejected"))
        return True

    def action_cancel(self):
        """The requester (or a manager) withdraws a request not decided yet."""
        for request in self:
            if request.requester_id != self.env.user and not self.env.user.has_group(
                MANAGER_GROUP
            ):
                raise AccessError(
                    self.env._(
                        "Only the requester or a OneCard manager can cancel a request."
                    )
                )
            request._lock("draft", "pending")
            request.sudo().write(
                {
                    "state": "cancelled",
                    "decided_by_id": self.env.uid,
                    "decision_date": fields.Datetime.now(),
                }
            )
            request._close_activities(self.env._("Cancelled"))
        return True

    # ------------------------------------------------------------ checks
    def _check_decider(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a OneCard manager can decide on approval requests.")
            )
        for request in self:
            if request.requester_id == self.env.user:
                raise AccessError(
                    self.env._(
                        "You asked for %s: another manager must decide on it.",
                        request.name,
                    )
                )

    def _lock(self, *states):
        """Lock the request's row and check its state as committed: two approvers
        at once are serialised here, the second sees it decided (or, at REPEATABLE
        READ, fails to serialise and is retried, then sees it decided)."""
        self.ensure_one()
        self.check_access("read")
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT state FROM onecard_approval_request WHERE id = %s FOR UPDATE",
            [self.id],
        )
        row = self.env.cr.fetchone()
        self.invalidate_recordset(["state"])
        if not row or row[0] not in states:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Request %(name)s is %(state)s: this is not possible any more.",
                    name=self.name,
                    state=labels.get(row and row[0], ""),
                )
            )
