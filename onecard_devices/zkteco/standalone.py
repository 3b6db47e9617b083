"""A ZKTeco standalone-protocol DEVICE emulator (TCP and UDP, port 4370).

Written from ZKSoftware's public "Communication protocol manual" (2006) and the
"Technical manual for lower communication protocol" (ZKEMSDK 6.1, 2008), not
from a client library: packets are an 8-byte little-endian header (command,
checksum, session id, reply id) and a payload; over TCP each packet is prefixed
with ``50 50 82 7D`` and the packet length as a 32-bit integer. The device echoes
the client's reply id, gives a session id in its answer to CMD_CONNECT and reads
large tables through a buffer (CMD_PREPARE_BUFFER / CMD_READ_BUFFER answered with
CMD_PREPARE_DATA + CMD_DATA + CMD_ACK_OK, released by CMD_FREE_DATA).

It lives in the package (not under tests/) because the later end-to-end tests and
the benchmark need a pull device too: ``python3 -m onecard_devices.zkteco.standalone``
runs one in the foreground. Users and attendance records are kept in memory, in
the 72-byte user / 40-byte record layouts of firmware 6.60+ ("ZK8"). No comm key.
"""

import socketserver
import struct
import sys
import threading
from dataclasses import dataclass, field
from datetime import datetime

from .clock import zk_decode_time, zk_encode_time
from .zkproto import (  # noqa: F401 - re-exported for callers of the emulator
    ATT_FMT,
    ATT_SIZE,
    CMD_ACK_ERROR,
    CMD_ACK_OK,
    CMD_ACK_UNKNOWN,
    CMD_ATTLOG_RRQ,
    CMD_CLEAR_ATTLOG,
    CMD_CLEAR_DATA,
    CMD_CONNECT,
    CMD_DATA,
    CMD_DB_RRQ,
    CMD_DELETE_USER,
    CMD_DISABLEDEVICE,
    CMD_ENABLEDEVICE,
    CMD_EXIT,
    CMD_FREE_DATA,
    CMD_GET_FREE_SIZES,
    CMD_GET_TIME,
    CMD_GET_VERSION,
    CMD_OPTIONS_RRQ,
    CMD_OPTIONS_WRQ,
    CMD_PREPARE_BUFFER,
    CMD_PREPARE_DATA,
    CMD_READ_BUFFER,
    CMD_REFRESHDATA,
    CMD_REFRESHOPTION,
    CMD_REG_EVENT,
    CMD_RESTART,
    CMD_SET_TIME,
    CMD_USER_WRQ,
    CMD_USERTEMP_RRQ,
    FCT_USER,
    TCP_MAGIC,
    UDP_DATA,
    USER6_FMT,
    USER6_SIZE,
    USER_FMT,
    USER_SIZE,
    Punch,
    User,
    _text,
    checksum,
    make_packet,
    tcp_frame,
)


@dataclass
class DeviceState:
    serial: str = "ZKEMU0000001"
    firmware: str = "Ver 6.60 Apr 28 2017"
    platform: str = "ZMM220_TFT"
    device_name: str = "OneCard K40 emulator"
    mac: str = "00:17:61:00:00:01"
    users: dict = field(default_factory=dict)  # uid -> User
    punches: list = field(default_factory=list)
    clock_offset: object = None  # timedelta: device time - host time
    enabled: bool = True
    inline_limit: int = 1024  # tables up to this size come back inline (CMD_DATA)
    strict_checksum: bool = False
    log: list = field(default_factory=list)  # (command, ok) per request
    bad_checksums: int = 0
    lock: object = field(default_factory=threading.Lock)

    def now(self):
        now = datetime.now().replace(microsecond=0)
        return now + self.clock_offset if self.clock_offset else now

    def add_punch(self, user_id, when, verify=4, punch=0):
        uid = next((u.uid for u in self.users.values() if u.user_id == user_id), 0)
        self.punches.append(Punch(uid, user_id, when, verify, punch))

    def options(self):
        return {
            "~SerialNumber": self.serial,
            "~Platform": self.platform,
            "~DeviceName": self.device_name,
            "MAC": self.mac,
            "~ZKFPVersion": "10",
            "~ZKFaceVersion": "0",
            "~ExtendFmt": "0",
            "~UserExtFmt": "0",
            "FaceFunOn": "0",
            "CompatOldFirmware": "0",
            "IPAddress": "127.0.0.1",
            "NetMask": "255.0.0.0",
            "GATEIPAddress": "0.0.0.0",
        }

    def sizes(self):
        fields = [0] * 20
        fields[4], fields[8] = len(self.users), len(self.punches)
        fields[14], fields[15], fields[16] = 3000, 3000, 100000
        fields[17], fields[18] = 3000, 3000 - len(self.users)
        fields[19] = 100000 - len(self.punches)
        return struct.pack("<20i", *fields) + struct.pack("<3i", 0, 0, 0)

    def table(self, command, fct):
        if command == CMD_ATTLOG_RRQ:
            rows = [p.pack() for p in self.punches]
        elif command in (CMD_USERTEMP_RRQ, CMD_DB_RRQ) and fct == FCT_USER:
            rows = [u.pack() for u in sorted(self.users.values(), key=lambda u: u.uid)]
        else:
            rows = []  # fingerprint templates: none in the emulator
        body = b"".join(rows)
        return struct.pack("<I", len(body)) + body


class Session:
    """Per connection (TCP) or per session id (UDP): the prepared read buffer."""

    def __init__(self, session_id):
        self.session_id = session_id
        self.buffer = b""


_JUST_OK = (CMD_CONNECT, CMD_EXIT, CMD_REFRESHDATA, CMD_REFRESHOPTION, CMD_REG_EVENT)
_JUST_OK += (CMD_RESTART, CMD_OPTIONS_WRQ)


def handle(state, session, command, payload):
    """One request -> list of (command, payload) answers, in order."""
    ok = [(CMD_ACK_OK, b"")]
    if command in _JUST_OK:
        return ok
    if command in (CMD_ENABLEDEVICE, CMD_DISABLEDEVICE):
        state.enabled = command == CMD_ENABLEDEVICE
        return ok
    if command == CMD_GET_VERSION:
        return [(CMD_ACK_OK, state.firmware.encode() + b"\x00")]
    if command == CMD_OPTIONS_RRQ:
        key = _text(payload)
        value = state.options().get(key)
        if value is None:
            return [(CMD_ACK_ERROR, b"")]
        return [(CMD_ACK_OK, f"{key}={value}".encode() + b"\x00")]
    if command == CMD_GET_FREE_SIZES:
        return [(CMD_ACK_OK, state.sizes())]
    if command == CMD_GET_TIME:
        return [(CMD_ACK_OK, struct.pack("<I", zk_encode_time(state.now())))]
    if command == CMD_SET_TIME and len(payload) >= 4:
        wanted = zk_decode_time(struct.unpack("<I", payload[:4])[0])
        state.clock_offset = wanted - datetime.now().replace(microsecond=0)
        return ok
    if command == CMD_USER_WRQ and len(payload) >= USER6_SIZE:
        user = User.unpack(payload)
        state.users[user.uid] = user
        return ok
    if command == CMD_DELETE_USER and len(payload) >= 2:
        uid = struct.unpack("<H", payload[:2])[0]
        return ok if state.users.pop(uid, None) else [(CMD_ACK_ERROR, b"")]
    if command in (CMD_CLEAR_ATTLOG, CMD_CLEAR_DATA):
        state.punches.clear()
        if command == CMD_CLEAR_DATA:
            state.users.clear()
        return ok
    if command in (CMD_PREPARE_BUFFER, CMD_READ_BUFFER, CMD_FREE_DATA):
        return _buffered(state, session, command, payload)
    return [(CMD_ACK_UNKNOWN, b"")]


def _buffered(state, session, command, payload):
    """Large reads: prepare a table, hand it out in chunks, free it."""
    if command == CMD_PREPARE_BUFFER and len(payload) >= 11:
        _flag, table_cmd, fct, _ext = struct.unpack("<bhii", payload[:11])
        data = state.table(table_cmd, fct)
        if len(data) <= state.inline_limit:
            return [(CMD_DATA, data)]
        session.buffer = data
        return [(CMD_ACK_OK, b"\x00" + struct.pack("<I", len(data)))]
    if command == CMD_READ_BUFFER and len(payload) >= 8:
        start, size = struct.unpack("<ii", payload[:8])
        chunk = session.buffer[start : start + size]
        if start < 0 or size <= 0 or not chunk:
            return [(CMD_ACK_ERROR, b"")]
        return [
            (CMD_PREPARE_DATA, struct.pack("<II", len(chunk), 0)),
            (CMD_DATA, chunk),
            (CMD_ACK_OK, b""),
        ]
    if command == CMD_FREE_DATA:
        session.buffer = b""
        return [(CMD_ACK_OK, b"")]
    return [(CMD_ACK_ERROR, b"")]


def _answer(state, session, packet):
    """Check one request packet, update the state, return the answer packets."""
    if len(packet) < 8:
        return []
    command, check, _session, reply = struct.unpack("<4H", packet[:8])
    payload = packet[8:]
    expected = checksum(struct.pack("<4H", command, 0, _session, reply) + payload)
    if check != expected:
        state.bad_checksums += 1
        if state.strict_checksum:
            return [make_packet(CMD_ACK_ERROR, session.session_id, reply)]
    with state.lock:
        answers = handle(state, session, command, payload)
        state.log.append((command, answers[0][0] in (CMD_ACK_OK, CMD_DATA)))
    return [make_packet(cmd, session.session_id, reply, data) for cmd, data in answers]


class _TcpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        state = self.server.state
        session = Session(self.server.next_session())
        sock = self.request
        sock.settimeout(self.server.idle_timeout)
        try:
            while True:
                head = self._read(8)
                if head is None or head[:4] != TCP_MAGIC:
                    return  # closed, or not our framing: real devices just hang up
                (length,) = struct.unpack("<I", head[4:])
                if not 8 <= length <= 1 << 20:
                    return
                packet = self._read(length)
                if packet is None:
                    return
                for answer in _answer(state, session, packet):
                    sock.sendall(tcp_frame(answer))
                if struct.unpack("<H", packet[:2])[0] == CMD_EXIT:
                    return
        except OSError:
            return

    def _read(self, size):
        data = b""
        while len(data) < size:
            more = self.request.recv(size - len(data))
            if not more:
                return None
            data += more
        return data


class _UdpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        packet, sock = self.request
        server = self.server
        if len(packet) < 8:
            return
        command, _check, session_id, _reply = struct.unpack("<4H", packet[:8])
        if command == CMD_CONNECT:
            session_id = server.next_session()
        session = server.sessions.setdefault(session_id, Session(session_id))
        previous = None
        for answer in _answer(server.state, session, packet):
            cmd, reply = struct.unpack("<H4xH", answer[:8])
            if cmd == CMD_DATA and previous == CMD_PREPARE_DATA:
                data = answer[
                    8:
                ]  # over UDP a chunk travels as 1024-byte CMD_DATA packets
                for start in range(0, len(data), UDP_DATA):
                    piece = make_packet(
                        CMD_DATA, session_id, reply, data[start : start + UDP_DATA]
                    )
                    sock.sendto(piece, self.client_address)
            else:
                sock.sendto(answer, self.client_address)
            previous = cmd
        if command == CMD_EXIT:
            server.sessions.pop(session_id, None)


class _Mixin:
    daemon_threads = True
    allow_reuse_address = True

    def next_session(self):
        with self.state.lock:
            self.session_counter = self.session_counter % 0xFFF0 + 1
            return 0x4A00 + self.session_counter % 0xB5F0


class _TcpServer(_Mixin, socketserver.ThreadingTCPServer):
    pass


class _UdpServer(_Mixin, socketserver.ThreadingUDPServer):
    pass


class Emulator:
    """``with Emulator() as emu: ZK("127.0.0.1", port=emu.port)``: TCP and UDP."""

    def __init__(self, state=None, host="127.0.0.1", port=0, udp=True, idle_timeout=30):
        self.state = state or DeviceState()
        self.servers = [_TcpServer((host, port), _TcpHandler)]
        self.port = self.servers[0].server_address[1]
        if udp:
            self.servers.append(_UdpServer((host, self.port), _UdpHandler))
        for server in self.servers:
            server.state, server.session_counter = self.state, 0
            server.idle_timeout, server.sessions = idle_timeout, {}
        self.threads = []

    def start(self):
        for server in self.servers:
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            thread.start()
            self.threads.append(thread)
        return self

    def stop(self):
        for server in self.servers:
            server.shutdown()
            server.server_close()
        for thread in self.threads:
            thread.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv=None):
    import argparse
    import time

    parser = argparse.ArgumentParser(description="ZKTeco standalone device emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4370)
    parser.add_argument("--serial", default="ZKEMU0000001")
    parser.add_argument(
        "--seconds", type=float, default=0, help="stop after (0: never)"
    )
    args = parser.parse_args(argv)
    emulator = Emulator(DeviceState(serial=args.serial), args.host, args.port).start()
    out = sys.stdout
    out.write(
        f"ZKTeco emulator {args.serial} on {args.host}:{emulator.port} (TCP+UDP)\n"
    )
    out.flush()
    deadline = time.monotonic() + args.seconds if args.seconds else None
    try:
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.2)
    except KeyboardInterrupt:
        out.write("interrupted\n")
    finally:
        emulator.stop()
    state = emulator.state
    out.write(
        f"requests: {len(state.log)}, users: {len(state.users)}, "
        f"punches: {len(state.punches)}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
