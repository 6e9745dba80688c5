"""A real headless Chromium against the whole assistant, through the web chat.

The stack is the one `make run` starts, on free ports: returns backend (serving the chat
page and the widget), action server, and Rasa with the trained model and the web chat
channel (bot/channels/socketio.py). The browser is Debian's Chromium, driven by
Playwright (`playwright install` is never run: nothing is downloaded). Without the trained
model the web chat tests are skipped, unless BOOMERANG_REQUIRE_MODEL=1 (set by `make test`);
the staff pages' tests need no model (only the backend).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from backend.web.router import STATIC_DIR, WIDGET
from tests.live_stack import live_stack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
CREDENTIALS = """rest:
bot.channels.socketio.BoomerangSocketIOInput:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
  metadata_key: customData
"""

# A generous bound for the bot's answers (the first one loads the model), never a measurement.
TIMEOUT_MS = 60_000
expect.set_options(timeout=TIMEOUT_MS)


# The demo staff accounts' password on the live stack (agent@boomerang.local, ...).
DEMO_STAFF_PASSWORD = "browser-demo-staff-password"


@dataclass
class Stack:
    backend_url: str
    rasa_url: str
    rasa_token: str  # Rasa's HTTP API, to read a conversation's tracker

    def chat_url(self, lang: str = "en") -> str:
        return f"{self.backend_url}/?lang={lang}"


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    if not (STATIC_DIR / WIDGET).exists():
        pytest.fail("the chat widget is not built: run `make web`")
    # The team never closes here: what the customer is told must not depend on the hour
    # the tests run (tests/e2e/test_live_after_hours.py covers a closed team).
    env = {"BOOMERANG_DEMO_STAFF_PASSWORD": DEMO_STAFF_PASSWORD, "BOOMERANG_SUPPORT_HOURS": "always"}
    with live_stack(tmp_path_factory.mktemp("browser"), credentials=CREDENTIALS, env=env,
                    service_token="browser-service-token", rasa_args=["--cors", "*"]) as live:
        yield Stack(live.backend_url, live.rasa_url, live.rasa_token)


# Module scope: Playwright's sync API keeps an event loop running in this thread, which
# would break other tests' asyncio.run() if it outlived the browser tests.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: `make test` installs it as root "
                    "(otherwise: sudo apt-get install -y chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile per test: no stored conversation to start with."""
    ctx = browser.new_context(locale="en-GB")
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def open_browser(browser: Browser) -> Iterator:
    """Pages in their own browser contexts (one per person: a customer, agents), each with
    its locale; all closed after the test."""
    made: list[BrowserContext] = []

    def new_page(locale: str) -> tuple[BrowserContext, Page]:
        context = browser.new_context(locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        made.append(context)
        return context, context.new_page()
    yield new_page
    for context in made:
        context.close()
