from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import normalize_uid

LIVE_STATES = ("active", "lost", "frozen")
CARD_STATES = [
    ("active", "Active"),
    ("lost", "Lost"),
    ("frozen", "Frozen"),
    ("returned", "Returned"),
    ("expired", "Expired"),
]


class OnecardCard(models.Model):
    _name = "onecard.card"
    _description = "Card"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "number"

    number = fields.Char(
        string="Card Number", required=True, copy=False, default="/", tracking=True
    )
    uid = fields.Char(
        string="UID",
        required=True,
        copy=False,
        tracking=True,
        index=True,
        help="Chip serial number, hex.",
    )
    kind = fields.Selection(
        [
            ("official", "Official"),
            ("temporary", "Temporary"),
            ("admin", "Admin"),
            ("operator", "Operator"),
        ],
        default="official",
        required=True,
    )
    state = fields.Selection(
        CARD_STATES, default="active", required=True, readonly=True, tracking=True
    )
    cardholder_id = fields.Many2one(
        "onecard.cardholder", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="cardholder_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Odoo User",
        help="Admin and operator cards log this user in.",
    )
    deposit = fields.Monetary(
        readonly=True, help="Deposit taken when the card was issued."
    )
    expiry_date = fields.Date()
    # The money is the account's, not the card's: shown on the card for the desk.
    cash_balance = fields.Monetary(related="cardholder_id.cash_balance")
    subsidy_balance = fields.Monetary(related="cardholder_id.subsidy_balance")
    temporary_balance = fields.Monetary(related="cardholder_id.temporary_balance")
    history_ids = fields.One2many("onecard.card.history", "card_id", string="History")
    replaced_by_id = fields.Many2one(
        "onecard.card",
        string="Replaced By",
        readonly=True,
        copy=False,
        help="A replaced card stays blocked for good: it cannot be unlocked.",
    )

    # Unique among live cards only: a returned card's UID may be issued again.
    def init(self):
        self.env.cr.execute(
            SQL(
                """
            CREATE UNIQUE INDEX IF NOT EXISTS onecard_card_live_uid_uniq
                ON onecard_card (company_id, uid) WHERE state IN %s
        """,
                LIVE_STATES,
            )
        )

    @api.constrains("kind", "user_id")
    def _check_user(self):
        for card in self:
            if card.kind in ("admin", "operator") and not card.user_id:
                raise ValidationError(
                    self.env._(
                        "Admin and operator cards must be linked to an Odoo user."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # self.env._, not _(): without a lang in the context, _() looks for a
        # local named ``uid`` (or ``user``) to find the user's language, and
        # here ``uid`` is a card UID.
        for vals in vals_list:
            uid = normalize_uid(vals.get("uid"))
            if not uid:
                raise ValidationError(
                    self.env._(
                        "“%s” is not a valid card UID (4 to 10 bytes in hex).",
                        vals.get("uid") or "",
                    )
                )
            vals["uid"] = uid
            if vals.get("number", "/") == "/":
                vals["number"] = (
                    self.env["ir.sequence"].next_by_code("onecard.card") or uid
                )
        self._check_uid_free([v["uid"] for v in vals_list])
        cards = super().create(vals_list)
        cards._log_state(False, self.env._("Issued"))
        return cards

    def write(self, vals):
        if "uid" in vals:
            raise UserError(
                self.env._("A card UID cannot be changed: replace the card instead.")
            )
        if "state" in vals and not self.env.su:
            raise UserError(
                self.env._(
                    "The state of a card changes only through its operations: "
                    "report lost, unlock, freeze, unfreeze, replace, return."
                )
            )
        return super().write(vals)

    def _check_uid_free(self, uids):
        company = self.env.company
        taken = self.sudo().search(
            [
                ("uid", "in", uids),
                ("state", "in", LIVE_STATES),
                ("company_id", "=", company.id),
            ]
        )
        if taken or len(set(uids)) != len(uids):
            raise ValidationError(
                self.env._(
                    "Card UID %s is already in use.",
                    ", ".join(taken.mapped("uid")) or uids[0],
                )
            )

    def action_report_lost(self):
        """Report these cards lost (public: the desk's wizard, and RPC for HR, portals,
        hotlines).

        ``execute_kw(db, uid, password, "onecard.card", "action_report_lost",
        [[card_id]])``. Needs write access to cards (operators). The card stops paying
        at once; terminals get it on their blacklist at their next heartbeat. Refused
        clearly (UserError) for a card that is not active or frozen. Find a card by UID
        with ``search([("uid", "=", "04A1B2C3")])``.
        """
        for card in self:
            card.report_lost()
        return True

    # Desk operations: one card, as the current user. The engine (onecard.ledger)
    # checks states and amounts and is the only writer of money; it writes in SQL,
    # past the ORM's access checks, so the right to act on the card is checked here.
    def _desk_ledger(self):
        """The money engine, once this is one card the user may write (operators)."""
        self.ensure_one()
        self.check_access("write")
        return self.env["onecard.ledger"]

    def topup(self, amount, method, key=None, reference=None):
        """Top up the card's account (a temporary card has its own) paid with
        ``method``; return the engine's answer (operation_id, balances; replay).

        key: idempotency key. The same key again with the same request returns the
        first answer and books nothing; with another card, amount or method it is
        refused (IdempotencyConflict).
        """
        return self._desk_ledger().topup(
            self, amount, method, key=key, reference=reference
        )

    def refund(self, amount, method, key=None, reason=None):
        """Pay part of the balance back with ``method`` (never below zero). Above
        the company's approval threshold: a pending approval request instead (its
        answer: approval_request_id), which needs ``reason``."""
        ledger = self._desk_ledger()
        held = self.env["onecard.approval.request"]._hold(
            "refund", self.cardholder_id, amount, reason, self, method, key=key
        )
        return held or ledger.refund(self, amount, method, key=key)

    def report_lost(self):
        """Block the card at once (active or frozen); it can be unlocked if found."""
        self._desk_ledger().report_lost(self)
        return True

    def unlock(self):
        """A lost card was found: active again, unless it was replaced."""
        self._desk_ledger().unlock(self)
        return True

    def freeze(self, reason=None):
        self._desk_ledger().freeze(self, reason)
        return True

    def unfreeze(self):
        self._desk_ledger().unfreeze(self)
        return True

    def replace(self, new_uid, number=None):
        """Issue a new card to the holder instead of this one, which stays blocked;
        the balance and the deposit follow. Return the new card."""
        return self._desk_ledger().replace_card(self, new_uid, number=number)

    def return_card(self, method, reason=None):
        """Take the card back: pay out its balance and deposit with ``method``.
        Paying out more than the approval threshold: a request, as for refund."""
        ledger = self._desk_ledger()
        Request = self.env["onecard.approval.request"]
        held = Request._hold(
            "return", self.cardholder_id, Request._payout(self), reason, self, method
        )
        return held or ledger.return_card(self, method)

    def _book_back_entry(self, terminal, amount, business_time, reason):
        """A meal eaten without the card's swipe, booked as its terminal's offline
        record would have been (the desk and an approved request); refused with the
        engine's reason."""
        answer = self.env["onecard.consumption"].swipe(
            terminal,
            self.uid,
            amount=amount,
            business_time=business_time,
            offline=True,
            kind="back_entry",
            note=reason,
        )
        if not answer.get("approved"):
            raise UserError(
                self.env._(
                    "Back-entry refused: %s",
                    answer.get("message") or answer.get("code"),
                )
            )
        return answer

    def _set_state(self, state, reason=None, allowed_from=None):
        """Change card state with history; refuses illegal transitions clearly."""
        for card in self:
            if allowed_from and card.state not in allowed_from:
                raise UserError(
                    self.env._(
                        "Card %(card)s is %(state)s: this operation is not possible.",
                        card=card.number,
                        state=card._state_label(),
                    )
                )
            old = card.state
            # Through sudo: write() refuses a state from users (the UI, RPC), whose
            # environment is never superuser; this method runs after the engine's
            # checks.
            card.sudo().write({"state": state})
            card._log_state(old, reason)

    def _log_state(self, old_state, reason):
        self.env["onecard.card.history"].sudo().create(
            [
                {
                    "card_id": card.id,
                    "old_state": old_state,
                    "new_state": card.state,
                    "reason": reason,
                }
                for card in self
            ]
        )

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _wallet_kind(self):
        """Temporary cards spend their own account; the others the holder's cash."""
        return "temporary" if self.kind == "temporary" else "cash"

    @api.model
    def _find_by_uid(self, raw_uid, company=None):
        uid = normalize_uid(raw_uid)
        if not uid:
            return self.browse()
        company = company or self.env.company
        live = self.sudo().search(
            [
                ("uid", "=", uid),
                ("company_id", "=", company.id),
                ("state", "in", LIVE_STATES),
            ],
            limit=1,
        )
        return live or self.sudo().search(
            [("uid", "=", uid), ("company_id", "=", company.id)], limit=1
        )
