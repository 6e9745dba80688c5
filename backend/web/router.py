"""Serves the chat page and the widget it embeds.

The page at ``/`` embeds the chat with exactly the script tag a shop pastes into its own
pages, so the page is also the embedding example. The widget files come from
``backend/web/static``, written by ``make web`` (``web/`` → esbuild); they are built, not
committed, so a missing build is said on the page instead of failing the server.
"""
from __future__ import annotations

import html
from pathlib import Path
from string import Template

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from backend.context import BackendContext
from backend.web import agent_pages, warehouse_pages

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
PAGE = Template((WEB_DIR / "templates" / "chat.html").read_text(encoding="utf-8"))
WIDGET = "boomerang-widget.js"
LANGUAGES = ("en", "fr")

router = APIRouter(include_in_schema=False)


def embed_tag(widget_url: str, rasa_url: str, backend_url: str, lang: str | None) -> str:
    """The one script tag that embeds the chat (values HTML-escaped)."""
    attrs = {"src": widget_url, "data-rasa-url": rasa_url, "data-backend-url": backend_url}
    if lang:
        attrs["data-lang"] = lang
    inner = " ".join(f'{name}="{html.escape(value, quote=True)}"' for name, value in attrs.items())
    return f"<script {inner}></script>"


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request, lang: str | None = None) -> HTMLResponse:
    """The chat page; ``?lang=fr`` or ``?lang=en`` picks the language, else the browser's."""
    lang = lang if lang in LANGUAGES else None
    ctx: BackendContext = request.app.state.ctx
    settings = ctx.settings
    tag = embed_tag(f"{settings.public_base_url}/static/{WIDGET}", settings.rasa_url,
                    settings.public_base_url, lang)
    page = PAGE.substitute(lang=lang or "en", embed=tag, embed_text=html.escape(tag),
                           built="" if (STATIC_DIR / WIDGET).exists() else "not-built")
    return HTMLResponse(page, headers={"Cache-Control": "no-cache"})


def install(app: FastAPI) -> None:
    """Add the chat page, the widget's static files and the staff pages (agent console,
    warehouse) to the backend."""
    app.include_router(router)
    app.include_router(agent_pages.router)
    app.include_router(warehouse_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
