"""The terminal documents are true (a vendor builds a terminal from docs/ alone): they
name every
gateway option, endpoint, message type and reason code, and the demo terminals they
list exist."""

import os
import re
import xml.etree.ElementTree as ET

import yaml

from onecard_devices.lib import messages as M
from onecard_devices.lib.routes import MESSAGES, PREFIX

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(*path):
    with open(os.path.join(REPO, *path), encoding="utf-8") as handle:
        return handle.read()


BINARY = read("docs", "binary-protocol.md")
API = read("docs", "terminal-api.md")
SPEC = yaml.safe_load(read("docs", "terminal-api.yaml"))


def section(text, title):
    start = text.index(title)
    end = text.find("\n## ", start + len(title))
    return text[start : end if end >= 0 else None]


def test_every_gateway_option_is_documented():
    options = re.findall(
        r'add_argument\(\s*"(--[a-z-]+)"',  # one argument a line or not (ruff format)
        read("onecard_devices", "cli", "onecard_gateway.py"),
    )
    assert len(options) > 10
    documented = section(BINARY, "## 6. Running it")
    missing = [option for option in options if f"`{option}" not in documented]
    assert not missing, (
        "options of odoo-bin onecard-gateway missing from binary-protocol.md "
        f"section 6: {missing}"
    )


def test_every_endpoint_is_documented():
    paths = {PREFIX + "/" + path for path in MESSAGES}
    assert paths == set(SPEC["paths"]), "terminal-api.yaml paths != lib/routes.py"
    # the table abbreviates siblings: `/onecard/api/v1/operator/login`, `/logout`
    missing = [
        path
        for path in paths
        if f"`{path}`" not in API
        and not (
            path.count("/") == 5
            and re.search(
                r"`{}/[a-z]+`.*`/{}`".format(
                    re.escape(path.rsplit("/", 1)[0]), path.rsplit("/", 1)[1]
                ),
                API,
            )
        )
    ]
    assert (
        not missing
    ), f"endpoints missing from the table of terminal-api.md: {missing}"


def test_every_message_type_is_documented():
    table = section(BINARY, "## 4. Messages")
    for code, name in M.NAMES.items():
        if code == M.ERROR:
            continue
        assert f"| `{code:02X}` {name}" in table or f"`{code:02X}` {name}" in table, (
            code,
            name,
        )


def test_every_reason_code_is_in_the_spec():
    engine = read("onecard_consume", "models", "onecard_consumption.py")
    reasons = re.findall(
        r'^    "([a-z_]+)": _lt\(', engine[engine.index("REASONS = {") :], re.M
    )
    enum = SPEC["components"]["schemas"]["SwipeAnswer"]["properties"]["code"]["enum"]
    assert "sequence_conflict" in reasons
    assert sorted(reasons) == sorted(
        enum
    ), "SwipeAnswer.code enum != onecard.consumption REASONS"


def test_demo_terminals_are_the_documented_ones():
    """Section 7's table: serial numbers and secrets a vendor can sign in with as
    shipped."""
    demo = ET.fromstring(read("onecard_devices", "data", "onecard_devices_demo.xml"))
    labels = {"serial": "RS-485"}  # the table names connections as vendors do
    shipped = {}
    for record in demo.iter("record"):
        values = {
            field.get("name"): (field.text or "").strip()
            for field in record.iter("field")
        }
        shipped[values["serial_number"]] = (
            values["secret"],
            labels.get(values["connection"], values["connection"].upper()),
        )
    table = section(BINARY, "## 7. Try it on the demo")
    rows = re.findall(
        # cells padded or not (prettier aligns the table)
        r"^\|\s*(T\d{3})\s*\|[^|]+\|[^|]+\|\s*(HTTP|TCP|RS-485)\s*\|\s*`([^`]+)`\s*"
        r"\|\s*`([^`]+)`\s*\|$",
        table,
        re.M,
    )
    documented = {
        serial: (secret, connection) for _code, connection, serial, secret in rows
    }
    assert documented == shipped
    assert len(set(secret for secret, _c in shipped.values())) == len(
        shipped
    ), "each terminal its own secret"
    assert any(connection == "TCP" for _s, connection in shipped.values())
