"""Types of the terminal message set (``schema.py``) and the checks of a request.

Plain Python, no Odoo. A request field has a type and bounds: integer (0 to
2**31-1), time (unix seconds, 2000 to 2100), number (an amount, 0 to 1,000,000),
boolean, string (at most 128 characters, valid text, no NUL), array (of objects:
their fields). An answer field is described only: those types, object (fields
given) and map (text -> number: wallet balances). ``check`` raises ``Invalid``
(a TerminalError code and what is wrong); the service says it in the terminal's
language.
"""

MAX_INT = 2**31 - 1
MAX_AMOUNT = 1000000
MAX_TEXT = 128
MAX_UPLOAD = 500
TIME_MIN, TIME_MAX = 946684800, 4102444800  # 2000-01-01 .. 2100-01-01 UTC
BOUNDS = {
    "integer": (0, MAX_INT),
    "time": (TIME_MIN, TIME_MAX),
    "number": (0, MAX_AMOUNT),
}


class Field:
    """One field: of a request (checked, with bounds) or of an answer (described)."""

    __slots__ = (
        "name",
        "type",
        "required",
        "minimum",
        "maximum",
        "min_length",
        "max_length",
        "min_items",
        "max_items",
        "items",
        "fields",
        "nullable",
        "default",
        "check",
    )

    def __init__(
        self,
        name,
        type_,
        required=False,
        *,
        bounds=(None, None),
        min_length=None,
        max_length=None,
        min_items=None,
        max_items=None,
        items=None,
        fields=(),
        nullable=False,
        default=None,
    ):
        self.name, self.type, self.required = name, type_, required
        self.minimum, self.maximum = bounds
        self.min_length, self.max_length = min_length, max_length
        self.min_items, self.max_items = min_items, max_items
        self.items = items  # arrays: a Field without a name
        self.fields = tuple(fields)  # objects
        self.nullable, self.default = nullable, default
        # the check of the type, chosen once: the swipe hot path calls field.check
        self.check = getattr(self, "_check_" + type_, None)

    def _check_integer(self, value):
        if value.__class__ is not int:  # bool is a subclass of int: refused
            raise Invalid("invalid_type", "integer", self.name)
        if not self.minimum <= value <= self.maximum:
            raise Invalid("out_of_range", "range", self.name)

    def _check_time(self, value):
        if value.__class__ is not int:
            raise Invalid("invalid_type", "integer", self.name)
        if not self.minimum <= value <= self.maximum:
            raise Invalid("out_of_range", "time", self.name)

    def _check_number(self, value):
        kind = value.__class__
        if kind is not float and kind is not int:
            raise Invalid("invalid_type", "number", self.name)
        # NaN and the infinities are out of range too
        if not self.minimum <= value <= self.maximum:
            raise Invalid("out_of_range", "range", self.name)

    def _check_boolean(self, value):
        if value.__class__ is not bool:
            raise Invalid("invalid_type", "boolean", self.name)

    def _check_array(self, value):
        if value.__class__ is not list:
            raise Invalid("invalid_type", "array", self.name)

    def _check_string(self, value):
        if value.__class__ is not str:
            raise Invalid("invalid_type", "string", self.name)
        if len(value) > self.max_length:
            raise Invalid("out_of_range", "too_long", self.name)
        if self.min_length and len(value) < self.min_length:  # "": no key given
            raise Invalid("missing_field", "missing", self.name)
        if not value.isascii():
            try:
                value.encode("utf-8")  # lone surrogates ("\\udc00") cannot be stored
            except UnicodeEncodeError:
                raise Invalid("invalid_value", "text", self.name) from None
        if "\x00" in value:
            raise Invalid("invalid_value", "nul", self.name)


class Invalid(Exception):
    """A request that breaks its schema: a TerminalError code and what is wrong
    (``problem``), for the service to say in the terminal's language."""

    def __init__(self, code, problem, field=None, where="", limit=None):
        super().__init__(code, problem, field)
        self.code, self.problem, self.field = code, problem, field
        self.where, self.limit = where, limit


class Message:
    """A message: its HTTP path (after routes.PREFIX), the terminal kinds that may
    send it (None: every kind), request and answer fields."""

    __slots__ = ("name", "path", "kinds", "request", "answer", "names", "arrays")

    def __init__(self, name, path, kinds, request, answer):
        self.name, self.path, self.kinds = name, path, kinds
        self.request, self.answer = tuple(request), tuple(answer)
        self.names = frozenset(field.name for field in self.request)
        self.arrays = tuple(f for f in self.request if f.items and f.items.fields)


def check(payload, fields, names, where=""):
    """Check a decoded JSON object against ``fields`` (their ``names``), not the
    items of its arrays (``check_items``). Raises Invalid."""
    if payload.__class__ is not dict:
        raise Invalid("invalid_body", "body", where=where)
    if not names.issuperset(payload):
        unknown = ", ".join(map(str, sorted(set(payload) - names)))
        raise Invalid("unknown_field", "unknown", unknown[:200])
    for field in fields:
        value = payload.get(field.name)
        if value is None:
            if field.required:
                raise Invalid("missing_field", "missing", field.name)
            continue
        field.check(value)
    return payload


def check_items(message, payload):
    """Check the objects in the arrays of a checked request (upload records,
    heartbeat results). Raises Invalid."""
    for field in message.arrays:
        values = payload.get(field.name) or []
        if field.max_items is not None and len(values) > field.max_items:
            raise Invalid("out_of_range", "items", field.name, limit=field.max_items)
        item = field.items
        names = frozenset(f.name for f in item.fields)
        for value in values:
            check(value, item.fields, names, where=f" ({field.name})")


# ---------------------------------------------------------------- field makers
def integer(name, required=False, **options):
    return Field(name, "integer", required, bounds=BOUNDS["integer"], **options)


def time(name, required=False):
    return Field(name, "time", required, bounds=BOUNDS["time"])


def amount(name, required=False):
    return Field(name, "number", required, bounds=BOUNDS["number"])


def text(name, required=False, **options):
    return Field(name, "string", required, max_length=MAX_TEXT, **options)


def boolean(name, required=False):
    return Field(name, "boolean", required)


def array(name, items, required=False, **options):
    """items: a type name, a Field (no name), or the fields of an object."""
    if isinstance(items, Field):
        item = items
    elif isinstance(items, str):
        item = Field(None, items)
    else:
        item = Field(None, "object", fields=items)
    return Field(name, "array", required, items=item, **options)


def obj(name, fields, required=False, **options):
    return Field(name, "object", required, fields=fields, **options)


def answer(name, type_="string", required=False, **options):
    """A field of an answer: described, not checked (no bounds unless given)."""
    return Field(name, type_, required, **options)
