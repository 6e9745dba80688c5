"""Photos sent in a chat before verification: upload tokens, the upload itself, CORS, and
claiming the photos when the return is created, on every database kind."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from urllib.parse import quote

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from backend.app import create_app
from backend.context import build_context
from backend.db.migrate import downgrade, upgrade
from backend.db.models import Customer, Photo, ReturnRequest
from backend.db.session import make_engine
from backend.services.upload_tokens import mint_upload_token
from tests.backend.conftest import SERVICE_TOKEN, customer_headers
from tests.backend.test_api_returns import (
    ALICE,
    BEN,
    count_returns,
    create,
    jpeg_bytes,
    line_by_category,
    returnable,
)
from tests.backend.test_image_processing import png_header_only

SERVICE = {"Authorization": f"Bearer {SERVICE_TOKEN}"}


@pytest.fixture
def anon(ctx):
    """A browser: no service token."""
    with TestClient(create_app(ctx)) as c:
        yield c


def app_client(settings, **changes):
    return TestClient(create_app(build_context(dataclasses.replace(settings, **changes))))


def mint(anon, conversation_id=None, headers=None):
    return anon.post("/api/v1/chat/upload-token", json={"conversation_id": conversation_id},
                     headers=headers or {})


def upload(anon, token, data=None, content_type="image/jpeg"):
    return anon.post("/api/v1/chat/photos", headers={"Authorization": f"Bearer {token}"},
                     files={"file": ("photo.jpg", jpeg_bytes() if data is None else data, content_type)})


def new_upload(anon) -> tuple[str, str]:
    body = mint(anon).json()
    return body["conversation_id"], body["upload_token"]


def stored_photos(ctx) -> list:
    return list((ctx.settings.media_dir / "photos").glob("*")) if (ctx.settings.media_dir / "photos").exists() else []


# --- upload tokens -----------------------------------------------------------------------

def test_anonymous_mint_gives_a_fresh_web_conversation_and_the_upload_url(anon, ctx):
    r = mint(anon)
    assert r.status_code == 201, r.text
    body = r.json()
    assert re.fullmatch(r"web-[0-9a-f]{32}", body["conversation_id"])
    assert body["expires_in"] == 900
    assert body["upload_url"] == "http://testserver/api/v1/chat/photos"
    assert mint(anon).json()["conversation_id"] != body["conversation_id"]
    photo = upload(anon, body["upload_token"])
    assert photo.status_code == 201, photo.text
    assert photo.json()["content_type"] == "image/jpeg" and photo.json()["width"] == 64
    with ctx.sessions() as s:
        row = s.execute(select(Photo).where(Photo.public_id == photo.json()["photo_id"])).scalar_one()
    assert row.conversation_id == body["conversation_id"] and row.customer_id is None


def test_refresh_rules_for_anonymous_and_service_callers(anon):
    web = f"web-{uuid.uuid4().hex}"
    assert mint(anon, web).json()["conversation_id"] == web  # refresh of a web conversation
    for other in ("+33639981234", "web-ABC", "web-" + "a" * 31, "conv-1"):
        r = mint(anon, other)
        assert r.status_code == 403, other
        assert r.json()["error"]["code"] == "conversation_id_forbidden"
        assert r.json()["error"]["message_fr"]
    sms = mint(anon, "+33639981234", headers=SERVICE)
    assert sms.status_code == 201 and sms.json()["conversation_id"] == "+33639981234"
    assert upload(anon, sms.json()["upload_token"]).status_code == 201
    for bad in ("has space", "x" * 81, "", "é"):
        r = mint(anon, bad, headers=SERVICE)
        assert r.status_code == 422, bad
        assert r.json()["error"]["code"] == "conversation_id_invalid"
    wrong = mint(anon, "+33639981234", headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "service_token_invalid"


def test_anonymous_minting_is_rate_limited_per_client_but_not_the_service(settings):
    with app_client(settings, upload_token_max_per_client=3) as c:
        assert [mint(c).status_code for _ in range(3)] == [201, 201, 201]
        limited = mint(c)
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) > 0
        assert limited.json()["error"]["message_fr"]
        assert mint(c, "+33639981234", headers=SERVICE).status_code == 201


def test_missing_expired_forged_and_wrong_audience_tokens_are_refused(anon, client, ctx):
    conv, _ = new_upload(anon)
    past = ctx.now() - dt.timedelta(seconds=ctx.settings.upload_token_ttl_seconds + 5)
    expired = mint_upload_token(ctx.settings, conv, past).token
    forged = jwt.encode({"conv": conv, "aud": "boomerang-chat-upload",
                         "exp": dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)},
                        "another-secret-key-of-32-bytes-or-more!", algorithm="HS256")
    customer_token = customer_headers(client, *ALICE)["X-Customer-Token"]
    for token in ("", "garbage", expired, forged, customer_token):
        r = upload(anon, token)
        assert r.status_code == 401, token
        assert r.json()["error"]["code"] == "upload_token_invalid"
        assert "expiré" in r.json()["error"]["message_fr"]
    assert anon.post("/api/v1/chat/photos", files={"file": ("a.jpg", jpeg_bytes(), "image/jpeg")}).status_code == 401
    # ... and an upload token is no customer token either.
    _, token = new_upload(anon)
    r = client.get("/api/v1/orders/BM-100001/returnable-lines", headers={"X-Customer-Token": token})
    assert r.status_code == 401
    assert stored_photos(ctx) == []


# --- the upload --------------------------------------------------------------------------

def test_bad_files_are_refused_and_nothing_is_stored(anon, ctx):
    _, token = new_upload(anon)
    script = upload(anon, token, b"#!/bin/sh\necho hi\n")
    assert script.status_code == 415 and script.json()["error"]["message_fr"]
    bomb = upload(anon, token, png_header_only(50_000, 50_000), "image/png")
    assert bomb.status_code == 413
    just_over = upload(anon, token, b"\xff\xd8\xff" + b"0" * (ctx.settings.photo_max_bytes + 10))
    assert just_over.status_code == 413 and just_over.json()["error"]["code"] == "photo_too_large"
    huge = upload(anon, token, b"\xff\xd8\xff" + b"0" * (ctx.settings.photo_max_bytes + 300 * 1024))
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"  # refused unread
    no_file = anon.post("/api/v1/chat/photos", headers={"Authorization": f"Bearer {token}"},
                        data={"other": "x"})
    assert no_file.status_code == 422 and no_file.json()["error"]["code"] == "photo_missing"
    broken = anon.post("/api/v1/chat/photos", content=b"--zz\r\nnot multipart",
                       headers={"Authorization": f"Bearer {token}",
                                "Content-Type": "multipart/form-data; boundary=zz"})
    assert broken.status_code == 422 and broken.json()["error"]["code"] == "upload_malformed"
    assert stored_photos(ctx) == []
    with ctx.sessions() as s:
        assert s.execute(select(func.count(Photo.id))).scalar_one() == 0


def test_huge_upload_without_content_length_is_cut_off_while_reading(anon, ctx):
    _, token = new_upload(anon)
    big = b"\xff\xd8\xff" + b"0" * (ctx.settings.photo_max_bytes + 10)
    body = (b"--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n"
            b"Content-Type: image/jpeg\r\n\r\n" + big + b"\r\n--zz--\r\n")

    def chunks():
        for i in range(0, len(body), 1 << 20):
            yield body[i:i + (1 << 20)]

    r = anon.post("/api/v1/chat/photos", content=chunks(),
                  headers={"Authorization": f"Bearer {token}", "Content-Type": "multipart/form-data; boundary=zz"})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "photo_too_large"
    assert stored_photos(ctx) == []


def test_photos_per_conversation_are_capped(settings):
    with app_client(settings, chat_photos_per_conversation=2) as c:
        conv, token = new_upload(c)
        assert [upload(c, token).status_code for _ in range(2)] == [201, 201]
        third = upload(c, token)
        assert third.status_code == 422
        assert third.json()["error"]["code"] == "too_many_photos"
        assert third.json()["error"]["message_fr"]
        _, other = new_upload(c)  # another conversation is not affected
        assert upload(c, other).status_code == 201
    assert len(list((settings.media_dir / "photos").glob("*"))) == 3


def test_cors_only_for_chat_endpoints(settings, anon):
    preflight = {"Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization"}
    r = anon.options("/api/v1/chat/photos", headers=preflight)
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    r = mint(anon, headers={"Origin": "https://shop.example"})
    assert r.status_code == 201 and r.headers["access-control-allow-origin"] == "*"
    r = anon.options("/api/v1/verify", headers=preflight)
    assert "access-control-allow-origin" not in r.headers
    with app_client(settings, chat_origins=("https://shop.example",)) as c:
        ok = c.options("/api/v1/chat/upload-token", headers=preflight)
        assert ok.headers["access-control-allow-origin"] == "https://shop.example"
        other = c.options("/api/v1/chat/upload-token", headers={**preflight, "Origin": "https://evil.example"})
        assert other.status_code == 400
        assert "access-control-allow-origin" not in other.headers


# --- claiming at return creation -----------------------------------------------------------

def damaged_lamp(client, headers, photo_ids, conversation_id=None):
    lamp = line_by_category(returnable(client, headers, "BM-100001"), "home")
    body = {"order_number": "BM-100001", "channel": "web", "language": "fr",
            "lines": [{"order_line_id": lamp["order_line_id"], "reason_code": "damaged",
                       "resolution": "refund", "photo_ids": photo_ids}]}
    if conversation_id:
        body["conversation_id"] = conversation_id
    return client.post("/api/v1/returns", json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex})


def test_photos_of_the_conversation_are_claimed_when_the_return_is_created(client, anon, ctx):
    conv, token = new_upload(anon)
    ids = [upload(anon, token).json()["photo_id"] for _ in range(2)]
    headers = customer_headers(client, *ALICE)
    r = damaged_lamp(client, headers, ids, conv)
    assert r.status_code == 201, r.text
    assert r.json()["lines"][0]["photo_count"] == 2
    assert "photo_required" not in r.json()["decision"]["reason_codes"]
    with ctx.sessions() as s:
        alice = s.execute(select(Customer).where(Customer.email == ALICE[1])).scalar_one()
        rows = s.execute(select(Photo).where(Photo.public_id.in_(ids))).scalars().all()
    assert {p.customer_id for p in rows} == {alice.id}
    assert all(p.return_line_id is not None and p.order_id is not None for p in rows)
    # Claimed and attached: no second return can use them.
    again = damaged_lamp(client, headers, ids[:1], conv)
    assert again.status_code == 422


def test_foreign_and_unknown_photos_are_refused_and_nothing_is_created(client, anon, ctx):
    conv, token = new_upload(anon)
    other_conv, _ = new_upload(anon)
    photo_id = upload(anon, token).json()["photo_id"]
    headers = customer_headers(client, *ALICE)
    before = count_returns(ctx)
    for ids, conversation in (([photo_id], other_conv), ([photo_id], None), (["ph_unknown"], conv)):
        r = damaged_lamp(client, headers, ids, conversation)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "photo_not_found"
        assert "introuvable" in r.json()["error"]["message_fr"]
    # A valid photo next to an unknown one: nothing created, the valid one stays unclaimed.
    r = damaged_lamp(client, headers, [photo_id, "ph_unknown"], conv)
    assert r.status_code == 422
    assert count_returns(ctx) == before
    with ctx.sessions() as s:
        row = s.execute(select(Photo).where(Photo.public_id == photo_id)).scalar_one()
    assert row.customer_id is None and row.return_line_id is None


def test_a_photo_claimed_by_one_customer_is_not_anothers(client, anon, ctx):
    conv, token = new_upload(anon)
    photo_id = upload(anon, token).json()["photo_id"]
    alice = customer_headers(client, *ALICE)
    shirt = line_by_category(returnable(client, alice, "BM-100001"), "apparel")
    # Alice claims it on a return (first line), so it is hers from now on.
    r = create(client, alice, "BM-100001", [{"order_line_id": shirt["order_line_id"],
                                            "reason_code": "changed_mind", "photo_ids": [photo_id]}])
    assert r.status_code == 422  # without the conversation id it is not hers yet
    body = {"order_number": "BM-100001", "channel": "web", "conversation_id": conv,
            "lines": [{"order_line_id": shirt["order_line_id"], "reason_code": "changed_mind",
                       "photo_ids": [photo_id]}]}
    assert client.post("/api/v1/returns", json=body,
                       headers={**alice, "Idempotency-Key": uuid.uuid4().hex}).status_code == 201
    ben = customer_headers(client, *BEN)
    earbuds = returnable(client, ben, "BM-100002")[0]
    body = {"order_number": "BM-100002", "conversation_id": conv,
            "lines": [{"order_line_id": earbuds["order_line_id"], "reason_code": "damaged",
                       "photo_ids": [photo_id]}]}
    r = client.post("/api/v1/returns", json=body, headers={**ben, "Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 422 and r.json()["error"]["code"] == "photo_not_found"


# --- SMS opt-outs --------------------------------------------------------------------------

def opted(ctx, phone):
    from backend.db.models import SmsOptOut

    with ctx.sessions() as s:
        row = s.get(SmsOptOut, phone)
        flags = s.execute(select(Customer.sms_opt_out).where(Customer.phone == phone)).scalars().all()
    return row is not None, flags


def test_opt_out_and_back_in_keeps_customers_in_step(client, anon, ctx):
    r = client.put("/api/v1/sms/opt-outs/%2B33639981234")
    assert r.status_code == 200 and r.json() == {"phone": "+33639981234", "opted_out": True}
    assert client.put("/api/v1/sms/opt-outs/%2B33639981234").status_code == 200  # idempotent
    assert opted(ctx, "+33639981234") == (True, [True])
    r = client.delete("/api/v1/sms/opt-outs/%2B33639981234")
    assert r.json()["opted_out"] is False
    assert opted(ctx, "+33639981234") == (False, [False])
    assert client.delete("/api/v1/sms/opt-outs/%2B33639981234").status_code == 200
    # A number that is no customer (yet) is remembered too.
    assert client.put("/api/v1/sms/opt-outs/%2B33612345678").status_code == 200
    assert opted(ctx, "+33612345678") == (True, [])
    bad = client.put("/api/v1/sms/opt-outs/0612345678")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "phone_invalid"
    assert anon.put("/api/v1/sms/opt-outs/%2B33639981234").status_code == 401


def opt_out_status(client, phone: str) -> dict:
    r = client.get(f"/api/v1/sms/opt-outs/{quote(phone, safe='')}")
    assert r.status_code == 200, r.text
    return r.json()


def test_opt_out_status_of_a_number_alone(client):
    assert opt_out_status(client, "+33612345678") == {"phone": "+33612345678", "opted_out": False}
    client.put("/api/v1/sms/opt-outs/%2B33612345678")
    assert opt_out_status(client, "+33612345678") == {"phone": "+33612345678", "opted_out": True}
    assert opt_out_status(client, "0033 6 12 34 56 78")["opted_out"] is True  # the same number, written otherwise
    client.delete("/api/v1/sms/opt-outs/%2B33612345678")
    assert opt_out_status(client, "+33612345678")["opted_out"] is False


def test_opt_out_status_of_a_flagged_customer_without_a_stop_row(client, ctx):
    assert opt_out_status(client, "+33639981234")["opted_out"] is False
    with ctx.sessions.begin() as s:
        s.execute(update(Customer).where(Customer.phone == "+33639981234").values(sms_opt_out=True))
    assert opted(ctx, "+33639981234") == (False, [True])
    assert opt_out_status(client, "+33639981234") == {"phone": "+33639981234", "opted_out": True}


def test_opt_out_status_needs_the_service_token_and_a_phone_number(client, anon):
    assert anon.get("/api/v1/sms/opt-outs/%2B33639981234").status_code == 401
    wrong = anon.get("/api/v1/sms/opt-outs/%2B33639981234", headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 401
    bad = client.get("/api/v1/sms/opt-outs/0612345678")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "phone_invalid"
    assert "international" in bad.json()["error"]["message"] and "international" in bad.json()["error"]["message_fr"]


# --- migration 0003 on this database kind --------------------------------------------------

def test_migration_0003_downgrades_and_upgrades_with_data(anon, ctx, database_url):
    conv, token = new_upload(anon)
    assert upload(anon, token).status_code == 201
    ctx.engine.dispose()
    downgrade(database_url, "0002")
    upgrade(database_url)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count(Photo.id))).scalar_one() == 0  # unclaimed ones dropped
        assert conn.execute(select(func.count(ReturnRequest.id))).scalar_one() > 0
    engine.dispose()
