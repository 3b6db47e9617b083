"""Message set round trips and the documented bytes of the sequence epoch messages
(pure Python, no Odoo)."""

import pytest

from onecard_devices.lib import frame as fr
from onecard_devices.lib import messages as M

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
