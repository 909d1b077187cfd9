"""What ``convnet-tui serve`` accepts from a browser: who may open a tab, and what a tab may send.

A tab is an app that reads and writes the student's files, and any web page
the student has open can try to open a websocket to ``127.0.0.1``: the
browser sends the page's ``Origin`` but does not stop the connection.  So:

* a websocket is accepted only from the server's own origin (the scheme,
  host and port the browser used to load the page), or from an origin listed
  with ``--allow-origin`` (a reverse proxy); a missing or ``null`` origin is
  refused.  The check runs before an app process is started;
* the ``Host`` of every request must be one of this server's names (an IP
  address, ``localhost``, ``--host``, the machine's names) or the host of an
  allowed origin: a page whose own name was re-pointed at 127.0.0.1 (DNS
  rebinding) would otherwise be the "same origin";
* every message a tab sends is checked (:func:`parse_message`): anything
  malformed is one line on the server's console and is dropped, terminal
  sizes are clamped, so a hostile or broken page cannot kill its tab's app or
  flood the instructor's screen with tracebacks.

Plain Python (no aiohttp): the server in :mod:`tui_convnet.serve.server` applies it.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..util.visible import visible

#: Terminal sizes a tab may ask for (a 4K screen with a small font is about 400x130 cells).
MAX_COLUMNS = 500
MAX_ROWS = 200
#: The longest websocket message accepted (a 100 kB paste passes).
MAX_MESSAGE_BYTES = 1 << 20
#: The longest ``ping`` payload echoed back (textual.js sends a millisecond time stamp).
MAX_PING_CHARS = 64
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Origin:
    """A web origin: scheme, host (lower case, IPv6 without brackets) and port."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if _DEFAULT_PORTS[self.scheme] == self.port else f":{self.port}"
        return f"{self.scheme}://{host}{port}"


def _split(scheme: str, netloc: str) -> Origin | None:
    """``netloc`` (``host[:port]``) of a URL with ``scheme``, or ``None`` if it is not a plain host and port."""
    if scheme not in _DEFAULT_PORTS or not netloc or "@" in netloc or not netloc.isascii():
        return None
    if any(not c.isprintable() or c.isspace() for c in netloc) or "%" in netloc:
        return None  # "%": an IPv6 zone (``[fe80::1%<script>]``), which ipaddress accepts with any text in it
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port
        host = parts.hostname
    except ValueError:  # a port that is not a number or out of range, a bad IPv6 literal
        return None
    if not host:
        return None
    return Origin(scheme, host.lower().rstrip("."), _DEFAULT_PORTS[scheme] if port is None else port)


def parse_origin(text: str | None) -> Origin | None:
    """The origin a browser sent (``scheme://host[:port]``); ``None`` when missing, ``null`` or anything else."""
    if not text or len(text) > 300:
        return None
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    return _split(parts.scheme.lower(), parts.netloc)


def allowed_origin(text: str) -> Origin:
    """One ``--allow-origin`` value; :class:`ValueError` with the one-line message when it is not an origin."""
    origin = parse_origin(text)
    if origin is None:
        raise ValueError(
            "--allow-origin must be an origin: http:// or https://, a host and an optional port, no path "
            f"(e.g. https://class.example.org). Received: allow_origin={text!r}"
        )
    return origin


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class OriginPolicy:
    """Who may use the server: its port, its names and the ``--allow-origin`` list."""

    port: int
    names: frozenset[str]
    extra: frozenset[Origin] = frozenset()

    @classmethod
    def for_server(
        cls, host: str, port: int, extra: tuple[Origin, ...], machine_names: tuple[str, ...]
    ) -> OriginPolicy:
        names = {"localhost", host, *machine_names}
        return cls(port, frozenset(n.lower().rstrip(".") for n in names if n), frozenset(extra))

    def own(self, host: Origin) -> bool:
        """``host`` (from a ``Host`` header) names this server: its port, and an IP address or one of its names."""
        return host.port == self.port and (_is_ip(host.host) or host.host in self.names)

    def host_allowed(self, host_header: str | None, scheme: str) -> bool:
        """The ``Host`` of a request names this server or the host of an allowed origin (DNS rebinding)."""
        host = _split(scheme, host_header or "")
        if host is None:
            return False
        return self.own(host) or any(host.host == origin.host for origin in self.extra)

    def refusal(self, origin_header: str | None, host_header: str | None, scheme: str) -> str | None:
        """Why a websocket from ``origin_header`` is refused, or ``None`` when it may open a tab."""
        if not origin_header:
            return "the request has no Origin header (a browser always sends one)"
        origin = parse_origin(origin_header)
        if origin is not None and origin in self.extra:
            return None
        host = _split(scheme, host_header or "")
        if origin is None or host is None or origin != host or not self.own(host):
            return (
                "the page's origin is not this server's (only its own page and --allow-origin may open a tab). "
                f"Received: origin={origin_header[:200]!r}"
            )
        return None


# --------------------------------------------------------------------------- messages


class BadMessage(ValueError):
    """A websocket message that is not one textual.js sends; the message says what is wrong."""


@dataclass(frozen=True)
class Stdin:
    text: str


@dataclass(frozen=True)
class Resize:
    width: int
    height: int


@dataclass(frozen=True)
class Ping:
    data: str


@dataclass(frozen=True)
class Focus:
    focused: bool


Message = Stdin | Resize | Ping | Focus


def clamp_size(width: int, height: int) -> tuple[int, int]:
    """A terminal size within 1..:data:`MAX_COLUMNS` x 1..:data:`MAX_ROWS`."""
    return max(1, min(width, MAX_COLUMNS)), max(1, min(height, MAX_ROWS))


def _size_value(data: dict[str, object], name: str) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadMessage(f"a resize needs whole numbers. Received: {name}={_short(value)}")
    return value


def parse_message(text: str) -> Message:
    """One message of a tab (``["stdin", "q"]``, ``["resize", {"width": 80, "height": 24}]`` …), checked."""
    if len(text) > MAX_MESSAGE_BYTES:
        raise BadMessage(f"a message of {len(text):,} characters is too long (at most {MAX_MESSAGE_BYTES:,})")
    try:
        envelope = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
        raise BadMessage(f"not JSON. Received: {_short(text)}") from None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        raise BadMessage(f"not a [type, data] list. Received: {_short(envelope)}")
    kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
    if kind == "stdin":
        if not isinstance(data, str):
            raise BadMessage(f"stdin needs text. Received: data={_short(data)}")
        return Stdin(data)
    if kind == "resize":
        if not isinstance(data, dict):
            raise BadMessage(f"a resize needs {{width, height}}. Received: data={_short(data)}")
        return Resize(*clamp_size(_size_value(data, "width"), _size_value(data, "height")))
    if kind == "ping":
        if not isinstance(data, str) or len(data) > MAX_PING_CHARS:
            raise BadMessage(f"a ping needs a short text. Received: data={_short(data)}")
        return Ping(data)
    if kind in ("focus", "blur"):
        return Focus(kind == "focus")
    raise BadMessage(f"unknown message type. Received: type={_short(kind)}")


def frame_problem(kind: str, error: object = None) -> str:
    """Why a websocket frame that is not text was dropped, in one line: ``kind`` is aiohttp's message type
    (``binary``; ``error`` for a frame it could not read: not UTF-8, over :data:`MAX_MESSAGE_BYTES`)."""
    if kind == "error":  # was "a error message; a tab sends text"
        reason = " ".join(str(error).split())
        reason = visible(reason if len(reason) <= 80 else reason[:77] + "...")
        return f"a frame that cannot be read ({reason}); the tab's connection is closed"
    return f"a {kind} message; a tab sends text"


def _short(value: object) -> str:
    """A value for a one-line message: its repr, at most 60 characters, control characters visible."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an int too long to print, deeply nested lists
        text = f"<{type(value).__name__}>"
    return visible(text if len(text) <= 60 else text[:57] + "...")
