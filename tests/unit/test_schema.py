"""The message set is described once (onecard_devices/lib/schema.py); its other forms
are held to it field by field: docs/terminal-api.yaml (what a vendor builds from:
every message, field, type, required flag, bound, default and terminal kind) and the
binary protocol's field table (lib/messages.py: names, required flags, wire types)."""

import os

import pytest
import yaml

from onecard_devices.lib import messages as M
from onecard_devices.lib import schema as S
from onecard_devices.lib import validation as V
from onecard_devices.lib.routes import PREFIX

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(REPO, "docs", "terminal-api.yaml"), encoding="utf-8") as f:
    SPEC = yaml.safe_load(f)

# ------------------------------------------------------------------ the YAML
KEYS = ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems")


def resolve(node):
    while "$ref" in node:
        target = SPEC
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    if "allOf" in node:  # merged: properties and required of every part
        merged = {"type": "object", "properties": {}, "required": []}
        for part in map(resolve, node["allOf"]):
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        node = merged
    return node


def from_yaml(node):
    """What an OpenAPI schema says of a value, in the shape of from_field."""
    node = resolve(node)
    out = {"type": node.get("type")}
    out.update((key, node[key]) for key in KEYS + ("default",) if key in node)
    if node.get("nullable"):
        out["nullable"] = True
    if node.get("exclusiveMinimum"):
        out["exclusiveMinimum"] = True
    if "items" in node:
        out["items"] = from_yaml(node["items"])
    extra = node.get("additionalProperties")
    if extra is False:
        out["closed"] = True
    elif isinstance(extra, dict):
        out["values"] = from_yaml(extra)
    if "properties" in node or extra is False:
        out["properties"] = {
            name: from_yaml(value)
            for name, value in (node.get("properties") or {}).items()
        }
        out["required"] = sorted(node.get("required", []))
    return out


def from_field(field, request):
    """What lib/schema.py says of a value. Requests are closed objects (unknown
    fields refused); answers may grow."""
    kind = {"time": "integer", "map": "object"}.get(field.type, field.type)
    out = {"type": kind}
    for key, value in (
        ("minimum", field.minimum),
        ("maximum", field.maximum),
        ("minLength", field.min_length),
        ("maxLength", field.max_length),
        ("minItems", field.min_items),
        ("maxItems", field.max_items),
        ("default", field.default),
    ):
        if value is not None:
            out[key] = value
    if field.nullable:
        out["nullable"] = True
    if field.type == "map":
        out["values"] = {"type": "number"}
    if field.items:
        out["items"] = from_field(field.items, request)
    if field.fields or (request and field.type == "object"):
        out.update(fields_shape(field.fields, request))
    return out


def fields_shape(fields, request):
    out = {
        "properties": {field.name: from_field(field, request) for field in fields},
        "required": sorted(field.name for field in fields if field.required),
    }
    if request:
        out["closed"] = True
    return out


def operation(message):
    return SPEC["paths"][f"{PREFIX}/{message.path}"]["post"]


def request_body(message):
    return resolve(operation(message)["requestBody"])


def diff(documented, described, where=""):
    """Differences between the YAML's shape and the schema's, one line each."""
    if not (isinstance(documented, dict) and isinstance(described, dict)):
        return (
            []
            if documented == described
            else [f"{where}: {documented!r} != {described!r}"]
        )
    lines = []
    for key in sorted(set(documented) | set(described), key=str):
        if key not in described:
            lines.append(f"{where}.{key}: only in the YAML")
        elif key not in documented:
            lines.append(f"{where}.{key}: missing from the YAML")
        else:
            lines += diff(documented[key], described[key], f"{where}.{key}")
    return lines


@pytest.mark.parametrize("name", sorted(S.MESSAGES))
def test_request_as_described(name):
    message = S.MESSAGES[name]
    body = request_body(message)
    documented = from_yaml(body["content"]["application/json"]["schema"])
    described = {"type": "object", **fields_shape(message.request, True)}
    assert not diff(documented, described, name), "\n".join(
        ["docs/terminal-api.yaml != lib/schema.py (request):"]
        + diff(documented, described, name)
    )
    assert body.get("required", False) == any(f.required for f in message.request), (
        f"{name}: requestBody.required is true exactly when a field is required "
        "(an empty body is {})"
    )


@pytest.mark.parametrize("name", sorted(S.MESSAGES))
def test_answer_as_described(name):
    message = S.MESSAGES[name]
    content = operation(message)["responses"]["200"]["content"]["application/json"]
    documented = from_yaml(content["schema"])
    described = {"type": "object", **fields_shape(message.answer, False)}
    assert not diff(documented, described, name), "\n".join(
        ["docs/terminal-api.yaml != lib/schema.py (answer):"]
        + diff(documented, described, name)
    )


@pytest.mark.parametrize("name", sorted(S.MESSAGES))
def test_terminal_kinds_as_described(name):
    message = S.MESSAGES[name]
    kinds = message.kinds or S.TERMINAL_KINDS
    assert sorted(operation(message)["x-terminal-kinds"]) == sorted(kinds)


def test_every_path_is_a_message():
    assert set(SPEC["paths"]) == {f"{PREFIX}/{m.path}" for m in S.MESSAGES.values()}


def test_the_comparison_sees_a_difference():
    """The check above is not vacuous: one bound, type or flag changed is seen."""
    swipe = S.MESSAGES["swipe"]
    shape = {"type": "object", **fields_shape(swipe.request, True)}
    documented = from_yaml(request_body(swipe)["content"]["application/json"]["schema"])
    assert not diff(documented, shape)
    for path, value in (
        (("amount", "maximum"), 999),
        (("seq", "type"), "number"),
        (("pin", "maxLength"), 64),
    ):
        changed = {**shape, "properties": dict(shape["properties"])}
        name, key = path
        changed["properties"][name] = dict(changed["properties"][name], **{key: value})
        assert diff(documented, changed) == [
            f".properties.{name}.{key}: {documented['properties'][name][key]!r} "
            f"!= {value!r}"
        ]
    assert diff(documented, dict(shape, required=[])) == [".required: ['uid'] != []"]


# ------------------------------------------------------------------ the binary table
# Wire types that carry each schema type (fields.py).
WIRE = {
    "integer": {"u8", "u16", "u32", "time"},
    "time": {"time"},
    "number": {"money"},
    "string": {"str", "uid"},
    "boolean": {"bool"},
    "array": {"json"},
    "object": {"struct", "json"},
    "map": {"map"},
}
# Binary-only request fields: the serial number binds a TCP connection to its
# terminal.
BINARY_ONLY = {"heartbeat": {"serial"}}


def wire_diff(binary, fields, where, request):
    """Differences between a binary field list and schema fields."""
    names = {f.name for f in fields} | (
        BINARY_ONLY.get(where, set()) if request else set()
    )
    wire = {f.name: f for f in binary}
    lines = [f"{where}.{n}: not in the binary table" for n in sorted(names - set(wire))]
    lines += [
        f"{where}.{n}: only in the binary table" for n in sorted(set(wire) - names)
    ]
    for field in fields:
        tlv = wire.get(field.name)
        if tlv is None:
            continue
        at = f"{where}.{field.name}"
        if tlv.repeated:  # a list on the wire: its items' type
            if field.type != "array":
                lines.append(f"{at}: repeated on the wire, {field.type} in the schema")
                continue
            # absent and empty are one thing in TLV: a repeated field is never
            # required on the wire (decodes to [])
            field = field.items
        elif request and tlv.required != field.required:
            lines.append(f"{at}: required {tlv.required} on the wire")
        if tlv.kind not in WIRE[field.type]:
            lines.append(f"{at}: wire type {tlv.kind} for a {field.type}")
        elif tlv.kind == "struct":
            lines += wire_diff(tlv.sub, field.fields, at, request)
    return lines


@pytest.mark.parametrize("name", sorted(S.MESSAGES))
def test_binary_request_as_described(name):
    lines = wire_diff(M.SCHEMAS[M.TYPES[name]], S.MESSAGES[name].request, name, True)
    assert not lines, "\n".join(["lib/messages.py != lib/schema.py:"] + lines)


@pytest.mark.parametrize("name", sorted(S.MESSAGES))
def test_binary_answer_as_described(name):
    fields = S.MESSAGES[name].answer
    binary = M.SCHEMAS[M.TYPES[name] | M.RESPONSE_BIT]
    lines = wire_diff(binary, fields, name, False)
    assert not lines, "\n".join(["lib/messages.py != lib/schema.py:"] + lines)


def test_every_binary_message_is_in_the_set():
    assert {M.NAMES[code] for code in M.SERVICE_MESSAGES} == set(S.MESSAGES)


# ------------------------------------------------------------------ the checks
SWIPE = S.MESSAGES["swipe"]


@pytest.mark.parametrize(
    "payload, code, problem",
    [
        ([], "invalid_body", "body"),
        ({"tip": 1}, "unknown_field", "unknown"),
        ({}, "missing_field", "missing"),
        ({"uid": "04A1B2C3", "amount": True}, "invalid_type", "number"),
        ({"uid": "04A1B2C3", "amount": float("nan")}, "out_of_range", "range"),
        ({"uid": "04A1B2C3", "amount": float("inf")}, "out_of_range", "range"),
        ({"uid": "04A1B2C3", "amount": -0.01}, "out_of_range", "range"),
        ({"uid": "04A1B2C3", "seq": 2**31}, "out_of_range", "range"),
        ({"uid": "04A1B2C3", "seq": 1.0}, "invalid_type", "integer"),
        ({"uid": "04A1B2C3", "seq": False}, "invalid_type", "integer"),
        ({"uid": "04A1B2C3", "time": 946684799}, "out_of_range", "time"),
        ({"uid": "x" * 129}, "out_of_range", "too_long"),
        ({"uid": "\udc00"}, "invalid_value", "text"),
        ({"uid": "a\x00b"}, "invalid_value", "nul"),
        ({"uid": 7}, "invalid_type", "string"),
    ],
)
def test_swipe_refusals(payload, code, problem):
    with pytest.raises(V.Invalid) as refused:
        V.check(payload, SWIPE.request, SWIPE.names)
    assert (refused.value.code, refused.value.problem) == (code, problem)


def test_valid_requests_pass_unchanged():
    swipe = {"uid": "04A1B2C3", "amount": 0, "seq": 2**31 - 1, "time": 4102444800}
    assert V.check(swipe, SWIPE.request, SWIPE.names) is swipe
    assert V.check({"uid": "04A1B2C3", "amount": None}, SWIPE.request, SWIPE.names)
    upload = S.MESSAGES["upload"]
    record = {"seq": 1, "uid": "04A1B2C3", "time": 1767225600, "amount": 1e6}
    V.check_items(upload, {"records": [record] * 500})
    with pytest.raises(V.Invalid) as refused:
        V.check_items(upload, {"records": [record] * 501})
    assert (refused.value.problem, refused.value.limit) == ("items", 500)
    with pytest.raises(V.Invalid) as refused:
        V.check_items(upload, {"records": [dict(record, tip=1)]})
    assert refused.value.code == "unknown_field"
