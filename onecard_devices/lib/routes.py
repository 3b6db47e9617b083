"""Endpoints of the terminal HTTP API, shared by its two front ends: the Odoo
controller (``controllers/terminal_api.py``) and the gateway's ``--http-port``
(``gateway/http.py``). Path (after PREFIX) -> service message."""

PREFIX = "/onecard/api/v1"
MAX_BODY = 1024 * 1024
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MESSAGES = {
    "heartbeat": "heartbeat",
    "config": "config",
    "lists": "lists",
    "swipe": "swipe",
    "upload": "upload",
    "totals": "totals",
    "sequence/reset": "sequence_reset",
    "operator/login": "operator_login",
    "operator/logout": "operator_logout",
    "cashier/topup": "cashier_topup",
    "cashier/refund": "cashier_refund",
    "kiosk/balance": "kiosk_balance",
    "kiosk/collect": "kiosk_collect",
    "kiosk/topup": "kiosk_topup",
}
