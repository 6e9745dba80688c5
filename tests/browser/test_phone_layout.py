"""The chat's layout on phones and on a desktop, in a real Chromium (issue 12, family 7).

What a customer must get without scrolling the page: the message box inside the screen and
wide enough to type in (French labels are longer), the bot's newest question whole above
its suggested replies (and above the photo tray), the header band across the whole panel,
nothing wider than the screen, and buttons big enough for a finger.

The pages are the backend's demo page (its header and footer around the chat) and a shop's
page with the floating chat, served by tests/browser/layout_chat_server.py with the real web
chat channel in front of a bot that always asks the long reason question with its seven
suggested replies.
Each measurement is taken after two animation frames, once the widget's own reaction to a
change of size (scrolling to the newest message) has run: nothing waits on a clock.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from dev.stack import Services, free_port
from tests.browser.conftest import TIMEOUT_MS

ROOT = Path(__file__).resolve().parents[2]
PHONES = {"375x812": {"width": 375, "height": 812}, "320x568": {"width": 320, "height": 568}}
DESKTOP = {"width": 1280, "height": 800}
MIN_TAP = 44  # px: the smallest target a finger hits reliably (WCAG 2.5.5)
MIN_INPUT_SHARE = 0.6  # of the panel's width: the message box stays usable with French labels
CHIPS = 7  # suggested replies the layout server's bot offers
BOT = ".bmr-bot .bmr-bubble"  # (not imported from test_web_chat: that module needs a trained model)

# Where everything is, after the widget has reacted to the last change (two frames).
MEASURE = """async () => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const box = (node) => {
    if (!node) return null;
    const r = node.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height};
  };
  const one = (selector) => box(document.querySelector(selector));
  const bots = document.querySelectorAll('.bmr-bot .bmr-bubble');
  const root = document.documentElement;
  return {
    viewport: {width: root.clientWidth, height: window.innerHeight},
    scrollX: window.scrollX, scrollY: window.scrollY,
    pageWidth: Math.max(root.scrollWidth, document.body.scrollWidth),
    panel: one('.bmr-panel'), header: one('.bmr-header'), log: one('.bmr-log'), input: one('.bmr-input'),
    chips: one('.bmr-suggestions'), tray: one('.bmr-tray:not([hidden])'), composer: one('.bmr-composer'),
    newest: box(bots[bots.length - 1]),
    targets: Array.from(document.querySelectorAll(
      '.bmr-lang, .bmr-suggestion, .bmr-attach, .bmr-send, .bmr-close, .bmr-banner-cancel'
    )).map((node) => ({name: node.getAttribute('aria-label') || node.textContent, ...box(node)})),
  };
}"""


@pytest.fixture(scope="module")
def layout_server(tmp_path_factory) -> Iterator[str]:
    if not (ROOT / "backend" / "web" / "static" / "boomerang-widget.js").exists():
        pytest.fail("the chat widget is not built: run `make web`")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"}
    services = Services(tmp_path_factory.mktemp("layout-chat"), env)
    try:
        server = services.start("chat", [sys.executable, "-m", "tests.browser.layout_chat_server", str(port)], ROOT)
        services.wait_ready(server, f"{url}/ready", timeout=60)
        yield url
    finally:
        services.stop_all()


def device_page(browser: Browser, viewport: dict, lang: str, phone: bool) -> Page:
    """A page in its own context: a phone (touch, mobile viewport) or a desktop window."""
    locale = "fr-FR" if lang == "fr" else "en-GB"
    context = browser.new_context(viewport=viewport, locale=locale, is_mobile=phone, has_touch=phone,
                                  device_scale_factor=2 if phone else 1)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def open_device(browser: Browser) -> Iterator:
    pages: list[Page] = []

    def new(viewport: dict, lang: str, phone: bool) -> Page:
        pages.append(device_page(browser, viewport, lang, phone))
        return pages[-1]
    yield new
    for page in pages:
        page.context.close()


def open_demo(page: Page, url: str, lang: str) -> None:
    page.goto(f"{url}/?lang={lang}")
    expect(page.locator(BOT).first).to_be_visible()
    expect(page.locator("[data-boomerang-chat]")).to_have_attribute("data-status", "online")


def say(page: Page, text: str) -> None:
    page.locator(".bmr-input").fill(text)
    page.keyboard.press("Enter")


def ask_three_times(page: Page, lang: str) -> None:
    """Three turns: the log holds more than it can show, and the newest question has chips."""
    for turn in range(3):
        say(page, f"my lamp is broken ({turn + 1})" if lang == "en" else f"ma lampe est cassée ({turn + 1})")
        expect(page.locator(BOT)).to_have_count(2 + turn)
        expect(page.locator(".bmr-suggestion")).to_have_count(CHIPS)


def inside(inner: dict, outer: dict, what: str) -> None:
    assert inner["top"] >= outer["top"] - 0.5 and inner["bottom"] <= outer["bottom"] + 0.5, \
        f"{what}: {inner} is not inside {outer}"


def assert_newest_message_visible(m: dict[str, Any]) -> None:
    """The newest bot message is whole: inside the log's visible part, above the chips and
    the photo tray, and on the screen."""
    newest = m["newest"]
    inside(newest, m["log"], "the newest message within the visible part of the conversation")
    for above in ("chips", "tray"):
        if m[above] and m[above]["height"]:
            assert newest["bottom"] <= m[above]["top"] + 0.5, f"the newest message runs under the {above}: {m}"
    assert 0 <= newest["top"] and newest["bottom"] <= m["viewport"]["height"], f"the newest message is off screen: {m}"


def assert_phone_layout(m: dict[str, Any]) -> None:
    viewport = m["viewport"]
    assert m["scrollY"] == 0 and m["scrollX"] == 0, f"the page had to scroll: {m['scrollX']}, {m['scrollY']}"
    assert m["pageWidth"] <= viewport["width"], f"the page is wider than the screen: {m['pageWidth']} > {viewport}"
    inside(m["input"], {"top": 0, "bottom": viewport["height"]}, "the message box on the screen")
    assert m["input"]["left"] >= 0 and m["input"]["right"] <= viewport["width"]
    assert m["input"]["width"] >= MIN_INPUT_SHARE * m["panel"]["width"], \
        f"the message box is squeezed: {m['input']['width']} px of a {m['panel']['width']} px panel"
    assert abs(m["header"]["width"] - m["panel"]["width"]) <= 2.5, \
        f"the header band ({m['header']['width']} px) is narrower than the panel ({m['panel']['width']} px)"
    assert abs(m["header"]["left"] - m["panel"]["left"]) <= 1.5
    small = [t for t in m["targets"] if t["height"] and (t["height"] < MIN_TAP or t["width"] < MIN_TAP)]
    assert not small, f"tap targets under {MIN_TAP} px: {small}"
    assert_newest_message_visible(m)


# The focused element's outline, and whether the suggestions' row clips it.
FOCUS = """async () => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const node = document.activeElement;
  const style = getComputedStyle(node);
  const reach = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
  const r = node.getBoundingClientRect();
  const row = node.closest('.bmr-suggestions');
  const clip = row ? row.getBoundingClientRect() : null;
  return {
    chip: node.classList.contains('bmr-suggestion'), text: node.textContent, visible: node.matches(':focus-visible'),
    outline: style.outlineStyle, reach,
    clipped: !clip || r.top - reach < clip.top - 0.5 || r.bottom + reach > clip.bottom + 0.5
      || r.left - reach < clip.left - 0.5 || r.right + reach > clip.right + 0.5,
  };
}"""


def assert_keyboard_reaches_the_last_suggestion(page: Page) -> None:
    """From the box, Shift+Tab twice (past the photo button) lands on the last suggestion,
    scrolled into view in its row, with its focus ring whole."""
    expect(page.locator(".bmr-input")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    focus = page.evaluate(FOCUS)
    assert focus["chip"] and focus["text"] in ("Other", "Autre"), focus
    assert focus["visible"] and focus["outline"] != "none" and focus["reach"] >= 3, f"no visible focus ring: {focus}"
    assert not focus["clipped"], f"the focus ring is cut by the row of suggestions: {focus}"


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("size", PHONES)
def test_on_a_phone_the_box_and_the_newest_question_show_without_scrolling(open_device, layout_server: str,
                                                                           size: str, lang: str):
    page = open_device(PHONES[size], lang, phone=True)
    open_demo(page, layout_server, lang)
    first = page.evaluate(MEASURE)  # before anything is typed: the box is there to be seen
    inside(first["input"], {"top": 0, "bottom": first["viewport"]["height"]}, "the message box at first sight")
    ask_three_times(page, lang)
    assert_phone_layout(page.evaluate(MEASURE))
    assert_keyboard_reaches_the_last_suggestion(page)


def test_on_a_phone_the_floating_chat_fills_the_screen_and_closes(open_device, layout_server: str):
    page = open_device(PHONES["320x568"], "fr", phone=True)
    page.goto(f"{layout_server}/shop?lang=fr")
    launcher = page.get_by_role("button", name="Discuter avec nous")
    launcher.click()
    expect(page.locator(".bmr-root")).to_have_attribute("data-status", "online")
    ask_three_times(page, "fr")
    m = page.evaluate(MEASURE)
    assert_phone_layout(m)
    assert m["panel"]["width"] >= m["viewport"]["width"] - 1 and m["panel"]["height"] >= m["viewport"]["height"] - 1, \
        f"the floating chat leaves the screen's edges around it: {m['panel']} on {m['viewport']}"
    # The launcher is hidden behind the full-screen chat: the panel has its own way out.
    page.get_by_role("button", name="Fermer la discussion").click()
    expect(page.locator(".bmr-root")).to_be_hidden()
    expect(launcher).to_be_focused()


def png(path: Path) -> str:
    Image.new("RGB", (320, 240), (200, 180, 150)).save(path, format="PNG")
    return str(path)


@pytest.mark.parametrize(("where", "lang"), [("demo", "en"), ("demo", "fr"), ("shop", "fr")])
def test_on_a_desktop_the_photo_tray_never_hides_the_newest_question(open_device, layout_server: str, where: str,
                                                                     lang: str, tmp_path: Path):
    """In the page (demo) and in the floating panel (a shop's page, narrower: icon buttons)."""
    page = open_device(DESKTOP, lang, phone=False)
    if where == "demo":
        open_demo(page, layout_server, lang)
    else:
        page.goto(f"{layout_server}/shop?lang={lang}")
        page.locator(".bmr-launcher").click()
        expect(page.locator(".bmr-root")).to_have_attribute("data-status", "online")
    ask_three_times(page, lang)
    m = page.evaluate(MEASURE)
    assert_newest_message_visible(m)
    assert abs(m["header"]["width"] - m["panel"]["width"]) <= 2.5, f"header {m['header']} panel {m['panel']}"
    assert_keyboard_reaches_the_last_suggestion(page)
    page.locator(".bmr-input").focus()
    with page.expect_file_chooser() as chooser:
        page.locator(".bmr-attach").click()
    chooser.value.set_files([png(tmp_path / "one.png"), png(tmp_path / "two.png")])
    expect(page.locator(".bmr-tray img")).to_have_count(2)
    m = page.evaluate(MEASURE)
    assert m["tray"] and m["tray"]["height"] > 0
    assert_newest_message_visible(m)


def test_the_newest_question_stays_in_view_when_the_conversation_is_reopened(open_device, layout_server: str):
    """A reload restores the log and the open suggestions: the newest question shows whole."""
    page = open_device(PHONES["375x812"], "en", phone=True)
    open_demo(page, layout_server, "en")
    ask_three_times(page, "en")
    page.reload()
    expect(page.locator(BOT)).to_have_count(4)
    expect(page.locator(".bmr-suggestion")).to_have_count(CHIPS)
    assert_newest_message_visible(page.evaluate(MEASURE))


def test_when_the_keyboard_takes_the_lower_screen_the_box_and_the_question_stay_in_view(open_device,
                                                                                      layout_server: str):
    """The on-screen keyboard, as a browser that resizes the page for it shows it: the
    visible height drops from 812 to 500 px while the customer types."""
    page = open_device(PHONES["375x812"], "fr", phone=True)
    open_demo(page, layout_server, "fr")
    ask_three_times(page, "fr")
    expect(page.locator(".bmr-input")).to_be_focused()
    page.set_viewport_size({"width": 375, "height": 500})
    m = page.evaluate(MEASURE)
    assert m["viewport"]["height"] == 500
    inside(m["input"], {"top": 0, "bottom": 500}, "the message box above the keyboard")
    assert_newest_message_visible(m)
