"""The journal entry of a settlement: which account receives each total.

The scheme is the table of the README ("Money path and accounting scheme"):
each total debits or credits its wallet's liability, and its counterpart
(payment journal, canteen revenue or the caterer's payable, subsidy expense)
takes the other side, with the analytic account the rows were booked with.
"""

from datetime import timedelta

from odoo import Command, models
from odoo.exceptions import UserError

from .onecard_settlement import (
    CONSUME_KINDS,
    PAYMENT_KINDS,
    SUBSIDY_KINDS,
    WALLET_ACCOUNT,
)


class OnecardSettlement(models.Model):
    _inherit = "onecard.settlement"

    def _journal(self):
        # sudo: card accountants settle without needing Accounting rights
        journal = self.company_id.onecard_journal_id.sudo()
        if not journal:
            raise UserError(
                self.env._(
                    "Set the card settlement journal in the One-Card settings of %s.",
                    self.company_id.name,
                )
            )
        return journal

    def _posting_date(self):
        """The period's last day, or the first open day after Odoo's lock dates."""
        date = self.date_to
        locks = self.company_id._get_violated_lock_dates(date, False, self._journal())
        if locks:
            date = max(lock for lock, _field in locks) + timedelta(days=1)
            return date, self.env._("Period locked in accounting: posted on %s.", date)
        return date, False

    def _account(self, field):
        account = self.company_id[field]
        if not account:
            raise UserError(
                self.env._(
                    "Set the card accounts in the One-Card settings of %s.",
                    self.company_id.name,
                )
            )
        return account

    def _counterpart(self, line):
        """(account, partner, analytic account, label) receiving the other side of a
        total."""
        if line.kind in PAYMENT_KINDS:
            journal = line.payment_method_id.with_company(
                self.company_id
            ).journal_id.sudo()
            if not journal.default_account_id:
                raise UserError(
                    self.env._(
                        "Map the payment method %s to a journal with an account.",
                        line.payment_method_id.name or self.env._("(none)"),
                    )
                )
            return journal.default_account_id, None, None, line.payment_method_id.name
        if line.kind in CONSUME_KINDS:
            # To whom the rows were owed when booked, not the canteen's contract of
            # today: a correction gives back to the caterer that was paid for the sale.
            canteen, partner = line.canteen_id, line.partner_id
            if not partner and canteen.posting == "payable" and not canteen.partner_id:
                # rows of an outsourced canteen set up without its caterer (before that
                # was refused)
                raise UserError(
                    self.env._(
                        "Canteen %s posts to a payable: set its operator.", canteen.name
                    )
                )
            if partner:
                return (
                    partner.with_company(self.company_id).property_account_payable_id,
                    partner,
                    line.analytic_account_id,
                    canteen.name,
                )
            return (
                self._account("onecard_revenue_account_id"),
                None,
                line.analytic_account_id,
                canteen.name or self.env._("Desk"),
            )
        if line.kind in SUBSIDY_KINDS:
            return (
                self._account("onecard_subsidy_expense_account_id"),
                None,
                line.analytic_account_id,
                line.department_id.name or "",
            )
        return None  # transfers: both sides are card liabilities and net out

    def _move_lines(self):
        kinds = dict(
            self.env["onecard.transaction"]
            ._fields["kind"]
            ._description_selection(self.env)
        )
        legs = {}

        def add(account, partner, analytic, label, balance):
            key = (account.id, partner and partner.id, analytic and analytic.id, label)
            legs[key] = legs.get(key, 0.0) + balance

        for line in self.line_ids:
            label = kinds[line.kind]
            add(
                self._account(WALLET_ACCOUNT[line.wallet_kind]),
                None,
                None,
                label,
                -line.amount,
            )
            counterpart = self._counterpart(line)
            if counterpart:
                account, partner, analytic, detail = counterpart
                add(
                    account,
                    partner,
                    analytic,
                    f"{label} - {detail}" if detail else label,
                    line.amount,
                )
        currency = self.currency_id
        commands = []
        for (account_id, partner_id, analytic_id, label), balance in sorted(
            legs.items(), key=lambda i: str(i[0])
        ):
            balance = currency.round(balance)
            if currency.is_zero(balance):
                continue
            commands.append(
                Command.create(
                    {
                        "name": label,
                        "account_id": account_id,
                        "partner_id": partner_id,
                        "debit": balance if balance > 0 else 0.0,
                        "credit": -balance if balance < 0 else 0.0,
                        "analytic_distribution": {str(analytic_id): 100}
                        if analytic_id
                        else False,
                    }
                )
            )
        return commands
