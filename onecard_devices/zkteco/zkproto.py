"""The ZK standalone protocol's wire format (TCP/UDP 4370), after the public manuals.

Packets: an 8-byte little-endian header (command, checksum, session id, reply id)
and a payload; over TCP each packet is prefixed with ``50 50 82 7D`` and its length
(32-bit). Records: the 72-byte user and 40-byte attendance layouts of firmware
6.60+ ("ZK8"); the 28-byte user of older firmware is read too.
"""

import struct
from dataclasses import dataclass
from datetime import datetime

from .clock import zk_encode_time

CMD_DB_RRQ, CMD_USER_WRQ, CMD_USERTEMP_RRQ = 7, 8, 9
CMD_OPTIONS_RRQ, CMD_OPTIONS_WRQ, CMD_ATTLOG_RRQ = 11, 12, 13
CMD_CLEAR_DATA, CMD_CLEAR_ATTLOG, CMD_DELETE_USER = 14, 15, 18
CMD_GET_FREE_SIZES, CMD_GET_TIME, CMD_SET_TIME, CMD_REG_EVENT = 50, 201, 202, 500
CMD_CONNECT, CMD_EXIT, CMD_ENABLEDEVICE, CMD_DISABLEDEVICE = 1000, 1001, 1002, 1003
CMD_RESTART, CMD_REFRESHDATA, CMD_REFRESHOPTION = 1004, 1013, 1014
CMD_GET_VERSION = 1100
CMD_PREPARE_DATA, CMD_DATA, CMD_FREE_DATA = 1500, 1501, 1502
CMD_PREPARE_BUFFER, CMD_READ_BUFFER = 1503, 1504
CMD_ACK_OK, CMD_ACK_ERROR, CMD_ACK_UNKNOWN = 2000, 2001, 0xFFFF
FCT_USER = 5
TCP_MAGIC = b"\x50\x50\x82\x7d"
USER_FMT, USER_SIZE = "<HB8s24sIx7sx24s", 72
USER6_FMT, USER6_SIZE = "<HB5s8sIxBhI", 28  # the older (ZK6) layout, accepted on write
ATT_FMT, ATT_SIZE = "<H24sB4sB8s", 40
UDP_DATA = 1024  # payload of one CMD_DATA packet over UDP


def checksum(packet):
    """One's complement sum of the packet's 16-bit little-endian words (manual 1.1)."""
    if len(packet) % 2:
        packet += b"\x00"
    total = sum(struct.unpack(f"<{len(packet) // 2}H", packet))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def make_packet(command, session, reply, payload=b""):
    head = struct.pack("<4H", command, 0, session, reply)
    head = struct.pack("<4H", command, checksum(head + payload), session, reply)
    return head + payload


def tcp_frame(packet):
    return TCP_MAGIC + struct.pack("<I", len(packet)) + packet


def _text(raw):
    return raw.split(b"\x00")[0].decode("utf-8", "replace")


@dataclass
class User:
    uid: int
    user_id: str
    name: str = ""
    card: int = 0
    privilege: int = 0
    password: str = ""
    group: str = ""

    def pack(self):
        return struct.pack(
            USER_FMT,
            self.uid,
            self.privilege,
            self.password.encode()[:8],
            self.name.encode()[:24],
            self.card,
            self.group.encode()[:7],
            self.user_id.encode()[:24],
        )

    @classmethod
    def unpack(cls, raw):
        if len(raw) < USER_SIZE:
            uid, pri, pwd, name, card, group, _tz, pin2 = struct.unpack(
                USER6_FMT, raw[:28]
            )
            return cls(uid, str(pin2), _text(name), card, pri, _text(pwd), str(group))
        uid, pri, pwd, name, card, group, user_id = struct.unpack(
            USER_FMT, raw[:USER_SIZE]
        )
        return cls(
            uid, _text(user_id), _text(name), card, pri, _text(pwd), _text(group)
        )


@dataclass
class Punch:
    uid: int
    user_id: str
    time: datetime
    verify: int = 1  # how the user was identified (1 fingerprint, 4 card ...)
    punch: int = 0  # check-in / check-out state

    def pack(self):
        return struct.pack(
            ATT_FMT,
            self.uid,
            self.user_id.encode()[:24],
            self.verify,
            struct.pack("<I", zk_encode_time(self.time)),
            self.punch,
            b"",
        )
