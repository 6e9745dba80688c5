"""Staff sign-in for scripts and integrations: ``/api/v1/auth/*`` (tag ``auth``).

``POST /login`` answers a bearer token (the session token) for ``Authorization: Bearer``;
the pages sign in at ``POST /agent/login`` instead (:mod:`backend.web.agent_pages`), which
puts the same kind of session in an HttpOnly cookie and never shows its token to scripts.
Both end with ``POST /logout``.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from fastapi import APIRouter, Depends, Header, Request, Response
from starlette.responses import Response as StarletteResponse

from backend.api import schemas
from backend.api.csrf import SESSION_COOKIE
from backend.api.deps import bearer_token, has_bearer, current_staff, get_ctx
from backend.api.errors import error_responses
from backend.context import BackendContext
from backend.domain.staff import StaffPrincipal
from backend.services import staff_sessions
from backend.settings import Settings
from backend.workflows import staff_sign_in

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def client_address(request: Request) -> str:
    """Who is signing in, for the pause after failures: the caller's address (a header the
    caller chooses would let it pick a fresh identity for every guess)."""
    return f"ip:{request.client.host if request.client else 'unknown'}"


def session_view(signed: staff_sign_in.SignedIn, settings: Settings) -> dict:
    p = signed.principal
    return {"expires_at": signed.expires_at, "idle_timeout_seconds": settings.staff_session_idle_seconds,
            "email": p.email, "name": p.name, "role": p.role, "language": p.language}


def set_session_cookie(response: StarletteResponse, token: str, expires_at: dt.datetime,
                       now: dt.datetime, settings: Settings) -> None:
    """The pages' session: HttpOnly (no script reads it), SameSite=Strict (no cross-site
    request carries it), Secure when the backend is reached over HTTPS; it lasts as long as
    the session's absolute lifetime (the server also ends it when idle)."""
    response.set_cookie(SESSION_COOKIE, token, max_age=max(0, int((expires_at - now).total_seconds())),
                        path="/", httponly=True, samesite="strict", secure=settings.secure_cookies)


def clear_session_cookie(response: StarletteResponse, settings: Settings) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=settings.secure_cookies)


@router.post("/login", response_model=schemas.LoginOut, responses=error_responses(401, 422, 429))
def login(body: schemas.LoginIn, request: Request, ctx: BackendContext = Depends(get_ctx)) -> dict:
    """Sign in with a staff account's email and password; the answer's ``access_token`` is the
    session's bearer token. Wrong email and wrong password get the same 401; failures
    are paused per email and per client address (429 with Retry-After)."""
    signed = staff_sign_in.sign_in(ctx, email=body.email, password=body.password,
                                   client_key=client_address(request))
    return {**session_view(signed, ctx.settings), "access_token": signed.token, "token_type": "bearer"}


@router.post("/logout", status_code=204, response_class=Response,
             responses=error_responses(401, 403))
def logout(request: Request, authorization: Optional[str] = Header(None),
           principal: StaffPrincipal = Depends(current_staff),
           ctx: BackendContext = Depends(get_ctx)) -> Response:
    """End this session (its bearer token or the page's cookie). The install's staff token
    is no session: nothing to end. A cookie-signed-in page must send its CSRF header."""
    response = Response(status_code=204)
    if has_bearer(authorization):
        if principal.is_account:
            staff_sign_in.sign_out(ctx, bearer_token(authorization))
        return response
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        staff_sign_in.sign_out(ctx, token)
    clear_session_cookie(response, ctx.settings)
    return response


@router.get("/me", response_model=schemas.StaffMeOut, responses=error_responses(401))
def me(principal: StaffPrincipal = Depends(current_staff), ctx: BackendContext = Depends(get_ctx)) -> dict:
    """Who is signed in (or ``staff_token`` for the install's staff token)."""
    expires_at = (staff_sessions.session_expiry(ctx, principal.session_id)
                  if principal.session_id is not None else None)
    return {"kind": "account" if principal.is_account else "staff_token", "email": principal.email,
            "name": principal.name, "role": principal.role, "language": principal.language,
            "expires_at": expires_at}
