"""Card numbers (UID <-> ZKTeco decimal) and device clocks."""

from datetime import datetime, timedelta

import pytest

from onecard_devices.zkteco import cardno as C
from onecard_devices.zkteco import clock as K

REASONS = ("bad_uid", "uid_too_long", "bad_card", "card_out_of_range", "bad_format")

# UID as read (hex, reader order) -> the number each kind of device shows
KNOWN = [
    ("A1B2C3D4", "dec_le32", "3569595041"),  # 0xD4C3B2A1
    ("A1B2C3D4", "dec_be32", "2712847316"),  # 0xA1B2C3D4
    ("A1B2C3D4", "wg34", "2712847316"),
    ("A1B2C3D4", "wg26", "11715540"),  # 0xB2C3D4: facility 178, number 50132
    ("04A2246B", "dec_le32", "1797562884"),  # 0x6B24A204
    ("04A2246B", "dec_be32", "77735019"),
    ("24A494C3", "dec_le32", "3281298468"),  # the card of the simulator tests
    ("00000001", "dec_be32", "1"),
    ("FFFFFFFF", "dec_le32", "4294967295"),
]


@pytest.mark.parametrize("uid, fmt, number", KNOWN)
def test_known_examples(uid, fmt, number):
    assert C.uid_to_device(uid, fmt) == number
    back = C.device_to_uid(number, fmt)
    assert back == (("00" + uid[2:]) if fmt == "wg26" else uid)


@pytest.mark.parametrize(
    "raw",
    [
        "a1:b2:c3:d4",
        "0xA1B2C3D4",
        "a1-b2-c3-d4",
        " A1 B2 C3 D4 ",
        bytes.fromhex("A1B2C3D4"),
    ],
)
def test_uid_forms_are_normalised_first(raw):
    assert C.uid_to_device(raw, "dec_le32") == "3569595041"


def test_seven_byte_uid_is_truncated_like_readers_do_unless_refused():
    assert C.uid_to_device("04A2246B1C5D80", "dec_le32") == "1797562884"
    with pytest.raises(C.CardNoError) as err:
        C.uid_to_device("04A2246B1C5D80", "dec_le32", truncate=False)
    assert err.value.reason == "uid_too_long"


@pytest.mark.parametrize("fmt", C.FORMATS)
def test_exhaustive_round_trip_on_byte_patterns(fmt):
    for a in range(0, 256, 17):
        for b in (0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF):
            uid = bytes([a, b, 255 - a, b ^ 0x5A]).hex().upper()
            number = C.uid_to_device(uid, fmt)
            assert number.isdigit()
            expected = "00" + uid[2:] if fmt == "wg26" else uid
            if expected == "00000000":
                assert C.device_to_uid(number, fmt) is None
            else:
                assert C.device_to_uid(number, fmt) == expected


@pytest.mark.parametrize(
    "card, fmt, reason",
    [
        ("12ab", "dec_le32", "bad_card"),
        ("-5", "dec_le32", "bad_card"),
        ("4294967296", "dec_le32", "card_out_of_range"),
        ("16777216", "wg26", "card_out_of_range"),
        ("1", "hex", "bad_format"),
    ],
)
def test_bad_device_cards(card, fmt, reason):
    with pytest.raises(C.CardNoError) as err:
        C.device_to_uid(card, fmt)
    assert err.value.reason == reason


@pytest.mark.parametrize("uid", ["", "A1B2C3", "XYZ", "A1B2C3D", None, "00" * 11])
def test_bad_uids(uid):
    with pytest.raises(C.CardNoError) as err:
        C.uid_to_device(uid)
    assert err.value.reason == "bad_uid"


def test_no_card_and_bracket_hex():
    assert C.device_to_uid("0") is None and C.device_to_uid("") is None
    assert C.device_to_uid(None) is None and C.device_to_uid("[0000000000]") is None
    assert C.device_to_uid("[A1B2C3D400]", "dec_le32") == "A1B2C3D4"
    assert C.wg26_display("11715540") == "178,50132"


# ------------------------------------------------------------------ clocks
@pytest.mark.parametrize(
    "tz, local, utc",
    [
        (8, "2026-12-02 12:00:00", datetime(2026, 12, 2, 4, 0, 0)),
        (0, "2026-12-02 12:00:00", datetime(2026, 12, 2, 12, 0, 0)),
        (-5, "2026-12-31 22:30:00", datetime(2027, 1, 1, 3, 30, 0)),
        (5.5, "2026-12-02 05:00:00", datetime(2026, 12, 1, 23, 30, 0)),
        ("+0545", "2026-12-02 05:45:00", datetime(2026, 12, 2, 0, 0, 0)),
        ("Asia/Shanghai", "2026-12-02 12:00:00", datetime(2026, 12, 2, 4, 0, 0)),
        ("Europe/Berlin", "2026-07-01 12:00:00", datetime(2026, 7, 1, 10, 0, 0)),  # DST
        ("Europe/Berlin", "2026-01-01 12:00:00", datetime(2026, 1, 1, 11, 0, 0)),
    ],
)
def test_device_time_to_utc_and_back(tz, local, utc):
    parsed = K.parse_device_time(local)
    assert K.device_to_utc(parsed, tz) == utc
    assert K.utc_to_device(utc, tz) == parsed


@pytest.mark.parametrize("tz", [15, -13, "Mars/Olympus", "", None, True])
def test_bad_time_zones(tz):
    with pytest.raises(K.ClockError) as err:
        K.device_tzinfo(tz)
    assert err.value.reason == "bad_timezone"


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30 10:00:00",
        "2026-12-02T12:00:00",
        "2026-12-02",
        "2026-12-02 12:00:00.5",
        "",
        "12:00:00 2026-12-02",
    ],
)
def test_bad_device_times(text):
    with pytest.raises(K.ClockError) as err:
        K.parse_device_time(text)
    assert err.value.reason == "bad_time"


def test_plausibility_window():
    now = datetime(2026, 12, 2, 4, 0, 0)
    assert K.plausibility(now, now) is None
    assert K.plausibility(now - timedelta(days=30), now) is None
    assert K.plausibility(now - timedelta(days=32), now) == "time_in_past"
    assert K.plausibility(now + timedelta(minutes=11), now) == "time_in_future"
    assert (
        K.plausibility(now + timedelta(hours=1), now, future=timedelta(hours=2)) is None
    )


@pytest.mark.parametrize(
    "value, number",
    [
        (datetime(2000, 1, 1, 0, 0, 0), 0),
        (datetime(2000, 1, 1, 0, 0, 1), 1),
        (datetime(2000, 2, 1, 0, 0, 0), 31 * 86400),  # every month is 31 days long
        (datetime(2001, 1, 1, 0, 0, 0), 12 * 31 * 86400),
        (datetime(2026, 12, 2, 11, 30, 15), ((26 * 12 + 11) * 31 + 1) * 86400 + 41415),
    ],
)
def test_zk_time_encoding(value, number):
    assert K.zk_encode_time(value) == number
    assert K.zk_decode_time(number) == value


def test_zk_time_limits():
    with pytest.raises(K.ClockError):
        K.zk_encode_time(datetime(1999, 12, 31))
    with pytest.raises(K.ClockError):  # "February 30th" exists in ZK's calendar only
        K.zk_decode_time(K.zk_encode_time(datetime(2026, 2, 28)) + 2 * 86400)


def test_hypothesis_card_conversions_only_raise_their_error():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=500, deadline=None)
    @given(
        st.one_of(st.text(max_size=24), st.binary(max_size=12), st.none()),
        st.sampled_from(C.FORMATS),
    )
    def run(value, fmt):
        for call in (C.uid_to_device, C.device_to_uid):
            try:
                call(value, fmt)
            except C.CardNoError as exc:
                assert exc.reason in REASONS

    run()
