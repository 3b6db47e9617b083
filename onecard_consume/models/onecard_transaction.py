from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .onecard_operation import OPERATION_KINDS
from .onecard_wallet import WALLET_KIND_SELECTION


class OnecardTransaction(models.Model):
    """Append-only ledger row: one signed movement of one wallet.

    Written only by onecard.ledger in SQL. The ORM refuses write and unlink:
    a mistake is corrected by a reversal operation, never by an edit.
    """

    _name = "onecard.transaction"
    _description = "Card Ledger Row"
    _order = "id desc"

    operation_id = fields.Many2one(
        "onecard.operation", required=True, readonly=True, index=True
    )
    kind = fields.Selection(OPERATION_KINDS, required=True, readonly=True)
    wallet_id = fields.Many2one("onecard.wallet", required=True, readonly=True)
    wallet_kind = fields.Selection(WALLET_KIND_SELECTION, required=True, readonly=True)
    cardholder_id = fields.Many2one(
        "onecard.cardholder", required=True, readonly=True, index=True
    )
    department_id = fields.Many2one("hr.department", readonly=True, ondelete="restrict")
    card_id = fields.Many2one("onecard.card", readonly=True, ondelete="restrict")
    terminal_id = fields.Many2one(
        "onecard.terminal", readonly=True, ondelete="restrict"
    )
    canteen_id = fields.Many2one("onecard.canteen", readonly=True, ondelete="restrict")
    meal_period_id = fields.Many2one(
        "onecard.meal.period", readonly=True, ondelete="restrict"
    )
    consume_category_id = fields.Many2one(
        "onecard.consume.category", readonly=True, ondelete="restrict"
    )
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Analytic Account",
        readonly=True,
        ondelete="restrict",
        help="As booked: the canteen's (consumption) or the department's (subsidy) "
        "analytic account at that "
        "time. Settlement posts with it, whatever the canteen or department "
        "carry today.",
    )
    payable_partner_id = fields.Many2one(
        "res.partner",
        string="Owed To",
        readonly=True,
        ondelete="restrict",
        help="Consumption at an outsourced canteen: the caterer owed it when it was "
        "booked (empty: the canteen's "
        "own revenue). Settlement posts to this payable, whatever the canteen's "
        "contract is today.",
    )
    payment_method_id = fields.Many2one(
        "onecard.payment.method", readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(readonly=True, help="Signed: positive credits the wallet.")
    balance_after = fields.Monetary(readonly=True)
    business_time = fields.Datetime(required=True, readonly=True, index=True)
    offline = fields.Boolean(readonly=True)
    idempotency_key = fields.Char(readonly=True)
    prev_hash = fields.Char(readonly=True)
    hash = fields.Char(readonly=True)
    # Not a column: which settlement holds the row is onecard_transaction_settled
    # (onecard_settlement_claim.py); searching, reading and grouping read it there.
    settlement_id = fields.Many2one(
        "onecard.settlement",
        compute="_compute_settlement_id",
        search="_search_settlement_id",
        help="The settlement that posted this row; settled rows are locked.",
    )

    def init(self):
        # Wallet ledgers are walked in id order (chain verify, statements).
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS onecard_transaction_wallet_id_idx ON
            onecard_transaction (wallet_id, id)
        """)

    def _compute_settlement_id(self):
        held = {}
        real = [rid for rid in self.ids if isinstance(rid, int)]
        if real:
            self.env.cr.execute(
                "SELECT id, settlement_id FROM onecard_transaction_settled "
                "WHERE id = ANY(%s)",
                [real],
            )
            held = dict(self.env.cr.fetchall())
        Settlement = self.env["onecard.settlement"]
        for row in self:
            row.settlement_id = Settlement.browse(held.get(row.id))

    def _search_settlement_id(self, operator, value):
        """Rows by the settlement holding them, as if settlement_id were a column."""
        if operator in ("=", "!=") or not isinstance(value, list | tuple | set):
            value = [value]
        if operator not in ("=", "!=", "in", "not in"):  # a name: ilike, =like...
            ids = list(
                self.env["onecard.settlement"]._search([("name", operator, value[0])])
            )
            value, operator = ids, "in"
        negate = operator in ("!=", "not in")
        ids = [int(v) for v in value if v]
        held = SQL("c.settlement_id = ANY(%s)", ids) if ids else SQL("FALSE")
        if len(ids) < len(value):  # False among the values: unsettled rows
            held = SQL("(%s OR c.settlement_id IS NULL)", held)
        if negate:
            held = SQL("NOT COALESCE(%s, FALSE)", held)
        return [
            (
                "id",
                "in",
                SQL(
                    "(SELECT t.id FROM onecard_transaction t LEFT JOIN "
                    "onecard_transaction_settled c ON c.id = t.id WHERE %s)",
                    held,
                ),
            )
        ]

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        # Group by settlement (list, pivot, the reports' read_group) as for a column.
        if fname == "settlement_id":
            return SQL(
                "(SELECT c.settlement_id FROM onecard_transaction_settled c "
                "WHERE c.id = %s)",
                SQL.identifier(alias, "id"),
            )
        return super()._field_to_sql(alias, fname, query, flush)

    # Append-only: ledger rows are written in SQL by the money engine (hash chain);
    # the ORM's create/write refuse, on purpose without super(), and so does unlink,
    # except when the addon is uninstalled (its tables go with it).
    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        raise UserError(self.env._("Ledger rows are written only by card operations."))

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self.env._("Ledger rows cannot be changed. Use a correction."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Ledger rows cannot be deleted. Use a correction."))
