"""`serve`'s door: which origins and hosts may open a tab, and which websocket messages a tab may send."""

from __future__ import annotations

import json

import pytest

from tui_convnet.serve.guard import (
    MAX_COLUMNS,
    MAX_MESSAGE_BYTES,
    MAX_ROWS,
    BadMessage,
    Focus,
    Message,
    Origin,
    OriginPolicy,
    Ping,
    Resize,
    Stdin,
    allowed_origin,
    parse_message,
    parse_origin,
)

LOCAL = OriginPolicy.for_server("127.0.0.1", 8000, (), ("lecture-hall", "lecture-hall.example.org"))
PROXIED = OriginPolicy.for_server("127.0.0.1", 8000, (allowed_origin("https://class.example.org"),), ("lecture-hall",))


@pytest.mark.parametrize(
    "origin, host",
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000"),
        ("http://localhost:8000", "localhost:8000"),
        ("http://LOCALHOST:8000/", "localhost:8000"),
        ("http://[::1]:8000", "[::1]:8000"),
        ("http://192.168.1.10:8000", "192.168.1.10:8000"),  # a student typing the instructor's address
        ("http://lecture-hall:8000", "lecture-hall:8000"),
        ("http://lecture-hall.example.org:8000", "lecture-hall.example.org:8000"),
    ],
)
def test_the_servers_own_page_may_open_a_tab(origin: str, host: str) -> None:
    assert LOCAL.refusal(origin, host, "http") is None


@pytest.mark.parametrize(
    "origin, host",
    [
        ("http://evil.example", "127.0.0.1:8000"),  # any other web page the student has open
        ("http://evil.example:8000", "127.0.0.1:8000"),
        ("https://127.0.0.1:8000", "127.0.0.1:8000"),  # another scheme
        ("http://127.0.0.1:8001", "127.0.0.1:8000"),  # another port on this machine
        ("http://127.0.0.1", "127.0.0.1:8000"),
        ("http://evil.example:8000", "evil.example:8000"),  # DNS rebinding: the page's name now points here
        ("null", "127.0.0.1:8000"),  # a sandboxed frame, a file:// page
        ("file://", "127.0.0.1:8000"),
        ("http://127.0.0.1:8000/path", "127.0.0.1:8000"),
        ("http://user@127.0.0.1:8000", "127.0.0.1:8000"),
        ("http://127.0.0.1:8000\x1b]2;owned\x07", "127.0.0.1:8000"),
        ("http://127.0.0.1:99999", "127.0.0.1:99999"),
        ("http://127.0.0.1:8000", None),
        ("http://127.0.0.1:8000", ""),
    ],
)
def test_foreign_origins_are_refused(origin: str, host: str | None) -> None:
    reason = LOCAL.refusal(origin, host, "http")
    assert reason is not None and reason.startswith("the page's origin is not this server's")
    assert "\x1b" not in reason and "\x07" not in reason


@pytest.mark.parametrize("origin", [None, ""])
def test_a_missing_origin_is_refused(origin: str | None) -> None:
    assert LOCAL.refusal(origin, "127.0.0.1:8000", "http") == (
        "the request has no Origin header (a browser always sends one)"
    )


def test_a_reverse_proxys_origin_may_be_allowed() -> None:
    assert PROXIED.refusal("https://class.example.org", "class.example.org", "http") is None
    assert PROXIED.refusal("https://class.example.org:443", "127.0.0.1:8000", "http") is None
    assert PROXIED.refusal("http://class.example.org", "class.example.org", "http") is not None  # not https
    assert PROXIED.refusal("https://evil.example", "class.example.org", "http") is not None
    assert PROXIED.host_allowed("class.example.org", "http")


@pytest.mark.parametrize(
    "host, allowed",
    [
        ("127.0.0.1:8000", True),
        ("localhost:8000", True),
        ("[::1]:8000", True),
        ("10.0.0.7:8000", True),
        ("lecture-hall:8000", True),
        ("evil.example:8000", False),  # DNS rebinding to read the page
        ("127.0.0.1:8001", False),
        ("127.0.0.1", False),
        ("", False),
        (None, False),
        ("127.0.0.1:8000\r\nX: y", False),
    ],
)
def test_every_request_must_name_this_server(host: str | None, allowed: bool) -> None:
    assert LOCAL.host_allowed(host, "http") is allowed


@pytest.mark.parametrize(
    "text", ["", "evil", "ftp://x.example", "http://", "https://x.example/path", "http://x.example?q", "null"]
)
def test_allow_origin_values_must_be_origins(text: str) -> None:
    with pytest.raises(ValueError, match="--allow-origin must be an origin"):
        allowed_origin(text)


def test_origins_print_as_browsers_send_them() -> None:
    assert str(allowed_origin("https://Class.Example.org:443/")) == "https://class.example.org"
    assert str(Origin("http", "::1", 8000)) == "http://[::1]:8000"
    assert parse_origin("http://[::1]:8000") == Origin("http", "::1", 8000)


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize(
    "text, parsed",
    [
        ('["stdin", "q"]', Stdin("q")),
        ('["resize", {"width": 100, "height": 30}]', Resize(100, 30)),
        ('["resize", {"width": 2000, "height": 2000}]', Resize(MAX_COLUMNS, MAX_ROWS)),
        ('["resize", {"width": -5, "height": 0}]', Resize(1, 1)),
        ('["resize", {"width": 1' + "0" * 200 + ', "height": 10}]', Resize(MAX_COLUMNS, 10)),
        ('["ping", "1733580000000"]', Ping("1733580000000")),
        ('["focus"]', Focus(True)),
        ('["blur"]', Focus(False)),
    ],
)
def test_what_textual_js_sends_is_accepted_and_sizes_are_clamped(text: str, parsed: Message) -> None:
    assert parse_message(text) == parsed


def test_a_100_kb_paste_is_one_stdin_message() -> None:
    assert parse_message(json.dumps(["stdin", "x" * 100_000])) == Stdin("x" * 100_000)


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json", "not JSON"),
        ("[]", "not a [type, data] list"),
        ('{"a":1}', "not a [type, data] list"),
        ("[5]", "not a [type, data] list"),
        ('["resize",{}]', "a resize needs whole numbers. Received: width=None"),
        ('["resize",{"width":"a","height":2}]', "a resize needs whole numbers. Received: width='a'"),
        ('["resize",{"width":true,"height":2}]', "a resize needs whole numbers. Received: width=True"),
        ('["resize",{"width":80.5,"height":2}]', "a resize needs whole numbers. Received: width=80.5"),
        ('["resize",[80,24]]', "a resize needs {width, height}"),
        ('["stdin",5]', "stdin needs text. Received: data=5"),
        ('["stdin"]', "stdin needs text. Received: data=None"),
        ('["ping",{"x":1}]', "a ping needs a short text"),
        ('["ping","' + "x" * 1000 + '"]', "a ping needs a short text"),
        ('["quit"]', "unknown message type. Received: type='quit'"),
        ('["\\u001b]2;owned\\u0007"]', "unknown message type. Received: type='\\x1b]2;owned\\x07'"),
        ("[" * 100_000 + "]" * 100_000, "not JSON"),  # RecursionError inside json
        ('["resize",{"width":1' + "0" * 5000 + ',"height":2}]', "not JSON"),  # an integer too long to convert
    ],
)
def test_malformed_messages_are_one_line(text: str, message: str) -> None:
    with pytest.raises(BadMessage) as error:
        parse_message(text)
    assert message in str(error.value)
    assert "\n" not in str(error.value) and len(str(error.value)) < 200
    assert "\x1b" not in str(error.value)


def test_an_oversized_message_is_refused_before_parsing() -> None:
    with pytest.raises(BadMessage, match="too long"):
        parse_message(json.dumps(["stdin", "x" * MAX_MESSAGE_BYTES]))


def test_a_frame_that_cannot_be_read_says_why_in_one_line() -> None:
    """Invalid UTF-8 or a frame over the size limit read "a error message; a tab sends text"."""
    from aiohttp.http_websocket import WebSocketError

    from tui_convnet.serve.guard import frame_problem

    too_big = WebSocketError(1009, f"Message size {MAX_MESSAGE_BYTES + 20} exceeds limit {MAX_MESSAGE_BYTES}")
    said = frame_problem("error", too_big)
    assert said == (
        f"a frame that cannot be read (Message size {MAX_MESSAGE_BYTES + 20} exceeds limit {MAX_MESSAGE_BYTES}); "
        "the tab's connection is closed"
    )
    assert frame_problem("error", WebSocketError(1007, "bad\n\x1b]2;x\x07 utf-8" + "x" * 200)).count("\n") == 0
    assert "\x1b" not in frame_problem("error", "\x1b]2;x\x07")
    assert frame_problem("binary") == "a binary message; a tab sends text"


def test_an_ipv6_zone_is_not_one_of_the_servers_names() -> None:
    """``ipaddress`` accepts ``fe80::1%<any text>``, so a Host or Origin of ``[fe80::1%<script>]:PORT`` passed
    as "an IP address of this server" and went into the page's URLs (escaped, but never a real address)."""
    policy = OriginPolicy.for_server("127.0.0.1", 8000, (), ())
    assert policy.host_allowed("[::1]:8000", "http")
    for host in ("[fe80::1%<script>]:8000", "[fe80::1%25eth0]:8000", "[fe80::1%eth0]:8000"):
        assert not policy.host_allowed(host, "http")
        assert policy.refusal(f"http://{host}", host, "http") is not None
