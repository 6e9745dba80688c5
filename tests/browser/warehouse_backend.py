"""What the warehouse pages' browser tests share: the backend alone (no model) on the demo
shop, with staff accounts of each role that matters, returns made through the customer API,
and signing in through the sign-in page as a person does (it brings them back)."""
from __future__ import annotations

import dataclasses
import re
import uuid
from typing import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from backend.bootstrap import migrate_and_seed
from backend.context import build_context
from backend.db.session import session_scope
from backend.services import staff_accounts
from backend.settings import Settings
from backend.web.router import STATIC_DIR
from dev.stack import free_port
from tests.live_backend import ThreadedBackend

PASSWORD = "correct horse battery staple"
SERVICE_TOKEN = "warehouse-pages-service-token"
STAFF_TOKEN = "warehouse-pages-staff-token"
ACCOUNTS = (("wes@shop.example", "warehouse", "Wes Dock", "en"),
            ("lea@shop.example", "warehouse", "Léa Quai", "fr"),
            ("dana@shop.example", "supervisor", "Dana Smith", "en"))
ALICE = ("BM-100001", "alice.martin@example.com")
DAN = ("BM-100005", "dan.wright@example.org")


def warehouse_backend(tmp_path_factory, name: str) -> Iterator[ThreadedBackend]:
    for bundle in ("boomerang-warehouse.js", "boomerang-dashboard.js"):
        if not (STATIC_DIR / bundle).exists():
            pytest.fail("the warehouse pages are not built: run `make web`")
    root = tmp_path_factory.mktemp(name)
    url = f"sqlite:///{root / 'warehouse.db'}"
    migrate_and_seed(url)  # the demo shop: orders to return, stock, a warehouse location
    port = free_port()
    settings = dataclasses.replace(
        Settings(), database_url=url, public_base_url=f"http://127.0.0.1:{port}", media_dir=root / "media",
        mail_dir=root / "mail", smtp_url="", service_token=SERVICE_TOKEN, staff_token=STAFF_TOKEN,
        rasa_api_url="none", secret_key="warehouse-secret-key-of-at-least-32-bytes!!", expiry_sweep_seconds=0,
        notify_sweep_seconds=0, twilio_account_sid="", twilio_auth_token="", easypost_api_key="")
    ctx = build_context(settings)
    with session_scope(ctx.sessions) as s:
        for email, role, person, language in ACCOUNTS:
            staff_accounts.create_account(s, email=email, role=role, password=PASSWORD, name=person,
                                          language=language, now=ctx.now())
    live = ThreadedBackend(ctx, port)
    live.start()
    yield live
    live.stop()
    ctx.engine.dispose()


def customer_return(backend: ThreadedBackend, order: tuple[str, str], sku: str, reason: str = "changed_mind",
                    **line) -> tuple[dict, dict]:
    """The customer's headers and a new return of one line of their order (customer API)."""
    service = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    verified = httpx.post(f"{backend.url}/api/v1/verify", json={"reference": order[0], "contact": order[1]},
                          headers={**service, "X-Client-Key": uuid.uuid4().hex})
    assert verified.status_code == 200, verified.text
    customer = {**service, "X-Customer-Token": verified.json()["customer_token"]}
    lines = httpx.get(f"{backend.url}/api/v1/orders/{order[0]}/returnable-lines", headers=customer).json()["lines"]
    picked = next(l for l in lines if l["sku"] == sku)
    created = httpx.post(f"{backend.url}/api/v1/returns", headers={**customer, "Idempotency-Key": uuid.uuid4().hex},
                         json={"order_number": order[0], "channel": "web", "language": "en",
                               "lines": [{"order_line_id": picked["order_line_id"], "reason_code": reason,
                                          "resolution": "refund", **line}]})
    assert created.status_code == 201, created.text
    return customer, created.json()


def staff_api(backend: ThreadedBackend, method: str, path: str, **kwargs) -> httpx.Response:
    return httpx.request(method, f"{backend.url}{path}", headers={"Authorization": f"Bearer {STAFF_TOKEN}"},
                         **kwargs)


def sign_in(page: Page, backend: ThreadedBackend, path: str, email: str, lang: str) -> None:
    """Open a warehouse page while signed out: the sign-in page, then back to that page."""
    labels = {"en": ("Email", "Password", "Sign in"), "fr": ("Adresse e-mail", "Mot de passe", "Se connecter")}[lang]
    page.goto(f"{backend.url}{path}?lang={lang}")
    expect(page).to_have_url(re.compile(r"/agent/login\?lang=" + lang + "&next="))
    page.get_by_label(labels[0]).fill(email)
    page.get_by_label(labels[1]).fill(PASSWORD)
    page.get_by_role("button", name=labels[2]).click()
    expect(page).to_have_url(re.compile(re.escape(path) + rf"\?lang={lang}"))
    expect(page.locator("body[data-ready='1']")).to_have_count(1)


def csp_violations(page: Page) -> list[str]:
    """Collects the page's Content-Security-Policy complaints (there must be none)."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    return seen
