from . import onecard_config_cache
from . import res_company
from . import res_partner
from . import res_groups
from . import res_config_settings
from . import onecard_meal_period
from . import onecard_consume_category
from . import onecard_cardholder_category
from . import onecard_meal_price
from . import onecard_canteen
from . import onecard_terminal
from . import onecard_terminal_assignment
from . import onecard_terminal_key
from . import onecard_payment_method
from . import onecard_cardholder
from . import onecard_card
from . import onecard_card_history
from . import onecard_wallet
from . import onecard_operation
from . import onecard_transaction
from . import onecard_operation_booked, onecard_transaction_booked
from . import onecard_ledger
from . import onecard_ledger_operations
from . import onecard_consumption
from . import onecard_consumption_settings
from . import onecard_consumption_lookup
from . import onecard_consumption_decide
from . import hr_employee
from . import onecard_cardholder_sync
from . import onecard_cardholder_desk
from . import onecard_cardholder_state
from . import account_chart_template
from . import onecard_subsidy_batch, onecard_subsidy_batch_lines
from . import onecard_subsidy_line
from . import hr_department
from . import onecard_settlement, onecard_settlement_posting
from . import onecard_settlement_line
from . import onecard_month_close
from . import account_move
from . import onecard_demo
from . import onecard_demo_week
from . import res_company_debt
from . import res_config_settings_debt
from . import onecard_wallet_settled
from . import onecard_settlement_debt
from . import onecard_settlement_stage
from . import onecard_settlement_reclass, onecard_settlement_payroll
from . import onecard_transaction_settled, onecard_settlement_mark
from . import onecard_settlement_claim
from . import onecard_cardholder_debt
from . import onecard_payroll_deduction, onecard_payroll_deduction_line
from . import onecard_ledger_payroll
from . import res_company_approval, res_config_settings_approval
from . import onecard_approval_request, onecard_approval_booking
from . import res_company_portal, res_config_settings_portal
from . import onecard_cardholder_portal, onecard_portal_access
from . import onecard_payment_method_online, payment_provider, payment_transaction
from . import onecard_cardholder_alert
from . import onecard_cardholder_autotopup
from . import onecard_cardholder_limit
