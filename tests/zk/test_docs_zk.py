"""docs/zkteco.md names every reason, format, command and CLI option we implement."""

import os
import re

from onecard_devices.zkteco import build as B
from onecard_devices.zkteco import cardno as C
from onecard_devices.zkteco import push as P
from onecard_devices.zkteco import zkproto as Z

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(REPO, "docs", "zkteco.md"), encoding="utf-8") as handle:
    DOC = handle.read()


def _source(name):
    path = os.path.join(REPO, "onecard_devices", "zkteco", name)
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def test_every_reason_and_card_format_is_documented():
    names = P.REQUEST_REASONS + P.LINE_REASONS + C.FORMATS
    missing = [name for name in names if f"`{name}`" not in DOC]
    assert not missing
    assert set(B.ERROR_STATUS) == set(P.REQUEST_REASONS)


def test_every_emulated_command_is_documented():
    commands = [
        n for n in dir(Z) if n.startswith("CMD_") and not n.startswith("CMD_ACK")
    ]
    flat = " ".join(DOC.split())
    missing = [n for n in commands if f"{n} {getattr(Z, n)}" not in flat]
    assert not missing, missing


def test_every_cli_option_is_documented():
    for name in ("simulator.py", "standalone.py"):
        options = re.findall(r'add_argument\(\s*"(--[a-z-]+)"', _source(name))
        assert len(options) >= 4
        assert [o for o in options if f"`{o}`" not in DOC] == []


def test_the_documented_connect_packet_is_what_we_send():
    packet = Z.tcp_frame(Z.make_packet(Z.CMD_CONNECT, 0, 0xFFFE))
    assert " ".join(f"{b:02x}" for b in packet) in DOC
