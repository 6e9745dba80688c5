"""The agent console (/agent) in a real headless Chromium against the backend alone (the
outbound channel is the in-memory recorder): a handoff made through the service API shows
up in the live queue, is claimed, read (history, summary, bot's view), answered (delivered;
a failed delivery is retried), noted and handed back to the bot, in English and in French;
a claim race shows the API's 409 in the console's language."""
from __future__ import annotations

import dataclasses
import re
from typing import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from backend.adapters.conversations.base import ConversationEvent
from backend.context import build_context
from backend.bootstrap import migrate_and_seed
from backend.db.session import session_scope
from backend.services import staff_accounts
from backend.settings import Settings
from backend.web.router import STATIC_DIR
from dev.stack import free_port
from tests.live_backend import ThreadedBackend

PASSWORD = "correct horse battery staple"
SERVICE_TOKEN = "console-service-token"


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> Iterator[ThreadedBackend]:
    if not (STATIC_DIR / "boomerang-console.js").exists():
        pytest.fail("the agent console is not built: run `make web`")
    root = tmp_path_factory.mktemp("agent-console")
    url = f"sqlite:///{root / 'console.db'}"
    migrate_and_seed(url)  # the demo shop: a customer can be verified
    port = free_port()
    settings = dataclasses.replace(
        Settings(), database_url=url, public_base_url=f"http://127.0.0.1:{port}", media_dir=root / "media",
        mail_dir=root / "mail", smtp_url="",
        service_token=SERVICE_TOKEN, staff_token="console-staff-token", rasa_api_url="none",
        secret_key="console-secret-key-of-at-least-32-bytes!!", expiry_sweep_seconds=0, notify_sweep_seconds=0,
        twilio_account_sid="", twilio_auth_token="", easypost_api_key="")
    ctx = build_context(settings)
    with session_scope(ctx.sessions) as s:
        for email, name, language in (("alex@shop.example", "Alex Moore", "en"),
                                      ("camille@shop.example", "Camille Roux", "fr"),
                                      ("bruno@shop.example", "Bruno Petit", "fr")):
            staff_accounts.create_account(s, email=email, role="agent", password=PASSWORD, name=name,
                                          language=language, now=ctx.now())
    live = ThreadedBackend(ctx, port)
    live.start()
    yield live
    live.stop()
    ctx.engine.dispose()


def sign_in(page: Page, backend: ThreadedBackend, email: str, lang: str) -> None:
    labels = {"en": ("Email", "Password", "Sign in"), "fr": ("Adresse e-mail", "Mot de passe", "Se connecter")}[lang]
    page.goto(f"{backend.url}/agent/login?lang={lang}")
    page.get_by_label(labels[0]).fill(email)
    page.get_by_label(labels[1]).fill(PASSWORD)
    page.get_by_role("button", name=labels[2]).click()
    expect(page).to_have_url(re.compile(rf"/agent\?lang={lang}$"))
    expect(page.locator("body[data-ready='1']")).to_have_count(1)


def open_handoff(backend: ThreadedBackend, conversation_id: str, language: str, reason: str = "asked") -> dict:
    r = httpx.post(f"{backend.url}/api/v1/handoffs",
                   json={"conversation_id": conversation_id, "channel": "socketio", "language": language,
                         "reason": reason},
                   headers={"Authorization": f"Bearer {SERVICE_TOKEN}"})
    assert r.status_code == 201, r.text
    return r.json()


def queue_item(page: Page, handoff_id: int):
    return page.locator(f".queue-item[data-handoff-id='{handoff_id}']")


def open_conversation(page: Page, handoff_id: int) -> None:
    queue_item(page, handoff_id).get_by_role("button").click()
    expect(page.locator("#conversation")).to_have_attribute("data-handoff-id", str(handoff_id))


def test_an_agent_works_a_handoff_in_english(open_browser, backend):
    recorder = backend.ctx.conversations
    conv = "web-" + "a" * 32
    recorder.histories[conv] = ([
        ConversationEvent("customer", "my parcel never arrived", intent="report_missing", confidence=0.81),
        ConversationEvent("bot", "Sorry to hear that. Let me check."),
        ConversationEvent("customer", "I want a human", intent="human_handoff", confidence=0.95),
    ], {"language": "en", "order_number": "BM-200002"})
    context, page = open_browser("en-GB")
    sign_in(page, backend, "alex@shop.example", "en")
    expect(page.locator("#staff-name")).to_have_text("Alex Moore")
    expect(page.locator("#queue-list")).to_contain_text("No one is waiting.")
    page.locator("#queue-title").click()  # a first interaction: the page may now beep

    handoff = open_handoff(backend, conv, "en")
    item = queue_item(page, handoff["id"])  # arrives through the live stream
    expect(item).to_contain_text("queued")
    expect(item).to_contain_text("unverified")
    expect(item).to_contain_text("socketio · EN")
    expect(item.locator(".waited")).to_contain_text("waiting 0:")
    expect(page).to_have_title(re.compile(r"^\(1\) Returns console"))
    expect(page.locator("body[data-beeps='1']")).to_have_count(1)

    open_conversation(page, handoff["id"])
    expect(page.locator("#log")).to_contain_text("my parcel never arrived")
    page.get_by_role("button", name="Claim", exact=True).click()
    expect(page.locator("#conv-status")).to_have_text("claimed")
    expect(page).to_have_title(re.compile(r"^Returns console"))
    expect(page.locator("#summary")).to_contain_text("Order BM-200002")
    expect(page.locator("#summary")).to_contain_text("Handed over: asked")
    expect(page.locator(".bot-turns")).to_contain_text("human_handoff")
    expect(page.locator(".bot-turns")).to_contain_text("95%")
    expect(page.locator("#failed-answers")).to_have_text("Failed answers: 0")
    expect(page.locator("#canned option").nth(1)).to_have_text("Hello, I'm looking into your return now.")

    reply = page.get_by_label(re.compile("^Reply to the customer"))
    reply.fill("Hello, I'm checking your parcel.")
    reply.press("Enter")
    sent = page.locator(".turn.agent").last
    expect(sent).to_contain_text("Hello, I'm checking your parcel.")
    expect(sent).to_contain_text("Agent · Alex Moore")
    expect(sent.locator(".delivery")).to_have_text("delivered")
    assert (conv, "Hello, I'm checking your parcel.") in [(c, m.text) for c, m in recorder.said]
    assert (conv, True) in recorder.typing_calls and recorder.typing_calls[-1] == (conv, False)

    recorder.fail = True  # the channel is down: the console offers a retry
    try:
        reply.fill("Are you still there?")
        page.get_by_role("button", name="Send").click()
        retry = page.get_by_role("button", name="not delivered — retry")
        expect(retry).to_be_visible()
    finally:
        recorder.fail = False
    retry.click()
    expect(page.locator(".turn.agent").last.locator(".delivery")).to_have_text("delivered")

    page.get_by_label("Internal note for colleagues").fill("Carrier claim opened")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".turn.note").last).to_contain_text("Carrier claim opened")
    expect(page.locator(".turn.note").last).to_contain_text("Internal note · Alex Moore")
    assert not any(m.text == "Carrier claim opened" for _c, m in recorder.said)

    page.get_by_role("button", name="Hand back to bot").click()
    expect(page.locator("#conv-status")).to_have_text("returned to the bot")
    expect(page.locator("#conv-status")).to_have_attribute("data-status", "returned")
    expect(item).to_have_count(0)  # no longer open
    assert recorder.handed_back and recorder.handed_back[-1][0] == conv


def test_a_french_agent_claims_notes_and_hands_back(open_browser, backend):
    conv = "web-" + "f" * 32
    backend.ctx.conversations.histories[conv] = ([
        ConversationEvent("customer", "je veux parler à quelqu'un", intent="human_handoff", confidence=0.9),
        ConversationEvent("bot", "Je vous passe un membre de notre équipe."),
    ], {"language": "fr"})
    context, page = open_browser("fr-FR")
    sign_in(page, backend, "camille@shop.example", "fr")
    expect(page.locator("#queue-title")).to_have_text("File d'attente")
    handoff = open_handoff(backend, conv, "fr")
    item = queue_item(page, handoff["id"])
    expect(item).to_contain_text("en attente")
    expect(item).to_contain_text("non vérifié")
    expect(item.locator(".waited")).to_contain_text("attend depuis 0:")
    open_conversation(page, handoff["id"])
    page.get_by_role("button", name="Prendre", exact=True).click()
    expect(page.locator("#conv-status")).to_have_text("prise en charge")
    expect(page.locator("#summary")).to_contain_text("Transféré : asked")
    expect(page.locator("#log")).to_contain_text("Avec le bot")
    expect(page.locator("#log")).to_contain_text("Je vous passe un membre de notre équipe.")
    expect(page.locator("#canned option").nth(1)).to_have_text("Bonjour, je regarde votre retour tout de suite.")
    page.locator("#canned").select_option(index=1)
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".turn.agent").last.locator(".delivery")).to_have_text("distribué")
    page.get_by_label("Note interne pour l'équipe").fill("Client pressé")
    page.get_by_role("button", name="Ajouter la note").click()
    expect(page.locator(".turn.note").last).to_contain_text("Note interne · Camille Roux")
    page.get_by_role("button", name="Rendre au bot").click()
    expect(page.locator("#conv-status")).to_have_text("rendue au bot")


def test_a_customer_who_chose_an_email_reply_gets_the_agents_answer_by_email(open_browser, backend):
    conv = "web-" + "e" * 32
    service = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    r = httpx.post(f"{backend.url}/api/v1/verify", headers={**service, "X-Client-Key": "console-callback"},
                   json={"reference": "BM-100001", "contact": "alice.martin@example.com", "conversation_id": conv})
    assert r.status_code == 200, r.text
    handoff = open_handoff(backend, conv, "fr")
    r = httpx.post(f"{backend.url}/api/v1/conversations/{conv}/messages", headers=service,
                   json={"text": '/handoff_callback{"callback_via": "email"}'})
    assert r.status_code == 200, r.text
    context, page = open_browser("fr-FR")
    sign_in(page, backend, "camille@shop.example", "fr")
    open_conversation(page, handoff["id"])
    expect(page.locator("#conv-callback")).to_have_text(" · réponse par e-mail")
    expect(page.locator(".turn.event").last).to_contain_text("Le client veut la réponse par e-mail")
    page.get_by_role("button", name="Prendre", exact=True).click()
    expect(page.locator(".turn.event").last).to_contain_text("Prise en charge")
    page.get_by_label(re.compile("Répondre au client")).fill("Votre colis est bien reparti.")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".turn.event").last).to_contain_text("Copie de la réponse envoyée par e-mail")
    mails = [p.read_text() for p in backend.ctx.settings.mail_dir.glob("*.eml")]
    assert len(mails) == 1 and "To: alice.martin@example.com" in mails[0]


def test_a_claim_race_shows_the_conflict_in_french(open_browser, backend):
    context, page = open_browser("fr-FR")
    # No live stream in this browser: the queue is read once, so the page still offers the claim.
    page.route("**/api/v1/agent/stream", lambda route: route.abort())
    sign_in(page, backend, "camille@shop.example", "fr")
    handoff = open_handoff(backend, "web-" + "r" * 32, "fr")
    page.reload()
    open_conversation(page, handoff["id"])
    expect(page.get_by_role("button", name="Prendre", exact=True)).to_be_visible()

    token = httpx.post(f"{backend.url}/api/v1/auth/login",
                       json={"email": "bruno@shop.example", "password": PASSWORD}).json()["access_token"]
    r = httpx.post(f"{backend.url}/api/v1/agent/handoffs/{handoff['id']}/claim",
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text

    page.get_by_role("button", name="Prendre", exact=True).click()
    error = page.locator("#errors .error")
    expect(error).to_have_count(1)
    expected = httpx.post(f"{backend.url}/api/v1/agent/handoffs/{handoff['id']}/claim",
                          headers={"Authorization": f"Bearer {token}"})
    assert expected.status_code == 409
    expect(error).to_contain_text(expected.json()["error"]["message_fr"])
    expect(page.locator("#conv-status")).to_have_text("prise en charge")  # reloaded: Bruno has it
    expect(page.locator("#conversation")).to_contain_text("prise par Bruno Petit")


def test_a_session_that_ends_sends_the_console_to_sign_in(open_browser, backend):
    context, page = open_browser("en-GB")
    sign_in(page, backend, "alex@shop.example", "en")
    handoff = open_handoff(backend, "web-" + "s" * 32, "en")
    item = queue_item(page, handoff["id"])
    expect(item).to_be_visible()
    context.clear_cookies()  # the session is gone: the console's next call answers 401
    item.get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/agent/login\?lang=en$"))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_a_customer_message_arrives_live_without_losing_the_draft_then_reassign(open_browser, backend):
    conv = "web-" + "d" * 32
    context, page = open_browser("en-GB")
    sign_in(page, backend, "alex@shop.example", "en")
    handoff = open_handoff(backend, conv, "en")
    open_conversation(page, handoff["id"])
    page.get_by_role("button", name="Claim", exact=True).click()
    reply = page.get_by_label(re.compile("^Reply to the customer"))
    reply.fill("Half-written answer")
    r = httpx.post(f"{backend.url}/api/v1/conversations/{conv}/messages", json={"text": "hello? anyone there?"},
                   headers={"Authorization": f"Bearer {SERVICE_TOKEN}"})
    assert r.status_code < 300, r.text
    expect(page.locator(".turn.customer").last).to_contain_text("hello? anyone there?")  # live, by the stream
    expect(reply).to_have_value("Half-written answer")
    expect(reply).to_be_focused()

    page.get_by_label("Reassign to…").select_option(label="Camille Roux")
    expect(page.locator("#conversation")).to_contain_text("claimed by Camille Roux")
    expect(queue_item(page, handoff["id"])).to_contain_text("claimed by Camille Roux")
