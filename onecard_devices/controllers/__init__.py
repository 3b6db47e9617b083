from . import terminal_api
