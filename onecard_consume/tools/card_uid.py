import re

_HEX = re.compile(r"^[0-9A-F]+$")


def normalize_uid(raw):
    """Return the canonical upper-case hex form of a card UID, or None.

    Readers disagree on format: keyboard wedges type ``04:a1:b2:c3``, PC/SC
    returns bytes, some terminals send decimal. We accept separators and a
    ``0x`` prefix; a purely decimal string longer than the hex form of a
    4-byte UID is left as hex (ambiguous input is never guessed at).
    """
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
