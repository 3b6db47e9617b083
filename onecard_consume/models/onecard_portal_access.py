"""What portal users may read of the card models.

Record rules (security/onecard_portal_security.xml) decide which records a
portal user sees (their own accounts and their dependants'); here the fields
that stay internal are given ``groups="base.group_user"``, Odoo's own field
protection: ``read`` / ``search_read`` as a portal user leave them out, and
asking for one by name is an AccessError. The engine reads them in SQL, and
the portal's own methods (report lost, PIN, top-up) through sudo after the
record rules decided. Five small extensions in one file: they are one policy.
"""

from odoo import fields, models

INTERNAL = "base.group_user"


class OnecardCardholder(models.Model):
    _inherit = "onecard.cardholder"  # pylint: disable=consider-merging-classes-inherited

    employee_id = fields.Many2one(groups=INTERNAL)
    department_id = fields.Many2one(groups=INTERNAL)
    category_id = fields.Many2one(groups=INTERNAL)
    pin_failures = fields.Integer(groups=INTERNAL)
    pin_locked_until = fields.Datetime(groups=INTERNAL)
    usage_day = fields.Date(groups=INTERNAL)
    usage_day_amount = fields.Monetary(groups=INTERNAL)
    usage_meal_key = fields.Char(groups=INTERNAL)
    usage_meal_amount = fields.Monetary(groups=INTERNAL)
    usage_meal_count = fields.Integer(groups=INTERNAL)
    last_swipe_at = fields.Datetime(groups=INTERNAL)
    subsidy_pending = fields.Boolean(groups=INTERNAL)
    last_swipe_terminal_id = fields.Many2one(groups=INTERNAL)
    partner_id = fields.Many2one(groups=INTERNAL)
    guardian_ids = fields.Many2many(groups=INTERNAL)


class OnecardCard(models.Model):
    _inherit = "onecard.card"

    uid = fields.Char(groups=INTERNAL)
    user_id = fields.Many2one(groups=INTERNAL)
    history_ids = fields.One2many(groups=INTERNAL)
    replaced_by_id = fields.Many2one(groups=INTERNAL)


class OnecardWallet(models.Model):
    _inherit = "onecard.wallet"

    chain_head = fields.Char(groups=INTERNAL)


class OnecardTransaction(models.Model):
    _inherit = "onecard.transaction"  # pylint: disable=consider-merging-classes-inherited

    department_id = fields.Many2one(groups=INTERNAL)
    cardholder_category_id = fields.Many2one(groups=INTERNAL)
    analytic_account_id = fields.Many2one(groups=INTERNAL)
    payable_partner_id = fields.Many2one(groups=INTERNAL)
    idempotency_key = fields.Char(groups=INTERNAL)
    prev_hash = fields.Char(groups=INTERNAL)
    hash = fields.Char(groups=INTERNAL)
    settlement_id = fields.Many2one(groups=INTERNAL)


class OnecardOperation(models.Model):
    _inherit = "onecard.operation"  # pylint: disable=consider-merging-classes-inherited

    department_id = fields.Many2one(groups=INTERNAL)
    cardholder_category_id = fields.Many2one(groups=INTERNAL)
    idempotency_key = fields.Char(groups=INTERNAL)
    terminal_seq = fields.Integer(groups=INTERNAL)
    terminal_epoch = fields.Integer(groups=INTERNAL)
    request_digest = fields.Char(groups=INTERNAL)
    result = fields.Json(groups=INTERNAL)
    note = fields.Char(groups=INTERNAL)
