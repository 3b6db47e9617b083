"""pyzk (the real client library) against our standalone-protocol emulator, loopback."""

import struct
from datetime import datetime, timedelta

import pytest

from onecard_devices.zkteco import standalone as S

zk = pytest.importorskip("zk")


@pytest.fixture
def emu():
    state = S.DeviceState(serial="BJ2C190360012")
    with S.Emulator(state) as emulator:
        yield emulator


def _client(emu, **kw):
    return zk.ZK("127.0.0.1", port=emu.port, timeout=5, ommit_ping=True, **kw).connect()


@pytest.mark.parametrize("udp", [False, True], ids=["tcp", "udp"])
def test_pyzk_full_session(emu, udp):
    conn = _client(emu, force_udp=udp)
    try:
        assert conn.get_serialnumber() == "BJ2C190360012"
        assert conn.get_firmware_version() == "Ver 6.60 Apr 28 2017"
        assert conn.get_platform() == "ZMM220_TFT"
        assert conn.get_mac() == "00:17:61:00:00:01"
        conn.disable_device()
        assert emu.state.enabled is False
        wanted = datetime(2026, 12, 2, 11, 30, 15)
        conn.set_time(wanted)
        got = conn.get_time()
        assert timedelta(0) <= got - wanted < timedelta(seconds=5)
        assert conn.get_users() == []
        conn.set_user(
            uid=1, name="Li Lei", privilege=0, user_id="1001", card=3281298468
        )
        conn.set_user(uid=2, name="Han Meimei", user_id="1002", card=0)
        users = {u.user_id: u for u in conn.get_users()}
        assert set(users) == {"1001", "1002"}
        assert users["1001"].card == 3281298468 and users["1001"].name == "Li Lei"
        assert emu.state.users[1].card == 3281298468
        emu.state.add_punch("1001", datetime(2026, 12, 2, 11, 45, 0), verify=4)
        emu.state.add_punch("1002", datetime(2026, 12, 2, 11, 46, 30))
        records = conn.get_attendance()
        assert [(a.user_id, a.timestamp, a.status) for a in records] == [
            ("1001", datetime(2026, 12, 2, 11, 45, 0), 4),
            ("1002", datetime(2026, 12, 2, 11, 46, 30), 4),
        ]
        conn.delete_user(uid=2)
        assert [u.user_id for u in conn.get_users()] == ["1001"]
        assert conn.clear_attendance() is True
        assert conn.get_attendance() == []
        conn.enable_device()
        assert emu.state.enabled is True
    finally:
        conn.disconnect()


@pytest.mark.parametrize("udp", [False, True], ids=["tcp", "udp"])
def test_buffered_read_of_many_records(emu, udp):
    """Over 1 KiB: buffered, PREPARE_DATA + DATA + ACK_OK per chunk, FREE_DATA."""
    emu.state.users[1] = S.User(1, "1001", "Li Lei", 123)
    start = datetime(2026, 1, 1, 7, 0, 0)
    for i in range(
        3000
    ):  # 120 kB: two TCP chunks of 0xFFC0, eight UDP chunks of 16 KiB
        emu.state.add_punch("1001", start + timedelta(minutes=i))
    conn = _client(emu, force_udp=udp)
    try:
        records = conn.get_attendance()
    finally:
        conn.disconnect()
    assert len(records) == 3000
    assert records[-1].timestamp == start + timedelta(minutes=2999)
    commands = [c for c, _ok in emu.state.log]
    assert S.CMD_READ_BUFFER in commands and S.CMD_FREE_DATA in commands


def test_checksum_as_in_the_manual_and_pyzk_agrees(emu):
    # CONNECT, session 0, reply 0xFFFE: 0x03E8 + 0xFFFE = 0x103E6, carry -> 0x03E7
    packet = struct.pack("<4H", 1000, 0, 0, 0xFFFE)
    assert S.checksum(packet) == ~0x03E7 & 0xFFFF == 0xFC18
    assert (
        S.checksum(b"\x01") == 0xFFFE
    )  # odd length: the last byte counts as a low byte
    conn = _client(emu)
    conn.get_serialnumber()
    conn.disconnect()
    assert (
        emu.state.bad_checksums == 0
    )  # every pyzk packet carried the manual's checksum
    emu.state.strict_checksum = True
    bad = bytearray(S.make_packet(S.CMD_GET_VERSION, 0, 7))
    bad[2] ^= 0xFF
    import socket

    with socket.create_connection(("127.0.0.1", emu.port), timeout=2) as sock:
        sock.sendall(S.tcp_frame(bytes(bad)))
        answer = sock.recv(16)
    assert struct.unpack("<HH2xH", answer[8:16])[::2] == (S.CMD_ACK_ERROR, 7)
    assert emu.state.bad_checksums == 1


def test_garbage_and_bad_framing_do_not_kill_the_emulator(emu):
    import socket

    with socket.create_connection(("127.0.0.1", emu.port), timeout=2) as sock:
        sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
        sock.settimeout(2)
        assert sock.recv(100) == b""  # it hangs up, like a device
    with socket.create_connection(("127.0.0.1", emu.port), timeout=2) as sock:
        sock.sendall(S.tcp_frame(S.make_packet(4242, 0, 1)))
        header = sock.recv(16)
        assert struct.unpack("<H", header[8:10])[0] == S.CMD_ACK_UNKNOWN
    conn = _client(emu)
    assert conn.get_serialnumber() == "BJ2C190360012"
    conn.disconnect()


def test_deleting_an_unknown_user_is_refused(emu):
    conn = _client(emu)
    try:
        with pytest.raises(zk.exception.ZKErrorResponse):
            conn.delete_user(uid=77)
    finally:
        conn.disconnect()
    assert (S.CMD_DELETE_USER, False) in emu.state.log
