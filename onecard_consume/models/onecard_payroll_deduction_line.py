from odoo import api, fields, models
from odoo.exceptions import ValidationError


class OnecardPayrollDeductionLine(models.Model):
    """One employee of a payroll deduction list: the debt at the cut-off and the
    amount payroll deducts (at most the debt)."""

    _name = "onecard.payroll.deduction.line"
    _description = "Payroll Deduction Line"
    _order = "deduction_id, id"

    deduction_id = fields.Many2one(
        "onecard.payroll.deduction", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="deduction_id.company_id", store=True)
    currency_id = fields.Many2one(related="deduction_id.currency_id")
    state = fields.Selection(related="deduction_id.state")
    cardholder_id = fields.Many2one(
        "onecard.cardholder", required=True, readonly=True, ondelete="restrict"
    )
    employee_id = fields.Many2one(
        "hr.employee", compute="_compute_holder_data", store=True, readonly=True
    )
    badge = fields.Char(
        compute="_compute_holder_data",
        store=True,
        readonly=True,
        help="The employee's badge ID, else the employee number.",
    )
    department_id = fields.Many2one(
        "hr.department", compute="_compute_holder_data", store=True, readonly=True
    )
    debt = fields.Monetary(string="Debt at Cut-off", readonly=True)
    amount = fields.Monetary(string="Deducted")
    operation_id = fields.Many2one("onecard.operation", readonly=True)

    @api.depends("cardholder_id")
    def _compute_holder_data(self):
        for line in self:
            holder = line.cardholder_id.sudo()
            line.employee_id = holder.employee_id
            line.badge = holder.employee_id.barcode or holder.code
            line.department_id = holder.department_id

    @api.constrains("amount", "debt")
    def _check_amount(self):
        for line in self:
            if (
                line.amount < 0
                or line.currency_id.compare_amounts(line.amount, line.debt) > 0
            ):
                raise ValidationError(
                    self.env._(
                        "The deduction of %(holder)s must be between 0 and the debt "
                        "at the cut-off (%(debt).2f).",
                        holder=line.cardholder_id.name,
                        debt=line.debt,
                    )
                )

    def write(self, vals):
        for line in self:
            line.deduction_id._check_draft()
        return super().write(vals)
