"""Request dependencies: the backend context, caller authentication, customer claims."""
from __future__ import annotations

import hmac
from typing import Iterator, Optional

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from backend.context import BackendContext
from backend.services.errors import Unauthorized
from backend.services.verification import CustomerClaims, conversation_claims, decode_customer_token


def get_ctx(request: Request) -> BackendContext:
    return request.app.state.ctx


def _bearer(authorization: Optional[str]) -> str:
    if not authorization or not authorization.lower().startswith("bearer "):
        return ""
    return authorization[7:].strip()


def require_service(authorization: Optional[str] = Header(None),
                    ctx: BackendContext = Depends(get_ctx)) -> None:
    """The action server (or another trusted caller) presents the service token."""
    if not hmac.compare_digest(_bearer(authorization).encode(), ctx.settings.service_token.encode()):
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


def require_staff(authorization: Optional[str] = Header(None),
                  ctx: BackendContext = Depends(get_ctx)) -> None:
    if not hmac.compare_digest(_bearer(authorization).encode(), ctx.settings.staff_token.encode()):
        raise Unauthorized("staff_token_invalid")


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
