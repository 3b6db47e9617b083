from . import onecard_report_wizard
