"""CSRF protection for cookie-signed-in staff: ``starlette-csrf``'s double-submit cookie.

Why this library: it is a small, maintained ASGI middleware on plain Starlette plus
``itsdangerous``, so it installs beside Rasa's pins (FastAPI < 0.116, pydantic 1.10),
where ``fastapi-csrf-protect`` 1.x needs pydantic 2. How it works: a response under
``/agent`` gives the browser a signed random token in the ``boomerang_csrf`` cookie
(readable by the page's script, SameSite=Strict); every unsafe request (POST, PUT,
PATCH, DELETE) that carries the staff session cookie must send the same token in the
``X-CSRF-Token`` header. A forged cross-site request carries the cookies but cannot read
them, so it cannot send the header; the token's signature (the backend's secret key)
stops a token made up by an attacker.

What this module adds to the library:

* Bearer callers need no token. A request with ``Authorization: Bearer …`` is let through
  untouched, because :func:`backend.api.deps.current_staff` then never reads the session
  cookie, and no browser adds a bearer header to a cross-site request by itself.
* The page sign-in (``POST /agent/login``) needs the token although no session cookie
  exists yet, so an attacker cannot sign a victim's browser into the attacker's account
  (login CSRF).
* The cookie is handed out on the staff pages (``/agent…``, ``/warehouse…``) only, not on every API answer,
  and handed out again when the browser's one no longer verifies (a new secret key).
* A refusal answers 403 in the API's shape, ``{"error": {"code": "csrf_failed", …}}``,
  in English and French, instead of the library's plain text.

Second layer: the session cookie itself is HttpOnly and SameSite=Strict, so current
browsers do not send it with cross-site requests at all. Limit: the token is not tied to
the session (the library's design), so someone able to write cookies for this host (a
compromised sibling subdomain, a network attacker on plain HTTP) could plant a pair; serve
the console over HTTPS on its own host (the cookies are then Secure).
"""
from __future__ import annotations

import hashlib
import hmac
import http.cookies
import re

from itsdangerous import BadSignature
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette_csrf import CSRFMiddleware

from backend.api.errors import error_response
from backend.domain.error_text import error_body

SESSION_COOKIE = "boomerang_staff"
CSRF_COOKIE = "boomerang_csrf"
CSRF_HEADER = "x-csrf-token"
# The staff pages: the agent console and the warehouse pages (their answers hand out the token).
PAGES_PREFIXES: tuple[str, ...] = ("/agent", "/warehouse")
# Unsafe requests checked even without a session cookie (the page's sign-in).
ALWAYS_CHECKED = frozenset({"/agent/login"})
# Neither reads nor sets the session cookie (the script sign-in: its token is in the body).
EXEMPT = [re.compile(r"^/api/v1/auth/login$")]

CSRF_FAILED = error_body("csrf_failed")


def csrf_secret(secret_key: str) -> str:
    """A key of its own for the CSRF tokens, derived from the backend's secret key."""
    return hmac.new(secret_key.encode(), b"boomerang staff csrf", hashlib.sha256).hexdigest()


def _has_bearer(request: Request) -> bool:
    return request.headers.get("authorization", "").lower().startswith("bearer ")


class StaffCSRFMiddleware(CSRFMiddleware):
    def __init__(self, app: ASGIApp, secret_key: str, *, secure: bool) -> None:
        super().__init__(app, csrf_secret(secret_key), sensitive_cookies={SESSION_COOKIE}, exempt_urls=EXEMPT,
                         cookie_name=CSRF_COOKIE, cookie_path="/", cookie_secure=secure,
                         cookie_httponly=False, cookie_samesite="strict", header_name=CSRF_HEADER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            if _has_bearer(request):
                await self.app(scope, receive, send)
                return
            if request.method not in self.safe_methods and request.url.path in ALWAYS_CHECKED:
                cookie = request.cookies.get(self.cookie_name)
                submitted = await self._get_submitted_csrf_token(request)
                if not (cookie and submitted and self._csrf_tokens_match(cookie, submitted)):
                    await self._get_error_response(request)(scope, receive, send)
                    return
        await super().__call__(scope, receive, send)

    async def send(self, message: Message, send: Send, scope: Scope) -> None:
        """Hand out the token cookie on the pages' answers, when the browser has none or
        one this backend cannot read (its secret key changed): "reload the page" then
        really fixes a refusal."""
        path = scope.get("path", "")
        if message["type"] == "http.response.start" and any(
                path == prefix or path.startswith(prefix + "/") for prefix in PAGES_PREFIXES):
            current = Request(scope).cookies.get(self.cookie_name)
            if current is None or not self._readable(current):
                cookie: http.cookies.SimpleCookie = http.cookies.SimpleCookie()
                cookie[self.cookie_name] = self._generate_csrf_token()
                cookie[self.cookie_name]["path"] = self.cookie_path
                cookie[self.cookie_name]["secure"] = self.cookie_secure
                cookie[self.cookie_name]["samesite"] = self.cookie_samesite
                MutableHeaders(scope=message).append("set-cookie", cookie.output(header="").strip())
        await send(message)

    def _readable(self, token: str) -> bool:
        try:
            self.serializer.loads(token)
            return True
        except BadSignature:
            return False

    def _get_error_response(self, request: Request) -> Response:
        return error_response(403, dict(CSRF_FAILED))
