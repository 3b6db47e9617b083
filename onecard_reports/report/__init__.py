from . import onecard_report_statement, onecard_report_summary
