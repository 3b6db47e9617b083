from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import hash_pin

WALLET_KINDS = ("cash", "subsidy", "temporary", "deposit")


class OnecardCardholder(models.Model):
    """One person with an account: an employee, or a visitor / contractor."""

    _name = "onecard.cardholder"
    _description = "Cardholder"
    _inherit = ["mail.thread"]
    _order = "code"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True, tracking=True, help="Employee number; the key HR syncs on."
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    employee_id = fields.Many2one(
        "hr.employee", ondelete="set null", index="btree_not_null"
    )
    department_id = fields.Many2one("hr.department", tracking=True)
    category_id = fields.Many2one(
        "onecard.cardholder.category", string="Category", tracking=True
    )
    state = fields.Selection(
        [("active", "Active"), ("frozen", "Frozen"), ("closed", "Closed")],
        default="active",
        required=True,
        readonly=True,
        tracking=True,
    )
    refund_pending = fields.Boolean(
        help="The employee left: pay out the balance and take the card back."
    )
    card_ids = fields.One2many("onecard.card", "cardholder_id", string="Cards")
    wallet_ids = fields.One2many("onecard.wallet", "cardholder_id", string="Wallets")
    cash_balance = fields.Monetary(compute="_compute_balances")
    subsidy_balance = fields.Monetary(compute="_compute_balances")
    temporary_balance = fields.Monetary(compute="_compute_balances")
    deposit_balance = fields.Monetary(compute="_compute_balances")
    pin_hash = fields.Char(groups="base.group_system", copy=False)
    pin_set = fields.Boolean(compute="_compute_pin_set")
    pin_failures = fields.Integer(readonly=True, copy=False)
    pin_locked_until = fields.Datetime(readonly=True, copy=False)
    # Usage counters kept by the consumption engine (one row lock, no history
    # scan): what makes limits, counts and repeat-swipe checks O(1).
    usage_day = fields.Date(readonly=True, copy=False)
    usage_day_amount = fields.Monetary(readonly=True, copy=False)
    usage_meal_key = fields.Char(readonly=True, copy=False)
    usage_meal_amount = fields.Monetary(readonly=True, copy=False)
    usage_meal_count = fields.Integer(readonly=True, copy=False)
    last_swipe_at = fields.Datetime(readonly=True, copy=False)
    subsidy_pending = fields.Boolean(
        readonly=True, copy=False, help="Subsidy waiting to be collected at a swipe."
    )
    last_swipe_terminal_id = fields.Many2one(
        "onecard.terminal", readonly=True, copy=False
    )
    active = fields.Boolean(default=True)

    def init(self):
        # Unique among active holders only: an archived account (its employee was
        # deleted, or moved to another company) keeps its code in the history and
        # releases it.
        self.env.cr.execute("""
            ALTER TABLE onecard_cardholder DROP CONSTRAINT IF EXISTS
            onecard_cardholder_code_company_uniq;
            CREATE UNIQUE INDEX IF NOT EXISTS onecard_cardholder_active_code_uniq
                ON onecard_cardholder (company_id, code) WHERE active
        """)

    @api.depends("wallet_ids.balance")
    def _compute_balances(self):
        for holder in self:
            by_kind = {w.kind: w.balance for w in holder.wallet_ids}
            holder.cash_balance = by_kind.get("cash", 0.0)
            holder.subsidy_balance = by_kind.get("subsidy", 0.0)
            holder.temporary_balance = by_kind.get("temporary", 0.0)
            holder.deposit_balance = by_kind.get("deposit", 0.0)

    def _compute_pin_set(self):
        for holder, pin_hash in zip(self, self.sudo().mapped("pin_hash"), strict=False):
            holder.pin_set = bool(pin_hash)

    @api.model_create_multi
    def create(self, vals_list):
        self._check_codes_free(
            [
                (vals["code"], vals.get("company_id") or self.env.company.id)
                for vals in vals_list
                if vals.get("active", True) and vals.get("code")
            ]
        )
        holders = super().create(vals_list)
        holders._create_wallets()
        return holders

    def write(self, vals):
        # A state is written by the account's operations alone (freeze, unfreeze,
        # close: onecard_cardholder_state.py), each after its checks, through sudo.
        # Users' environments (the UI, RPC) are never superuser, and a context key
        # could be sent by any RPC client: so the test is env.su.
        if "state" in vals and not self.env.su:
            raise UserError(
                self.env._(
                    "The state of an account changes only through its operations: "
                    "freeze, unfreeze, close (after its cards are returned)."
                )
            )
        if {"code", "company_id", "active"} & set(vals):
            self._check_codes_free(
                [
                    (vals.get("code", h.code), vals.get("company_id", h.company_id.id))
                    for h in self
                    if vals.get("active", h.active)
                ],
                exclude=self.ids,
            )
        return super().write(vals)

    def _archive_releasing_code(self):
        """Archive, written at once: a new holder may take the code in the same
        transaction, and the unique index checks rows, not the ORM's cache."""
        self.write({"active": False})
        self.flush_recordset(["active"])

    def _check_codes_free(self, pairs, exclude=()):
        """In words what the unique index says in SQL, checked before it so the user
        reads this: no other active holder has one of these (code, company id). One
        query."""
        if not pairs:
            return
        self.flush_model(["code", "company_id", "active"])
        self.env.cr.execute(
            """
            SELECT h.code, c.name
              FROM onecard_cardholder h
              JOIN res_company c ON c.id = h.company_id
              JOIN unnest(%s::varchar[], %s::int[]) p(code, company_id)
                ON h.code = p.code AND h.company_id = p.company_id
             WHERE h.active AND h.id != ALL(%s) LIMIT 1
        """,
            [
                [code for code, _c in pairs],
                [company for _c, company in pairs],
                list(exclude),
            ],
        )
        taken = self.env.cr.fetchone()
        if taken:
            raise ValidationError(
                self.env._(
                    "The cardholder code %(code)s is already used in %(company)s.",
                    code=taken[0],
                    company=taken[1],
                )
            )

    def _create_wallets(self):
        self.env["onecard.wallet"].sudo().create(
            [
                {
                    "cardholder_id": holder.id,
                    "kind": kind,
                    "company_id": holder.company_id.id,
                }
                for holder in self
                for kind in WALLET_KINDS
            ]
        )

    def _wallet(self, kind):
        self.ensure_one()
        return self.wallet_ids.filtered(lambda w: w.kind == kind)

    def action_set_pin(self, pin):
        """Set the PIN (4 to 6 digits); clears the lockout."""
        pin = str(pin or "")
        if not (pin.isdigit() and 4 <= len(pin) <= 6):
            raise ValidationError(self.env._("A PIN is 4 to 6 digits."))
        self.sudo().write(
            {"pin_hash": hash_pin(pin), "pin_failures": 0, "pin_locked_until": False}
        )

    # Desk operations on the account, as the current user: the engine
    # (onecard.ledger) is the only writer of money and writes past the ORM's access
    # checks, so the right to act on the account (operators) is checked here.
    def issue_card(
        self,
        uid,
        kind="official",
        deposit=0.0,
        topup=0.0,
        method=None,
        number=None,
        expiry_date=None,
        user=None,
    ):
        """Issue a card to this holder, taking a deposit and an opening top-up paid
        with ``method``; return the card."""
        self.ensure_one()
        self.check_access("write")
        return self.env["onecard.ledger"].issue_card(
            self,
            uid,
            kind=kind,
            deposit=deposit,
            topup=topup,
            method=method,
            number=number,
            expiry_date=expiry_date,
            user=user,
        )

    def transfer(self, amount, to_temporary=True, key=None):
        """Move money from the official (cash) account to the temporary one, or back;
        return the engine's answer. key: idempotency key, as for a top-up."""
        self.ensure_one()
        self.check_access("write")
        return self.env["onecard.ledger"].transfer(
            self, amount, to_temporary=to_temporary, key=key
        )

    def _employee_left(self):
        """Freeze the cards of people who left and flag them for refund (no money
        moves: the balance is paid out when the card is returned)."""
        for holder in self:
            live = holder.card_ids.filtered(lambda c: c.state == "active")
            live._set_state("frozen", self.env._("Employee archived"))
        self.write({"refund_pending": True})

    def _check_usable(self, payout=False):
        """Raise a clear error when an operator acts on a closed account.

        payout: paying money back (refund, card return) is still possible on an
        archived account, e.g. the account of a deleted employee.
        """
        for holder in self:
            if holder.state == "closed" or (not holder.active and not payout):
                raise UserError(self.env._("The account of %s is closed.", holder.name))
