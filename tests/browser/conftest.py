"""A real headless Chromium against the whole assistant, through the web chat.

The stack is the one `make run` starts, on free ports: returns backend (serving the chat
page and the widget), action server, and Rasa with the trained model and the web chat
channel (bot/channels/socketio.py). The browser is Debian's Chromium, driven by
Playwright (`playwright install` is never run: nothing is downloaded). Without the trained
model the tests are skipped, unless BOOMERANG_REQUIRE_MODEL=1 (set by `make test`).
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from backend.web.router import STATIC_DIR, WIDGET
from bench.stack import Services, free_port

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "boomerang.tar.gz"
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

if not MODEL.exists():
    if os.environ.get("BOOMERANG_REQUIRE_MODEL") == "1":
        raise RuntimeError(f"{MODEL} is missing: run `make model` first")
    pytest.skip("no trained model (run `make model`)", allow_module_level=True)


@dataclass
class Stack:
    backend_url: str
    rasa_url: str

    def chat_url(self, lang: str = "en") -> str:
        return f"{self.backend_url}/?lang={lang}"


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    if not (STATIC_DIR / WIDGET).exists():
        pytest.fail("the chat widget is not built: run `make web`")
    work = tmp_path_factory.mktemp("browser")
    backend_port, actions_port, rasa_port = free_port(), free_port(), free_port()
    backend_url, rasa_url = f"http://127.0.0.1:{backend_port}", f"http://127.0.0.1:{rasa_port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BOOMERANG_DATABASE_URL": f"sqlite:///{work / 'browser.db'}",
           "BOOMERANG_SERVICE_TOKEN": "browser-service-token", "BOOMERANG_MEDIA_DIR": str(work / "media"),
           "BOOMERANG_PUBLIC_URL": backend_url, "BOOMERANG_BACKEND_URL": backend_url,
           "BOOMERANG_RASA_URL": rasa_url, "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
           "RASA_TELEMETRY_ENABLED": "false"}
    (work / "endpoints.yml").write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n')
    (work / "credentials.yml").write_text(CREDENTIALS)
    bindir = Path(sys.executable).parent
    services = Services(work, env)
    try:
        setup = services.start("setup", [sys.executable, "-m", "backend", "setup"], ROOT)
        assert setup.proc.wait(timeout=120) == 0, setup.log_tail()
        services.running.remove(setup)
        backend = services.start("backend", [sys.executable, "-m", "backend", "serve", "--host", "127.0.0.1",
                                             "--port", str(backend_port)], ROOT)
        actions = services.start("actions", [str(bindir / "rasa"), "run", "actions", "--actions",
                                             "actions.actions", "--port", str(actions_port)], ROOT)
        rasa = services.start("rasa", [str(bindir / "rasa"), "run", "--model", str(MODEL), "--enable-api",
                                       "--cors", "*", "--port", str(rasa_port),
                                       "--endpoints", str(work / "endpoints.yml"),
                                       "--credentials", str(work / "credentials.yml")], ROOT)
        services.wait_ready(backend, f"{backend_url}/health", timeout=60)
        services.wait_ready(actions, f"http://127.0.0.1:{actions_port}/health", timeout=90)
        services.wait_ready(rasa, f"{rasa_url}/status", timeout=240)
        yield Stack(backend_url, rasa_url)
    finally:
        services.stop_all()


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
