"""Postpaid debt of a cardholder: what the cash wallets are below zero, and who
owes it in the books (the employee's work contact, or the holder's own contact)."""

from odoo import api, fields, models


class OnecardCardholder(models.Model):
    _inherit = "onecard.cardholder"  # pylint: disable=consider-merging-classes-inherited

    debt = fields.Monetary(
        compute="_compute_debt",
        help="Postpaid consumption not repaid yet: what the cash wallets are below "
        "zero. The next top-up clears it first; payroll deduction repays it.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        readonly=True,
        help="Debtor of a holder who is not an employee (created at the first "
        "settlement of a debt).",
    )

    @api.depends("wallet_ids.balance")
    def _compute_debt(self):
        for holder in self:
            holder.debt = sum(
                max(-w.balance, 0.0)
                for w in holder.wallet_ids
                if w.kind in ("cash", "temporary")
            )

    def _onecard_debt_partner(self):
        """The partner the employee receivable carries for this holder."""
        self.ensure_one()
        employee = self.sudo().employee_id
        if employee.work_contact_id:
            return employee.work_contact_id
        if not self.partner_id:
            self.sudo().partner_id = (
                self.env["res.partner"]
                .sudo()
                .create(
                    {
                        "name": self.name,
                        "ref": self.code,
                        "company_id": self.company_id.id,
                    }
                )
            )
        return self.sudo().partner_id
