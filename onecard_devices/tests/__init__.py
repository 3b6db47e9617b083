from . import test_terminal_api
from . import test_lists
from . import test_commands
