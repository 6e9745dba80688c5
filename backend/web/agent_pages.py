"""The staff pages: sign-in at ``/agent/login`` and the console at ``/agent``.

English and French (``?lang=``, else the account's language on the console, else the
browser's Accept-Language). The sign-in form posts JSON to ``POST /agent/login`` with a
few lines of plain script, which also sends the CSRF header (:mod:`backend.api.csrf`);
the answer sets the session in an HttpOnly, SameSite=Strict cookie. The console is a page
shell (who is signed in, sign-out) that loads the bundled ``/static/boomerang-console.js``
and ``.css`` (``web/src/console``): live queue, conversation and context over the agent API.

Pages are served with a Content-Security-Policy that allows only their own inline script
and style (by nonce) and requests to this origin (images also from the page's own object
URLs: a photo's preview), and may not be framed.
"""
from __future__ import annotations

import html
import re
import secrets
from pathlib import Path
from string import Template
from typing import Optional
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from backend.api import schemas
from backend.api.auth import client_address, session_view, set_session_cookie
from backend.api.csrf import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from backend.api.deps import get_ctx
from backend.context import BackendContext
from backend.domain.staff import LANGUAGES, ROLE_NAMES, WAREHOUSE, StaffPrincipal
from backend.services import staff_sessions
from backend.services.errors import Unauthorized
from backend.workflows import staff_sign_in

TEMPLATES = Path(__file__).resolve().parent / "templates"
LOGIN_PAGE = Template((TEMPLATES / "agent_login.html").read_text(encoding="utf-8"))
CONSOLE_PAGE = Template((TEMPLATES / "agent_console.html").read_text(encoding="utf-8"))

TEXTS = {
    "en": {
        "login_title": "Staff sign-in",
        "login_heading": "Sign in to the returns console",
        "email_label": "Email",
        "password_label": "Password",
        "submit": "Sign in",
        "busy": "Signing in…",
        "missing": "Please enter your email and your password.",
        "network_error": "The server could not be reached. Please try again.",
        "noscript": "This page needs JavaScript to sign you in.",
        "console_title": "Returns console",
        "signed_in_as": "Signed in as",
        "role_line": "Role: {role}",
        "sign_out": "Sign out",
        "queue_title": "Queue",
        "conversation_title": "Conversation",
        "context_title": "Context",
        "console_noscript": "The console needs JavaScript.",
        "language_name": "English",
    },
    "fr": {
        "login_title": "Connexion de l'équipe",
        "login_heading": "Connectez-vous à la console des retours",
        "email_label": "Adresse e-mail",
        "password_label": "Mot de passe",
        "submit": "Se connecter",
        "busy": "Connexion…",
        "missing": "Saisissez votre adresse e-mail et votre mot de passe.",
        "network_error": "Le serveur est injoignable. Réessayez.",
        "noscript": "Cette page a besoin de JavaScript pour vous connecter.",
        "console_title": "Console des retours",
        "signed_in_as": "Connecté·e en tant que",
        "role_line": "Rôle : {role}",
        "sign_out": "Se déconnecter",
        "queue_title": "File d'attente",
        "conversation_title": "Conversation",
        "context_title": "Contexte",
        "console_noscript": "La console a besoin de JavaScript.",
        "language_name": "Français",
    },
}

router = APIRouter(include_in_schema=False)

# Where the sign-in page may send the browser back to (``?next=``): our own staff pages only,
# a plain path (no scheme, no host, no "//", no query), so it can never lead off the site.
NEXT_PATH = re.compile(r"^/(agent|warehouse)(/[A-Za-z0-9_-]+)*$")


def safe_next(next_path: Optional[str]) -> Optional[str]:
    """``next_path`` when it is one of our staff pages' paths, else None."""
    return next_path if next_path and len(next_path) <= 200 and NEXT_PATH.match(next_path) else None


def home_of(principal: StaffPrincipal) -> str:
    """The page a signed-in account starts on: the dock for the warehouse, else the console."""
    return "/warehouse" if principal.role == WAREHOUSE else "/agent"


def _with_lang(path: str, lang: Optional[str]) -> str:
    return f"{path}?lang={quote(lang)}" if lang else path


def accepted_language(header: Optional[str]) -> Optional[str]:
    """The first of our languages the browser accepts (by its q weights), if any."""
    best: tuple[float, int, str] | None = None
    for index, part in enumerate((header or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if code in LANGUAGES and q > 0 and (best is None or (q, -index) > best[:2]):
            best = (q, -index, code)
    return best[2] if best else None


def page_language(request: Request, lang: Optional[str], preferred: Optional[str] = None) -> str:
    if lang in LANGUAGES:
        return lang  # type: ignore[return-value]
    if preferred in LANGUAGES:
        return preferred  # type: ignore[return-value]
    return accepted_language(request.headers.get("accept-language")) or "en"


def signed_in(request: Request, ctx: BackendContext) -> Optional[StaffPrincipal]:
    """The principal of the page's session cookie, or None (no cookie, or the session ended)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return staff_sessions.principal_for_token(ctx, token)
    except Unauthorized:
        return None


def _page(body: str, nonce: str) -> HTMLResponse:
    # img-src blob: the preview of a photo the agent is about to send (an object URL the
    # page made itself from the chosen file).
    csp = (f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
           "connect-src 'self'; form-action 'self'; img-src 'self' blob:; base-uri 'none'; frame-ancestors 'none'")
    return HTMLResponse(body, headers={"Cache-Control": "no-store", "Content-Security-Policy": csp,
                                       "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
                                       "X-Content-Type-Options": "nosniff"})


def _common(lang: str, nonce: str) -> dict[str, str]:
    other = "fr" if lang == "en" else "en"
    return {"lang": lang, "nonce": nonce, "other_lang": other, "other_lang_name": TEXTS[other]["language_name"],
            "csrf_cookie": CSRF_COOKIE, "csrf_header": CSRF_HEADER}


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


@router.get("/agent/login", response_class=HTMLResponse)
def login_page(request: Request, lang: Optional[str] = None, next: Optional[str] = None,
               ctx: BackendContext = Depends(get_ctx)) -> Response:
    """The sign-in form; a browser already signed in goes on to ``next`` (a staff page that
    sent it here) or its home page (the console; the dock for the warehouse)."""
    lang_param = lang if lang in LANGUAGES else None
    next_path = safe_next(next)
    principal = signed_in(request, ctx)
    if principal is not None:
        return RedirectResponse(_with_lang(next_path or home_of(principal), lang_param), status_code=303)
    lang = page_language(request, lang_param)
    t = TEXTS[lang]
    nonce = secrets.token_urlsafe(16)
    body = LOGIN_PAGE.substitute(
        _common(lang, nonce), title=_esc(t["login_title"]), heading=_esc(t["login_heading"]),
        email_label=_esc(t["email_label"]), password_label=_esc(t["password_label"]), submit=_esc(t["submit"]),
        busy=_esc(t["busy"]), missing=_esc(t["missing"]), network_error=_esc(t["network_error"]),
        noscript=_esc(t["noscript"]), next=_esc(next_path or ""),
        next_query=_esc(f"&next={quote(next_path, safe='/')}" if next_path else ""))
    return _page(body, nonce)


@router.post("/agent/login", response_model=schemas.StaffSessionOut)
def page_sign_in(body: schemas.LoginIn, request: Request, response: Response,
                 ctx: BackendContext = Depends(get_ctx)) -> dict:
    """The page's sign-in (CSRF header required): the session goes in the HttpOnly cookie,
    never in the answer."""
    signed = staff_sign_in.sign_in(ctx, email=body.email, password=body.password,
                                   client_key=client_address(request))
    set_session_cookie(response, signed.token, signed.expires_at, ctx.now(), ctx.settings)
    response.headers["Cache-Control"] = "no-store"
    return session_view(signed, ctx.settings)


@router.get("/agent", response_class=HTMLResponse)
def console_page(request: Request, lang: Optional[str] = None,
                 ctx: BackendContext = Depends(get_ctx)) -> Response:
    """The console; the sign-in page when not signed in; the dock for a warehouse account
    (the handoff queue is not theirs)."""
    lang_param = lang if lang in LANGUAGES else None
    principal = signed_in(request, ctx)
    if principal is None:
        target = f"/agent/login?lang={quote(lang_param)}" if lang_param else "/agent/login"
        return RedirectResponse(target, status_code=303)
    if principal.role == WAREHOUSE:
        return RedirectResponse(_with_lang("/warehouse", lang_param), status_code=303)
    lang = page_language(request, lang_param, principal.language)
    t = TEXTS[lang]
    nonce = secrets.token_urlsafe(16)
    body = CONSOLE_PAGE.substitute(
        _common(lang, nonce), title=_esc(t["console_title"]), signed_in_as=_esc(t["signed_in_as"]),
        name=_esc(principal.name), email=_esc(principal.email), role=_esc(principal.role),
        role_line=_esc(t["role_line"].format(role=ROLE_NAMES[lang][principal.role])),
        sign_out=_esc(t["sign_out"]), queue_title=_esc(t["queue_title"]),
        conversation_title=_esc(t["conversation_title"]), context_title=_esc(t["context_title"]),
        noscript=_esc(t["console_noscript"]))
    return _page(body, nonce)
