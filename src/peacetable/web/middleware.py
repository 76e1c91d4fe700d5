"""One ASGI middleware in front of every route: body size limit, CSRF check, security headers.

* Bodies over the limit are refused with 413 and a clear message before any
  handler runs (the body is read up to the limit, then replayed to the app).
* Every state-changing request (POST, PUT, PATCH, DELETE) must carry the
  CSRF token bound to the client's session or pre-session cookie, in the
  ``X-CSRF-Token`` header or, for HTML forms, the ``csrf_token`` field;
  cross-site requests (``Sec-Fetch-Site: cross-site``) are refused outright.
* Every response gets a strict Content-Security-Policy (no inline script,
  ``frame-ancestors 'none'``), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: no-referrer`` (invitation links hold secrets) and
  ``Cache-Control: no-store`` outside ``/static``.

References
----------
.. [1] OWASP Cheat Sheet Series: Cross-Site Request Forgery Prevention;
   HTTP Security Response Headers.
.. [2] W3C (2023). Content Security Policy Level 3; Fetch Metadata Request Headers.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from peacetable.web.deps import PRESESSION_COOKIE, SESSION_COOKIE
from peacetable.web.security import csrf_matches

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    """``name=value`` pairs of the Cookie header (values are our own URL-safe tokens)."""
    out = {}
    for part in headers.get("cookie", "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep:
            out[name] = value.strip('"')
    return out


async def _reply(send: Send, status: int, detail: str, extra: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"detail": detail}).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _form_token(content_type: str, body: bytes) -> str | None:
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1")).get("csrf_token")
        return values[0] if values else None
    if content_type.startswith("multipart/form-data") and b'name="csrf_token"' in body:
        after = body.split(b'name="csrf_token"', 1)[1]
        value = after.split(b"\r\n\r\n", 1)[-1].split(b"\r\n", 1)[0]
        return value.decode("latin-1")
    return None


class Guard:
    """The middleware (see the module docstring)."""

    def __init__(self, app: ASGIApp, secret: bytes, max_body: int, hsts: bool = False) -> None:
        self.app = app
        self.secret = secret
        self.max_body = max_body
        self.extra = [
            (b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if hsts:
            self.extra.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(self.extra)
        if not scope["path"].startswith("/static/"):
            extra.append((b"cache-control", b"no-store"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        headers = _headers(scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            await _reply(send, 413, self._too_large(), extra)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await _reply(send, 413, self._too_large(), extra)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if scope["method"] in UNSAFE:
            problem = self._csrf_problem(headers, body)
            if problem:
                await _reply(send, 403, problem, extra)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send_with_headers)

    def _too_large(self) -> str:
        return f"the request body is too large: the limit is {self.max_body:,} bytes"

    def _csrf_problem(self, headers: dict[str, str], body: bytes) -> str | None:
        if headers.get("sec-fetch-site") == "cross-site":
            return "cross-site requests are refused"
        cookies = _cookies(headers)
        bound = cookies.get(SESSION_COOKIE) or cookies.get(PRESESSION_COOKIE)
        presented: Any = headers.get("x-csrf-token") or _form_token(
            headers.get("content-type", ""), body
        )
        if not bound or not presented or not csrf_matches(self.secret, bound, str(presented)):
            return (
                "missing or wrong CSRF token: send the X-CSRF-Token header "
                "(GET /api/auth/csrf gives it) or the csrf_token form field"
            )
        return None
