"""`convnet-tui serve` without a browser: its input checks, the binding warning, Ctrl-C, the tab entry point."""

from __future__ import annotations

import asyncio
import re
import shlex
import signal
import socket
import sys

import aiohttp
import pytest

from tests._serve_processes import HAS_PROC, Served, children, free_port, running, wait_until
from tui_convnet.cli import main
from tui_convnet.serve.server import (
    DEFAULT_MAX_SESSIONS,
    ServeConfig,
    ServeError,
    check_address,
    exposure_warning,
    full_message,
    parse_config,
    run_tab,
    startup_lines,
    tab_command,
    url_for,
)


def test_the_defaults_serve_this_machine_only() -> None:
    config = parse_config("127.0.0.1", "8000", str(DEFAULT_MAX_SESSIONS))
    assert config == ServeConfig("127.0.0.1", 8000, 4)
    assert config.url == "http://127.0.0.1:8000/"
    assert url_for("::1", 8080) == "http://[::1]:8080/"
    for host in ("127.0.0.1", "localhost", "::1"):
        assert exposure_warning(ServeConfig(host, 8000, 4)) is None, host


def test_another_address_warns_that_anyone_can_run_the_app() -> None:
    warning = exposure_warning(ServeConfig("0.0.0.0", 8123, 6))
    assert warning is not None
    for text in ("anyone who can reach port 8123 can run the app", "no login", "740 MB", "at most 6 tabs"):
        assert text in warning, text


@pytest.mark.parametrize(
    "host, port, max_sessions, message",
    [
        ("127.0.0.1", "0", "4", "--port must be in 1..65535. Received: port=0"),
        ("127.0.0.1", "65536", "4", "--port must be in 1..65535. Received: port=65536"),
        ("127.0.0.1", "eighty", "4", "--port must be a whole number. Received: port='eighty'"),
        ("127.0.0.1", "8000", "0", "--max-sessions must be in 1..256. Received: max-sessions=0"),
        ("127.0.0.1", "8000", "-3", "--max-sessions must be in 1..256. Received: max-sessions=-3"),
        ("127.0.0.1", "8000", "a few", "--max-sessions must be a whole number. Received: max-sessions='a few'"),
        ("my laptop", "8000", "4", "--host must be a host name or an IP address. Received: host='my laptop'"),
        ("", "8000", "4", "--host must be a host name or an IP address. Received: host=''"),
    ],
)
def test_bad_values_are_refused(host: str, port: str, max_sessions: str, message: str) -> None:
    with pytest.raises(ServeError) as error:
        parse_config(host, port, max_sessions)
    assert str(error.value) == message


def test_a_port_in_use_is_refused_before_anything_starts() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ServeError) as error:
            check_address(ServeConfig("127.0.0.1", port, 4))
    assert str(error.value) == f"port {port} is already in use on 127.0.0.1. Received: port={port}"


def test_an_address_of_another_machine_is_refused() -> None:
    with pytest.raises(ServeError) as error:
        check_address(ServeConfig("192.0.2.1", free_port(), 4))
    assert str(error.value) == "--host is not an address of this machine. Received: host='192.0.2.1'"


def test_a_free_port_passes_and_stays_free() -> None:
    port = free_port()
    check_address(ServeConfig("127.0.0.1", port, 4))
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))


@pytest.mark.parametrize(
    "argv, message",
    [
        (["serve", "--port", "70000"], "convnet-tui serve: --port must be in 1..65535. Received: port=70000"),
        (
            ["serve", "--max-sessions", "0"],
            "convnet-tui serve: --max-sessions must be in 1..256. Received: max-sessions=0",
        ),
        (["serve", "--host", "192.0.2.1"], "convnet-tui serve: --host is not an address of this machine."),
    ],
)
def test_the_cli_prints_one_line_and_exits_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(message) and captured.err.count("\n") == 1, captured.err


def test_the_cli_refuses_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err == f"convnet-tui serve: port {port} is already in use on 127.0.0.1. Received: port={port}\n"


def test_serving_every_address_warns_prints_the_url_and_stops_on_ctrl_c() -> None:
    served = Served("--host", "0.0.0.0")
    out = served.stop()
    lines = out.splitlines()
    assert lines[0].startswith("convnet-tui serve: warning: listening on 0.0.0.0: anyone who can reach port"), out
    config = ServeConfig("0.0.0.0", served.port, DEFAULT_MAX_SESSIONS)
    assert lines[1:3] == [f"convnet-tui: {line}" for line in startup_lines(config, socket.gethostname())], out
    assert served.process.returncode == 130 and "Traceback" not in out  # 128 + SIGINT (was 0)


def test_the_server_says_where_to_point_a_browser() -> None:
    local = startup_lines(ServeConfig("127.0.0.1", 8000, 4), "lecture-hall")
    assert local == [
        "serving the app on 127.0.0.1 port 8000: open http://127.0.0.1:8000/ in a web browser",
        "at most 4 tabs at once; Ctrl-C stops the server and the app of every tab.",
    ]
    everywhere = startup_lines(ServeConfig("0.0.0.0", 8000, 4), "lecture-hall")[0]
    assert everywhere.endswith("open http://127.0.0.1:8000/ here, or http://lecture-hall:8000/ from another machine")


def test_each_tab_runs_this_module_with_the_server_pid() -> None:
    assert shlex.split(tab_command(4242)) == ["exec", sys.executable, "-m", "tui_convnet.serve.server", "4242"]


@pytest.mark.parametrize("argv", [[], ["abc"], ["1", "2"]])
def test_the_tab_entry_point_refuses_to_run_by_hand(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run_tab(argv) == 2
    assert "started by `convnet-tui serve`" in capsys.readouterr().err


def test_a_tab_whose_server_is_gone_exits_at_once() -> None:
    assert run_tab(["1"]) == 1  # pid 1 is not this process's parent: no app starts


def test_the_full_message_names_the_cap() -> None:
    assert "1 tab is open (--max-sessions 1)" in full_message(1)
    assert "4 tabs are open (--max-sessions 4)" in full_message(4)


# A websocket client is a tab without a browser: it starts the app, which draws on it.
SCREEN_BYTES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]")  # the terminal escape sequences


async def _next_text(ws: aiohttp.ClientWebSocketResponse) -> str:
    """The next text message (the app's screen comes as binary messages in between)."""
    while True:
        message = await ws.receive()
        if message.type == aiohttp.WSMsgType.TEXT:
            return str(message.data)
        assert message.type == aiohttp.WSMsgType.BINARY, message


async def _until_the_explorer_draws(ws: aiohttp.ClientWebSocketResponse) -> None:
    drawn = b""
    while "padded to 7×7×3".encode() not in SCREEN_BYTES.sub(b"", drawn):
        message = await asyncio.wait_for(ws.receive(), 60)
        assert message.type == aiohttp.WSMsgType.BINARY, message
        drawn += message.data


BAD_MESSAGES = [
    "not json",
    "[]",
    '{"a":1}',
    '["resize",{}]',
    '["stdin",5]',
    '["resize",{"width":"a","height":2}]',  # killed the tab's app (TypeError in on_resize)
]


@pytest.mark.skipif(not HAS_PROC, reason="reads the tabs' processes from Linux /proc")
async def test_a_foreign_or_missing_origin_is_refused_before_any_app_starts() -> None:
    served = Served()
    try:
        async with aiohttp.ClientSession() as session:
            for headers in ({"Origin": "http://evil.example"}, {}, {"Origin": "null"}):
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    await session.ws_connect(f"{served.url}ws", headers=headers)
                assert refused.value.status == 403
                assert served.tabs() == set()  # no app process was started
            # DNS rebinding: a page on evil.example whose name now points at 127.0.0.1
            async with session.get(served.url, headers={"Host": f"evil.example:{served.port}"}) as page:
                assert page.status == 421
        out = served.stop(signal.SIGTERM)
    finally:
        if served.process.poll() is None:
            served.kill()
    assert served.process.returncode == 143  # 128 + SIGTERM (was 0)
    assert "convnet-tui: refused a tab: the page's origin is not this server's" in out
    assert "convnet-tui: refused a tab: the request has no Origin header" in out
    assert "Traceback" not in out


@pytest.mark.skipif(not HAS_PROC, reason="reads the tabs' processes from Linux /proc")
async def test_a_tab_over_the_cap_is_told_so_and_a_killed_servers_tabs_end_with_it() -> None:
    served = Served("--max-sessions", "1")
    try:
        async with aiohttp.ClientSession() as session:
            first = await session.ws_connect(f"{served.url}ws?width=100&height=30", origin=served.url.rstrip("/"))
            await _until_the_explorer_draws(first)
            [tab] = served.tabs()
            # malformed messages are one line each on the console; sizes are clamped; the tab lives on
            for text in BAD_MESSAGES:
                await first.send_str(text)
            await first.send_str('["resize",{"width":2000,"height":2000}]')
            await first.send_str('["ping","42"]')
            pong = await asyncio.wait_for(_next_text(first), 30)
            assert pong == '["pong", "42"]'
            assert served.tabs() == {tab} and running(tab)
            dropped = [line for line in served.output().splitlines() if "dropped a malformed message" in line]
            assert len(dropped) == 5 and "later ones from this tab are dropped silently" in dropped[-1]
            assert "Traceback" not in served.output()
            # a tab that loaded the page just before the cap was reached is told in its terminal
            second = await session.ws_connect(f"{served.url}ws", origin=served.url.rstrip("/"))
            refusal = await asyncio.wait_for(second.receive(), 30)
            assert refusal.type == aiohttp.WSMsgType.BINARY
            assert "this class is full: 1 tab is open (--max-sessions 1)" in refusal.data.decode()
            assert (await asyncio.wait_for(second.receive(), 30)).type == aiohttp.WSMsgType.CLOSE
            assert served.tabs() == {tab}
            served.kill()  # no Ctrl-C, no clean-up: the kernel tells the tab's app (PR_SET_PDEATHSIG)
            await asyncio.to_thread(wait_until, lambda: not running(tab), "the tab's app to end with its server")
            await first.close()
    finally:
        if served.process.poll() is None:
            served.kill()


@pytest.mark.keras  # the tab's TensorFlow worker process starts (it is closed while TensorFlow loads)
@pytest.mark.skipif(not HAS_PROC, reason="reads the tabs' processes from Linux /proc")
async def test_a_closed_tab_leaves_nothing_running_not_even_its_tensorflow_worker() -> None:
    """t opens the training screen, which starts the tab's TensorFlow worker (a child of the tab's app); closing
    the tab ends the app and the worker: no process of the tab is left."""
    served = Served()
    try:
        async with aiohttp.ClientSession() as session:
            tab_socket = await session.ws_connect(f"{served.url}ws?width=100&height=30", origin=served.url.rstrip("/"))
            await _until_the_explorer_draws(tab_socket)
            [tab] = served.tabs()
            await tab_socket.send_str('["stdin","t"]')
            await asyncio.to_thread(wait_until, lambda: bool(children(tab)), "the tab's TensorFlow worker to start")
            workers = children(tab)
            await tab_socket.close()
            await asyncio.to_thread(
                wait_until,
                lambda: not running(tab) and not any(running(pid) for pid in workers),
                "the closed tab's app and its worker to end",
            )
            assert served.tabs() == set()
    finally:
        served.stop()
