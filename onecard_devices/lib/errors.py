"""Protocol-level errors of the terminal API, shared by every transport.

A handler raises ``TerminalError(code, message, status)``; the HTTP
controller turns it into ``{"error": {"code", "message"}}`` with ``status``,
the binary gateway into an error frame. ``message`` is already translated.
"""

# Stable codes -> HTTP status.
STATUS = {
    "invalid_json": 400,
    "invalid_body": 400,
    "invalid_type": 400,
    "missing_field": 400,
    "unknown_field": 400,
    "out_of_range": 400,
    "invalid_value": 400,
    "missing_auth": 401,
    "unknown_terminal": 401,
    "bad_timestamp": 401,
    "stale_timestamp": 401,
    "bad_signature": 401,
    "replayed": 401,
    "terminal_inactive": 403,
    "wrong_terminal_kind": 403,
    "operator_required": 403,
    "not_operator": 403,
    "not_found": 404,
    "unknown_card": 404,
    "method_not_allowed": 405,
    "reference_reused": 409,
    "idempotency_conflict": 409,
    "body_too_large": 413,
    "unsupported_media_type": 415,
    "refused": 422,
    "busy": 503,
    "no_database": 503,
    "server_error": 500,
}

# "Busy, retry with the same sequence": the request was not acknowledged, and may
# have been booked (a COMMIT whose answer was lost). A terminal retransmits the
# same record (binary: the same frame, flag 02; HTTP: the same body, signed again)
# until it gets a decision; the retry gets the stored answer if it was booked. Any
# other code refuses the request itself (docs/binary-protocol.md, terminal-api.md).
RETRY_CODES = frozenset({"busy", "no_database", "server_error"})


class TerminalError(Exception):
    """A refusal of the request itself (not a business decline of a swipe)."""

    def __init__(self, code, message=None, status=None, **details):
        super().__init__(message or code)
        self.code = code
        self.message = message or code
        self.status = status or STATUS.get(code, 400)
        self.details = details

    def as_dict(self):
        error = {"code": self.code, "message": self.message}
        error.update(self.details)
        return {"error": error}
