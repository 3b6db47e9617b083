"""TLV fields of the binary protocol's messages: one value <-> its bytes.

Field types on the wire:

========  ===============================================================
u8/u16/   unsigned big-endian integer of 1, 2, 4 bytes
u32
money     signed 64-bit big-endian integer, hundredths (cents/fen);
          decoded to a float rounded to 2 decimals
bool      1 byte, 00 or 01
str       UTF-8 text
uid       card UID, 4 to 10 raw bytes; decoded to upper-case hex text
time      u32, seconds since 1970-01-01 UTC (terminal clock)
date      u32, YYYYMMDD
struct    nested TLV of a sub-schema
map       text -> money (wallet balances): nested TLV of pairs
          (tag 01 key text, tag 02 money), in order
json      UTF-8 JSON text, for rarely used nested data (commands, list
          deltas, meal periods, gaps)
========  ===============================================================

Fields marked repeated may occur many times (in order) and decode to a list.
A field without a tag of its own travels in tag FE as a JSON object (so the
binary protocol carries everything the HTTP API does). Unknown tags are
skipped (newer terminals may send more); a missing required field or a value
of the wrong size raises FrameError.
"""

import json
import struct

from .frame import FrameError, tlv_decode, tlv_encode

EXTRA_TAG = 0xFE  # in any message: JSON object of fields without a tag of their own


class F:
    """One field of a schema."""

    __slots__ = ("tag", "name", "kind", "required", "repeated", "sub")

    def __init__(self, tag, name, kind, required=False, repeated=False, sub=None):
        self.tag, self.name, self.kind, self.required, self.repeated, self.sub = (
            tag,
            name,
            kind,
            required,
            repeated,
            sub,
        )


_U = {
    "u8": struct.Struct(">B"),
    "u16": struct.Struct(">H"),
    "u32": struct.Struct(">I"),
    "i32": struct.Struct(">i"),
    "money": struct.Struct(">q"),
    "time": struct.Struct(">I"),
    "date": struct.Struct(">I"),
}


def _enc_value(field, value):
    kind = field.kind
    try:
        if kind in ("u8", "u16", "u32", "i32", "time"):
            return _U[kind].pack(int(value))
        if kind == "money":
            return _U[kind].pack(int(round(float(value) * 100)))
        if kind == "date":  # "2024-05-01" or a date -> 20240501
            text = str(value).replace("-", "")[:8]
            return _U[kind].pack(int(text))
        if kind == "bool":
            return b"\x01" if value else b"\x00"
        if kind == "str":
            return str(value).encode("utf-8")
        if kind == "uid":
            raw = (
                bytes.fromhex(str(value).replace(":", "").replace(" ", ""))
                if not isinstance(value, bytes | bytearray)
                else bytes(value)
            )
            if not 4 <= len(raw) <= 10:
                raise ValueError("UID must be 4 to 10 bytes")
            return raw
        if kind == "struct":
            return encode_fields(field.sub, value)
        if kind == "map":
            return tlv_encode(
                [
                    pair
                    for k, v in value.items()
                    for pair in (
                        (0x01, str(k).encode("utf-8")),
                        (0x02, _U["money"].pack(int(round(float(v or 0.0) * 100)))),
                    )
                ]
            )
        if kind == "json":
            return json.dumps(
                value, separators=(",", ":"), default=str, ensure_ascii=False
            ).encode("utf-8")
    except (ValueError, TypeError, OverflowError, struct.error) as exc:
        raise FrameError(f"cannot encode {field.name}={value!r}: {exc}") from None
    raise FrameError(f"unknown field kind {kind}")


def _dec_value(field, raw):  # noqa: C901 - one branch per field kind, in one place
    kind = field.kind
    if kind in _U:
        codec = _U[kind]
        if len(raw) != codec.size:
            raise FrameError(
                "field %s: %d bytes, expected %d" % (field.name, len(raw), codec.size)
            )
        value = codec.unpack(raw)[0]
        if kind == "money":
            return round(value / 100.0, 2)
        if kind == "date":
            text = "%08d" % value
            if value > 99991231:
                raise FrameError(f"field {field.name}: bad date")
            return f"{text[:4]}-{text[4:6]}-{text[6:]}"
        return value
    if kind == "bool":
        if raw not in (b"\x00", b"\x01"):
            raise FrameError(f"field {field.name}: bad boolean")
        return raw == b"\x01"
    if kind == "str":
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise FrameError(f"field {field.name}: invalid UTF-8") from None
    if kind == "uid":
        if not 4 <= len(raw) <= 10:
            raise FrameError("field %s: UID of %d bytes" % (field.name, len(raw)))
        return raw.hex().upper()
    if kind == "struct":
        return decode_fields(field.sub, raw)
    if kind == "map":
        pairs = tlv_decode(raw)
        if len(pairs) % 2 or any(
            tag != 0x01 + i % 2 for i, (tag, _v) in enumerate(pairs)
        ):
            raise FrameError(f"field {field.name}: bad map")
        result = {}
        for (_t, key), (_t2, value) in zip(pairs[::2], pairs[1::2], strict=False):
            if len(value) != 8:
                raise FrameError(f"field {field.name}: bad map value")
            result[_dec_value(_TEXT, key)] = round(
                _U["money"].unpack(value)[0] / 100.0, 2
            )
        return result
    if kind == "json":
        return _json(field.name, raw)
    raise FrameError(f"unknown field kind {kind}")


_TEXT = F(0, "key", "str")


def _json(name, raw):
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FrameError(f"field {name}: invalid JSON") from None


_EXTRA = F(EXTRA_TAG, "extra", "json")


def encode_fields(schema, values):
    if not isinstance(values, dict):
        raise FrameError("message body must be a dict")
    out = []
    for field in schema:
        value = values.get(field.name)
        if value is None or (field.repeated and not value):
            if field.required:
                raise FrameError(f"missing required field {field.name}")
            continue
        if field.repeated and not isinstance(value, list | tuple):
            raise FrameError(f"field {field.name} must be a list")
        for item in value if field.repeated else [value]:
            out.append((field.tag, _enc_value(field, item)))
    names = {field.name for field in schema}
    extra = {k: v for k, v in values.items() if k not in names and v is not None}
    if extra:
        out.append((EXTRA_TAG, _enc_value(_EXTRA, extra)))
    return tlv_encode(out)


def decode_fields(schema, payload):
    by_tag = {field.tag: field for field in schema}
    values = {}
    for tag, raw in tlv_decode(payload):
        field = by_tag.get(tag)
        if tag == EXTRA_TAG:
            extra = _json("extra", raw)
            if not isinstance(extra, dict):
                raise FrameError("extra fields must be a JSON object")
            for key, value in extra.items():
                values.setdefault(key, value)
            continue
        if field is None:
            continue  # unknown tag: skipped for forward compatibility
        value = _dec_value(field, raw)
        if field.repeated:
            values.setdefault(field.name, []).append(value)
        elif field.name in values:
            raise FrameError(f"field {field.name} given twice")
        else:
            values[field.name] = value
    for field in schema:
        if field.name not in values:
            if field.required:
                raise FrameError(f"missing required field {field.name}")
            if field.repeated:
                values[field.name] = []
    return values
