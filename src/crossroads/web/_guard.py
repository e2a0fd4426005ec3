"""What every response of the web app passes through: a Host check and security headers.

**Host check.** A page on any web site can make a browser send requests to
``127.0.0.1:8000`` under a name its attacker controls (DNS rebinding), and read the
answers as same-origin. The server therefore answers only requests whose ``Host`` header
names a loopback address (``localhost``, ``127.0.0.0/8``, ``::1``) or one of the names it
was told to serve (``crossroads serve --host`` and ``--allow-host``); any other gets 400 in
the one JSON error shape.

**Headers** on every response: ``X-Content-Type-Options: nosniff``; a
Content-Security-Policy that allows scripts, styles, images and requests from the
dashboard's own origin only (plotly.js sets inline styles; SVG figures and Swagger UI use
``data:`` images), no plugins, no framing (``frame-ancestors 'none'``, and
``X-Frame-Options: DENY`` for older browsers); ``Referrer-Policy: no-referrer``.

    >>> host_name("[::1]:8000"), host_name("LocalHost:80"), host_name("127.0.0.1")
    ('::1', 'localhost', '127.0.0.1')
    >>> is_loopback("127.8.0.1"), is_loopback("localhost"), is_loopback("10.0.0.1")
    (True, True, False)
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crossroads.web._errors import error_body

__all__ = ["SECURITY_HEADERS", "GuardMiddleware", "host_name", "is_loopback"]

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", CSP),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def host_name(header: str) -> str:
    """The host of a ``Host`` header, lower-case, without port, brackets or final dot."""
    text = header.strip().lower()
    if text.startswith("["):
        return text[1:text.find("]")] if "]" in text else text[1:]
    if text.count(":") == 1:
        text = text.split(":", 1)[0]
    return text.rstrip(".")


def is_loopback(name: str) -> bool:
    """Whether ``name`` is ``localhost`` or a loopback address."""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class GuardMiddleware:
    """Refuse foreign ``Host`` headers; add :data:`SECURITY_HEADERS` to every response."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed = frozenset(host_name(h) for h in allowed_hosts if h)

    def allows(self, header: str | None) -> bool:
        """Whether a request with this ``Host`` header is answered."""
        if not header:
            return False
        name = host_name(header)
        return is_loopback(name) or name in self.allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    if name not in headers:
                        headers[name] = value
            await send(message)

        host = Headers(scope=scope).get("host")
        if not self.allows(host):
            shown = (host or "")[:100]
            response = JSONResponse(
                error_body("HTTPException", f"Host {shown!r} is not served here",
                           "open the dashboard at http://127.0.0.1:PORT/, or start it "
                           "with --allow-host NAME"),
                status_code=400,
            )
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)
