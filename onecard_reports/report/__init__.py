from . import (
    onecard_report_mixin,
    onecard_report_row_mixin,
    onecard_report_consumption,
    onecard_report_fund,
    onecard_report_settlement,
    onecard_report_swipe,
    onecard_report_topup,
    onecard_report_summary,
    onecard_report_statement,
    onecard_report_statement_debt,
)
