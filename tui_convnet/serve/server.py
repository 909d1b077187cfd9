"""``convnet-tui serve``: the app in a web browser, one app process per browser tab.

The web server is textual-serve's: the page runs a terminal (xterm.js) and a
websocket; for every tab the server starts a process that runs the app with
Textual's web driver.  This module adds what a lecture hall needs:

* the address is checked before anything starts (one line on stderr, exit 2);
* a cap on the number of tabs: one more gets a page (or a terminal line) that
  says the class is full, so a class cannot exhaust the machine by accident;
* a websocket only from the server's own page (or ``--allow-origin``), every
  request's ``Host`` one of its names, every message checked
  (:mod:`tui_convnet.serve.guard`): refused before an app process starts;
* Ctrl-C (SIGINT or SIGTERM) stops the server and every app process it started:
  each is asked to quit, killed if it has not within a few seconds, and reaped;
  the server exits 130 (SIGINT) or 143 (SIGTERM).
  A tab process also dies with the server on Linux (``PR_SET_PDEATHSIG``).

The tab process runs ``python -m tui_convnet.serve.server PARENT_PID``, which builds
the app with the same factory as the CLI and the tests.  textual-serve and
aiohttp are imported only when a server starts: the rest of the CLI never
loads them.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import html
import ipaddress
import logging
import os
import shlex
import signal
import socket
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .guard import (
    MAX_MESSAGE_BYTES,
    BadMessage,
    Focus,
    Origin,
    OriginPolicy,
    Ping,
    Resize,
    Stdin,
    allowed_origin,
    clamp_size,
    frame_problem,
    parse_message,
)

if TYPE_CHECKING:  # pragma: no cover
    from aiohttp import web
    from textual_serve.app_service import AppService

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_SESSIONS = 4
MAX_SESSIONS_LIMIT = 256
#: Peak resident memory of one tab that trains the lecture's model (README, "Train").
TRAINING_TAB_MEMORY = "about 740 MB"
#: How long an app process may take to quit when asked, before it is killed.
QUIT_GRACE_S = 3.0
#: Malformed messages of one tab reported on the console; later ones are dropped without a line.
MAX_REPORTED_BAD_MESSAGES = 5
#: Refused origins reported on the console (one line each); later ones are refused without a line.
MAX_REPORTED_ORIGINS = 20


class ServeError(ValueError):
    """Bad serve input: the message is the one line printed on stderr."""


@dataclass(frozen=True)
class ServeConfig:
    host: str
    port: int
    max_sessions: int
    #: Origins besides the server's own that may open a tab (``--allow-origin``: a reverse proxy).
    allow_origins: tuple[Origin, ...] = ()

    @property
    def url(self) -> str:
        return url_for(self.host, self.port)

    def policy(self) -> OriginPolicy:
        """Who may open a tab: the server's own page (any of its names), and ``--allow-origin``."""
        names = (socket.gethostname(), socket.getfqdn())
        return OriginPolicy.for_server(self.host, self.port, self.allow_origins, names)


def url_for(host: str, port: int) -> str:
    """``http://host:port/``, with an IPv6 address in brackets."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _whole_number(text: str, name: str, low: int, high: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise ServeError(f"--{name} must be a whole number. Received: {name}={text!r}") from None
    if not low <= value <= high:
        raise ServeError(f"--{name} must be in {low}..{high}. Received: {name}={value}")
    return value


def parse_config(host: str, port: str, max_sessions: str, allow_origins: Sequence[str] = ()) -> ServeConfig:
    """Check the command line's values (nothing is bound or started here)."""
    if not host.strip() or any(c.isspace() or not c.isprintable() for c in host):
        raise ServeError(f"--host must be a host name or an IP address. Received: host={host!r}")
    try:
        origins = tuple(allowed_origin(text) for text in allow_origins)
    except ValueError as exc:
        raise ServeError(str(exc)) from None
    return ServeConfig(
        host=host,
        port=_whole_number(port, "port", 1, 65535),
        max_sessions=_whole_number(max_sessions, "max-sessions", 1, MAX_SESSIONS_LIMIT),
        allow_origins=origins,
    )


def _addresses(config: ServeConfig) -> list[tuple[Any, ...]]:
    try:
        infos = socket.getaddrinfo(config.host, config.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.args[1] if isinstance(exc, socket.gaierror) and len(exc.args) > 1 else str(exc)
        raise ServeError(
            f"--host is not a known host name or address ({reason}). Received: host={config.host!r}"
        ) from None
    return infos


def check_address(config: ServeConfig) -> None:
    """Bind and release every address the server will listen on: a port in use, a host that is not
    this machine's, or a port that needs privileges is refused before anything starts."""
    for family, kind, proto, _name, address in _addresses(config):
        with socket.socket(family, kind, proto) as probe:
            # As aiohttp does: SO_REUSEADDR lets a port in TIME_WAIT be reused, never one that listens.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                raise ServeError(_bind_message(config, exc)) from None


def _bind_message(config: ServeConfig, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {config.port} is already in use on {config.host}. Received: port={config.port}"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"--host is not an address of this machine. Received: host={config.host!r}"
    if exc.errno == errno.EACCES:
        return f"port {config.port} needs administrator rights; use 1024 or above. Received: port={config.port}"
    return f"cannot listen on {config.host}:{config.port} ({exc.strerror}). Received: host={config.host!r}"


def is_local_only(host: str) -> bool:
    """True when every address ``host`` names is a loopback address (only this machine can connect)."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return False
    addresses = {str(info[4][0]).split("%")[0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def is_everywhere(host: str) -> bool:
    """True when ``host`` means every address of the machine: ``0.0.0.0``, ``::``, and spellings such as ``0``."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError):
        return False
    return bool(infos) and all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_unspecified for info in infos)


def exposure_warning(config: ServeConfig) -> str | None:
    """The warning printed when the server can be reached from other machines, else ``None``."""
    if is_local_only(config.host):
        return None
    return (
        f"warning: listening on {config.host}: anyone who can reach port {config.port} can run the app, "
        f"with no login, and train models ({TRAINING_TAB_MEMORY} of memory per training tab); "
        f"at most {config.max_sessions} tabs at once (--max-sessions)."
    )


def startup_lines(config: ServeConfig, hostname: str) -> list[str]:
    """What the server prints once it listens: where to point a browser, the cap, how to stop."""
    if is_everywhere(config.host):
        where = (
            f"open {url_for('127.0.0.1', config.port)} here, or {url_for(hostname, config.port)} from another machine"
        )
    else:
        where = f"open {config.url} in a web browser"
    return [
        f"serving the app on {config.host} port {config.port}: {where}",
        f"at most {config.max_sessions} tabs at once; Ctrl-C stops the server and the app of every tab.",
    ]


def tab_command(parent_pid: int) -> str:
    """The shell command textual-serve runs for each tab (``exec``: the shell becomes the app)."""
    return "exec " + shlex.join([sys.executable, "-m", "tui_convnet.serve.server", str(parent_pid)])


def full_message(max_sessions: int) -> str:
    tabs = "tab is" if max_sessions == 1 else "tabs are"
    return (
        f"convnet-tui: this class is full: {max_sessions} {tabs} open (--max-sessions {max_sessions}). "
        "Close a tab, or ask the instructor to raise --max-sessions, then reload this page."
    )


def _full_page(max_sessions: int) -> str:
    text = html.escape(full_message(max_sessions))
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>convnet-tui: class full</title></head>"
        "<body style='font-family: sans-serif; margin: 3em; max-width: 40em'>"
        f"<h1>This class is full</h1><p id='full'>{text}</p></body></html>"
    )


def _query_int(query: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(query.get(name, default))
    except ValueError:
        return default


def _build_server(config: ServeConfig) -> Any:
    """A textual-serve ``Server`` with the origin check, the checked messages, the session cap and the
    process bookkeeping; :meth:`run` serves until SIGINT or SIGTERM and returns the exit code."""
    import aiohttp_jinja2
    import jinja2
    from aiohttp import WSMsgType, web
    from aiohttp.web_runner import GracefulExit
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    policy = config.policy()

    @web.middleware
    async def known_hosts_only(request: web.Request, handler: Any) -> web.StreamResponse:
        # DNS rebinding: a page whose name now points at this machine sends its own name as Host.
        if not policy.host_allowed(request.headers.get("Host"), request.scheme):
            return web.Response(status=421, text="convnet-tui: this server does not answer to that host name.\n")
        response: web.StreamResponse = await handler(request)
        return response

    from ..ui._textual_internals import app_service_process

    class ClassroomServer(Server):
        def __init__(self) -> None:
            super().__init__(tab_command(os.getpid()), host=config.host, port=config.port, title="convnet-tui")
            self.max_sessions = config.max_sessions
            #: Every running tab: its app process service and its websocket.
            self.sessions: dict[AppService, web.WebSocketResponse] = {}
            #: The signal that stopped the server (SIGINT, SIGTERM), if one did.
            self.stopped_by: int | None = None
            self.refused_origins: set[str] = set()

        def initialize_logging(self) -> None:
            super().initialize_logging()
            # One line per HTTP request would bury the URL and the errors on the instructor's screen.
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        def make_app(self) -> web.Application:
            """textual-serve's routes, behind the ``Host`` check."""
            app = web.Application(middlewares=[known_hosts_only])
            aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
            app.add_routes(
                [
                    web.get("/", self.handle_index, name="index"),
                    web.get("/ws", self.handle_websocket, name="websocket"),
                    web.get("/download/{key}", self.handle_download, name="download"),
                    web.static("/static", self.statics_path, show_index=False, name="static"),
                ]
            )
            app.on_startup.append(self.on_startup)
            app.on_shutdown.append(self.on_shutdown)
            return app

        def stop_on(self, signum: int) -> None:
            self.stopped_by = signum
            raise GracefulExit()

        def run(self) -> int:
            """Serve until SIGINT or SIGTERM; 128 + the signal's number."""
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, self.stop_on, signum)
            try:
                web.run_app(
                    self.make_app(),
                    host=config.host,
                    port=config.port,
                    handle_signals=False,
                    loop=loop,
                    print=lambda *args: None,
                )
            finally:
                loop.close()
            return 0 if self.stopped_by is None else 128 + self.stopped_by

        async def on_startup(self, app: web.Application) -> None:
            for line in startup_lines(config, socket.gethostname()):
                print(f"convnet-tui: {line}", flush=True)

        async def on_shutdown(self, app: web.Application) -> None:
            await asyncio.gather(*(self.end(service) for service in list(self.sessions)))

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            if len(self.sessions) >= self.max_sessions:
                return web.Response(status=503, text=_full_page(self.max_sessions), content_type="text/html")
            # The page's websocket URL is the address the browser used (a student types the
            # instructor's address; a server bound to 0.0.0.0 has no single public URL).
            self.public_url = f"{request.scheme}://{request.host}"
            response: web.StreamResponse = await super().handle_index(request)
            return response

        def refuse(self, request: web.Request, reason: str) -> web.Response:
            origin = request.headers.get("Origin", "")
            if origin not in self.refused_origins and len(self.refused_origins) < MAX_REPORTED_ORIGINS:
                self.refused_origins.add(origin)
                print(f"convnet-tui: refused a tab: {reason}", flush=True)
            return web.Response(status=403, text=f"convnet-tui: refused: {reason}\n")

        async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
            reason = policy.refusal(request.headers.get("Origin"), request.headers.get("Host"), request.scheme)
            if reason is not None:  # before the handshake: no app process is started
                return self.refuse(request, reason)
            websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE_BYTES)
            await websocket.prepare(request)
            if len(self.sessions) >= self.max_sessions:
                await websocket.send_bytes(f"\r\n  {full_message(self.max_sessions)}\r\n".encode())
                await websocket.close()
                return websocket

            async def close() -> None:
                await websocket.close()

            service = AppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            self.sessions[service] = websocket
            try:
                width, height = clamp_size(
                    _query_int(request.query, "width", 80), _query_int(request.query, "height", 24)
                )
                await service.start(width, height)
                await self.relay(websocket, service)
            except asyncio.CancelledError:
                pass
            finally:
                await self.end(service)
            return websocket

        async def relay(self, websocket: web.WebSocketResponse, service: AppService) -> None:
            """Hand the tab's checked messages to its app; a malformed one is a console line and is dropped."""
            bad = 0
            async for message in websocket:
                try:
                    if message.type != WSMsgType.TEXT:
                        raise BadMessage(frame_problem(message.type.name.lower(), message.data))
                    parsed = parse_message(message.data)
                except BadMessage as exc:
                    bad += 1
                    if bad <= MAX_REPORTED_BAD_MESSAGES:
                        last = bad == MAX_REPORTED_BAD_MESSAGES
                        more = "; later ones from this tab are dropped silently" if last else ""
                        print(f"convnet-tui: dropped a malformed message from a tab: {exc}{more}", flush=True)
                    continue
                if isinstance(parsed, Stdin):
                    await service.send_bytes(parsed.text.encode("utf-8", "replace"))
                elif isinstance(parsed, Resize):
                    await service.set_terminal_size(parsed.width, parsed.height)
                elif isinstance(parsed, Ping):
                    await websocket.send_json(["pong", parsed.data])
                elif isinstance(parsed, Focus):
                    await (service.focus() if parsed.focused else service.blur())

        async def end(self, service: AppService) -> None:
            """Ask the tab's app to quit, kill it after the grace period, close its websocket."""
            websocket = self.sessions.get(service)
            process = app_service_process(service)
            with contextlib.suppress(TimeoutError, ConnectionError, RuntimeError):
                await asyncio.wait_for(asyncio.shield(service.stop()), QUIT_GRACE_S)
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()
            self.sessions.pop(service, None)
            if websocket is not None:
                await websocket.close()

    return ClassroomServer()


def serve(config: ServeConfig) -> int:
    """Serve until Ctrl-C (the address must have been checked); the exit code (130 SIGINT, 143 SIGTERM)."""
    server = _build_server(config)
    try:
        return int(server.run())
    except OSError as exc:  # lost the race for the port between the check and the bind
        print(f"convnet-tui serve: {_bind_message(config, exc)}", file=sys.stderr)
        return 2
    finally:
        _kill_leftovers(server)


def _kill_leftovers(server: Any) -> None:
    """Last resort after the event loop stopped: no app process outlives the server."""
    from ..ui._textual_internals import app_service_process

    for service in list(getattr(server, "sessions", {})):
        process = app_service_process(service)
        if process is not None and process.returncode is None:
            try:
                os.kill(process.pid, signal.SIGKILL)
                os.waitpid(process.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def run_serve(host: str, port: str, max_sessions: str, allow_origins: Sequence[str] = ()) -> int:
    """``convnet-tui serve``: check everything, warn when exposed, then serve."""
    try:
        config = parse_config(host, port, max_sessions, allow_origins)
        check_address(config)
    except ServeError as exc:
        print(f"convnet-tui serve: {exc}", file=sys.stderr)
        return 2
    warning = exposure_warning(config)
    if warning is not None:
        print(f"convnet-tui serve: {warning}", file=sys.stderr)
    return serve(config)


def _die_with_parent(parent_pid: int) -> bool:
    """Linux: the kernel sends SIGTERM (the web driver's quit) when the server dies. False when it is gone."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    return os.getppid() == parent_pid


def run_tab(argv: list[str]) -> int:
    """One browser tab: the app from the CLI's factory, on Textual's web driver (set by textual-serve)."""
    if len(argv) != 1 or not argv[0].isdigit():
        print("convnet-tui: this entry point is started by `convnet-tui serve` for each browser tab.", file=sys.stderr)
        return 2
    if not _die_with_parent(int(argv[0])):
        return 1
    from ..ui.app import create_app

    app = create_app()
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(run_tab(sys.argv[1:]))
