"""OneCard card UIDs <-> card numbers as ZKTeco devices show and store them.

Our UID is the normalised upper-case hex of the bytes in the order the reader
returns them (onecard_consume/tools/card_uid.py: 4 to 10 bytes). ZKTeco devices
keep a card as a decimal number (``Card=`` in PUSH, a 32-bit field in the
standalone protocol). Which number a device derives from the same card depends
on its reader, so the conversion is chosen per device:

``dec_le32``  first 4 UID bytes read as a little-endian 32-bit integer (the most
              common: built-in 13.56 MHz readers that "reverse" the UID);
``dec_be32``  first 4 UID bytes as a big-endian 32-bit integer;
``wg26``      Wiegand 26: 3 bytes (facility code, 16-bit card number) -> a decimal
              number = facility * 65536 + number (what the device stores; shown on
              some screens as ``FFF,NNNNN``): the last 3 bytes of the big-endian form;
``wg34``      Wiegand 34: 4 bytes big-endian, the same number as ``dec_be32``.

Only 4-byte UIDs convert exactly; longer UIDs (7-byte) are truncated to their
first 4 bytes by the readers (``truncate`` below says whether to allow it).
"""

import re

FORMATS = ("dec_le32", "dec_be32", "wg26", "wg34")
_HEX = re.compile(r"^[0-9A-F]+$")


class CardNoError(ValueError):
    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def normalize_uid(raw):
    """The tiny part of onecard_consume/tools/card_uid.py we need (same rules)."""
    if raw is None:
        return None
    if isinstance(raw, bytes | bytearray):
        return raw.hex().upper() or None
    text = str(raw).strip().upper()
    if text.startswith("0X"):
        text = text[2:]
    text = re.sub(r"[\s:\-]", "", text)
    if not text or not _HEX.match(text) or len(text) % 2 or not 8 <= len(text) <= 20:
        return None
    return text


def _check_format(fmt):
    if fmt not in FORMATS:
        raise CardNoError("bad_format", repr(fmt))


def uid_to_device(uid, fmt="dec_le32", truncate=True):
    """Normalised UID (hex) -> the decimal card number string the device uses."""
    _check_format(fmt)
    norm = normalize_uid(uid)
    if norm is None:
        raise CardNoError("bad_uid", repr(uid))
    data = bytes.fromhex(norm)
    if len(data) > 4 and not truncate:
        raise CardNoError("uid_too_long", norm)
    head = data[:4]
    if fmt == "dec_le32":
        return str(int.from_bytes(head, "little"))
    if fmt == "wg26":
        return str(int.from_bytes(head[1:], "big"))
    return str(int.from_bytes(head, "big"))


def device_to_uid(card, fmt="dec_le32"):
    """Device card number -> normalised UID, or None for "no card" (0 / empty).

    For ``wg26`` the first UID byte is not transmitted by the reader; the UID is
    returned as 4 bytes with a leading ``00`` so it matches cards enrolled from a
    Wiegand 26 reader (store them that way).
    """
    _check_format(fmt)
    text = str(card).strip() if card is not None else ""
    if text in ("", "0", "[0000000000]"):
        return None
    if text.startswith("[") and text.endswith(
        "]"
    ):  # some firmware: [hex] in USER lines
        text = text[1:-1]
        try:
            number = int.from_bytes(bytes.fromhex(text)[:4][::-1], "big")
        except ValueError as exc:
            raise CardNoError("bad_card", repr(card)) from exc
    elif text.isascii() and text.isdigit():
        number = int(text)
    else:
        raise CardNoError("bad_card", repr(card))
    limit = 1 << (24 if fmt == "wg26" else 32)
    if not 0 < number < limit:
        raise CardNoError("card_out_of_range", text)
    if fmt == "dec_le32":
        return number.to_bytes(4, "little").hex().upper()
    return number.to_bytes(4, "big").hex().upper()


def wg26_display(card):
    """``FFF,NNNNN`` (facility, number) as printed on Wiegand 26 cards."""
    number = int(card)
    return f"{number >> 16:03d},{number & 0xFFFF:05d}"
