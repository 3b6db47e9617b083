"""Binary frame codec of the OneCard terminal protocol (RS-485 and TCP).

Layout (all integers big-endian except the CRC, which is sent low byte first
as in Modbus RTU)::

    offset size field
    0      2    magic      A5 5A
    2      2    length     bytes from ``version`` to the end of the MAC
    4      1    version    01
    5      1    type       message type; responses have bit 7 set
    6      1    address    RS-485 bus address (1-254), 0 on TCP, FF broadcast
    7      1    flags      01 response, 02 retransmission, 04 MAC present
    8      4    sequence   frame sequence (per sender, wraps at 2**32)
    12     n    payload    TLV fields (see below)
    12+n   8    MAC        only with flag 04: HMAC-SHA256(key, bytes 2..12+n)[:8]
    end-2  2    CRC        CRC-16/MODBUS over bytes 2 .. end-2

Payload: a sequence of TLV fields, ``tag`` (1 byte), ``len`` (2 bytes),
``value`` (len bytes). The meaning of tags is per message type
(messages.py). Every malformed input raises :class:`FrameError`, never
another exception (fuzzed with hypothesis and tests/bench/fuzz_frames.py).
"""

import hmac
import struct

MAGIC = b"\xa5\x5a"
VERSION = 1
HEADER = struct.Struct(">2sHBBBBI")  # magic, length, version, type, address, flags, seq
HEADER_SIZE = HEADER.size  # 12
CRC_SIZE = 2
MAC_SIZE = 8
MAX_PAYLOAD = 16384
MAX_FRAME = HEADER_SIZE + MAX_PAYLOAD + MAC_SIZE + CRC_SIZE

FLAG_RESPONSE = 0x01
FLAG_RETRANSMIT = 0x02
FLAG_MAC = 0x04
KNOWN_FLAGS = FLAG_RESPONSE | FLAG_RETRANSMIT | FLAG_MAC

ADDR_TCP = 0
ADDR_BROADCAST = 0xFF


class FrameError(ValueError):
    """Any malformed frame or payload: bad magic, length, CRC, TLV, MAC."""


class Incomplete(FrameError):
    """More bytes are needed (only raised by :func:`decode` on a short buffer)."""


# ------------------------------------------------------------------ CRC
def _crc_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC_TABLE = _crc_table()
# Two bytes per step: after XOR-ing the little-endian word w into the 16-bit
# register, two byte steps depend on w alone. Half the Python loop turns
# (2.7x faster on 200 bytes); 64 Ki entries, built once at import (~20 ms).
_CRC_TABLE16 = tuple(
    (_CRC_TABLE[w & 0xFF] >> 8) ^ _CRC_TABLE[((w >> 8) ^ _CRC_TABLE[w & 0xFF]) & 0xFF]
    for w in range(0x10000)
)


def crc16_modbus_py(data, crc=0xFFFF):
    """CRC-16/MODBUS: poly 0x8005 reflected (0xA001), init 0xFFFF, no final xor.

    Check value: crc16_modbus(b"123456789") == 0x4B37.
    """
    size = len(data)
    table16 = _CRC_TABLE16
    for word in struct.unpack_from("<%dH" % (size >> 1), data):
        crc = table16[crc ^ word]
    if size & 1:
        crc = (crc >> 8) ^ _CRC_TABLE[(crc ^ data[size - 1]) & 0xFF]
    return crc


# The same CRC in compiled code (PyPI fastcrc) when it is installed. Alone the table
# above takes 5-14 us per frame, but under load (gateway, simulator and PostgreSQL on
# the same cores) its 64 Ki-entry table misses the caches: cProfile of the simulator
# and py-spy --gil of the gateway both put it at ~14 % of their busy time. Compiled, at
# 1,000 swipes/s: gateway 65-66 % of a core instead of 68-69 %, simulator 21-22 %
# instead of 25-26 % (three alternated pairs of 20 s runs).
try:
    from fastcrc.crc16 import modbus as _crc16_modbus_c
except ImportError:  # pragma: no cover - pure Python is the reference and the fallback
    _crc16_modbus_c = None


def crc16_modbus(data, crc=0xFFFF):
    """CRC-16/MODBUS of ``data`` (see crc16_modbus_py), continuing from ``crc``."""
    if _crc16_modbus_c is None:
        return crc16_modbus_py(data, crc)
    return _crc16_modbus_c(data, crc)


def compute_mac(key, data):
    if isinstance(key, str):
        key = key.encode()
    return hmac.digest(key, data, "sha256")[:MAC_SIZE]  # one-shot: OpenSSL's C path


# ---------------------------------------------------------------- frames
class Frame:
    __slots__ = ("type", "address", "flags", "seq", "payload", "mac", "signed_part")

    # ``type``: the protocol's name of the field (Frame.type), kept as the parameter's
    def __init__(  # pylint: disable=redefined-builtin
        self, type, address=0, seq=0, payload=b"", flags=0, mac=None, signed_part=None
    ):
        self.type = type
        self.address = address
        self.flags = flags
        self.seq = seq
        self.payload = payload
        self.mac = mac
        self.signed_part = signed_part  # bytes covered by the MAC (set when decoded)

    @property
    def is_response(self):
        return bool(self.flags & FLAG_RESPONSE)

    def verify_mac(self, key):
        """True when the frame carries a MAC that matches ``key``."""
        if self.mac is None or self.signed_part is None:
            return False
        return hmac.compare_digest(self.mac, compute_mac(key, self.signed_part))

    def __eq__(self, other):
        return isinstance(other, Frame) and (
            self.type,
            self.address,
            self.flags & ~FLAG_MAC,
            self.seq,
            self.payload,
        ) == (
            other.type,
            other.address,
            other.flags & ~FLAG_MAC,
            other.seq,
            other.payload,
        )

    def __repr__(self):
        return "Frame(type=0x%02X, address=%d, seq=%d, flags=0x%02X, payload=%s)" % (
            self.type,
            self.address,
            self.seq,
            self.flags,
            self.payload.hex(),
        )


def encode(type, payload=b"", address=0, seq=0, flags=0, key=None):  # pylint: disable=redefined-builtin
    """Bytes of one frame. With ``key`` the frame carries a MAC."""
    if not 0 <= type <= 0xFF or not 0 <= address <= 0xFF or not 0 <= seq <= 0xFFFFFFFF:
        raise FrameError("header field out of range")
    if len(payload) > MAX_PAYLOAD:
        raise FrameError("payload too long (%d > %d)" % (len(payload), MAX_PAYLOAD))
    flags = (flags | FLAG_MAC) if key is not None else (flags & ~FLAG_MAC)
    length = 8 + len(payload) + (MAC_SIZE if key is not None else 0)
    body = HEADER.pack(MAGIC, length, VERSION, type, address, flags, seq) + bytes(
        payload
    )
    if key is not None:
        body += compute_mac(key, body[2:])
    crc = crc16_modbus(memoryview(body)[2:])
    return body + bytes((crc & 0xFF, crc >> 8))


def encode_frame(frame, key=None):
    return encode(frame.type, frame.payload, frame.address, frame.seq, frame.flags, key)


def _parse(buf, start=0):
    """Parse one frame at buf[start]; return (Frame, end).

    Raises Incomplete or FrameError."""
    avail = len(buf) - start
    if avail < 4:
        if bytes(buf[start : start + 2]) != MAGIC[: min(avail, 2)]:
            raise FrameError("bad magic")
        raise Incomplete("need more bytes")
    if buf[start] != 0xA5 or buf[start + 1] != 0x5A:
        raise FrameError("bad magic")
    length = (buf[start + 2] << 8) | buf[start + 3]
    if length < 8 or length > MAX_FRAME - 4 - CRC_SIZE:
        raise FrameError("bad length %d" % length)
    end = start + 4 + length + CRC_SIZE
    if len(buf) < end:
        raise Incomplete("need more bytes")
    crc = crc16_modbus(memoryview(buf)[start + 2 : end - 2])
    if buf[end - 2] != (crc & 0xFF) or buf[end - 1] != (crc >> 8):
        raise FrameError("bad CRC")
    _magic, _len, version, type_, address, flags, seq = HEADER.unpack_from(buf, start)
    if version != VERSION:
        raise FrameError("unsupported version %d" % version)
    if flags & ~KNOWN_FLAGS:
        raise FrameError(f"unknown flags 0x{flags:02X}")
    payload_end = end - 2
    mac = None
    if flags & FLAG_MAC:
        if length < 8 + MAC_SIZE:
            raise FrameError("MAC flag set but frame too short")
        payload_end -= MAC_SIZE
        mac = bytes(buf[payload_end : payload_end + MAC_SIZE])
    payload = bytes(buf[start + HEADER_SIZE : payload_end])
    signed = bytes(buf[start + 2 : payload_end]) if mac is not None else None
    return Frame(type_, address, seq, payload, flags, mac, signed), end


def decode(data):
    """Decode exactly one frame from ``data`` (bytes). Raises FrameError."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise FrameError("frame must be bytes")
    frame, end = _parse(data)
    if end != len(data):
        raise FrameError("%d trailing byte(s) after the frame" % (len(data) - end))
    return frame


class FrameReader:
    """Incremental decoder for a byte stream (TCP socket, serial line).

    ``feed(data)`` returns the complete frames found; garbage and corrupted
    frames are skipped by re-synchronising on the next magic, and counted in
    ``errors`` (the last reason in ``last_error``).
    """

    def __init__(self):
        self.buf = bytearray()
        self.errors = 0
        self.last_error = None

    def feed(self, data):
        self.buf += data
        frames = []
        buf = self.buf
        pos = 0
        while True:
            idx = buf.find(MAGIC, pos)
            if idx < 0:
                # Keep a trailing A5 (first half of a magic split across reads).
                keep = 1 if buf[-1:] == b"\xa5" else 0
                if len(buf) - pos > keep:
                    if len(buf) - keep > pos:
                        self._error("garbage bytes")
                    pos = len(buf) - keep
                break
            if idx > pos:
                self._error("garbage bytes")
            try:
                frame, end = _parse(buf, idx)
            except Incomplete:
                pos = idx
                break
            except FrameError as exc:
                self._error(str(exc))
                pos = idx + 1
                continue
            frames.append(frame)
            pos = end
        del buf[:pos]
        return frames

    def _error(self, reason):
        self.errors += 1
        self.last_error = reason


# ------------------------------------------------------------------- TLV
_TL = struct.Struct(">BH")


def tlv_encode(fields):
    """fields: iterable of (tag, value bytes) -> payload bytes."""
    out = bytearray()
    for tag, value in fields:
        if not 0 <= tag <= 0xFF or len(value) > 0xFFFF:
            raise FrameError("TLV field out of range")
        out += _TL.pack(tag, len(value))
        out += value
    return bytes(out)


def tlv_decode(payload):
    """payload bytes -> list of (tag, value bytes). Raises FrameError."""
    fields = []
    pos, size = 0, len(payload)
    while pos < size:
        if size - pos < 3:
            raise FrameError("truncated TLV header")
        tag, length = _TL.unpack_from(payload, pos)
        pos += 3
        if pos + length > size:
            raise FrameError("TLV field %d overruns the payload" % tag)
        fields.append((tag, bytes(payload[pos : pos + length])))
        pos += length
    return fields
