from . import terminal_api
from . import desk_reader
from . import iclock
