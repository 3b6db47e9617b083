"""The desk reader agent against the real PC/SC stack: pcscd + vpcd + our virtual card.

Each test starts its own pcscd (see conftest.py); the agent talks to it through
pyscard / libpcsclite exactly as on a desk PC, and POSTs to a fake Odoo.
"""

import json
import time

GET_UID = bytes.fromhex("FFCA000000")
TOKEN = "test-token-123"


def _posts(odoo):
    return [
        (r["path"], r["headers"].get("Authorization"), json.loads(r["body"]))
        for r in odoo.requests
    ]


def test_card_put_on_reader_is_delivered(pcscd, odoo, agent):
    run = agent("--once", "--timeout", "20")
    run.wait_for("waiting for a card")
    with pcscd.card("04A1B2C3D4E5F6") as card:
        assert run.wait() == 0, run.log()
    assert _posts(odoo) == [
        ("/onecard/desk/reader", "Bearer " + TOKEN, {"uid": "04A1B2C3D4E5F6"})
    ]
    assert odoo.requests[0]["headers"]["Content-Type"] == "application/json"
    assert GET_UID in card.apdus
    log = run.log()
    assert "card inserted on {} 00 00".format("OneCard Test PCD") in log
    assert "card UID 04A1B2C3D4E5F6 read" in log and "delivered" in log
    assert TOKEN not in log  # the token is never logged


def test_card_already_on_reader_at_start(pcscd, odoo, agent):
    with pcscd.card("A1B2C3D4"):
        time.sleep(0.5)  # pcscd powers the card up
        run = agent("--once", "--timeout", "20")
        assert run.wait() == 0, run.log()
    assert _posts(odoo) == [
        ("/onecard/desk/reader", "Bearer " + TOKEN, {"uid": "A1B2C3D4"})
    ]


def test_no_card_nothing_sent(pcscd, odoo, agent):
    run = agent("--once", "--timeout", "2")
    assert run.wait() == 2, run.log()
    assert odoo.requests == []
    assert "no card within 2.0s" in run.log()


def test_card_refusing_get_uid_nothing_sent(pcscd, odoo, agent):
    run = agent("--once", "--timeout", "20")
    run.wait_for("waiting for a card")
    with pcscd.card("04A1B2C3", sw="6A81") as card:
        assert run.wait() == 1, run.log()
    assert GET_UID in card.apdus
    assert odoo.requests == []
    log = run.log()
    assert "SW 6A 81" in log and "nothing sent" in log


def test_odoo_refusing_the_token_is_logged(pcscd, odoo, agent):
    odoo.status = 401
    run = agent("--once", "--timeout", "20", token="revoked-token")
    run.wait_for("waiting for a card")
    with pcscd.card("04A1B2C3"):
        assert run.wait() == 1, run.log()
    assert _posts(odoo) == [
        ("/onecard/desk/reader", "Bearer revoked-token", {"uid": "04A1B2C3"})
    ]
    assert "Odoo refused the token (401 unauthorized" in run.log()


def test_same_card_put_back_quickly_is_sent_once(pcscd, odoo, agent):
    run = agent("--timeout", "6", "--debounce", "30")
    run.wait_for("waiting for a card")
    with pcscd.card("04A1B2C3"):
        run.wait_for("card 04A1B2C3 delivered")
    mark = run.mark()
    run.wait_for("card removed", after=mark)
    with pcscd.card("04A1B2C3"):
        run.wait_for("ignored (debounce)")
    mark = run.mark()
    run.wait_for("card removed", after=mark)
    with pcscd.card("04D5E6F7"):  # another card is not held back
        run.wait_for("card 04D5E6F7 delivered")
    assert run.wait() == 2, run.log()  # no --once: runs until --timeout
    assert [body["uid"] for _path, _auth, body in _posts(odoo)] == [
        "04A1B2C3",
        "04D5E6F7",
    ]


def test_agent_reconnects_when_pcscd_restarts(pcscd, odoo, agent):
    run = agent("--once", "--timeout", "30")
    run.wait_for("waiting for a card")
    pcscd.stop()
    run.wait_for("PC/SC service lost")
    time.sleep(1)  # a few failed reconnection attempts
    mark = run.mark()
    pcscd.start()
    run.wait_for("waiting for a card", timeout=15, after=mark)
    with pcscd.card("04C0FFEE"):
        assert run.wait() == 0, run.log()
    assert _posts(odoo) == [
        ("/onecard/desk/reader", "Bearer " + TOKEN, {"uid": "04C0FFEE"})
    ]


def test_agent_waits_for_pcscd_at_start(pcscd, odoo, agent):
    pcscd.stop()
    run = agent("--once", "--timeout", "30")
    run.wait_for("PC/SC service not available")
    pcscd.start()
    run.wait_for("waiting for a card", timeout=15)
    with pcscd.card("04A1B2C3"):
        assert run.wait() == 0, run.log()
    assert [body["uid"] for _path, _auth, body in _posts(odoo)] == ["04A1B2C3"]
