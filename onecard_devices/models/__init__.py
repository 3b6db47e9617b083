from . import res_company
from . import onecard_terminal
from . import onecard_terminal_command
from . import onecard_terminal_nonce
from . import onecard_list_entry
from . import onecard_card
from . import onecard_terminal_service
