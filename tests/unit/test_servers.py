"""The primary / fallback rule of a terminal (lib/servers.py), with a real clock."""

import time

import pytest

from onecard_devices.lib.servers import ServerChoice, parse_address

A, B = ("127.0.0.1", 9271), ("127.0.0.1", 9272)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("10.0.0.5:9100", ("10.0.0.5", 9100)),
        ("gw2.campus.local:9100", ("gw2.campus.local", 9100)),
        ("[::1]:9100", ("::1", 9100)),
        ("http://10.0.0.6:9101", ("10.0.0.6", 9101)),
        ("https://gw.example.com", ("gw.example.com", 443)),
        (" 10.0.0.5:9100 ", ("10.0.0.5", 9100)),
    ],
)
def test_parse_address(text, expected):
    assert parse_address(text) == expected


@pytest.mark.parametrize(
    "text", ["", "10.0.0.5", "10.0.0.5:99999", "host:port", "ftp://h:1", "h:1/x"]
)
def test_parse_address_refuses(text):
    with pytest.raises(ValueError):
        parse_address(text)


def test_budget_then_fallback_then_back_on_failure():
    choice = ServerChoice(A, B, budget=3, failback_s=600)
    assert choice.address() == A
    assert not choice.failed() and not choice.failed()
    choice.succeeded()  # an answer resets the count: failures must be in a row
    assert not choice.failed() and not choice.failed()
    assert choice.failed() and choice.address() == B
    # the fallback fails the same way: back to the primary at once
    assert [choice.failed() for _i in range(3)] == [False, False, True]
    assert choice.address() == A
    assert [m[3] for m in choice.moves] == ["failover", "failover"]


def test_failback_after_the_time_on_the_fallback():
    choice = ServerChoice(A, B, budget=1, failback_s=0.05)
    assert choice.failed() and choice.address() == B
    time.sleep(0.06)
    assert choice.address() == A and choice.moves[-1][3] == "failback"


def test_failback_zero_never_by_time_and_no_fallback_never_moves():
    choice = ServerChoice(A, B, budget=1, failback_s=0)
    assert choice.failed()
    time.sleep(0.01)
    assert choice.address() == B
    alone = ServerChoice(A, None, budget=1)
    assert not alone.failed() and alone.address() == A


def test_settings_move_the_terminal():
    choice = ServerChoice(A, None)
    choice.configure(primary=B, fallback=A, failback_minutes=1)
    assert choice.address() == B and choice.fallback == A and choice.failback_s == 60
    assert choice.moves[-1][3] == "configured"
