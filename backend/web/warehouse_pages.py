"""The warehouse pages: the dock (``/warehouse``), one return's inspection
(``/warehouse/returns/{rma}``), the refurbishing queue (``/warehouse/refurbish``) and the
returns manager's dashboard (``/warehouse/dashboard``).

They follow the agent console (:mod:`backend.web.agent_pages`) exactly: the same sign-in
(``/agent/login``, session in the HttpOnly cookie), the same CSRF header on unsafe calls, the
same Content-Security-Policy (own script and style by nonce, requests to this origin only;
Chart.js is bundled, nothing comes from a CDN), English and French by ``?lang=``, else the
account's language, else the browser's. Each page is a shell (who is signed in, the
navigation, sign-out) that loads a bundle built by ``make web`` from ``web/src/warehouse``:
``boomerang-warehouse.js`` (dock, inspection, refurbishing) or ``boomerang-dashboard.js`` (the charts).

Who may open them: the roles of the warehouse API (warehouse, supervisor, admin). A stranger
is sent to the sign-in page (which brings them back here); an agent gets a 403 page, in
their language, pointing to the console.

The words the pages show that the backend already owns (return reasons, dispositions, the
law's guards) are handed to the script in ``data-words``, so they are written once.
"""
from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from string import Template
from typing import Optional
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from backend.api.deps import get_ctx
from backend.context import BackendContext
from backend.domain.disposition_rules import DISPOSITIONS, EXCEPTION_CODES, FLAGS, GRADES
from backend.domain.disposition_text import DISPOSITION_NAMES, GUARD_REASONS
from backend.domain.staff import ADMIN, LANGUAGES, MANAGERS, ROLE_NAMES, SUPERVISOR, WAREHOUSE, StaffPrincipal
from backend.web.agent_pages import TEXTS as AGENT_TEXTS
from backend.web.agent_pages import _common, _esc, _page, page_language, signed_in
from common.reasons import REASONS

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE = Template((TEMPLATES / "warehouse.html").read_text(encoding="utf-8"))
FORBIDDEN_PAGE = Template((TEMPLATES / "warehouse_forbidden.html").read_text(encoding="utf-8"))

# The roles of the warehouse routes (receiving, inspection) and of the measures.
WAREHOUSE_ROLES: frozenset[str] = frozenset({WAREHOUSE, SUPERVISOR, ADMIN})
DASHBOARD_ROLES: frozenset[str] = WAREHOUSE_ROLES
# An RMA as the pages accept it in their address (the API says whether it exists).
RMA_PATH = re.compile(r"^[A-Za-z0-9-]{1,40}$")

TEXTS = {
    "en": {
        "dock_title": "Dock: receiving",
        "inspection_title": "Inspection",
        "dashboard_title": "Returns dashboard",
        "refurbish_title": "Refurbishing queue",
        "nav_label": "Warehouse",
        "nav_dock": "Dock",
        "nav_refurbish": "Refurbishing",
        "nav_dashboard": "Dashboard",
        "nav_console": "Agent console",
        "noscript": "These pages need JavaScript.",
        "forbidden_title": "Not for your role",
        "forbidden_text": "The warehouse pages are for the warehouse team, supervisors and administrators.",
        "forbidden_back": "Back to the console",
    },
    "fr": {
        "dock_title": "Quai : réception",
        "inspection_title": "Inspection",
        "dashboard_title": "Tableau de bord des retours",
        "refurbish_title": "File de reconditionnement",
        "nav_label": "Entrepôt",
        "nav_dock": "Quai",
        "nav_refurbish": "Reconditionnement",
        "nav_dashboard": "Tableau de bord",
        "nav_console": "Console des conseillers",
        "noscript": "Ces pages ont besoin de JavaScript.",
        "forbidden_title": "Pas pour votre rôle",
        "forbidden_text": ("Les pages de l'entrepôt sont réservées à l'équipe de l'entrepôt, aux superviseurs "
                           "et aux administrateurs."),
        "forbidden_back": "Retour à la console",
    },
}

router = APIRouter(include_in_schema=False)


def words(lang: str) -> dict:
    """The backend's own words the scripts show, in the page's language."""
    return {
        "reasons": {r.code: r.label[lang] for r in REASONS},
        "dispositions": {code: DISPOSITION_NAMES[code][lang] for code in DISPOSITIONS},
        "guards": {code: text[lang] for code, text in GUARD_REASONS.items()},
        "grades": list(GRADES), "flags": list(FLAGS), "exceptions": list(EXCEPTION_CODES),
    }


def _login_redirect(path: str, lang_param: Optional[str]) -> RedirectResponse:
    """To the sign-in page, which brings the browser back to ``path`` once signed in."""
    query = f"lang={quote(lang_param)}&" if lang_param else ""
    return RedirectResponse(f"/agent/login?{query}next={quote(path, safe='/')}", status_code=303)


def _forbidden(request: Request, lang_param: Optional[str], principal: StaffPrincipal) -> Response:
    lang = page_language(request, lang_param, principal.language)
    t = TEXTS[lang]
    nonce = secrets.token_urlsafe(16)
    body = FORBIDDEN_PAGE.substitute(_common(lang, nonce), title=_esc(t["forbidden_title"]),
                                     text=_esc(t["forbidden_text"]), back=_esc(t["forbidden_back"]))
    response = _page(body, nonce)
    response.status_code = 403
    return response


def _shell(request: Request, lang_param: Optional[str], ctx: BackendContext, *, page: str, path: str,
           roles: frozenset[str], title_key: str, script: str, rma: str = "") -> Response:
    """One warehouse page: the sign-in page for strangers, 403 for other roles, else the shell."""
    principal = signed_in(request, ctx)
    if principal is None:
        return _login_redirect(path, lang_param)
    if not principal.may(roles):
        return _forbidden(request, lang_param, principal)
    lang = page_language(request, lang_param, principal.language)
    t = TEXTS[lang]
    nonce = secrets.token_urlsafe(16)
    common = _common(lang, nonce)
    # The language switch keeps the page (and its return).
    common["other_href"] = _esc(f"{path}?lang={common['other_lang']}")
    console = (f'<a href="/agent?lang={lang}" id="nav-console">{_esc(t["nav_console"])}</a>'
               if principal.may(MANAGERS) else "")
    body = PAGE.substitute(
        common, page=page, script=script, rma=_esc(rma), title=_esc(t[title_key]),
        signed_in_as=_esc(AGENT_TEXTS[lang]["signed_in_as"]), name=_esc(principal.name),
        email=_esc(principal.email), role=_esc(principal.role),
        role_line=_esc(AGENT_TEXTS[lang]["role_line"].format(role=ROLE_NAMES[lang][principal.role])),
        sign_out=_esc(AGENT_TEXTS[lang]["sign_out"]), nav_label=_esc(t["nav_label"]),
        nav_dock=_esc(t["nav_dock"]), nav_refurbish=_esc(t["nav_refurbish"]), nav_dashboard=_esc(t["nav_dashboard"]), nav_console=console,
        noscript=_esc(t["noscript"]), words=_esc(json.dumps(words(lang), ensure_ascii=False)))
    return _page(body, nonce)


@router.get("/warehouse", response_class=HTMLResponse)
def dock_page(request: Request, lang: Optional[str] = None, ctx: BackendContext = Depends(get_ctx)) -> Response:
    """The dock: a scanner field (the label's RMA + Enter), the return's lines, the receipt."""
    lang_param = lang if lang in LANGUAGES else None
    return _shell(request, lang_param, ctx, page="dock", path="/warehouse", roles=WAREHOUSE_ROLES,
                  title_key="dock_title", script="boomerang-warehouse")


@router.get("/warehouse/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, lang: Optional[str] = None,
                   ctx: BackendContext = Depends(get_ctx)) -> Response:
    """The measures: tiles, weekly charts, the CSV export, over a date range."""
    lang_param = lang if lang in LANGUAGES else None
    return _shell(request, lang_param, ctx, page="dashboard", path="/warehouse/dashboard",
                  roles=DASHBOARD_ROLES, title_key="dashboard_title", script="boomerang-dashboard")


@router.get("/warehouse/refurbish", response_class=HTMLResponse)
def refurbish_page(request: Request, lang: Optional[str] = None,
                   ctx: BackendContext = Depends(get_ctx)) -> Response:
    """The items waiting in refurbishing, each sent on when done (grade B stock or outlet)."""
    lang_param = lang if lang in LANGUAGES else None
    return _shell(request, lang_param, ctx, page="refurbish", path="/warehouse/refurbish", roles=WAREHOUSE_ROLES,
                  title_key="refurbish_title", script="boomerang-warehouse")


@router.get("/warehouse/returns/{rma}", response_class=HTMLResponse)
def inspection_page(rma: str, request: Request, lang: Optional[str] = None,
                    ctx: BackendContext = Depends(get_ctx)) -> Response:
    """One return's inspection: grades, flags, notes, reductions; then its dispositions."""
    lang_param = lang if lang in LANGUAGES else None
    if not RMA_PATH.match(rma):
        return RedirectResponse(f"/warehouse?lang={lang_param}" if lang_param else "/warehouse", status_code=303)
    return _shell(request, lang_param, ctx, page="inspection", path=f"/warehouse/returns/{rma}",
                  roles=WAREHOUSE_ROLES, title_key="inspection_title", script="boomerang-warehouse", rma=rma)
