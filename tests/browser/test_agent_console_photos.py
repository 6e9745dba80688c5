"""The agent console sends the customer a photo, in a real headless Chromium against the
backend alone (the outbound channel is the in-memory recorder): attach, preview, caption,
send; the photo shows inline in the transcript, the customer's channel got a public link
that serves it; a file that is not a photo is refused in the agent's language."""
from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from PIL import Image
from playwright.sync_api import Page, expect

from backend.domain.error_text import error_text
from tests.browser.test_agent_console import backend, open_conversation, open_handoff, sign_in  # noqa: F401


def photo_file(folder: Path) -> Path:
    path = folder / "label.png"
    Image.new("RGB", (120, 90), (40, 120, 200)).save(path, format="PNG")
    return path


def claim(page: Page, backend, conversation_id: str, language: str, claim_label: str) -> int:  # noqa: F811
    handoff = open_handoff(backend, conversation_id, language)
    open_conversation(page, handoff["id"])
    page.get_by_role("button", name=claim_label, exact=True).click()
    return handoff["id"]


def test_an_agent_sends_a_photo_that_shows_in_the_transcript(open_browser, backend, tmp_path):  # noqa: F811
    recorder = backend.ctx.conversations
    conv = "web-" + "p" * 32
    context, page = open_browser("en-GB")
    sign_in(page, backend, "alex@shop.example", "en")
    hid = claim(page, backend, conv, "en", "Claim")
    expect(page.locator("#conv-status")).to_have_text("claimed")

    page.locator("#photo-file").set_input_files(str(photo_file(tmp_path)))
    preview = page.locator("#photo-preview")
    expect(preview).to_be_visible()
    expect(preview.locator("img.photo-thumb")).to_have_attribute("alt", "label.png")
    page.wait_for_function("() => { const i = document.querySelector('#photo-preview img.photo-thumb');"
                           " return i && i.complete && i.naturalWidth === 120; }")  # the preview shows
    expect(page.get_by_role("button", name="Attach a photo")).to_be_hidden()
    page.get_by_label("Caption (optional)").fill("Here is your new label.")
    page.get_by_role("button", name="Send photo").click()

    sent = page.locator(".turn.agent").last
    expect(sent).to_contain_text("Here is your new label.")
    expect(sent.locator(".delivery")).to_have_text("delivered")
    image = sent.locator("img.photo")
    expect(image).to_be_visible()
    page.wait_for_function("() => { const i = [...document.querySelectorAll('.turn.agent img.photo')].pop();"
                           " return i && i.complete && i.naturalWidth === 120; }")
    expect(preview).to_be_hidden()
    expect(page.get_by_role("button", name="Attach a photo")).to_be_visible()

    conversation, said = recorder.said[-1]
    assert (conversation, said.text, said.agent_name) == (conv, "Here is your new label.", "Alex Moore")
    link = urlsplit(said.photo_url)
    assert f"{link.scheme}://{link.netloc}" == backend.url and link.path.startswith("/media/agent/")
    served = httpx.get(said.photo_url)  # no cookie, no token: as Twilio fetches it
    assert served.status_code == 200 and Image.open(io.BytesIO(served.content)).size == (120, 90)
    detail_photo = page.locator(".turn.agent img.photo").last.get_attribute("src")
    assert detail_photo.startswith(f"/api/v1/agent/handoffs/{hid}/photos/ph_")  # the console's own route


def test_a_file_that_is_not_a_photo_is_refused_in_french(open_browser, backend, tmp_path):  # noqa: F811
    recorder = backend.ctx.conversations
    conv = "web-" + "q" * 32
    context, page = open_browser("fr-FR")
    sign_in(page, backend, "camille@shop.example", "fr")
    claim(page, backend, conv, "fr", "Prendre")
    expect(page.locator("#conv-status")).to_have_text("prise en charge")
    before = len(recorder.said)
    # Named and typed as a photo, but not one: the server sniffs the bytes and refuses it.
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"#!/bin/sh\necho not a photo\n")
    page.locator("#photo-file").set_input_files({"name": "photo.png", "mimeType": "image/png",
                                                 "buffer": fake.read_bytes()})
    page.get_by_role("button", name="Envoyer la photo").click()
    error = page.locator("#errors .error")
    expect(error).to_have_count(1)
    expect(error).to_contain_text(error_text("photo_not_an_image")["fr"])
    expect(page.locator("#photo-preview")).to_be_visible()  # still there, to remove or replace
    page.get_by_role("button", name="Retirer").click()
    expect(page.locator("#photo-preview")).to_be_hidden()
    expect(page.locator(".turn.agent img.photo")).to_have_count(0)
    assert len(recorder.said) == before
