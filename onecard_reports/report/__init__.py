from . import onecard_report_statement
from . import onecard_report_summary
