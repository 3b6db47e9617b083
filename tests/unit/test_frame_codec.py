"""Frame codec, CRC and fuzzing (pure Python, no Odoo); messages: test_messages.py."""

import contextlib
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_messages import SAMPLES

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
