"""The chat page at / embeds the widget with the same script tag a shop would paste."""
from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend.app import create_app
from backend.context import build_context
from backend.settings import Settings
from backend.web.router import STATIC_DIR, WIDGET


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The page reads no data: one SQLite file is enough (no PostgreSQL variant)."""
    return f"sqlite:///{tmp_path / 'page.db'}"


def page_client(settings: Settings, **changes: str) -> TestClient:
    return TestClient(create_app(build_context(dataclasses.replace(settings, **changes))))


def script_tag(page: str) -> dict[str, str]:
    tags = re.findall(r"<script ([^>]*)></script>", page)
    assert len(tags) == 1, tags
    return {name: html.unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', tags[0])}


def test_page_embeds_the_widget_with_the_configured_urls(settings):
    client = page_client(settings, rasa_url="https://bot.shop.example", public_base_url="https://returns.shop.example")
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert script_tag(response.text) == {
        "src": "https://returns.shop.example/static/boomerang-widget.js",
        "data-rasa-url": "https://bot.shop.example", "data-backend-url": "https://returns.shop.example"}
    assert "data-boomerang-chat" in response.text


def test_page_shows_the_tag_to_copy(settings):
    page = page_client(settings).get("/?lang=fr").text
    copy = re.search(r"<code>(.*?)</code>", page, re.S).group(1)
    assert html.unescape(copy) == re.search(r"<script [^>]*></script>", page).group(0)


def test_language_is_passed_on_only_when_it_is_one_we_speak(settings):
    client = page_client(settings)
    assert script_tag(client.get("/?lang=fr").text)["data-lang"] == "fr"
    assert "data-lang" not in script_tag(client.get("/?lang=de").text)
    assert '<html lang="en">' in client.get("/?lang=%22%3E%3Cscript%3E").text


def test_configured_urls_cannot_break_out_of_the_tag(settings):
    page = page_client(settings, rasa_url='http://x"><img src=x onerror=alert(1)>').get("/").text
    assert "<img src=x" not in page
    assert script_tag(page)["data-rasa-url"] == 'http://x"><img src=x onerror=alert(1)>'


def test_built_widget_is_served_from_static(settings):
    if not (STATIC_DIR / WIDGET).exists():
        pytest.fail("the widget is not built: run `make web`")
    client = page_client(settings)
    script = client.get(f"/static/{WIDGET}")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert client.get("/static/boomerang-widget.css").status_code == 200
    assert client.get("/static/../settings.py").status_code == 404
