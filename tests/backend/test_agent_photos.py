"""An agent sends the customer a photo: who may, what is refused, how it leaves (a public,
signed, expiring link on the customer's own channel), and what the transcript keeps."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from backend.app import create_app
from backend.context import build_context
from backend.db.models import HandoffMessage, Photo
from backend.services.agent_media import mint_media_token
from backend.services.erasure import erase_customer
from backend.workflows.handoff import reply as reply_flow
from tests.backend.conftest import SERVICE_TOKEN
from tests.backend.test_agent_api import CONV, add_account, bearer, open_handoff
from tests.backend.test_image_processing import png_header_only

SERVICE = {"Authorization": f"Bearer {SERVICE_TOKEN}"}


def jpeg_with_gps(size=(80, 60)) -> bytes:
    """A real JPEG carrying EXIF (a GPS position), as a phone's camera writes it."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 160, 90)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def anon(ctx):
    with TestClient(create_app(ctx)) as c:
        yield c


@pytest.fixture
def claimed(anon, ctx) -> dict:
    """A web conversation claimed by Alice; Bruno is another agent, Sam a supervisor."""
    add_account(ctx, "alice@shop.test", name="Alice")
    add_account(ctx, "bruno@shop.test", name="Bruno")
    add_account(ctx, "sam@shop.test", role="supervisor", name="Sam")
    handoff = open_handoff(anon)
    alice = bearer(anon, "alice@shop.test")
    assert anon.post(f"/api/v1/agent/handoffs/{handoff['id']}/claim", headers=alice).status_code == 200
    ctx.conversations.said.clear()  # the "Alice has joined" line: only photos are looked at here
    return {"id": handoff["id"], "alice": alice, "bruno": bearer(anon, "bruno@shop.test"),
            "sam": bearer(anon, "sam@shop.test")}


def send(c: TestClient, handoff_id: int, headers: dict, data: bytes | None = None,
         content_type: str = "image/jpeg", caption: str | None = None):
    fields = {"caption": caption} if caption is not None else None
    return c.post(f"/api/v1/agent/handoffs/{handoff_id}/photos", headers=headers, data=fields,
                  files={"file": ("photo.jpg", jpeg_with_gps() if data is None else data, content_type)})


def stored(ctx) -> tuple[int, int, list]:
    """Photo rows, agent photo lines, files on disk."""
    folder = ctx.settings.media_dir / "photos"
    with ctx.sessions() as s:
        rows = s.execute(select(func.count(Photo.id))).scalar_one()
        lines = s.execute(select(func.count(HandoffMessage.id)).where(
            HandoffMessage.photo_public_id.is_not(None))).scalar_one()
    return rows, lines, sorted(folder.glob("*")) if folder.exists() else []


def media_path(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "http://testserver"  # the backend's public address
    return parts.path


def test_a_photo_reaches_the_customers_channel_by_a_public_link_and_stays_in_the_transcript(anon, ctx, claimed):
    hid, alice = claimed["id"], claimed["alice"]
    r = send(anon, hid, alice, caption="  Voici l'étiquette à coller.  ")
    assert r.status_code == 200, r.text
    line = r.json()
    assert (line["kind"], line["text"], line["delivery"]) == ("agent", "Voici l'étiquette à coller.", "delivered")
    assert line["photo_id"].startswith("ph_")

    [(conversation, said)] = ctx.conversations.said
    assert (conversation, said.text, said.agent_name) == (CONV, "Voici l'étiquette à coller.", "Alice")
    path = media_path(said.photo_url)
    assert path.startswith("/media/agent/") and path.endswith(".jpg")
    assert line["photo_id"] not in path  # the link is a token, not the photo's id

    public = anon.get(path)  # no credentials at all: what Twilio and the customer's browser do
    assert public.status_code == 200 and public.headers["content-type"] == "image/jpeg"
    image = Image.open(io.BytesIO(public.content))
    assert image.size == (80, 60) and not image.getexif()  # re-encoded, the GPS position gone

    detail = anon.get(f"/api/v1/agent/handoffs/{hid}", headers=alice).json()
    assert detail["messages"][-1]["photo_id"] == line["photo_id"]
    assert detail["messages"][-1]["text"] == "Voici l'étiquette à coller."
    assert detail["photos"] == []  # the customer's photos only: the agent's is in its line
    console = anon.get(f"/api/v1/agent/handoffs/{hid}/photos/{line['photo_id']}", headers=alice)
    assert console.status_code == 200 and console.content == public.content
    other = open_handoff(anon, "web-" + "e" * 32)
    assert anon.get(f"/api/v1/agent/handoffs/{other['id']}/photos/{line['photo_id']}",
                    headers=alice).status_code == 404


def test_a_photo_alone_and_a_png_keep_their_kind(anon, ctx, claimed):
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 0, 255, 128)).save(buffer, "PNG")
    r = send(anon, claimed["id"], claimed["alice"], buffer.getvalue(), "image/png")
    assert r.status_code == 200 and r.json()["text"] is None
    said = ctx.conversations.said[-1][1]
    assert said.text == "" and media_path(said.photo_url).endswith(".png")
    assert anon.get(media_path(said.photo_url)).headers["content-type"] == "image/png"


def test_only_the_owner_of_a_claimed_conversation_sends_photos(anon, ctx, claimed):
    hid = claimed["id"]
    theirs = send(anon, hid, claimed["bruno"])
    assert theirs.status_code == 403 and theirs.json()["error"]["code"] == "handoff_not_yours"
    waiting = open_handoff(anon, "web-" + "f" * 32)
    unclaimed = send(anon, waiting["id"], claimed["alice"])
    assert unclaimed.status_code == 409 and unclaimed.json()["error"]["message_fr"]
    assert send(anon, 999_999, claimed["alice"]).status_code == 404
    assert stored(ctx) == (0, 0, []) and ctx.conversations.said == []
    assert send(anon, hid, claimed["sam"]).status_code == 200  # a supervisor may step in


def test_the_staff_role_rules_hold_for_photos(anon, ctx, claimed):
    assert anon.post(f"/api/v1/agent/handoffs/{claimed['id']}/photos",
                     files={"file": ("p.jpg", jpeg_with_gps(), "image/jpeg")}).status_code == 401
    add_account(ctx, "dock@shop.test", role="warehouse")
    r = send(anon, claimed["id"], bearer(anon, "dock@shop.test"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "staff_role_forbidden"
    assert stored(ctx) == (0, 0, [])


def test_hostile_files_are_refused_in_both_languages_and_nothing_is_kept(anon, ctx, claimed):
    hid, alice = claimed["id"], claimed["alice"]
    script = send(anon, hid, alice, b"#!/bin/sh\necho hi\n")
    assert script.status_code == 415 and script.json()["error"]["message_fr"]
    bomb = send(anon, hid, alice, png_header_only(50_000, 50_000), "image/png")
    assert bomb.status_code == 413 and bomb.json()["error"]["code"] == "photo_too_many_pixels"
    too_big = send(anon, hid, alice, b"\xff\xd8\xff" + b"0" * (ctx.settings.photo_max_bytes + 10))
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "photo_too_large"
    assert "Mo" in too_big.json()["error"]["message_fr"]
    no_file = anon.post(f"/api/v1/agent/handoffs/{hid}/photos", headers=alice, data={"caption": "x"})
    assert no_file.status_code == 422 and no_file.json()["error"]["code"] == "photo_missing"
    long_caption = send(anon, hid, alice, caption="x" * 4001)
    assert long_caption.status_code == 422 and long_caption.json()["error"]["message_fr"]
    broken = anon.post(f"/api/v1/agent/handoffs/{hid}/photos", content=b"--zz\r\nnot multipart",
                       headers={**alice, "Content-Type": "multipart/form-data; boundary=zz"})
    assert broken.status_code == 422 and broken.json()["error"]["code"] == "upload_malformed"
    assert stored(ctx) == (0, 0, []) and ctx.conversations.said == []


def test_photos_per_handoff_are_capped(settings):
    ctx = build_context(dataclasses.replace(settings, agent_photos_per_handoff=1))
    with TestClient(create_app(ctx)) as c:
        add_account(ctx, "alice@shop.test")
        alice = bearer(c, "alice@shop.test")
        hid = open_handoff(c)["id"]
        c.post(f"/api/v1/agent/handoffs/{hid}/claim", headers=alice)
        assert send(c, hid, alice).status_code == 200
        second = send(c, hid, alice)
        assert second.status_code == 422 and second.json()["error"]["code"] == "too_many_photos"
        assert second.json()["error"]["message_fr"]
        assert stored(ctx)[:2] == (1, 1) and len(stored(ctx)[2]) == 1
    ctx.engine.dispose()


def test_a_photo_that_did_not_leave_is_sent_again_with_a_fresh_link(anon, ctx, claimed):
    hid, alice = claimed["id"], claimed["alice"]
    ctx.settings = dataclasses.replace(ctx.settings, agent_media_ttl_seconds=3600)
    start = dt.datetime.utcnow()
    ctx.clock = lambda: start
    ctx.conversations.fail = True
    failed = send(anon, hid, alice, caption="regardez")
    assert failed.status_code == 200 and failed.json()["delivery"] == "failed"
    assert stored(ctx)[:2] == (1, 1)  # kept, so it can be sent again
    stale = media_path(reply_flow._photo_url(ctx, photo_row(ctx, failed.json()["photo_id"])))
    ctx.conversations.fail = False
    later = start + dt.timedelta(hours=2)  # the first link has expired by now
    ctx.clock = lambda: later
    assert anon.get(stale).status_code == 404
    again = anon.post(f"/api/v1/agent/handoffs/{hid}/messages/{failed.json()['id']}/retry", headers=alice)
    assert again.status_code == 200 and again.json()["delivery"] == "delivered"
    [(_, said)] = ctx.conversations.said
    assert said.text == "regardez" and anon.get(media_path(said.photo_url)).status_code == 200


def photo_row(ctx, public_id: str) -> Photo:
    with ctx.sessions() as s:
        return s.execute(select(Photo).where(Photo.public_id == public_id)).scalar_one()


def test_the_public_link_expires_and_only_ever_serves_agents_photos(anon, ctx, claimed):
    send(anon, claimed["id"], claimed["alice"])
    path = media_path(ctx.conversations.said[-1][1].photo_url)
    token = path.removeprefix("/media/agent/").removesuffix(".jpg")
    assert anon.get(path).status_code == 200
    assert anon.get(f"/media/agent/{token}.png").status_code == 404  # not the photo's own kind
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for probe in (f"/media/agent/{tampered}.jpg", "/media/agent/unknown.jpg", f"/media/agent/{'a' * 600}.jpg"):
        missing = anon.get(probe)
        assert missing.status_code == 404 and missing.json()["error"]["message_fr"]
    # A token of another kind (an upload token) or for a customer's own photo opens nothing.
    upload = anon.post("/api/v1/chat/upload-token", json={"conversation_id": CONV}, headers=SERVICE).json()
    assert anon.get(f"/media/agent/{upload['upload_token']}.jpg").status_code == 404
    theirs = anon.post("/api/v1/chat/photos", files={"file": ("p.jpg", jpeg_with_gps(), "image/jpeg")},
                       headers={"Authorization": f"Bearer {upload['upload_token']}"}).json()["photo_id"]
    forged = mint_media_token(ctx.settings, theirs, ctx.now())
    assert anon.get(f"/media/agent/{forged}.jpg").status_code == 404

    almost = dt.datetime.utcnow() + dt.timedelta(seconds=ctx.settings.agent_media_ttl_seconds - 120)
    ctx.clock = lambda: almost
    assert anon.get(path).status_code == 200
    after = dt.datetime.utcnow() + dt.timedelta(seconds=ctx.settings.agent_media_ttl_seconds + 60)
    ctx.clock = lambda: after
    assert anon.get(path).status_code == 404


def test_erasing_the_customer_erases_the_photos_agents_sent_them(anon, ctx, claimed):
    r = anon.post("/api/v1/verify", json={"reference": "BM-100001", "contact": "alice.martin@example.com",
                                          "conversation_id": CONV}, headers={**SERVICE, "X-Client-Key": "t9"})
    assert r.status_code == 200
    send(anon, claimed["id"], claimed["alice"])
    path = media_path(ctx.conversations.said[-1][1].photo_url)
    assert stored(ctx)[0] == 1
    report = erase_customer(ctx, email="alice.martin@example.com")
    assert report.photos >= 1
    assert stored(ctx) == (0, 0, [])
    assert anon.get(path).status_code == 404
