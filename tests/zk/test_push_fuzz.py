"""The PUSH parser on odd and random input: only PushError, stable reasons."""

from datetime import datetime

import pytest

from onecard_devices.zkteco import push as P

SN = "0316144680030"


def req(method, path, query, body=b"", ctype="text/plain", ctx=None):
    return P.parse_request(method, path, query, body, ctype, ctx)


def test_never_raises_anything_else_on_random_input():
    import random

    rng = random.Random(16)
    alphabet = b"\t\n\r =&:-0123456789ABCDEFPINUSER\xe4\xb8\x80\xff\x00"
    for _ in range(3000):
        body = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        path = rng.choice(
            ["/iclock/cdata", "/iclock/devicecmd", "/iclock/getrequest", "/x"]
        )
        table = rng.choice(["ATTLOG", "OPERLOG", "options", "", "ATTPHOTO"])
        query = rng.choice([f"SN={SN}&table={table}", "SN=%ff%fe", "SN", "&&==", ""])
        ctx = P.Context(
            tz=rng.choice([8, None, "Asia/Shanghai"]), now=datetime(2026, 12, 2)
        )
        try:
            P.parse_request(
                rng.choice(["GET", "POST", "HEAD"]),
                path,
                query,
                body,
                rng.choice(["text/plain", "", "application/json", None]),
                ctx,
            )
        except P.PushError as exc:
            assert exc.reason in P.REQUEST_REASONS


def test_odd_argument_types_and_non_ascii_tokens():
    msg = req(
        "POST", "/iclock/cdata", f"SN={SN}&table=ATTLOG", "1001\t2026-12-02 11:45:00"
    )
    assert len(msg.records) == 1
    msg = req("POST", "/iclock/cdata", f"SN={SN}&table=ATTLOG", bytearray(b"1\t2026"))
    assert msg.errors[0].reason == "bad_time"
    for query in ("SN=%E6%9D%8E", "SN=A%09B", "SN=%C2%B2"):
        with pytest.raises(P.PushError) as err:
            req("GET", "/iclock/cdata", query, None, None)
        assert err.value.reason == "bad_serial"
    body = "李\t2026-12-02 11:45:00\n²\t2026-12-02 11:45:00\n".encode()
    msg = req("POST", "/iclock/cdata", f"SN={SN}&table=ATTLOG", body)
    assert [e.reason for e in msg.errors] == ["bad_pin", "bad_pin"]


def test_hypothesis_parse_request_only_raises_push_error():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=500, deadline=None)
    @given(
        st.sampled_from(["GET", "POST", "PUT", ""]),
        st.sampled_from(
            [
                "/iclock/cdata",
                "/iclock/devicecmd",
                "/iclock/getrequest",
                "/iclock/ping",
                "/iclock/cdata.aspx",
                "",
                "/iclock/",
            ]
        ),
        st.text(max_size=60),
        st.binary(max_size=300),
        st.sampled_from(
            ["text/plain", "", "application/json", "text/plain; charset=x"]
        ),
    )
    def run(method, path, query, body, ctype):
        for q in (query, f"SN={SN}&table=ATTLOG&" + query, f"SN={SN}&table=OPERLOG"):
            try:
                P.parse_request(
                    method,
                    path,
                    q,
                    body,
                    ctype,
                    P.Context(tz=8, now=datetime(2026, 12, 2)),
                )
            except P.PushError as exc:
                assert exc.reason in P.REQUEST_REASONS

    run()
