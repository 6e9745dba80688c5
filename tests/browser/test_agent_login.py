"""The staff sign-in page in a real headless Chromium: sign in and out, in French and in
English, against the backend alone (no model needed), with the CSRF header and the
HttpOnly session cookie exactly as a browser handles them."""
from __future__ import annotations

import dataclasses
import re
from typing import Iterator

import pytest
from playwright.sync_api import BrowserContext, expect

from backend.context import build_context
from backend.db.migrate import upgrade
from backend.db.session import session_scope
from backend.services import staff_accounts
from backend.settings import Settings
from dev.stack import free_port
from tests.live_backend import ThreadedBackend

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> Iterator[ThreadedBackend]:
    root = tmp_path_factory.mktemp("agent-pages")
    url = f"sqlite:///{root / 'staff.db'}"
    upgrade(url)
    port = free_port()
    settings = dataclasses.replace(
        Settings(), database_url=url, public_base_url=f"http://127.0.0.1:{port}", media_dir=root / "media",
        service_token="browser-service-token", staff_token="browser-staff-token",
        secret_key="browser-secret-key-of-at-least-32-bytes!!", expiry_sweep_seconds=0, notify_sweep_seconds=0,
        twilio_account_sid="", twilio_auth_token="", easypost_api_key="")
    ctx = build_context(settings)
    with session_scope(ctx.sessions) as s:
        staff_accounts.create_account(s, email="camille@shop.example", role="agent", password=PASSWORD,
                                      name="Camille Roux", language="fr", now=ctx.now())
        staff_accounts.create_account(s, email="dana@shop.example", role="supervisor", password=PASSWORD,
                                      name="Dana Smith", language="en", now=ctx.now())
    live = ThreadedBackend(ctx, port)
    live.start()
    yield live
    live.stop()
    ctx.engine.dispose()


def session_cookie(context: BrowserContext) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == "boomerang_staff"), None)


def test_an_agent_signs_in_and_out_in_french(open_browser, backend):
    context, page = open_browser("fr-FR")
    page.goto(f"{backend.url}/agent")  # not signed in: to the sign-in page, in the browser's language
    expect(page).to_have_url(re.compile(r"/agent/login$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Connectez-vous à la console des retours")

    page.get_by_label("Adresse e-mail").fill("camille@shop.example")
    page.get_by_label("Mot de passe").fill("not the password at all")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("ne correspondent à aucun compte d'équipe actif")
    assert session_cookie(context) is None

    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/agent\?lang=fr$"))
    expect(page.locator("#staff-name")).to_have_text("Camille Roux")
    expect(page.locator("#staff-role")).to_have_text("Rôle : Conseiller")
    cookie = session_cookie(context)
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "boomerang_staff" not in page.evaluate("document.cookie")  # no script can read it

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/agent/login\?lang=fr$"))
    assert session_cookie(context) is None
    page.goto(f"{backend.url}/agent")
    expect(page).to_have_url(re.compile(r"/agent/login$"))


def test_a_supervisor_switches_to_english_signs_in_and_out(open_browser, backend):
    context, page = open_browser("fr-FR")
    page.goto(f"{backend.url}/agent/login")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/agent/login\?lang=en$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the returns console")

    page.get_by_label("Email").fill("DANA@shop.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/agent\?lang=en$"))
    expect(page.locator("#staff-name")).to_have_text("Dana Smith")
    expect(page.locator("#staff-role")).to_have_text("Role: Supervisor")
    # Signed in: the sign-in page sends the browser on to the console.
    page.goto(f"{backend.url}/agent/login?lang=en")
    expect(page).to_have_url(re.compile(r"/agent\?lang=en$"))

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/agent/login\?lang=en$"))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert session_cookie(context) is None
