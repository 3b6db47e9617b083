"""Postpaid debt at settlement: the part of each cash wallet below zero leaves the
card cash liability for the employee receivable (partner: the debtor), and comes
back when it is repaid.

Each settlement moves the change against the wallet's last settled split
(``onecard.wallet.settled``): settled balance = last one + the rows this
settlement posts, debt = what of it is below zero, reclassified = debt - last
debt. So a late offline record settled in a later period, a top-up (it clears
the debt first, then is credit) and a payroll deduction each move exactly what
they change. A reversal takes its reclassification back with its entry.
"""

from odoo import Command, api, fields, models
from odoo.tools import SQL

from .onecard_wallet_settled import DEBT_WALLET_KINDS

MOVED_AMOUNTS = ("rows_amount", "balance_after", "debt_before", "debt_after", "amount")


class OnecardSettlement(models.Model):
    _inherit = "onecard.settlement"  # pylint: disable=consider-merging-classes-inherited

    period = fields.Selection(
        selection_add=[("payroll", "Payroll Deduction")],
        ondelete={"payroll": "cascade"},
    )
    debt_ids = fields.One2many(
        "onecard.settlement.debt",
        "settlement_id",
        string="Debt Reclassified",
        readonly=True,
    )
    payroll_deduction_id = fields.Many2one(
        "onecard.payroll.deduction", readonly=True, index="btree_not_null"
    )

    @api.depends("period", "date_from", "company_id")
    def _compute_name(self):
        result = super()._compute_name()
        for settlement in self.filtered(
            lambda s: s.period == "payroll" and s.date_from
        ):
            settlement.name = self.env._(
                "Payroll Deduction %s", settlement.date_from.strftime("%Y-%m-%d")
            )
        return result

    @api.depends("period", "date_from")
    def _compute_date_to(self):
        result = super()._compute_date_to()
        for settlement in self.filtered(lambda s: s.period == "payroll"):
            settlement.date_to = settlement.date_from
        return result

    @api.model
    def _search(self, domain, *args, **kwargs):
        if self.env.context.get("onecard_periods_only"):
            domain = [*domain, ("period", "!=", "payroll")]
        return super()._search(domain, *args, **kwargs)

    def _settled_periods(self):
        # A payroll list settles its own rows only: it covers no period, so it
        # makes nothing late.
        return super(
            OnecardSettlement, self.with_context(onecard_periods_only=True)
        )._settled_periods()

    # ------------------------------------------------------------ posting
    def _counterpart(self, line):
        if line.kind == "payroll":
            return (
                self._account("onecard_payroll_account_id"),
                None,
                None,
                self.payroll_deduction_id.name or "",
            )
        return super()._counterpart(line)

    def _debt_account(self):
        company = self.company_id
        if not company.onecard_receivable_account_id:
            # a company set up before the receivable existed gets it like the others
            company.sudo()._onecard_ensure_accounting()
        return self._account("onecard_receivable_account_id")

    def _debt_moved(self):
        """(cardholder id, amount reclassified) per cash wallet whose debt this
        settlement changes (the staged debt, onecard_settlement_stage.py)."""
        self.env.cr.execute(
            "SELECT cardholder_id, amount FROM onecard_settle_debt WHERE amount <> 0"
        )
        return self.env.cr.fetchall()

    def _move_lines(self):
        commands = super()._move_lines()
        moved = self._debt_moved()
        if not moved:
            return commands
        holders = self.env["onecard.cardholder"].browse({h for h, _a in moved})
        partners = {h.id: h._onecard_debt_partner() for h in holders}
        per_partner = {}
        for holder_id, amount in moved:
            partner = partners[holder_id]
            per_partner[partner] = per_partner.get(partner, 0.0) + float(amount)
        currency, label = self.currency_id, self.env._("Postpaid debt")
        receivable = self._debt_account()
        total = 0.0
        for partner, amount in sorted(per_partner.items(), key=lambda i: i[0].id):
            amount = currency.round(amount)
            if currency.is_zero(amount):
                continue
            total += amount
            commands.append(
                Command.create(
                    {
                        "name": f"{label} - {partner.name}",
                        "account_id": receivable.id,
                        "partner_id": partner.id,
                        "debit": max(amount, 0.0),
                        "credit": max(-amount, 0.0),
                    }
                )
            )
        total = currency.round(total)
        if not currency.is_zero(total):
            commands.append(
                Command.create(
                    {
                        "name": label,
                        "account_id": self._account("onecard_cash_account_id").id,
                        "debit": max(-total, 0.0),
                        "credit": max(total, 0.0),
                    }
                )
            )
        return commands

    def _claim_and_post(self):
        changes_done = super()._claim_and_post()
        self._debt_record()
        return changes_done

    def _debt_record(self):
        """Store the new splits and the trail of what moved (after the entry)."""
        self.ensure_one()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
            INSERT INTO onecard_wallet_settled
                   (wallet_id, cardholder_id, company_id, balance, debt,
                    create_uid, create_date, write_uid, write_date)
            SELECT d.wallet_id, w.cardholder_id, w.company_id, d.balance_after,
                   d.debt_after, %s, now() at time zone 'UTC', %s,
                   now() at time zone 'UTC'
              FROM onecard_settle_debt d
              JOIN onecard_wallet w ON w.id = d.wallet_id
            ON CONFLICT (wallet_id) DO UPDATE
               SET balance = EXCLUDED.balance, debt = EXCLUDED.debt,
                   write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
        """,
                self.env.uid,
                self.env.uid,
            )
        )
        self.env["onecard.wallet.settled"].invalidate_model()
        cr.execute(
            """
            SELECT d.*, s.id AS settled_id FROM onecard_settle_debt d
              JOIN onecard_wallet_settled s ON s.wallet_id = d.wallet_id
             WHERE d.amount <> 0 ORDER BY d.wallet_id
            """
        )
        moved = cr.dictfetchall()
        holders = self.env["onecard.cardholder"].browse(
            {c["cardholder_id"] for c in moved}
        )
        partners = {h.id: h._onecard_debt_partner().id for h in holders}
        self.env["onecard.settlement.debt"].sudo().create(
            [
                {
                    "settlement_id": self.id,
                    "settled_id": c["settled_id"],
                    "partner_id": partners[c["cardholder_id"]],
                    **{k: float(c[k]) for k in MOVED_AMOUNTS},
                }
                for c in moved
            ]
        )

    def action_reverse(self):
        # Before the rows go back to unsettled: take this settlement's rows out of
        # the settled balances and its reclassification out of the settled debts
        # (the reversal entry takes it out of the receivable).
        for settlement in self.filtered(lambda s: s.state == "posted"):
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """
                WITH rows AS (
                    SELECT wallet_id, sum(amount) AS amount FROM onecard_transaction t
                      JOIN onecard_transaction_settled c ON c.id = t.id
                     WHERE c.settlement_id = %s AND wallet_kind IN %s GROUP BY wallet_id
                ), moved AS (
                    SELECT s.wallet_id, sum(d.amount) AS amount
                      FROM onecard_settlement_debt d
                      JOIN onecard_wallet_settled s ON s.id = d.settled_id
                     WHERE d.settlement_id = %s
                     GROUP BY s.wallet_id
                )
                UPDATE onecard_wallet_settled s
                   SET balance = s.balance - COALESCE(r.amount, 0),
                       debt = s.debt - COALESCE(m.amount, 0)
                  FROM rows r FULL JOIN moved m USING (wallet_id)
                 WHERE s.wallet_id = COALESCE(r.wallet_id, m.wallet_id)
            """,
                    settlement.id,
                    DEBT_WALLET_KINDS,
                    settlement.id,
                )
            )
        self.env["onecard.wallet.settled"].invalidate_model()
        return super().action_reverse()
