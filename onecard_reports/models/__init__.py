from . import (
    onecard_report_rollup,
    onecard_report_dashboard,
    onecard_report_export,
    onecard_report_xlsx,
    res_partner,
)
from . import onecard_cardholder_statement
