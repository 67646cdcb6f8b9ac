"""What stands between the network and the endpoint of ``cancer-spread serve``.

- :class:`Guard`, an ASGI middleware: a Host allow-list (against DNS rebinding), cross-site
  requests refused unless ``--cors`` allows their origin, and security headers on every response
  (a Content-Security-Policy, ``nosniff``, a frame policy, no referrer).
- :func:`guarded_protocol`, uvicorn's HTTP protocol with a header-read timeout (a client that
  does not finish its request headers in time is disconnected) and a connection limit (connections
  beyond it are closed at once), so slow or idle connections cannot hold the server.

>>> host_name("[::1]:8000"), host_name("LocalHost:80"), host_name("example.org")
('::1', 'localhost', 'example.org')
>>> csp_for_html("<script>go()</script>").startswith("default-src 'none'; script-src 'sha256-")
True
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["LOOPBACK_NAMES", "Guard", "csp_for_html", "guarded_protocol", "host_name"]

#: Host names always allowed (with any port).
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
#: The policy of every response that sets none of its own: it runs nothing, and no one frames it.
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)


def csp_for_html(html: str) -> str:
    """A Content-Security-Policy for one generated page: only its own inline scripts run (each
    allowed by its SHA-256 hash), it may fetch from this server only, and no one may frame it."""
    hashes = []
    for m in _SCRIPT.finditer(html):
        attrs = m.group("attrs").lower()
        if "src=" in attrs:
            continue
        kind = re.search(r"type\s*=\s*[\"']?([^\"' >]+)", attrs)
        if kind and kind.group(1) not in ("text/javascript", "module", "application/javascript"):
            continue  # a data block is never run
        digest = base64.b64encode(hashlib.sha256(m.group("body").encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    scripts = " ".join(sorted(set(hashes))) or "'none'"
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src 'self' data: blob:; "
        "font-src data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )


def host_name(host: str) -> str:
    """The name in a Host header, without the port, lower-cased (IPv6 without brackets)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _plain(status: int, message: str, hint: str) -> tuple[int, bytes]:
    return status, f"error: {message}\nhint: {hint}\n".encode()


class Guard:
    """The ASGI middleware (see the module docstring).

    ``allowed_hosts``: names (``*`` allows any); ``cors``: origins allowed to call from other
    sites (``*`` allows any)."""

    def __init__(self, app: Any, *, allowed_hosts: Iterable[str], cors: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed = {host_name(h) for h in allowed_hosts}
        self.any_host = "*" in self.allowed
        self.cors = {c.rstrip("/").lower() for c in cors}
        self.any_origin = "*" in self.cors

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = {}
        for key, value in scope["headers"]:
            headers.setdefault(key, value)
        refusal = self.check(scope, headers)
        if refusal is not None:
            await _respond(send, *refusal)
            return

        async def secured(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                if b"content-security-policy" not in present:
                    extra.append((b"content-security-policy", DEFAULT_CSP.encode()))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, secured)

    def origin_allowed(self, origin: str) -> bool:
        return self.any_origin or origin.rstrip("/").lower() in self.cors

    def check(self, scope: dict[str, Any], headers: dict[bytes, bytes]) -> tuple[int, bytes] | None:
        """Why this request is refused, as (status, body), or ``None``."""
        raw_host = headers.get(b"host", b"").decode("latin-1")
        name = host_name(raw_host)
        if not raw_host or not (self.any_host or name in self.allowed or name in LOOPBACK_NAMES):
            return _plain(
                421 if raw_host else 400,
                f"this server does not answer for the host name {raw_host!r}"
                if raw_host
                else "the request has no Host header",
                "start the server with --allow-host NAME to answer for another name",
            )
        origin = headers.get(b"origin", b"").decode("latin-1")
        site = headers.get(b"sec-fetch-site", b"").decode("latin-1").lower()
        own = f"{scope.get('scheme', 'http')}://{raw_host.lower()}"
        if origin and origin.lower() != own and not self.origin_allowed(origin):
            return _cross_site(origin)
        if site in ("cross-site", "same-site") and not (origin and self.origin_allowed(origin)):
            navigation = headers.get(b"sec-fetch-mode", b"").lower() == b"navigate"
            if not (navigation and scope["method"] in ("GET", "HEAD")):
                return _cross_site(origin or "another site")
        return None


def _cross_site(origin: str) -> tuple[int, bytes]:
    return _plain(
        403,
        f"cross-site request refused (from {origin})",
        "let a web site call this endpoint by starting the server with --cors ORIGIN",
    )


async def _respond(send: Any, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"x-frame-options", b"DENY"),
                (b"content-security-policy", DEFAULT_CSP.encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def guarded_protocol(base: type, *, header_timeout: float, max_connections: int) -> type:
    """uvicorn's HTTP protocol class ``base`` with a header-read timeout and a connection limit."""

    class GuardedProtocol(base):  # type: ignore[misc, valid-type]
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > max_connections:
                body = b"error: too many connections: the server is busy\nhint: try again shortly\n"
                transport.write(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    b"Connection: close\r\nRetry-After: 5\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
                )
                transport.close()
                return
            self._arm_header_timer()

        def _arm_header_timer(self) -> None:
            armed = self.cycle
            loop = asyncio.get_running_loop()

            def expired() -> None:
                # No new request has completed its headers since the timer was set, and none is
                # being answered: a slow or silent client.
                if self.cycle is armed and (armed is None or armed.response_complete):
                    self.transport.close()

            self._guard_timer = loop.call_later(header_timeout, expired)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            timer = getattr(self, "_guard_timer", None)
            if timer is not None:
                timer.cancel()
            if not self.transport.is_closing():
                self._arm_header_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            timer = getattr(self, "_guard_timer", None)
            if timer is not None:
                timer.cancel()
            super().connection_lost(exc)

    GuardedProtocol.__name__ = f"Guarded{base.__name__}"
    return GuardedProtocol
