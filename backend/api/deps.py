"""Request dependencies: the backend context, caller authentication, customer claims."""
from __future__ import annotations

import hmac
from typing import Callable, Iterator, Optional

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from backend.api.csrf import SESSION_COOKIE
from backend.context import BackendContext
from backend.domain.claims import CustomerClaims
from backend.domain.staff import ROLE_NAMES, STAFF_TOKEN_PRINCIPAL, StaffPrincipal
from backend.services import staff_sessions
from backend.services.errors import Forbidden, Unauthorized
from backend.services.verification import conversation_claims, decode_customer_token


def get_ctx(request: Request) -> BackendContext:
    return request.app.state.ctx


def bearer_token(authorization: Optional[str]) -> str:
    if not authorization or not authorization.lower().startswith("bearer "):
        return ""
    return authorization[7:].strip()


def require_service(authorization: Optional[str] = Header(None),
                    ctx: BackendContext = Depends(get_ctx)) -> None:
    """The action server (or another trusted caller) presents the service token."""
    if not hmac.compare_digest(bearer_token(authorization).encode(), ctx.settings.service_token.encode()):
        raise Unauthorized("service_token_invalid")


def service_caller(authorization: Optional[str] = Header(None),
                   ctx: BackendContext = Depends(get_ctx)) -> bool:
    """For endpoints open to anyone: True for the service token, False without credentials.

    A wrong token is refused rather than treated as anonymous, so a misconfigured channel
    finds out at once.
    """
    if authorization is None:
        return False
    require_service(authorization, ctx)
    return True


def has_bearer(authorization: Optional[str]) -> bool:
    return bool(authorization) and authorization.lower().startswith("bearer ")  # type: ignore[union-attr]


def current_staff(request: Request, authorization: Optional[str] = Header(None),
                  ctx: BackendContext = Depends(get_ctx)) -> StaffPrincipal:
    """Who the staff caller is: a bearer token, else the page's session cookie.

    * ``Authorization: Bearer <install staff token>`` (``BOOMERANG_STAFF_TOKEN``, scripts):
      an ``admin`` named "staff token";
    * ``Authorization: Bearer <session token>`` from ``POST /api/v1/auth/login``;
    * else the HttpOnly ``boomerang_staff`` cookie of the pages (unsafe requests then need
      the CSRF header, see :mod:`backend.api.csrf`).

    With a bearer header the cookie is never read (a wrong token is not rescued by a
    cookie), which is what lets bearer requests skip the CSRF check. 401 without valid
    credentials (``staff_token_invalid``) or for a session that has ended
    (``staff_session_expired``).
    """
    if has_bearer(authorization):
        token = bearer_token(authorization)
        staff_token = ctx.settings.staff_token
        if token and staff_token and hmac.compare_digest(token.encode(), staff_token.encode()):
            return STAFF_TOKEN_PRINCIPAL
        return staff_sessions.principal_for_token(ctx, token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return staff_sessions.principal_for_token(ctx, cookie)
    raise staff_sessions.not_signed_in()


def require_roles(*roles: str) -> Callable[..., StaffPrincipal]:
    """A dependency: the signed-in staff principal, if their role is one of ``roles``.

    401 without credentials or with an ended session, 403 (``staff_role_forbidden``) for
    another role.
    """
    allowed = frozenset(roles)

    def staff_with_role(principal: StaffPrincipal = Depends(current_staff)) -> StaffPrincipal:
        check_role(principal, allowed)
        return principal

    return staff_with_role


def check_role(principal: StaffPrincipal, allowed: frozenset[str] | set[str]) -> None:
    """403 unless the principal's role is allowed (for checks that depend on the body)."""
    if principal.role not in allowed:
        raise Forbidden("staff_role_forbidden",
                        role={language: names[principal.role] for language, names in ROLE_NAMES.items()})


def customer_claims(x_customer_token: Optional[str] = Header(None, description="Token from /verify"),
                    x_conversation_id: Optional[str] = Header(
                        None, description="A conversation verified through /verify (the assistant)"),
                    ctx: BackendContext = Depends(get_ctx)) -> CustomerClaims:
    """Who the customer is: a customer token, or a conversation the backend saw verified.

    Only the service-token routes use this, so only the assistant can name a conversation;
    the proof itself lives in the backend, never in the conversation's tracker.
    """
    if x_customer_token:
        return decode_customer_token(ctx.settings, x_customer_token)
    if x_conversation_id:
        return conversation_claims(ctx, x_conversation_id[:128])
    raise Unauthorized("customer_token_missing")


def db_session(ctx: BackendContext = Depends(get_ctx)) -> Iterator[Session]:
    """A read session for a request; services that write open their own units of work."""
    session = ctx.sessions()
    try:
        yield session
    finally:
        session.close()


def client_key(request: Request, x_client_key: Optional[str] = Header(None)) -> str:
    """Who is asking, for rate limits: the conversation id the caller passes, else the IP."""
    if x_client_key:
        return f"client:{x_client_key[:100]}"
    return f"ip:{request.client.host if request.client else 'unknown'}"
