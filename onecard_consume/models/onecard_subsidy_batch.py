from odoo import api, fields, models
from odoo.exceptions import UserError


class OnecardSubsidyBatch(models.Model):
    """A grant of subsidy to many people at once (a department, a category, a list).

    Confirmation is set-based: validation in one SQL query, booking through
    onecard.ledger._book_many, so 10,000 lines go in one go. The lines are
    built in onecard_subsidy_batch_lines.py (a selection or a file).
    """

    _name = "onecard.subsidy.batch"
    _description = "Subsidy Batch"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(
        required=True, default=lambda self: self.env._("New"), copy=False
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "Confirmed"),
            ("done", "Done"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    mode = fields.Selection(
        [
            ("accumulate", "Accumulate"),
            ("reset", "Reset (clear unspent subsidy first)"),
        ],
        default="accumulate",
        required=True,
    )
    distribution = fields.Selection(
        [
            ("immediate", "Immediately on confirmation"),
            ("collect", "On collection (next swipe or kiosk)"),
        ],
        default="immediate",
        required=True,
    )
    expiry_date = fields.Date(
        help="After this day what is left of this grant is cleared automatically."
    )
    expired = fields.Boolean(readonly=True)
    amount = fields.Monetary(
        string="Amount per Person", help="Used when lines are built from a selection."
    )
    department_ids = fields.Many2many("hr.department", string="Departments")
    category_ids = fields.Many2many(
        "onecard.cardholder.category", string="Cardholder Categories"
    )
    cardholder_ids = fields.Many2many("onecard.cardholder", string="Cardholders")
    import_file = fields.Binary(
        string="CSV / XLSX File", help="Columns: cardholder code, amount."
    )
    import_filename = fields.Char()
    line_ids = fields.One2many("onecard.subsidy.line", "batch_id", string="Lines")
    line_count = fields.Integer(compute="_compute_totals")
    skipped_count = fields.Integer(compute="_compute_totals")
    total_amount = fields.Monetary(compute="_compute_totals")
    granted_amount = fields.Monetary(compute="_compute_totals")

    @api.depends("line_ids.state", "line_ids.amount", "line_ids.granted_amount")
    def _compute_totals(self):
        groups = self.env["onecard.subsidy.line"]._read_group(
            [("batch_id", "in", self.ids)],
            ["batch_id", "state"],
            ["__count", "amount:sum", "granted_amount:sum"],
        )
        totals = {}
        for batch, state, count, amount, granted in groups:
            t = totals.setdefault(batch.id, [0, 0, 0.0, 0.0])
            t[0] += count
            t[1] += count if state == "skipped" else 0
            t[2] += amount if state != "skipped" else 0.0
            t[3] += granted
        for batch in self:
            (
                batch.line_count,
                batch.skipped_count,
                batch.total_amount,
                batch.granted_amount,
            ) = totals.get(batch.id, [0, 0, 0.0, 0.0])

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "onecard.subsidy.batch"
                ) or self.env._("New")
        return super().create(vals_list)

    def _check_state(self, *states):
        for batch in self:
            if batch.state not in states:
                raise UserError(
                    self.env._(
                        "Subsidy batch %s cannot do this in its current state.",
                        batch.name,
                    )
                )

    # ------------------------------------------------------------ confirming
    def action_confirm(self):
        for batch in self:
            batch._check_state("draft")
            if not batch.line_ids:
                raise UserError(self.env._("The batch %s has no lines.", batch.name))
            good = batch._skip_invalid_lines()
            if batch.distribution == "immediate":
                batch._grant(good)
                batch.state = "done"
            else:
                good.write({"state": "pending"})
                good.cardholder_id.sudo().write({"subsidy_pending": True})
                batch.state = "confirmed"

    def _skip_invalid_lines(self):
        """Mark lines whose holder cannot receive money as skipped, with the reason;
        return the others."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT l.id, h.active, h.state,
                   array_agg(DISTINCT c.state) FILTER (WHERE c.id IS NOT NULL)
              FROM onecard_subsidy_line l
              JOIN onecard_cardholder h ON h.id = l.cardholder_id
              LEFT JOIN onecard_card c ON c.cardholder_id = h.id
             WHERE l.batch_id = %s
             GROUP BY l.id, h.active, h.state
        """,
            [self.id],
        )
        reasons = {}
        for line_id, active, state, card_states in self.env.cr.fetchall():
            card_states = set(card_states or [])
            if not active:
                reason = self.env._("Cardholder archived")
            elif state != "active":
                reason = self.env._("Account frozen or closed")
            elif "active" in card_states:
                continue
            elif "lost" in card_states:
                reason = self.env._("Card lost")
            elif "frozen" in card_states:
                reason = self.env._("Card frozen")
            elif card_states:
                reason = self.env._("Card returned or expired")
            else:
                reason = self.env._("No card")
            reasons.setdefault(reason, []).append(line_id)
        Line = self.env["onecard.subsidy.line"]
        for reason, ids in reasons.items():
            Line.browse(ids).write({"state": "skipped", "reason": reason})
        return self.line_ids.filtered(lambda line: line.state == "draft")

    def _grant(self, lines):
        """Credit lines (of one batch) through the engine; reset mode clears what is
        left first."""
        if not lines:
            return
        self.ensure_one()
        # Set-based on purpose (10,000 lines): plain reads and one UPDATE, no ORM per
        # line.
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT l.id, l.cardholder_id, l.amount, w.id
              FROM onecard_subsidy_line l
              JOIN onecard_wallet w ON w.cardholder_id = l.cardholder_id AND w.kind =
              'subsidy'
             WHERE l.id = ANY(%s) ORDER BY l.id
        """,
            [lines.ids],
        )
        entries = []
        for line_id, holder_id, amount, wallet_id in self.env.cr.fetchall():
            if self.mode == "reset":
                entries.append(
                    {
                        "cardholder_id": holder_id,
                        "key": f"sub-{line_id}-reset",
                        "kind": "subsidy_clear",
                        "lines": [(wallet_id, "drain")],
                    }
                )
            entries.append(
                {
                    "cardholder_id": holder_id,
                    "key": f"sub-{line_id}-grant",
                    "lines": [(wallet_id, float(amount))],
                }
            )
        self.env["onecard.ledger"]._book_many(
            "subsidy_grant", self.company_id, entries, note=self.name
        )
        self.env.cr.execute(
            """
            UPDATE onecard_subsidy_line
               SET state = 'granted', granted_amount = amount, write_uid = %s,
               write_date = %s
             WHERE id = ANY(%s)
        """,
            [self.env.uid, fields.Datetime.now(), lines.ids],
        )
        lines.invalidate_recordset(
            ["state", "granted_amount", "write_uid", "write_date"]
        )
        lines.batch_id.invalidate_recordset(
            ["line_count", "skipped_count", "total_amount", "granted_amount"]
        )

    def _take_back(self, lines, kind, state):
        """Clear what is left of granted lines (never more than the balance).

        Subsidy is spent oldest grant first, so what is left of a grant is the
        wallet balance minus the newer grants still live, at most the grant
        itself: cancelling (or expiring) an old batch never takes the money
        of a newer one, and a grant already cleared by a reset is worth zero.
        """
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT l.id, l.cardholder_id, w.id,
                   GREATEST(LEAST(w.balance - COALESCE(newer.total, 0),
                   l.granted_amount), 0)
              FROM onecard_subsidy_line l
              JOIN onecard_wallet w ON w.cardholder_id = l.cardholder_id AND w.kind =
              'subsidy'
              JOIN onecard_operation g ON g.company_id = %(company)s AND
              g.idempotency_key = 'sub-' || l.id || '-grant'
              LEFT JOIN LATERAL (
                  SELECT SUM(o.granted_amount) AS total
                    FROM onecard_subsidy_line o
                    JOIN onecard_operation og
                      ON og.company_id = %(company)s AND og.idempotency_key = 'sub-' ||
                      o.id || '-grant'
                   WHERE o.cardholder_id = l.cardholder_id AND o.state = 'granted' AND
                   og.id > g.id
              ) newer ON TRUE
             WHERE l.id = ANY(%(lines)s)
        """,
            {"company": self.company_id.id, "lines": lines.ids},
        )
        entries = [
            {
                "cardholder_id": holder_id,
                "key": f"sub-{line_id}-{state}",
                "lines": [(wallet_id, ("upto", float(left)))],
            }
            for line_id, holder_id, wallet_id, left in self.env.cr.fetchall()
            if left > 0
        ]
        self.env["onecard.ledger"]._book_many(
            kind, self.company_id, entries, note=self.name
        )
        lines.write({"state": state})

    def action_cancel(self):
        """Take back what was credited and not yet spent; pending lines are simply
        dropped."""
        for batch in self:
            batch._check_state("draft", "confirmed", "done")
            granted = batch.line_ids.filtered(lambda line: line.state == "granted")
            if granted:
                batch._take_back(granted, "subsidy_clear", "cancelled")
            batch.line_ids.filtered(
                lambda line: line.state in ("draft", "pending")
            ).write({"state": "cancelled"})
            batch.state = "cancel"

    @api.model
    def _cron_expire(self):
        """Clear the unspent part of grants whose expiry date has passed."""
        today = fields.Date.context_today(self)
        for batch in self.search(
            [
                ("state", "in", ("confirmed", "done")),
                ("expired", "=", False),
                ("expiry_date", "<", today),
            ]
        ):
            granted = batch.line_ids.filtered(lambda line: line.state == "granted")
            if granted:
                batch._take_back(granted, "subsidy_expire", "expired")
            batch.line_ids.filtered(lambda line: line.state == "pending").write(
                {"state": "expired"}
            )
            batch.write({"expired": True, "state": "done"})

    @api.model
    def _collect(self, holder):
        """Credit a holder's pending subsidies (called by the engine at a swipe or kiosk
        visit)."""
        lines = (
            self.env["onecard.subsidy.line"]
            .sudo()
            .search([("cardholder_id", "=", holder.id), ("state", "=", "pending")])
        )
        for batch in lines.batch_id:
            batch.sudo()._grant(
                lines.filtered(lambda line, batch=batch: line.batch_id == batch)
            )
            if not batch.line_ids.filtered(lambda line: line.state == "pending"):
                batch.state = "done"
        self.env.cr.execute(
            "UPDATE onecard_cardholder SET subsidy_pending = false WHERE id = %s",
            [holder.id],
        )
        holder.invalidate_recordset(["subsidy_pending"])
        return sum(lines.mapped("amount"))
