from . import test_terminal_api
from . import test_sequence_conflict
from . import test_lists
from . import test_commands
from . import test_desk_reader
from . import test_i18n
from . import test_zkteco_push
from . import test_zkteco_pull
