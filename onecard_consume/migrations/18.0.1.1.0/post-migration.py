"""Ledger rows carry the analytic account and the caterer they were booked with (issue
14, item 6).

Rows booked before this version have neither: give them what settlement read until now
(the canteen's analytic account and operator for consumption, the department's analytic
account for subsidies), so their totals post as they would have. Not money: amounts,
balances and hash chains are untouched.
"""

CONSUME_KINDS = ("consume", "back_entry", "correction")
SUBSIDY_KINDS = ("subsidy_grant", "subsidy_clear", "subsidy_expire")


def migrate(cr, version):
    cr.execute(
        """
        UPDATE onecard_transaction t SET analytic_account_id = c.analytic_account_id
          FROM onecard_canteen c
         WHERE c.id = t.canteen_id AND t.analytic_account_id IS NULL AND t.kind IN %s
    """,
        [CONSUME_KINDS],
    )
    cr.execute(
        """
        UPDATE onecard_transaction t SET payable_partner_id = c.partner_id
          FROM onecard_canteen c
         WHERE c.id = t.canteen_id AND c.posting = 'payable' AND t.payable_partner_id
         IS NULL AND t.kind IN %s
    """,
        [CONSUME_KINDS],
    )
    cr.execute(
        """
        UPDATE onecard_transaction t SET analytic_account_id =
        d.onecard_analytic_account_id
          FROM hr_department d
         WHERE d.id = t.department_id AND t.analytic_account_id IS NULL AND t.kind IN %s
    """,
        [SUBSIDY_KINDS],
    )
