from . import test_exports, test_reports, test_reports_desk
from . import test_dashboard, test_pdf_names, test_report_paths
from . import test_reports_history
from . import test_statement_debt
from . import test_portal_statement
from . import test_rollups
