from . import test_exports, test_reports
