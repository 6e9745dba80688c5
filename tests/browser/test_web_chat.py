"""The web chat in a real browser: a whole return with a photo, a reconnect, keyboard use.

Every step is what a customer does: type in the box, click (or Tab to) a suggested reply,
pick a photo in the file chooser. Waits are bounded by the context's default time-out;
nothing measures time.
"""
from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest
import requests
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import Stack
from tests.live_stack import require_model

require_model()

BOT = ".bmr-bot .bmr-bubble"
USER = ".bmr-user .bmr-bubble"


def png(path) -> str:
    """A real PNG photo of the 'damage' (generated, so nothing is read from elsewhere)."""
    image = Image.new("RGB", (640, 480), (200, 180, 150))
    for x in range(100, 540):
        image.putpixel((x, 240 + (x % 7) - 3), (40, 30, 20))  # the crack
    image.save(path, format="PNG")
    return str(path)


def open_chat(page: Page, stack: Stack, lang: str = "en") -> None:
    page.goto(stack.chat_url(lang))
    expect(page.locator(BOT).first).to_be_visible()
    expect(page.locator("[data-boomerang-chat]")).to_have_attribute("data-status", "online")


def say(page: Page, text: str) -> None:
    page.get_by_label(re.compile("^(Your message|Votre message)$")).fill(text)
    page.keyboard.press("Enter")


def bot_says(page: Page, pattern: str) -> None:
    """Wait until a bot message matching ``pattern`` (regex, case-insensitive) is shown."""
    expect(page.locator(BOT).filter(has_text=re.compile(pattern, re.I)).last).to_be_visible()


def choose(page: Page, title: str) -> None:
    page.locator(".bmr-suggestion").filter(has_text=re.compile(title, re.I)).first.click()


def conversation_id(page: Page) -> str:
    return page.locator("[data-boomerang-chat]").get_attribute("data-conversation-id")


def test_a_damaged_lamp_is_returned_with_a_photo_and_the_label_link_opens(page: Page, stack: Stack, tmp_path):
    open_chat(page, stack)
    say(page, "I'd like to return a lamp I bought, it arrived cracked")
    bot_says(page, "order number")
    say(page, "BM-100001")
    bot_says(page, "email|phone")
    say(page, "alice.martin@example.com")
    bot_says(page, "Alice")
    choose(page, "lamp")
    # "it arrived cracked" already said why: no reason question, the photo is asked for.
    bot_says(page, "photo")
    expect(page.locator(BOT).filter(has_text=re.compile("what went wrong", re.I))).to_have_count(0)

    # The stored upload token has gone bad (expired, or the backend's key changed): the
    # widget must get a fresh one for the same conversation and upload anyway.
    before = conversation_id(page)
    page.evaluate("window.boomerangChat.store.set({uploadToken: 'no-longer-valid'})")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Add photos").click()
    assert chooser.value.is_multiple()
    chooser.value.set_files(png(tmp_path / "cracked-lamp.png"))
    expect(page.locator(".bmr-tray img")).to_have_count(1)
    expect(page.locator(".bmr-tray progress")).to_have_count(1)
    page.get_by_role("button", name="Send").click()
    bot_says(page, "Got your photo")
    expect(page.locator(USER).last).to_contain_text("1 photo")
    expect(page.locator(USER).filter(has_text="/send_photo")).to_have_count(0)
    expect(page.locator(".bmr-tray")).to_be_hidden()
    assert page.evaluate("window.boomerangChat.store.get('uploadToken')") != "no-longer-valid"
    assert page.evaluate("window.boomerangChat.store.get('conversationId')") == before

    choose(page, "^Refund$")
    bot_says(page, "Shall I go ahead")
    choose(page, "Yes, go ahead")
    label = page.locator(f"{BOT} a.bmr-link[href*='/labels/']").last
    expect(label).to_be_visible()
    assert label.get_attribute("target") == "_blank" and "noopener" in label.get_attribute("rel")
    with page.context.expect_page():  # a new tab: the chat stays open
        label.click()
    assert page.locator(".bmr-input").is_visible()
    pdf = requests.get(label.get_attribute("href"), timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_network_drop_and_a_reload_keep_the_conversation(page: Page, stack: Stack):
    open_chat(page, stack)
    say(page, "where is my refund?")
    bot_says(page, "order number")
    first_id = conversation_id(page)
    assert re.fullmatch(r"web-[0-9a-f]{32}", first_id)

    page.context.set_offline(True)
    expect(page.get_by_role("status")).to_contain_text("Connection lost")
    page.context.set_offline(False)
    expect(page.locator("[data-boomerang-chat]")).to_have_attribute("data-status", "online")
    say(page, "BM-100002")
    bot_says(page, "email|phone")  # the same conversation: the order number answered its question

    page.reload()
    expect(page.locator(USER)).to_have_text(["where is my refund?", "BM-100002"])
    expect(page.locator(BOT).filter(has_text=re.compile("email|phone", re.I))).to_have_count(1)
    assert conversation_id(page) == first_id
    expect(page.locator("[data-boomerang-chat]")).to_have_attribute("data-status", "online")
    say(page, "+44 7700 900123")
    bot_says(page, "Ben")  # verified: the form remembered the order across the reload


def test_suggested_replies_work_with_the_keyboard_alone(page: Page, stack: Stack):
    open_chat(page, stack)
    box = page.locator(".bmr-input")
    for _ in range(20):  # Tab from the top of the page to the message box
        if box.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(box).to_be_focused()
    for text, answer in (("I want to return something", "order number"), ("BM-100001", "email|phone"),
                         ("alice.martin@example.com", "Alice")):
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        bot_says(page, answer)

    def tab_back_to(title: str) -> None:
        expect(page.locator(".bmr-suggestion").filter(has_text=re.compile(title, re.I))).to_be_visible()
        for _ in range(20):
            page.keyboard.press("Shift+Tab")
            focused = page.locator(":focus")
            if focused.count() and re.search(title, focused.inner_text(), re.I) \
                    and "bmr-suggestion" in (focused.get_attribute("class") or ""):
                return
        raise AssertionError(f"no suggested reply {title!r} reachable with Shift+Tab; shown: "
                             f"{page.locator('.bmr-suggestion').all_inner_texts()}")

    tab_back_to("shirt")
    page.keyboard.press("Enter")
    expect(page.locator(USER).last).to_contain_text(re.compile("shirt", re.I))
    expect(box).to_be_focused()  # focus goes back to the message box
    bot_says(page, "what went wrong|why|reason")
    tab_back_to("Changed my mind")
    page.keyboard.press("Space")
    expect(page.locator(USER).last).to_have_text("Changed my mind")
    bot_says(page, "refund|exchange")


def test_switching_to_french_changes_the_widget_and_the_bot(page: Page, stack: Stack):
    open_chat(page, stack)
    page.get_by_role("button", name="Français").click()
    expect(page.locator(".bmr-input")).to_have_attribute("placeholder", "Écrivez un message…")
    expect(page.get_by_role("button", name="Envoyer")).to_be_visible()
    expect(page.locator(USER).last).to_have_text("en français")
    say(page, "je veux retourner un article")
    bot_says(page, "numéro de commande")


@pytest.fixture
def shop_page(page: Page, stack: Stack) -> Iterator[str]:
    """A shop's product page on another origin (another port), embedding the chat's tag."""
    script = re.search(r"<script [^>]*></script>", page.context.request.get(stack.chat_url()).text()).group(0)
    body = f"<!doctype html><html lang=en><title>Shop</title><h1>Table lamp</h1>{script}</html>".encode()

    class ShopPage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), ShopPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/product"
    finally:
        server.shutdown()
        server.server_close()


def test_one_script_tag_embeds_the_chat_on_a_shop_page_of_another_origin(page: Page, shop_page: str):
    """No chat container on the page: a floating chat behind a button; Escape closes it."""
    page.goto(shop_page)
    launcher = page.get_by_role("button", name="Chat with us")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    expect(page.locator(".bmr-input")).to_be_focused()
    expect(page.locator(".bmr-root")).to_have_attribute("data-status", "online")
    say(page, "where is my refund?")
    bot_says(page, "order number")
    page.keyboard.press("Escape")
    expect(page.locator(".bmr-root")).to_be_hidden()
    expect(launcher).to_be_focused()
