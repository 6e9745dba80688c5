"""The web chat while a person owns the conversation, in a real Chromium (issue 11).

The page, the widget and the real web chat channel are served by
tests/browser/handoff_chat_server.py, in front of a stand-in for Rasa's agent: "human"
opens a handoff (the bot's message with the handoff marker and the cancel button, then a
pause) and test hooks do what the backend does through Rasa's API (an agent's message,
the hand-back). What the widget must do: a "waiting for a person" banner with the way back,
no typing dots after the customer's messages while nobody can answer at once, the agent's
name above what they write, their typing shown (never stuck), and the bot back at the end.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests
from playwright.sync_api import Page, expect

from dev.stack import Services, free_port
from tests.browser.test_web_chat import BOT, USER, say

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "handoff-widget-typing-token"


class ChatServer:
    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.trust_env = False

    def agent_says(self, conversation_id: str, text: str, agent_name: str, image: str | None = None) -> None:
        self.http.post(f"{self.url}/test/agent", json={"conversation_id": conversation_id, "text": text,
                                                        "agent_name": agent_name, "image": image},
                       timeout=10).raise_for_status()

    def hand_back(self, conversation_id: str) -> None:
        self.http.post(f"{self.url}/test/handback", json={"conversation_id": conversation_id},
                       timeout=10).raise_for_status()

    def typing(self, conversation_id: str, typing: bool) -> None:
        r = self.http.post(f"{self.url}/webhooks/socketio/typing", json={"conversation_id": conversation_id,
                                                                        "typing": typing},
                           headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
        assert r.status_code == 200, r.text

    def relayed(self) -> list[dict]:
        return self.http.get(f"{self.url}/test/relayed", timeout=10).json()

    def wait_relayed(self, text: str, timeout: float = 20) -> dict:
        """The relayed message with this text, once the channel has posted it."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.relayed() if m.get("text") == text]
            if found:
                return found[-1]
            assert time.monotonic() < deadline, f"{text!r} was never relayed: {self.relayed()}"
            time.sleep(0.1)


@pytest.fixture(scope="module")
def chat_server(tmp_path_factory) -> Iterator[ChatServer]:
    static = ROOT / "backend" / "web" / "static" / "boomerang-widget.js"
    if not static.exists():
        pytest.fail("the chat widget is not built: run `make web`")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "RASA_AUTH_TOKEN": TOKEN,
           "BOOMERANG_BACKEND_URL": url, "BOOMERANG_SERVICE_TOKEN": "handoff-widget-service-token"}
    services = Services(tmp_path_factory.mktemp("handoff-chat"), env)
    try:
        server = services.start("chat", [sys.executable, "-m", "tests.browser.handoff_chat_server", str(port)], ROOT)
        services.wait_ready(server, f"{url}/ready", timeout=60)
        yield ChatServer(url)
    finally:
        services.stop_all()


def open_chat(page: Page, server: ChatServer, lang: str = "en") -> str:
    page.goto(f"{server.url}/?lang={lang}")
    expect(page.locator(BOT).first).to_be_visible()
    expect(page.locator("[data-boomerang-chat]")).to_have_attribute("data-status", "online")
    return page.locator("[data-boomerang-chat]").get_attribute("data-conversation-id")


def test_waiting_for_a_person_then_an_agent_then_the_bot_again(page: Page, chat_server: ChatServer):
    chat = page.locator("[data-boomerang-chat]")
    typing = page.locator(".bmr-typing")
    banner = page.locator(".bmr-banner")
    conversation = open_chat(page, chat_server)
    expect(banner).to_be_hidden()

    say(page, "human")
    expect(page.locator(BOT).filter(has_text="A member of our team will join you")).to_be_visible()
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Waiting for a person…")
    expect(chat).to_have_attribute("data-handoff", "waiting")
    expect(typing).to_be_hidden()

    # The customer writes while waiting: no dots (nobody answers at once); the backend gets it.
    say(page, "hello? my lamp is cracked")
    expect(page.locator(USER).last).to_have_text("hello? my lamp is cracked")
    expect(typing).to_be_hidden()
    assert chat_server.wait_relayed("hello? my lamp is cracked")["channel"] == "socketio"

    # An agent types: the dots show, and go when they stop.
    chat_server.typing(conversation, True)
    expect(typing).to_be_visible()
    expect(chat).to_have_attribute("data-typing", "agent")
    chat_server.typing(conversation, False)
    expect(typing).to_be_hidden()

    # An agent's message shows their name above it; the wait goes on until the hand-back.
    chat_server.agent_says(conversation, "Hi, I'm Alice from the returns team. Let me look.", "Alice")
    message = page.locator(".bmr-agent").last
    expect(message.locator(".bmr-author")).to_have_text("Alice")
    expect(message.locator(".bmr-bubble")).to_have_text("Hi, I'm Alice from the returns team. Let me look.")
    expect(message.locator(".bmr-sr-only")).to_have_text("Alice, our team: ")
    expect(banner).to_be_visible()

    # A reload keeps the mode and the name.
    page.reload()
    expect(page.locator(".bmr-agent .bmr-author").last).to_have_text("Alice")
    expect(banner).to_be_visible()
    expect(chat).to_have_attribute("data-status", "online")

    # The hand-back ends the mode; the bot answers again, dots first.
    chat_server.hand_back(conversation)
    expect(page.locator(BOT).last).to_have_text("I'm back! Is there anything else I can help with?")
    expect(banner).to_be_hidden()
    expect(chat).to_have_attribute("data-handoff", "")
    say(page, "hello")
    expect(page.locator(BOT).last).to_have_text("echo hello")


def test_the_banner_cancels_the_request_in_french(page: Page, chat_server: ChatServer):
    open_chat(page, chat_server, "fr")
    say(page, "human")
    banner = page.locator(".bmr-banner")
    expect(banner).to_contain_text("En attente d'un conseiller…")
    banner.get_by_role("button", name="Annuler et revenir à l'assistant").click()
    expect(page.locator(USER).last).to_have_text("Annuler et revenir à l'assistant")
    expect(page.locator(USER).filter(has_text="/cancel_handoff")).to_have_count(0)
    assert chat_server.wait_relayed("/cancel_handoff")["intent"] == "cancel_handoff"


def test_an_agents_typing_never_sticks(page: Page, chat_server: ChatServer):
    page.clock.install()
    conversation = open_chat(page, chat_server)
    say(page, "human")
    expect(page.locator(".bmr-banner")).to_be_visible()
    chat_server.typing(conversation, True)  # and never the "stopped typing" that should follow
    typing = page.locator(".bmr-typing")
    expect(typing).to_be_visible()
    page.clock.run_for(9_000)
    expect(typing).to_be_visible()
    page.clock.run_for(1_500)
    expect(typing).to_be_hidden()


def dots_right_after_sending(page: Page, text: str) -> bool:
    """Whether the typing dots show the moment a message is sent (before any reply)."""
    return page.evaluate("(text) => { const chat = window.boomerangChat; chat.say(text, text); "
                         "return !chat.typing.hidden; }", text)


def test_dots_follow_a_message_to_the_bot_but_not_one_to_a_waited_for_person(page: Page, chat_server: ChatServer):
    open_chat(page, chat_server)
    assert dots_right_after_sending(page, "hello")
    expect(page.locator(BOT).last).to_have_text("echo hello")
    say(page, "human")
    expect(page.locator(".bmr-banner")).to_be_visible()
    assert not dots_right_after_sending(page, "anyone there?")


def test_what_was_said_while_the_page_was_closed_is_shown_when_it_opens_again(page: Page, chat_server: ChatServer):
    conversation = open_chat(page, chat_server)
    say(page, "human")
    expect(page.locator(".bmr-banner")).to_be_visible()
    page.goto("about:blank")  # the customer closes the chat
    chat_server.agent_says(conversation, "Sorry for the wait, I'm Bob. Your refund is on its way.", "Bob")
    page.goto(f"{chat_server.url}/?lang=en")
    message = page.locator(".bmr-agent").last
    expect(message.locator(".bmr-author")).to_have_text("Bob")
    expect(message.locator(".bmr-bubble")).to_have_text("Sorry for the wait, I'm Bob. Your refund is on its way.")
    expect(page.locator(".bmr-banner")).to_be_visible()
    page.goto("about:blank")
    chat_server.hand_back(conversation)  # handed back while the page was closed
    page.goto(f"{chat_server.url}/?lang=en")
    expect(page.locator(BOT).last).to_have_text("I'm back! Is there anything else I can help with?")
    expect(page.locator(".bmr-banner")).to_be_hidden()
    # Each message once, however often the page reconnects.
    page.reload()
    expect(page.locator(BOT).filter(has_text="Your refund is on its way")).to_have_count(1)
    expect(page.locator(BOT).filter(has_text="I'm back!")).to_have_count(1)
    expect(page.locator(BOT).filter(has_text="A member of our team will join you")).to_have_count(1)


def test_an_agents_photo_shows_in_the_chat_and_only_from_the_backend(page: Page, chat_server: ChatServer):
    conversation = open_chat(page, chat_server)
    say(page, "human")
    expect(page.locator(".bmr-banner")).to_be_visible()
    photo = f"{chat_server.url}/media/agent/signed-token.png"
    chat_server.agent_says(conversation, "Here is the label to stick on.", "Alice", image=photo)
    image = page.locator(".bmr-agent .bmr-bot-image")
    expect(image).to_have_count(1)
    expect(image).to_have_attribute("src", photo)
    expect(image).to_have_attribute("alt", "Photo from Alice")
    page.wait_for_function("() => { const i = document.querySelector('.bmr-agent .bmr-bot-image');"
                           " return i && i.complete && i.naturalWidth === 1; }")
    expect(page.locator(".bmr-agent .bmr-bubble").filter(has_text="Here is the label")).to_have_count(1)
    # An image from anywhere else, or not on the web at all, is never loaded.
    for elsewhere in ("http://127.0.0.2:9/tracker.png", "javascript:alert(1)", "data:image/png;base64,AAAA"):
        chat_server.agent_says(conversation, "", "Alice", image=elsewhere)
    chat_server.agent_says(conversation, "That was all.", "Alice")
    expect(page.locator(".bmr-agent").last).to_contain_text("That was all.")
    expect(page.locator(".bmr-bot-image")).to_have_count(1)
    # A reload shows the photo again, from the stored conversation.
    page.reload()
    expect(page.locator(".bmr-agent .bmr-bot-image")).to_have_attribute("src", photo)
