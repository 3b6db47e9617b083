from odoo import api, fields, models


class HrEmployee(models.Model):
    """HR is the source of cardholders: hiring opens an account, leaving freezes it."""

    _inherit = "hr.employee"

    onecard_cardholder_ids = fields.One2many("onecard.cardholder", "employee_id", string="Cardholder")
    onecard_card_uid = fields.Char(
        string="Card UID", compute="_compute_onecard_card_uid", inverse="_inverse_onecard_card_uid",
        groups="hr.group_hr_user",
        help="Import column: issuing a card with this UID when the employee has none live.")

    def _compute_onecard_card_uid(self):
        for employee in self:
            cards = employee.sudo().onecard_cardholder_ids.card_ids.filtered(lambda c: c.state == "active")
            employee.onecard_card_uid = cards[:1].uid

    def _inverse_onecard_card_uid(self):
        ledger = self.env["onecard.ledger"].sudo()
        for employee in self.filtered("onecard_card_uid"):
            holder = employee.sudo().onecard_cardholder_ids[:1] or employee._onecard_create_cardholders()
            if not holder.card_ids.filtered(lambda c: c.state in ("active", "lost", "frozen")):
                ledger.issue_card(holder, employee.onecard_card_uid)

    @api.model_create_multi
    def create(self, vals_list):
        employees = super().create(vals_list)
        employees.filtered(lambda e: e.company_id.onecard_auto_cardholder and not e.onecard_cardholder_ids) \
            ._onecard_create_cardholders()
        return employees

    def write(self, vals):
        result = super().write(vals)
        if "active" in vals:
            holders = self.sudo().with_context(active_test=False).onecard_cardholder_ids
            if vals["active"]:
                holders.write({"refund_pending": False})
            else:
                self.env["onecard.ledger"].sudo()._employee_left(holders)
        if {"name", "department_id"} & set(vals):
            for employee in self:
                employee.sudo().onecard_cardholder_ids.write({
                    "name": employee.name, "department_id": employee.department_id.id})
        return result

    def _onecard_create_cardholders(self):
        return self.env["onecard.cardholder"].sudo().create([{
            "name": employee.name,
            "code": employee.barcode or "E%06d" % employee.id,
            "employee_id": employee.id,
            "department_id": employee.department_id.id,
            "company_id": employee.company_id.id,
        } for employee in self])
