"""The agent console's board and history tabs in a real headless Chromium against the backend
alone, on the demo shop's data and a clock the test moves (so the board's times are exact,
never measured): a supervisor watches a handoff get claimed, answered and closed on the
board (English, then French); an agent has no board tab (and the API says 403); the history
lists ended conversations, filters and searches them, and opens one read-only."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
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
from tests.browser.test_agent_console import PASSWORD, SERVICE_TOKEN, open_handoff, sign_in
from tests.live_backend import ThreadedBackend

SERVICE = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
ALICE_ORDER, ALICE_EMAIL = "BM-100001", "alice.martin@example.com"  # in the demo seed


class Clock:
    """The backend's clock: stands still until the test moves it."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, seconds: int) -> None:
        self.at += dt.timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> str:
    if not (STATIC_DIR / "boomerang-console.js").exists():
        pytest.fail("the agent console is not built: run `make web`")
    path = tmp_path_factory.mktemp("board-template") / "seeded.db"
    migrate_and_seed(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def backend(seeded, tmp_path) -> Iterator[ThreadedBackend]:
    """A backend of its own per test (the board counts everything of the day)."""
    shutil.copyfile(seeded, tmp_path / "console.db")
    port = free_port()
    settings = dataclasses.replace(
        Settings(), database_url=f"sqlite:///{tmp_path / 'console.db'}", public_base_url=f"http://127.0.0.1:{port}",
        media_dir=tmp_path / "media", service_token=SERVICE_TOKEN, staff_token="board-staff-token",
        rasa_api_url="none", secret_key="board-secret-key-of-at-least-32-bytes!!", expiry_sweep_seconds=0,
        notify_sweep_seconds=0, twilio_account_sid="", twilio_auth_token="", easypost_api_key="",
        support_hours="always", support_timezone="Europe/Paris")
    # 10:00 UTC (11:00 or 12:00 in Paris): the support team's day began hours ago.
    clock = Clock(dt.datetime.combine(dt.datetime.utcnow().date(), dt.time(10, 0)))
    ctx = build_context(settings, clock=clock)
    with session_scope(ctx.sessions) as s:
        for email, role, name, language in (("alex@shop.example", "agent", "Alex Moore", "en"),
                                            ("sam@shop.example", "supervisor", "Sam Diallo", "en")):
            staff_accounts.create_account(s, email=email, role=role, password=PASSWORD, name=name,
                                          language=language, now=clock())
    live = ThreadedBackend(ctx, port)
    live.start()
    yield live
    live.stop()
    ctx.engine.dispose()


def bearer(backend: ThreadedBackend, email: str) -> dict[str, str]:
    r = httpx.post(f"{backend.url}/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def agent_call(backend: ThreadedBackend, headers: dict, handoff_id: int, verb: str, body: dict | None = None) -> dict:
    r = httpx.post(f"{backend.url}/api/v1/agent/handoffs/{handoff_id}/{verb}", json=body, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def tile(page: Page, name: str):
    return page.locator(f"#board-{name} .tile-value")


def agent_row(page: Page, name: str):
    return page.locator("#board-agents tbody tr").filter(has_text=name)


def test_a_supervisor_watches_a_handoff_claimed_answered_and_closed_on_the_board(open_browser, backend):
    clock = backend.ctx.clock
    _context, page = open_browser("en-GB")
    sign_in(page, backend, "sam@shop.example", "en")
    expect(page.get_by_role("tab")).to_have_text(["Queue", "History", "Board"])
    page.get_by_role("tab", name="Board").click()
    expect(page.locator("#board")).to_be_visible()
    expect(page.locator("#queue")).to_be_hidden()
    expect(page.locator("main.console")).to_be_hidden()
    expect(tile(page, "waiting")).to_have_text("0")
    expect(tile(page, "first-response")).to_have_text("—")
    expect(agent_row(page, "Sam Diallo")).to_contain_text("online")  # a supervisor takes conversations too

    first = open_handoff(backend, "web-" + "b" * 32, "en")
    expect(tile(page, "waiting")).to_have_text("1")  # live: the stream said the queue moved
    clock.advance(120)
    alex = bearer(backend, "alex@shop.example")
    agent_call(backend, alex, first["id"], "claim")
    expect(tile(page, "waiting")).to_have_text("0")
    expect(tile(page, "claimed")).to_have_text("1")
    expect(agent_row(page, "Alex Moore").locator(".agent-claimed")).to_have_text("1")

    clock.advance(30)
    agent_call(backend, alex, first["id"], "messages", {"text": "Hello, I'm on it."})  # 150 s after the request
    open_handoff(backend, "web-" + "e" * 32, "en")
    clock.advance(60)
    agent_call(backend, alex, first["id"], "notes", {"text": "Parcel lost"})  # any change refreshes the board
    expect(tile(page, "waiting")).to_have_text("1")
    expect(tile(page, "oldest")).to_have_text("1:00")
    expect(tile(page, "online")).to_have_text("2")
    expect(tile(page, "first-response")).to_have_text("2:30")
    expect(tile(page, "first-response-p80")).to_have_text("2:30")
    expect(page.locator("#board-first-response .tile-note")).to_contain_text("first replies: 1")
    expect(tile(page, "claim-time")).to_have_text("2:00")
    row = agent_row(page, "Alex Moore")
    expect(row.locator(".agent-online")).to_have_text("online")
    expect(row.locator(".agent-first-response")).to_have_text("2:30")
    expect(row.locator(".agent-handled")).to_have_text("0")

    agent_call(backend, alex, first["id"], "close")
    expect(row.locator(".agent-handled")).to_have_text("1")
    expect(row.locator(".agent-claimed")).to_have_text("0")
    expect(tile(page, "claimed")).to_have_text("0")

    page.get_by_role("tab", name="Queue").click()
    expect(page.locator("#queue")).to_be_visible()
    expect(page.locator("#board")).to_be_hidden()

    page.goto(f"{backend.url}/agent?lang=fr")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    page.get_by_role("tab", name="Supervision").click()
    expect(page.locator("#board-waiting .tile-label")).to_have_text("En attente")
    expect(page.locator("#board-first-response-p80 .tile-label")).to_have_text("80 % répondues en moins de")
    expect(tile(page, "first-response-p80")).to_have_text("2:30")
    expect(agent_row(page, "Alex Moore").locator(".agent-online")).to_have_text("en ligne")
    expect(page.locator("#board-agents")).to_be_visible()


def test_an_agent_has_no_board(open_browser, backend):
    context, page = open_browser("en-GB")
    sign_in(page, backend, "alex@shop.example", "en")
    expect(page.get_by_role("tab")).to_have_text(["Queue", "History"])
    expect(page.locator("#board")).to_have_count(0)
    assert context.request.get(f"{backend.url}/api/v1/agent/board").status == 403


def test_the_history_finds_an_ended_conversation_and_opens_it_read_only(open_browser, backend):
    conv = "web-" + "h" * 32
    r = httpx.post(f"{backend.url}/api/v1/verify", headers={**SERVICE, "X-Client-Key": "history"},
                   json={"reference": ALICE_ORDER, "contact": ALICE_EMAIL, "conversation_id": conv})
    assert r.status_code == 200, r.text
    alex = bearer(backend, "alex@shop.example")
    closed = open_handoff(backend, conv, "en")
    agent_call(backend, alex, closed["id"], "claim")
    agent_call(backend, alex, closed["id"], "messages", {"text": "Your refund is on its way."})
    agent_call(backend, alex, closed["id"], "notes", {"text": "Refund checked with finance"})
    agent_call(backend, alex, closed["id"], "close")
    returned = open_handoff(backend, "web-" + "k" * 32, "en")
    agent_call(backend, alex, returned["id"], "claim")
    agent_call(backend, alex, returned["id"], "handback")
    waiting = open_handoff(backend, "web-" + "m" * 32, "en")

    _context, page = open_browser("en-GB")
    sign_in(page, backend, "alex@shop.example", "en")
    page.get_by_role("tab", name="History").click()
    expect(page.locator("#history")).to_be_visible()
    expect(page.locator("#queue")).to_be_hidden()
    items = page.locator("#history-list .history-item")
    expect(items).to_have_count(2)  # newest first; the waiting one is in the queue, not here
    expect(items.nth(0)).to_have_attribute("data-handoff-id", str(returned["id"]))
    expect(items.nth(0)).to_contain_text("returned to the bot")
    expect(items.nth(1)).to_contain_text(f"order {ALICE_ORDER}")
    expect(items.nth(1)).to_contain_text("by Alex Moore")
    expect(page.locator(f"#history-list [data-handoff-id='{waiting['id']}']")).to_have_count(0)

    page.get_by_label("Show").select_option(label="Closed")
    expect(items).to_have_count(1)
    expect(items.nth(0)).to_have_attribute("data-handoff-id", str(closed["id"]))
    page.get_by_label("Show").select_option(label="All ended")
    expect(items).to_have_count(2)

    search = page.get_by_label("Order number or RMA")
    search.fill("100%")
    search.press("Enter")
    expect(page.locator("#history-hint")).to_contain_text("at least 2 letters or digits")
    expect(search).to_have_attribute("aria-invalid", "true")
    search.fill("100001")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#history-hint")).to_be_hidden()
    expect(items).to_have_count(1)
    search.fill("BM-999999")
    search.press("Enter")
    expect(page.locator("#history-list")).to_contain_text("No conversation found.")
    search.fill(ALICE_ORDER)
    search.press("Enter")
    expect(items).to_have_count(1)

    items.nth(0).get_by_role("button").click()
    expect(page.locator("#conversation")).to_have_attribute("data-handoff-id", str(closed["id"]))
    expect(page.locator("#conv-status")).to_have_text("closed")
    expect(page.locator("#log")).to_contain_text("Your refund is on its way.")
    expect(page.locator(".turn.note")).to_contain_text("Refund checked with finance")
    expect(page.locator("#summary")).to_contain_text(ALICE_ORDER)
    expect(page.locator("#reply")).to_have_count(0)
    expect(page.locator("#note")).to_have_count(0)
    expect(page.locator("#conversation .actions button")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^(Claim|Close|Release|Hand back to bot)$"))).to_have_count(0)

    page.get_by_role("tab", name="Queue").click()
    expect(page.locator("#history")).to_be_hidden()
    expect(page.locator(f".queue-item[data-handoff-id='{waiting['id']}']")).to_be_visible()


def test_the_history_shows_more_a_page_at_a_time(open_browser, backend):
    sam = bearer(backend, "sam@shop.example")
    made = []
    for n in range(27):  # a supervisor may close a waiting request
        handoff = open_handoff(backend, f"web-{n:032x}", "en")
        agent_call(backend, sam, handoff["id"], "close")
        made.append(handoff["id"])
    _context, page = open_browser("fr-FR")
    sign_in(page, backend, "alex@shop.example", "fr")
    page.get_by_role("tab", name="Historique").click()
    items = page.locator("#history-list .history-item")
    expect(items).to_have_count(25)
    expect(items.first).to_have_attribute("data-handoff-id", str(made[-1]))
    page.get_by_role("button", name="Afficher plus").click()
    expect(items).to_have_count(27)
    expect(items.last).to_have_attribute("data-handoff-id", str(made[0]))
    expect(page.get_by_role("button", name="Afficher plus")).to_be_hidden()
    expect(items.first).to_contain_text("jamais prise en charge")
