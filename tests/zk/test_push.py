"""PUSH requests -> messages, responses, commands (examples after the public docs)."""

from datetime import datetime, timedelta

import pytest

from onecard_devices.zkteco import build as B
from onecard_devices.zkteco import push as P

SN = "0316144680030"


def req(method, path, query, body=b"", ctype="text/plain", ctx=None):
    return P.parse_request(method, path, query, body, ctype, ctx)


def test_registration_and_option_block():
    msg = req("GET", "/iclock/cdata", f"SN={SN}&options=all&pushver=2.4.1&language=69")
    assert msg == P.Registration(SN, "all", "2.4.1", "69", msg.query)
    block = B.option_block(SN, attlog_stamp="9999", operlog_stamp="1234", timezone=8)
    assert block == (
        f"GET OPTION FROM: {SN}\nATTLOGStamp=9999\nOPERLOGStamp=1234\n"
        "ATTPHOTOStamp=None\n"
        "ErrorDelay=30\nDelay=10\nTransTimes=00:00;14:05\nTransInterval=1\n"
        "TransFlag=TransData AttLog OpLog EnrollUser ChgUser\nTimeZone=8\nRealtime=1\n"
        "Encrypt=0\n"
    )
    assert isinstance(
        req("GET", "/iclock/cdata.aspx", f"SN={SN}&options=all"), P.Registration
    )


def test_http_framing():
    resp = B.response(B.ok(2), now=0)
    raw = resp.to_bytes()
    assert raw.startswith(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
    )
    assert b"Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n" in raw and raw.endswith(
        b"\r\n\r\nOK: 2"
    )


def test_attlog_upload_with_time_zone_and_flags():
    body = (
        b"1001\t2026-12-02 11:45:00\t0\t1\t0\t0\t0\n"
        b"1002\t2026-12-02 11:46:30\t1\t4\t\t0\t0\r\n"
        b"\n"
        b"1003\t2026-10-01 08:00:00\t0\t1\n"
        b"1004\t2026-12-02 13:00:00\n"
        b"9999\t2026-12-02 11:47:00\t0\t1\n"
    )
    ctx = P.Context(
        tz=8, now=datetime(2026, 12, 2, 3, 50), is_known_pin=lambda p: p != "9999"
    )
    msg = req(
        "POST", "/iclock/cdata", f"SN={SN}&table=ATTLOG&Stamp=9999", body, ctx=ctx
    )
    assert (
        msg.sn == SN and msg.stamp == "9999" and msg.errors == [] and msg.accepted == 5
    )
    first, second, old, future, stranger = msg.records
    assert (first.pin, first.time, first.status, first.verify, first.workcode) == (
        "1001",
        datetime(2026, 12, 2, 11, 45),
        0,
        1,
        "0",
    )
    assert first.utc == datetime(2026, 12, 2, 3, 45) and first.flag == ""
    assert (second.status, second.verify, second.workcode, second.line_no) == (
        1,
        4,
        "0",
        2,
    )
    assert old.flag == "time_in_past" and future.flag == "time_in_future"
    assert stranger.flag == "unknown_pin"
    assert B.ok(msg.accepted) == "OK: 5"


@pytest.mark.parametrize(
    "line, reason",
    [
        (b"1001", "truncated_line"),
        (b"1001 2026-12-02 11:45:00", "truncated_line"),  # spaces, not tabs
        (b"\t2026-12-02 11:45:00\t0\t1", "bad_pin"),
        (b"10 01\t2026-12-02 11:45:00", "bad_pin"),
        (b"x" * 30 + b"\t2026-12-02 11:45:00", "bad_pin"),
        (b"1001\t2026-12-02 11:45", "bad_time"),
        (b"1001\t2026-13-02 11:45:00", "bad_time"),
        (b"1001\t\t0\t1", "bad_time"),
        (b"1001\t2026-12-02 11:45:00\tin\t1", "bad_field"),
        (b"1001\t2026-12-02 11:45:00\t0\tcard", "bad_field"),
    ],
)
def test_bad_attlog_lines_are_reported_per_line(line, reason):
    body = (
        b"1001\t2026-12-02 11:40:00\t0\t1\n"
        + line
        + b"\n1002\t2026-12-02 11:41:00\t0\t1\n"
    )
    msg = req("POST", "/iclock/cdata", f"SN={SN}&table=ATTLOG", body)
    assert [r.pin for r in msg.records] == ["1001", "1002"]
    assert [(e.line_no, e.reason) for e in msg.errors] == [(2, reason)]
    assert set(e.reason for e in msg.errors) <= set(P.LINE_REASONS)


def test_truncated_body_keeps_the_complete_lines():
    body = b"1001\t2026-12-02 11:40:00\t0\t1\n1002\t2026-12-0"
    msg = req("POST", "/iclock/cdata", f"SN={SN}&table=ATTLOG", body)
    assert len(msg.records) == 1 and msg.errors[0].reason == "bad_time"


def test_operlog_users_oplogs_fingerprints():
    body = (
        "USER PIN=1001\tName=李雷\tPri=0\tPasswd=\tCard=3281298468\tGrp=1\t"
        "TZ=0000000000000000\n"
        "OPLOG 4\t0\t2026-12-02 11:00:00\t0\t0\t0\t0\n"
        "FP PIN=1001\tFID=6\tSize=1184\tValid=1\tTMP=ocosgoulTUEdNKVRwRQ0I27BDTE\n"
        "USERPIC PIN=1001\tFileName=1001.jpg\tSize=10\tContent=AAAA\n"
        "USER Name=nobody\n"
        "OPLOG 4\t0\tyesterday\n"
        "OPLOG 4\n"
        "HELLO world\n"
    ).encode()
    msg = req("POST", "/iclock/cdata", f"SN={SN}&table=OPERLOG&OpStamp=77", body)
    assert msg.stamp == "77" and msg.ignored == 1 and msg.accepted == 4
    (user,) = msg.users
    assert (user.pin, user.name, user.card, user.pri) == (
        "1001",
        "李雷",
        "3281298468",
        0,
    )
    assert msg.oplogs[0].op == 4 and msg.oplogs[0].time == datetime(2026, 12, 2, 11)
    assert (msg.fingerprints[0].fid, msg.fingerprints[0].size) == (6, 1184)
    assert [(e.line_no, e.reason) for e in msg.errors] == [
        (5, "bad_pin"),
        (6, "bad_time"),
        (7, "truncated_line"),
        (8, "unknown_line_type"),
    ]


def test_gbk_names_from_older_firmware():
    body = "USER PIN=7\tName=韩梅梅\tCard=0".encode("gb18030")
    assert (
        req("POST", "/iclock/cdata", f"SN={SN}&table=OPERLOG", body).users[0].name
        == "韩梅梅"
    )


def test_poll_results_ping_options_and_ignored_tables():
    poll = req(
        "GET", "/iclock/getrequest", f"SN={SN}&INFO=Ver%206.60,12,3,450,10.0.0.9"
    )
    assert poll.info == {
        "firmware": "Ver 6.60",
        "users": "12",
        "fingerprints": "3",
        "records": "450",
        "ip": "10.0.0.9",
    }
    assert req("GET", "/iclock/getrequest", f"SN={SN}").info == {}
    body = (
        b"ID=101&Return=0&CMD=DATA\nID=102&Return=-1002&CMD=DATA\n"
        b"ID=&Return=0\nID=9&Return=x\nReturn=0\n"
    )
    res = req("POST", "/iclock/devicecmd", f"SN={SN}", body)
    assert [(r.id, r.return_code, r.cmd) for r in res.results] == [
        ("101", 0, "DATA"),
        ("102", -1002, "DATA"),
    ]
    assert [(e.line_no, e.reason) for e in res.errors] == [
        (3, "bad_field"),
        (4, "bad_field"),
        (5, "truncated_line"),
    ]
    assert req("GET", "/iclock/ping", f"SN={SN}") == P.Ping(SN)
    opts = req(
        "POST",
        "/iclock/cdata",
        f"SN={SN}&table=options",
        b"~DeviceName=K40,MAC=00:17:61:12:34:56,FWVersion=Ver 6.60 Apr 28 2017",
    )
    assert (
        opts.options["MAC"] == "00:17:61:12:34:56"
        and opts.options["~DeviceName"] == "K40"
    )
    photo = req(
        "POST",
        "/iclock/cdata",
        f"SN={SN}&table=ATTPHOTO",
        b"\xff\xd8\x00jpeg",
        "image/jpeg",
    )
    assert photo == P.IgnoredUpload(SN, "ATTPHOTO", 7)


@pytest.mark.parametrize(
    "method, path, query, body, ctype, reason",
    [
        ("PUT", "/iclock/cdata", f"SN={SN}", b"", "text/plain", "bad_method"),
        ("POST", "/iclock/getrequest", f"SN={SN}", b"", "text/plain", "bad_method"),
        ("GET", "/iclock/devicecmd", f"SN={SN}", b"", "", "bad_method"),
        ("GET", "/iclock/registry", f"SN={SN}", b"", "", "unknown_path"),
        ("GET", "/cdata", f"SN={SN}", b"", "", "unknown_path"),
        ("GET", "/iclock/cdata", "options=all", b"", "", "missing_serial"),
        ("GET", "/iclock/cdata", "SN=", b"", "", "missing_serial"),
        ("GET", "/iclock/cdata", "SN=abc%20def", b"", "", "bad_serial"),
        ("GET", "/iclock/cdata", "SN=" + "A" * 33, b"", "", "bad_serial"),
        (
            "GET",
            "/iclock/cdata",
            "&".join(f"k{i}=v" for i in range(100)),
            b"",
            "",
            "bad_query",
        ),
        (
            "POST",
            "/iclock/cdata",
            f"SN={SN}&table=ATTLOG",
            b"x" * (P.MAX_BODY + 1),
            "text/plain",
            "body_too_large",
        ),
        (
            "POST",
            "/iclock/cdata",
            f"SN={SN}&table=ATTLOG",
            b"{}",
            "application/json",
            "bad_content_type",
        ),
        (
            "POST",
            "/iclock/cdata",
            f"SN={SN}&table=ATTLOG",
            b"--x",
            "multipart/form-data; b=x",
            "bad_content_type",
        ),
        (
            "POST",
            "/iclock/cdata",
            f"SN={SN}&table=ATTLOG",
            b"1\x00\t2026",
            "text/plain",
            "bad_encoding",
        ),
        (
            "POST",
            "/iclock/cdata",
            f"SN={SN}&table=ATTLOG",
            b"\x81\x30\xff\xff",
            "text/plain",
            "bad_encoding",
        ),
        (
            "POST",
            "/iclock/cdata",
            f"SN={SN}&table=SMS",
            b"x",
            "text/plain",
            "unknown_table",
        ),
        ("POST", "/iclock/cdata", f"SN={SN}", b"x", "text/plain", "unknown_table"),
        (
            "POST",
            "/iclock/cdata",
            f"SN={SN}&table=ATTLOG",
            b"1\n" * (P.MAX_LINES + 1),
            "text/plain",
            "too_many_lines",
        ),
    ],
)
def test_bad_requests_are_classified(method, path, query, body, ctype, reason):
    with pytest.raises(P.PushError) as err:
        req(method, path, query, body, ctype)
    assert err.value.reason == reason and reason in P.REQUEST_REASONS
    resp = B.error_response(err.value)
    assert resp.status in (400, 403, 404, 405, 413, 415)
    assert resp.body == f"ERROR: {reason}".encode()
    assert dict(resp.headers)["Content-Type"] == "text/plain"


def test_unknown_serial():
    ctx = P.Context(is_known_serial=lambda sn: sn == SN)
    assert isinstance(req("GET", "/iclock/ping", f"SN={SN}", ctx=ctx), P.Ping)
    with pytest.raises(P.PushError) as err:
        req("GET", "/iclock/cdata", "SN=OTHER1", ctx=ctx)
    assert err.value.reason == "unknown_serial"
    assert B.error_response(err.value).status == 403


def test_commands_build_and_parse_back():
    lines = [
        B.cmd_update_user(1, "1001", "Li Lei", "3281298468"),
        B.cmd_delete_user(2, "1002"),
        B.cmd_set_time(3, datetime(2026, 12, 2, 11, 30, 15)),
        B.cmd_simple(4, "REBOOT"),
        B.cmd_simple(5, "INFO"),
        B.cmd_simple(6, "CLEAR LOG"),
        B.cmd_set_option(7, "Delay", 30),
    ]
    assert lines[0] == (
        "C:1:DATA UPDATE USERINFO PIN=1001\tName=Li Lei\tPri=0\tPasswd=\t"
        "Card=3281298468\tGrp=1\tTZ=0000000000000000\tVerify=0"
    )
    assert lines[1] == "C:2:DATA DELETE USERINFO PIN=1002"
    assert lines[2] == "C:3:SET OPTION DateTime=865251015"
    assert lines[3:6] == ["C:4:REBOOT", "C:5:INFO", "C:6:CLEAR LOG"]
    assert B.commands(lines) == "\n".join(lines) + "\n" and B.commands([]) == "OK"
    parsed = [B.parse_command(line) for line in lines]
    assert parsed[0].args["Card"] == "3281298468" and parsed[0].result_name == "DATA"
    assert parsed[2].args == {"DateTime": "865251015"} and parsed[5].verb == "CLEAR LOG"
    assert B.result_line(parsed[4], 0) == "ID=5&Return=0&CMD=INFO"


@pytest.mark.parametrize(
    "call, reason",
    [
        (lambda: B.cmd_update_user(1, "1001", "Li\tLei"), "bad_field"),
        (lambda: B.cmd_update_user(1, "", "x"), "bad_pin"),
        (lambda: B.cmd_delete_user("1:2", "1"), "bad_id"),
        (lambda: B.cmd_simple(1, "FORMAT"), "bad_command"),
        (lambda: B.parse_command("OK"), "bad_command"),
        (lambda: B.parse_command("C:1:SHELL rm"), "bad_command"),
    ],
)
def test_command_building_refuses_what_would_break_the_line(call, reason):
    with pytest.raises(B.BuildError) as err:
        call()
    assert err.value.reason == reason


def test_round_trip_attlog_line_from_the_simulator_builder():
    when = datetime(2026, 12, 2, 11, 45) + timedelta(seconds=7)
    body = (B.attlog_line("1001", when, 0, 4) + "\n").encode()
    (rec,) = req("POST", "/iclock/cdata", f"SN={SN}&table=ATTLOG", body).records
    assert (rec.pin, rec.time, rec.verify, rec.extra) == ("1001", when, 4, ("0", "0"))
