from odoo import api, fields, models
from odoo.exceptions import UserError

from .onecard_card import LIVE_STATES


class HrEmployee(models.Model):
    """HR is the source of cardholders: hiring opens an account, leaving freezes it."""

    _inherit = "hr.employee"

    # Odoo's rule for fields added to employees: on hr.employee.public, or restricted
    # by groups (a plain user reads employees through the public fields only).
    onecard_cardholder_ids = fields.One2many(
        "onecard.cardholder",
        "employee_id",
        string="Cardholder",
        groups="hr.group_hr_user,onecard_consume.group_onecard_operator,onecard_consume.group_onecard_accountant",
    )
    onecard_card_uid = fields.Char(
        string="Card UID",
        compute="_compute_onecard_card_uid",
        inverse="_inverse_onecard_card_uid",
        groups="hr.group_hr_user",
        help="Import column: issuing a card with this UID when the employee has none "
        "live.",
    )

    def _compute_onecard_card_uid(self):
        for employee in self:
            cards = employee.sudo().onecard_cardholder_ids.card_ids.filtered(
                lambda c: c.state == "active"
            )
            employee.onecard_card_uid = cards[:1].uid

    def _inverse_onecard_card_uid(self):
        for employee in self.filtered("onecard_card_uid"):
            holder = (
                employee.sudo().onecard_cardholder_ids[:1]
                or employee._onecard_create_cardholders()
            )
            if not holder.card_ids.filtered(lambda c: c.state in LIVE_STATES):
                holder.sudo().issue_card(employee.onecard_card_uid)

    @api.model_create_multi
    def create(self, vals_list):
        employees = super().create(vals_list)
        employees.filtered(
            lambda e: e.company_id.onecard_auto_cardholder
            and not e.onecard_cardholder_ids
        )._onecard_create_cardholders()
        return employees

    def write(self, vals):
        moved = self._onecard_check_company_change(vals)
        result = super().write(vals)
        if moved:
            moved._onecard_follow_company()
        if "active" in vals:
            holders = self.sudo().with_context(active_test=False).onecard_cardholder_ids
            if vals["active"]:
                holders.write({"refund_pending": False})
            else:
                holders._employee_left()
        if {"name", "department_id"} & set(vals):
            for employee in self:
                employee.sudo().onecard_cardholder_ids.write(
                    {"name": employee.name, "department_id": employee.department_id.id}
                )
        return result

    def unlink(self):
        """A deleted employee's account outlives them: money and history stay,
        refundable at the desk, and the badge ID is released for a new employee (unique
        among active holders)."""
        holders = self.sudo().with_context(active_test=False).onecard_cardholder_ids
        result = super().unlink()
        holders._employee_left()
        holders._archive_releasing_code()
        return result

    def _onecard_check_company_change(self, vals):
        """Employees whose company changes; refused while their card account holds
        money.

        Card money is a liability of the old company: moving it is an
        accounting event between two companies, done at the card desk (return
        the card, which pays out, then issue one in the new company), not as a
        side effect of an HR edit. A live card is refused too: it sits on the
        old company's terminal lists.
        """
        if "company_id" not in vals:
            return self.browse()
        moved = self.filtered(lambda e: e.company_id.id != vals["company_id"])
        kinds = dict(
            self.env["onecard.wallet"]._fields["kind"]._description_selection(self.env)
        )
        for employee in moved:
            for holder in employee.sudo().onecard_cardholder_ids:
                money = holder.wallet_ids.filtered(
                    lambda w: not w.currency_id.is_zero(w.balance)
                )
                live = holder.card_ids.filtered(lambda c: c.state in LIVE_STATES)
                if money or live:
                    what = [self.env._("card %s", card.number) for card in live] + [
                        f"{kinds[w.kind]} {w.currency_id.format(w.balance)}"
                        for w in money
                    ]
                    raise UserError(
                        self.env._(
                            "%(employee)s still has a card account in "
                            "%(company)s (%(what)s). Return the card at the "
                            "card desk first: it pays out the balance and the "
                            "deposit. Then move the employee.",
                            employee=employee.name,
                            company=holder.company_id.name,
                            what=", ".join(what),
                        )
                    )
        return moved

    def _onecard_follow_company(self):
        """The account of an employee who moved: the old one is archived with its
        history in the old company, a new one opened in the new company (when it creates
        them)."""
        for employee in self:
            old = employee.sudo().onecard_cardholder_ids.filtered(
                lambda h, employee=employee: h.company_id != employee.company_id
            )
            old._archive_releasing_code()
        self.filtered(
            lambda e: e.company_id.onecard_auto_cardholder
            and not e.sudo().onecard_cardholder_ids
        )._onecard_create_cardholders()

    def _onecard_create_cardholders(self):
        return (
            self.env["onecard.cardholder"]
            .sudo()
            .create(
                [
                    {
                        "name": employee.name,
                        "code": employee.barcode or "E%06d" % employee.id,
                        "employee_id": employee.id,
                        "department_id": employee.department_id.id,
                        "company_id": employee.company_id.id,
                    }
                    for employee in self
                ]
            )
        )
