from . import onecard_report_wizard, onecard_report_wizard_table
