"""Frame codec, CRC and message round trips (pure Python, no Odoo)."""

import contextlib
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onecard_devices.lib import frame as fr
from onecard_devices.lib import messages as M

FUZZ_EXAMPLES = int(os.environ.get("ONECARD_FUZZ_EXAMPLES", "2000"))


# ------------------------------------------------------------------ CRC
@pytest.mark.parametrize(
    "data, crc",
    [
        (b"123456789", 0x4B37),  # the CRC-16/MODBUS check value
        (b"", 0xFFFF),
        (
            bytes.fromhex("010300000001"),
            0x0A84,
        ),  # Modbus RTU "read 1 holding register" -> 84 0A on the wire
        (
            bytes.fromhex("1103006B0003"),
            0x8776,
        ),  # the Modbus spec example: 76 87 on the wire
    ],
)
def test_crc16_modbus_vectors(data, crc):
    assert fr.crc16_modbus(data) == crc


def _crc16_modbus_bitwise(data, crc=0xFFFF):
    """The textbook definition, one bit at a time: the reference for the table-driven
    one."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


@given(st.binary(max_size=600), st.integers(0, 0xFFFF))
def test_crc16_implementations_equal_the_definition(data, start):
    for crc16 in (
        fr.crc16_modbus_py,
        fr.crc16_modbus,
    ):  # pure Python (two bytes per step), compiled
        assert crc16(data) == _crc16_modbus_bitwise(data)
        assert crc16(memoryview(data)[1:]) == _crc16_modbus_bitwise(
            data[1:]
        )  # odd and even lengths
        assert crc16(bytearray(data), start) == _crc16_modbus_bitwise(data, start)


def test_crc16_is_compiled_here():
    """requirements.txt brings fastcrc: the gateway must not fall back to the
    pure-Python CRC unnoticed."""
    assert fr._crc16_modbus_c is not None


def test_crc_is_incremental():
    data = os.urandom(100)
    for crc16 in (fr.crc16_modbus_py, fr.crc16_modbus):
        assert crc16(data[50:], crc16(data[:50])) == crc16(data)


# ---------------------------------------------------------------- frames
def test_known_frame_bytes():
    payload = M.encode_message(
        M.SWIPE, {"seq": 7, "uid": "04A1B2C3", "amount": 12.5, "time": 1714550400}
    )
    data = fr.encode(M.SWIPE, payload, address=3, seq=9)
    assert data[:12].hex() == "a55a002801040300" + "00000009"
    assert fr.crc16_modbus(data[2:-2]) == data[-2] | data[-1] << 8
    frame = fr.decode(data)
    assert (frame.type, frame.address, frame.seq, frame.flags, frame.payload) == (
        M.SWIPE,
        3,
        9,
        0,
        payload,
    )


def test_mac_round_trip_and_tamper():
    data = fr.encode(M.SWIPE, b"\x01\x00\x04\x00\x00\x00\x01", seq=5, key="secret")
    frame = fr.decode(data)
    assert (
        frame.flags & fr.FLAG_MAC
        and frame.verify_mac("secret")
        and not frame.verify_mac("other")
    )
    unsigned = fr.decode(fr.encode(M.SWIPE, frame.payload, seq=5))
    assert not unsigned.verify_mac("secret")
    # Flip a payload bit and fix the CRC: the MAC must catch it.
    body = bytearray(data[:-2])
    body[13] ^= 0x01
    crc = fr.crc16_modbus(body[2:])
    forged = fr.decode(bytes(body) + bytes((crc & 0xFF, crc >> 8)))
    assert not forged.verify_mac("secret")


@pytest.mark.parametrize(
    "mutate, reason",
    [
        (lambda b: b"\x00" + b[1:], "bad magic"),
        (lambda b: b[:-1] + bytes([b[-1] ^ 0xFF]), "bad CRC"),
        (lambda b: b[:5] + bytes([b[5] ^ 0x10]) + b[6:], "bad CRC"),
        (lambda b: b + b"\x00", "trailing"),
        (lambda b: b[:-3], "more bytes"),
        (lambda b: b[:3], "more bytes"),
    ],
)
def test_malformed_frames_raise_frame_error(mutate, reason):
    good = fr.encode(
        M.HEARTBEAT, M.encode_message(M.HEARTBEAT, {"serial": "T1"}), seq=1
    )
    with pytest.raises(fr.FrameError, match=reason):
        fr.decode(mutate(good))


def test_bad_version_and_flags_with_valid_crc():
    def patched(offset, value):
        body = bytearray(fr.encode(M.CONFIG, b"", seq=1)[:-2])
        body[offset] = value
        crc = fr.crc16_modbus(body[2:])
        return bytes(body) + bytes((crc & 0xFF, crc >> 8))

    with pytest.raises(fr.FrameError, match="version"):
        fr.decode(patched(4, 2))
    with pytest.raises(fr.FrameError, match="flags"):
        fr.decode(patched(7, 0x80))


def test_reader_resynchronises_on_garbage_and_split_reads():
    frames = [
        fr.encode(M.SWIPE, bytes([1, 0, 4, 0, 0, 0, i]), address=i, seq=i)
        for i in range(1, 6)
    ]
    corrupt = bytearray(frames[2])
    corrupt[-1] ^= 0xFF
    stream = (
        b"\xa5garbage"
        + frames[0]
        + frames[1]
        + bytes(corrupt)
        + b"\x5a\xa5"
        + frames[3]
        + frames[4]
    )
    reader, got = fr.FrameReader(), []
    for i in range(0, len(stream), 3):
        got += reader.feed(stream[i : i + 3])
    assert [f.seq for f in got] == [1, 2, 4, 5]
    assert reader.errors >= 2


# -------------------------------------------------------------- messages
SAMPLES = [
    (
        M.HEARTBEAT,
        {
            "serial": "SIM-001",
            "firmware": "1.2",
            "time": 1714550400,
            "last_seq": 42,
            "list_version": 3,
            "config_version": "abc",
            "results": [{"id": 1, "ok": True}],
        },
    ),
    (
        M.HEARTBEAT | M.RESPONSE_BIT,
        {
            "server_time": 1714550401,
            "list_version": 3,
            "config_version": "abc",
            "config_changed": False,
            "lists_changed": True,
            "commands": [{"id": 4, "kind": "reboot", "payload": {}}],
        },
    ),
    (
        M.CONFIG | M.RESPONSE_BIT,
        {
            "terminal": "T1",
            "name": "Noodles",
            "kind": "consume",
            "mode": "key",
            "online": True,
            "fixed_amount": 0.0,
            "offline_limit": 30.0,
            "repeat_interval": 0,
            "pin_threshold": 0.0,
            "keys": [{"key": 1, "name": "Rice", "amount": 3.0}],
            "meal_periods": [{"code": "L", "start": 11.0, "end": 13.5}],
            "timezone": "UTC",
            "currency": "CNY",
            "decimals": 2,
            "heartbeat_interval": 60,
            "config_version": "v1",
            "server_time": 1714550400,
        },
    ),
    (M.LISTS, {"since": 5}),
    (
        M.LISTS | M.RESPONSE_BIT,
        {
            "version": 6,
            "full": True,
            "blacklist": ["04A1B2C3"],
            "whitelist": ["04A1B2C4"],
        },
    ),
    (
        M.SWIPE,
        {
            "seq": 1,
            "uid": "04A1B2C3D4E5F6",
            "amount": 12.34,
            "key": 2,
            "time": 1714550400,
            "pin": "1234",
        },
    ),
    (
        M.SWIPE_ANSWER,
        {
            "seq": 1,
            "approved": True,
            "code": "ok",
            "message": "Approved",
            "display": "OK 12.34",
            "amount": 12.34,
            "subsidy_amount": 10.0,
            "cash_amount": 2.34,
            "holder": "张三",
            "replay": False,
            "flagged": False,
            "operation_id": 77,
            "balances": {
                "cash": 97.66,
                "subsidy": 0.0,
                "temporary": 0.0,
                "deposit": 20.0,
            },
        },
    ),
    (
        M.UPLOAD,
        {
            "records": [
                {"seq": 3, "uid": "04A1B2C3", "amount": 5.0, "time": 1714550400},
                {"seq": 4, "uid": "04A1B2C4", "key": 1, "time": 1714550460},
            ]
        },
    ),
    (
        M.ACK,
        {
            "accepted": 2,
            "last_seq": 4,
            "gaps": [[1, 2]],
            "results": [
                {"seq": 3, "approved": True, "code": "ok", "balances": {"cash": 1.0}}
            ],
        },
    ),
    (M.TOTALS, {"uid": "04A1B2C3"}),
    (
        M.TOTALS | M.RESPONSE_BIT,
        {
            "terminal": "T1",
            "today": {"count": 3, "amount": 30.5},
            "meal": {"period": "L", "count": 1, "amount": 10.0},
        },
    ),
    (M.OPERATOR_LOGIN, {"uid": "04A1B2C3", "pin": "1234"}),
    (M.OPERATOR_LOGIN | M.RESPONSE_BIT, {"session": "tok", "operator": "Ann"}),
    (
        M.CASHIER_TOPUP,
        {
            "session": "tok",
            "uid": "04A1B2C3",
            "amount": 100.0,
            "method": "cash",
            "request_id": "r1",
        },
    ),
    (
        M.KIOSK_BALANCE | M.RESPONSE_BIT,
        {
            "holder": "Ann",
            "card_state": "active",
            "subsidy_pending": False,
            "balances": {"cash": 1.5},
        },
    ),
    (
        M.KIOSK_TOPUP,
        {"uid": "04A1B2C3", "amount": 50.0, "method": "wechat", "reference": "wx1"},
    ),
    (M.NAK, {"code": "bad_signature", "message": "MAC does not match"}),
]


@pytest.mark.parametrize("msg_type, body", SAMPLES)
def test_message_round_trip(msg_type, body):
    payload = M.encode_message(msg_type, body)
    data = fr.encode(msg_type, payload, address=1, seq=99, key="k")
    decoded = M.decode_message(msg_type, fr.decode(data).payload)
    for name, value in body.items():
        assert decoded[name] == value, name


def test_extra_fields_travel_as_json():
    payload = M.encode_message(
        M.SWIPE_ANSWER, {"approved": False, "code": "x", "new_field": {"a": 1}}
    )
    assert M.decode_message(M.SWIPE_ANSWER, payload)["new_field"] == {"a": 1}


def test_missing_required_field_and_bad_sizes():
    with pytest.raises(fr.FrameError, match="uid"):
        M.encode_message(M.SWIPE, {"seq": 1})
    with pytest.raises(fr.FrameError, match="uid"):
        M.decode_message(M.SWIPE, fr.tlv_encode([(0x01, b"\x00\x00\x00\x01")]))
    with pytest.raises(fr.FrameError):
        M.decode_message(M.SWIPE, fr.tlv_encode([(0x02, b"\x04\xa1")]))  # 2-byte UID
    with pytest.raises(fr.FrameError):
        M.decode_message(
            M.SWIPE, fr.tlv_encode([(0x02, b"\x04\xa1\xb2\xc3"), (0x01, b"\x01")])
        )
    with pytest.raises(fr.FrameError):
        M.decode_message(0x55, b"")


# ------------------------------------------------------------------ fuzz
def _check_decode(data):
    """Decoding anything either works or raises FrameError: nothing else."""
    try:
        frame = fr.decode(data)
    except fr.FrameError:
        return
    with contextlib.suppress(fr.FrameError):  # decoded or refused, nothing else
        M.decode_message(frame.type, frame.payload)


@settings(
    max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
)
@given(st.binary(max_size=300))
def test_fuzz_random_bytes(data):
    _check_decode(data)
    _check_decode(b"\xa5\x5a" + data)
    reader = fr.FrameReader()
    reader.feed(data)


@settings(
    max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
)
@given(
    st.sampled_from(SAMPLES),
    st.integers(min_value=0, max_value=1000),
    st.binary(min_size=1, max_size=8),
    st.integers(min_value=0, max_value=7),
)
def test_fuzz_truncated_and_corrupted_valid_frames(sample, cut, noise, where):
    msg_type, body = sample
    data = fr.encode(msg_type, M.encode_message(msg_type, body), seq=1)
    cut = cut % len(data)
    with pytest.raises(fr.FrameError):
        fr.decode(data[:cut])
    corrupted = bytearray(data)
    pos = (cut + where) % len(data)
    corrupted[pos : pos + len(noise)] = noise
    _check_decode(bytes(corrupted))


@settings(
    max_examples=FUZZ_EXAMPLES // 4,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(st.binary(max_size=200))
def test_fuzz_payload_of_every_type(payload):
    """Valid frames with random payloads: every schema decodes or raises FrameError."""
    for msg_type in M.SCHEMAS:
        with contextlib.suppress(fr.FrameError):  # decoded or refused, nothing else
            M.decode_message(msg_type, payload)


def test_random_frames_quick():
    rng = random.Random(7)
    for _ in range(2000):
        _check_decode(bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 64))))


def test_sequence_epoch_messages_as_documented():
    """docs/binary-protocol.md: sequence_reset (0E / 8E) and the epoch tags, byte for
    byte."""
    key = "demo-secret-T102"
    assert fr.encode(
        M.SEQUENCE_RESET, M.encode_message(M.SEQUENCE_RESET, {}), 0, 20, 0, key
    ).hex() == ("a55a0010010e000400000014" "5098e5e03f7adad8" "3fd0")
    answer = fr.encode(
        M.SEQUENCE_RESET | M.RESPONSE_BIT,
        M.encode_message(
            M.SEQUENCE_RESET | M.RESPONSE_BIT, {"epoch": 1, "server_time": 1714550400}
        ),
        0,
        20,
        fr.FLAG_RESPONSE,
        key,
    )
    assert (
        answer.hex()
        == "a55a001e018e000500000014010004000000010200046631f680255e2d3d8588bea4cb82"
    )
    frame = fr.decode(answer)
    assert frame.verify_mac(key) and not frame.verify_mac("another-secret")
    assert M.decode_message(frame.type, frame.payload) == {
        "epoch": 1,
        "server_time": 1714550400,
    }
    swipe = {
        "seq": 1,
        "epoch": 1,
        "uid": "04A1B2C3",
        "amount": 12.5,
        "time": 1714550400,
    }
    payload = M.encode_message(M.SWIPE, swipe)
    assert b"\x08\x00\x04\x00\x00\x00\x01" in payload  # tag 08 epoch u32
    assert M.decode_message(M.SWIPE, payload) == swipe
    record = {"seq": 3, "epoch": 2, "uid": "04A1B2C3", "time": 1714550400}
    assert M.decode_message(
        M.UPLOAD, M.encode_message(M.UPLOAD, {"records": [record]})
    ) == {"records": [record]}
