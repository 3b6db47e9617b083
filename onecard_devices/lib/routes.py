"""Endpoints of the terminal HTTP API, shared by its two front ends: the Odoo
controller (``controllers/terminal_api.py``) and the gateway's ``--http-port``
(``gateway/http.py``). Path (after PREFIX) -> service message, from the message
set (``schema.py``)."""

from .schema import MESSAGES as _SET

PREFIX = "/onecard/api/v1"
MAX_BODY = 1024 * 1024
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MESSAGES = {message.path: name for name, message in _SET.items()}
