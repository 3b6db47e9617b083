"""The engine's payroll deduction: the debt payroll took from salaries comes back
onto the cash wallets (operation kind "payroll"), never more than is owed."""

from odoo import api, models
from odoo.exceptions import UserError


class OnecardLedger(models.AbstractModel):
    _inherit = "onecard.ledger"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def payroll_repay(self, deduction, lines):
        """Book one repayment per line (amount > 0) of a payroll deduction list.

        Under the wallet locks every amount is checked against the debt of now (a
        top-up since the list was made may have repaid part): above it, nothing is
        booked and the lines to lower are named. Keys "payroll-<list>-<line>" make a
        second booking of a line impossible (unique per company).
        """
        if not lines:
            return {}
        company = deduction.company_id
        wallets = {line.id: line.cardholder_id._wallet("cash") for line in lines}
        state = self._lock_wallets([w.id for w in wallets.values()])
        currency = company.currency_id
        over = [
            line
            for line in lines
            if currency.compare_amounts(
                line.amount, max(-state[wallets[line.id].id][0], 0.0)
            )
            > 0
        ]
        if over:
            raise UserError(
                self.env._(
                    "These deductions are above the debt of now (a top-up repaid "
                    "part of it): %s. Lower them, export the list again and confirm; "
                    "nothing was booked.",
                    ", ".join(
                        f"{line.cardholder_id.name} "
                        f"({max(-state[wallets[line.id].id][0], 0.0):.2f})"
                        for line in over
                    ),
                )
            )
        keys = {line.id: f"payroll-{deduction.id}-{line.id}" for line in lines}
        self._book_many(
            "payroll",
            company,
            [
                {
                    "cardholder_id": line.cardholder_id.id,
                    "key": keys[line.id],
                    "lines": [(wallets[line.id].id, currency.round(line.amount))],
                }
                for line in lines
            ],
            note=deduction.name,
        )
        self.env.cr.execute(
            "SELECT idempotency_key, id FROM onecard_operation "
            "WHERE company_id = %s AND idempotency_key = ANY(%s)",
            [company.id, list(keys.values())],
        )
        op_ids = dict(self.env.cr.fetchall())
        for line in lines:
            line.operation_id = op_ids[keys[line.id]]
        return op_ids
