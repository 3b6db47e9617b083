#!/usr/bin/env python3
"""A virtual contactless card for vsmartcard's vpcd reader driver (pure Python, no
dependency).

vpcd (Debian package vsmartcard-vpcd) is a PC/SC reader driver loaded by
pcscd; each of its slots listens on a TCP port (35963 and 35964 by default,
see /etc/reader.conf.d/vpcd) for a "virtual ICC". A card is "on the reader"
while a virtual ICC is connected. The vicc protocol: every message is a
2-byte big-endian length and a payload; a 1-byte payload from vpcd is a
control message (0x00 power off, 0x01 power on, 0x02 reset, 0x04 get ATR,
only the last one is answered, with the ATR); anything longer is a command
APDU, answered with a response APDU.

This card answers the PC/SC "get UID" APDU FF CA 00 00 00 with its UID and
``90 00`` (or with a configured error status word, to test refusals), and any
other APDU with ``6D 00`` (instruction not supported).

    python3 tests/pcsc/virtual_card.py --port 35963 --uid 04A1B2C3D4E5F6
    python3 tests/pcsc/virtual_card.py --uid 04A1B2C3 --sw 6A81      # refuses GET UID
"""

import argparse
import socket
import struct
import threading
import time

# A PC/SC part 3 contactless storage card ATR (MIFARE Classic 1K, as ACR122 / most
# readers report it).
DEFAULT_ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")
GET_UID = bytes.fromhex("FFCA000000")
POWER_OFF, POWER_ON, RESET, GET_ATR = 0x00, 0x01, 0x02, 0x04


class VirtualCard:
    """Connects to vpcd on ``host:port`` and answers until stop() (or until vpcd closes
    the connection)."""

    def __init__(self, uid, host="127.0.0.1", port=35963, atr=DEFAULT_ATR, sw=None):
        self.uid = bytes.fromhex(uid) if isinstance(uid, str) else bytes(uid)
        self.host, self.port, self.atr = host, port, bytes(atr)
        self.sw = (
            bytes.fromhex(sw) if isinstance(sw, str) else sw
        )  # error SW for GET UID, e.g. "6A81"
        self.apdus = []  # command APDUs received, for the tests
        self.controls = []  # control bytes received
        self.connected = threading.Event()
        self._sock = None
        self._stop = threading.Event()
        self._thread = None

    # --- protocol ------------------------------------------------------------
    def answer(self, apdu):
        if apdu[:4] == GET_UID[:4] and len(apdu) == 5:
            if self.sw:
                return self.sw
            return self.uid + b"\x90\x00"
        return b"\x6d\x00"

    def _recv_exact(self, size):
        data = b""
        while len(data) < size:
            chunk = self._sock.recv(size - len(data))
            if not chunk:
                raise ConnectionError("vpcd closed the connection")
            data += chunk
        return data

    def _send(self, payload):
        self._sock.sendall(struct.pack(">H", len(payload)) + payload)

    def serve(self):
        """Answer vpcd until the connection closes or stop() is called."""
        while not self._stop.is_set():
            try:
                (length,) = struct.unpack(">H", self._recv_exact(2))
                payload = self._recv_exact(length)
            except (ConnectionError, OSError):
                return
            if length == 1:
                self.controls.append(payload[0])
                if payload[0] == GET_ATR:
                    self._send(self.atr)
                # power off / power on / reset: nothing to answer
            else:
                self.apdus.append(payload)
                self._send(self.answer(payload))

    # --- life cycle ------------------------------------------------------------
    def connect(self, timeout=10.0):
        """Connect to vpcd (retrying while pcscd starts); the card is then
        "inserted"."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._sock = socket.create_connection((self.host, self.port), timeout=2)
                self._sock.settimeout(None)
                self.connected.set()
                return self
            except OSError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.1)

    def start(self, timeout=10.0):
        """Connect and serve in a background thread."""
        self.connect(timeout)
        self._thread = threading.Thread(
            target=self.serve, name="virtual-card", daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        """Disconnect: the card is "removed" from the reader."""
        self._stop.set()
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._sock.close()
        if self._thread is not None:
            self._thread.join(5)
        self.connected.clear()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=35963, help="vpcd slot port (default 35963)"
    )
    parser.add_argument(
        "--uid", default="04A1B2C3D4E5F6", help="card UID in hexadecimal"
    )
    parser.add_argument("--atr", default=DEFAULT_ATR.hex(), help="ATR in hexadecimal")
    parser.add_argument(
        "--sw", help="answer GET UID with this status word instead (e.g. 6A81)"
    )
    args = parser.parse_args()
    card = VirtualCard(args.uid, args.host, args.port, bytes.fromhex(args.atr), args.sw)
    card.connect(timeout=30)
    print(
        f"virtual card {card.uid.hex().upper()} on vpcd {args.host}:{args.port} "
        f"(Ctrl-C removes it)",
        flush=True,
    )
    try:
        card.serve()
    except KeyboardInterrupt:
        pass
    finally:
        card.stop()


if __name__ == "__main__":
    main()
