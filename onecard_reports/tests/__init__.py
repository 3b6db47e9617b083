from . import test_reports
from . import test_exports
