from . import onecard_issue_wizard
from . import onecard_card_operation_wizard
from . import onecard_settle_wizard
from . import onecard_desk
from . import onecard_reconciliation
from . import onecard_reconciliation_line
from . import onecard_month_close_wizard, onecard_month_reopen_wizard
from . import onecard_desk_debt
from . import onecard_reconciliation_debt
from . import onecard_card_operation_wizard_approval
