"""The agent console acts on the conversation's return, in a real headless Chromium against
the backend with the demo shop: an English agent approves a return held for review (its
label is bought from the test carrier), a French agent overrides the policy's refusal of
another (a swimsuit whose hygiene seal is broken) with a written reason, after a too-short
one is refused in French."""
from __future__ import annotations

import dataclasses
import re
import uuid
from typing import Iterator

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backend.bootstrap import migrate_and_seed
from backend.context import build_context
from backend.db.models import PolicyOverride
from backend.db.session import session_scope
from backend.services import staff_accounts
from backend.settings import Settings
from backend.web.router import STATIC_DIR
from dev.stack import free_port
from tests.browser.test_agent_console import PASSWORD, open_conversation, sign_in
from tests.live_backend import ThreadedBackend

SERVICE_TOKEN = "console-actions-service-token"
REASON = "Loyal customer; swimsuit tried on once, liner removed, one-off goodwill."


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> Iterator[ThreadedBackend]:
    if not (STATIC_DIR / "boomerang-console.js").exists():
        pytest.fail("the agent console is not built: run `make web`")
    root = tmp_path_factory.mktemp("console-actions")
    url = f"sqlite:///{root / 'console.db'}"
    migrate_and_seed(url)
    port = free_port()
    settings = dataclasses.replace(
        Settings(), database_url=url, public_base_url=f"http://127.0.0.1:{port}", media_dir=root / "media",
        service_token=SERVICE_TOKEN, staff_token="console-actions-staff-token", rasa_api_url="none",
        secret_key="console-secret-key-of-at-least-32-bytes!!", expiry_sweep_seconds=0, notify_sweep_seconds=0,
        twilio_account_sid="", twilio_auth_token="", easypost_api_key="")
    ctx = build_context(settings)
    with session_scope(ctx.sessions) as s:
        for email, name, language in (("alex@shop.example", "Alex Moore", "en"),
                                      ("camille@shop.example", "Camille Roux", "fr")):
            staff_accounts.create_account(s, email=email, role="agent", password=PASSWORD, name=name,
                                          language=language, now=ctx.now())
    live = ThreadedBackend(ctx, port)
    live.start()
    yield live
    live.stop()
    ctx.engine.dispose()


def customer_return(backend: ThreadedBackend, order: str, contact: str, category: str, line: dict) -> tuple[dict, dict]:
    """The customer's token and a new return on one line of their order (through the API)."""
    service = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    verified = httpx.post(f"{backend.url}/api/v1/verify", json={"reference": order, "contact": contact},
                          headers={**service, "X-Client-Key": uuid.uuid4().hex})
    assert verified.status_code == 200, verified.text
    customer = {**service, "X-Customer-Token": verified.json()["customer_token"]}
    lines = httpx.get(f"{backend.url}/api/v1/orders/{order}/returnable-lines", headers=customer).json()["lines"]
    picked = next(l for l in lines if l["category"] == category)
    created = httpx.post(f"{backend.url}/api/v1/returns", headers={**customer, "Idempotency-Key": uuid.uuid4().hex},
                         json={"order_number": order, "channel": "web", "language": "en",
                               "lines": [{"order_line_id": picked["order_line_id"], **line}]})
    assert created.status_code == 201, created.text
    return customer, created.json()


def handoff_for(backend: ThreadedBackend, customer: dict, language: str) -> int:
    r = httpx.post(f"{backend.url}/api/v1/handoffs", headers=customer,
                   json={"conversation_id": "web-" + uuid.uuid4().hex, "channel": "socketio",
                         "language": language, "reason": "asked"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_an_agent_approves_a_held_return_and_another_overrides_a_refusal(open_browser, backend):
    # English: a damaged lamp without its photo waits for a person; Alex approves it.
    customer, held = customer_return(backend, "BM-100001", "alice.martin@example.com", "home",
                                     {"reason_code": "damaged"})
    assert held["status"] == "needs_review"
    hid = handoff_for(backend, customer, "en")
    _, page = open_browser("en-GB")
    sign_in(page, backend, "alex@shop.example", "en")
    open_conversation(page, hid)
    expect(page.locator("#return-approve")).to_have_count(0)  # not before the conversation is claimed
    page.get_by_role("button", name="Claim", exact=True).click()
    actions = page.locator("#return-actions")
    expect(actions.get_by_role("button", name="Approve")).to_be_visible()
    expect(actions.get_by_role("button", name="Reject")).to_be_visible()
    expect(actions.get_by_role("button", name="Override policy")).to_have_count(0)
    actions.get_by_role("button", name="Approve").click()
    expect(page.locator("#context")).to_contain_text("Return label issued")
    expect(page.locator("#return-actions")).to_have_count(0)  # nothing left to do on it
    expect(page.locator(".turn.event").last).to_have_text(
        re.compile(rf"Return {held['rma']} approved by Alex Moore"))

    # French: the policy refused a swimsuit whose hygiene seal is broken (under French law only
    # an intact seal keeps it returnable, L221-28; without the answer it would wait for review);
    # Camille approves it as an exception.
    customer, refused = customer_return(backend, "BM-100004", "chloe.dubois@example.net", "swimwear",
                                        {"reason_code": "changed_mind", "resolution": "refund",
                                         "seal_intact": False})
    assert refused["status"] == "rejected"
    hid = handoff_for(backend, customer, "fr")
    _, page = open_browser("fr-FR")
    sign_in(page, backend, "camille@shop.example", "fr")
    open_conversation(page, hid)
    page.get_by_role("button", name="Prendre", exact=True).click()
    actions = page.locator("#return-actions")
    override = actions.get_by_role("button", name="Déroger à la politique")
    expect(override).to_be_visible()
    expect(actions.get_by_role("button", name="Accepter")).to_have_count(0)
    reason = page.get_by_label(re.compile("^Pourquoi accepter malgré la politique"))
    reason.fill("court")
    override.click()
    expect(page.locator("#errors")).to_contain_text("Écrivez un motif de 10 à 1000 caractères.")
    reason.fill(REASON)
    page.once("dialog", lambda dialog: dialog.accept())
    override.click()
    expect(page.locator("#context")).to_contain_text("Étiquette de retour émise")
    expect(page.locator("#context")).to_contain_text("à titre exceptionnel, en dérogation à la politique de retour")
    expect(page.locator("#return-actions")).to_contain_text(f"Accepté à titre exceptionnel par Camille Roux : {REASON}")
    expect(page.locator(".turn.event").last).to_have_text(
        re.compile(rf"Retour {refused['rma']} accepté en dérogation à la politique par Camille Roux"))
    with backend.ctx.sessions() as s:
        audit = s.execute(select(PolicyOverride)).scalars().all()
    assert [(a.reason, "seal_broken" in a.overridden_codes) for a in audit] == [(REASON, True)]
