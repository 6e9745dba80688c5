"""EasyPost's tracker webhook (issue 14): signed, once per event, only for our parcels.

The signature is computed here the way EasyPost documents it (HMAC-SHA256 of the raw body,
keyed by the NFKD form of the secret, ``hmac-sha256-hex=`` + hex), independently of the
code under test.
"""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import logging

import pytest
from sqlalchemy import func, select

from backend.db.models import CarrierEvent, ReturnRequest
from tests.backend.test_warehouse_receiving import anon, history, shirt_return, still, tracking_number  # noqa: F401

URL = "/api/v1/carriers/easypost/webhook"
# "é" written composed, and the "ﬁ" ligature: NFKD turns them into "e" + U+0301 and "fi".
SECRET = "caf\u00e9-\ufb01ne-secret"
SECRET_NFKD_UTF8 = b"cafe\xcc\x81-fine-secret"


@pytest.fixture(autouse=True)
def webhook_secret(ctx):
    """BOOMERANG_EASYPOST_WEBHOOK_SECRET, as the settings read it."""
    ctx.settings = dataclasses.replace(ctx.settings, easypost_webhook_secret=SECRET)


def sign(body: bytes, key: bytes = SECRET_NFKD_UTF8) -> str:
    return "hmac-sha256-hex=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def event(tracking_code: str, status: str = "in_transit", event_id: str = "evt_1",
          description: str = "tracker.updated") -> bytes:
    return json.dumps({"id": event_id, "object": "Event", "mode": "test", "description": description,
                       "result": {"id": "trk_1", "object": "Tracker", "tracking_code": tracking_code,
                                  "status": status, "carrier": "USPS"}}).encode()


def post(anon, body: bytes, signature: str | None = "sign"):
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        signature = sign(body)
    if signature is not None:
        headers["X-Hmac-Signature"] = signature
    return anon.post(URL, content=body, headers=headers)


def events(ctx) -> int:
    with ctx.sessions() as s:
        return s.execute(select(func.count(CarrierEvent.id))).scalar_one()


def status(ctx, rma: str) -> str:
    with ctx.sessions() as s:
        return s.execute(select(ReturnRequest.status).where(ReturnRequest.rma == rma)).scalar_one()


def test_a_signed_tracker_update_moves_the_return_in_transit_once(client, anon, ctx):
    rma = shirt_return(client)["rma"]
    body = event(tracking_number(ctx, rma), "in_transit", "evt_first")
    r = post(anon, body)
    assert r.status_code == 200, r.text
    assert r.json() == {"outcome": "moved"}
    assert status(ctx, rma) == "in_transit"
    assert history(ctx, rma)[-1] == ("in_transit", "carrier:easypost")
    with ctx.sessions() as s:
        row = s.execute(select(CarrierEvent)).scalar_one()
    assert (row.provider, row.event_id, row.status) == ("easypost", "evt_first", "in_transit")
    # EasyPost delivers again (it retries until it sees a 2xx): nothing happens twice.
    again = post(anon, body)
    assert again.status_code == 200 and again.json() == {"outcome": "duplicate"}
    assert events(ctx) == 1 and [h[0] for h in history(ctx, rma)].count("in_transit") == 1
    # A later update (delivered to the warehouse) is kept, and moves nothing: the dock receives.
    later = post(anon, event(tracking_number(ctx, rma), "delivered", "evt_second"))
    assert later.json() == {"outcome": "recorded"}
    assert events(ctx) == 2 and status(ctx, rma) == "in_transit"


@pytest.mark.parametrize("tracker_status", ["out_for_delivery", "delivered", "available_for_pickup"])
def test_any_status_proving_the_carrier_has_it_counts(client, anon, ctx, tracker_status):
    rma = shirt_return(client)["rma"]
    r = post(anon, event(tracking_number(ctx, rma), tracker_status, description="tracker.created"))
    assert r.json() == {"outcome": "moved"} and status(ctx, rma) == "in_transit"


def test_unsigned_or_wrongly_signed_calls_are_refused_and_change_nothing(client, anon, ctx):
    rma = shirt_return(client)["rma"]
    body = event(tracking_number(ctx, rma))
    composed_key = SECRET.encode()  # the secret not NFKD-normalised: not what EasyPost signs with
    for signature in (None, "", "hmac-sha256-hex=00", sign(body, b"another secret"), sign(body, composed_key),
                      sign(body + b" "), sign(body).replace("hmac-sha256-hex=", "")):
        r = post(anon, body, signature)
        assert r.status_code == 401, (signature, r.text)
        err = r.json()["error"]
        assert err["code"] == "carrier_signature_invalid" and err["message"] != err["message_fr"]
    assert status(ctx, rma) == "label_issued" and events(ctx) == 0


def test_without_a_secret_the_webhook_is_off(client, anon, ctx):
    ctx.settings = dataclasses.replace(ctx.settings, easypost_webhook_secret="")
    rma = shirt_return(client)["rma"]
    body = event(tracking_number(ctx, rma))
    r = post(anon, body, sign(body, b""))
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "carrier_webhook_not_configured"
    assert status(ctx, rma) == "label_issued" and events(ctx) == 0


def test_parcels_that_are_not_ours_and_other_events_are_ignored(client, anon, ctx, caplog):
    rma = shirt_return(client)["rma"]
    caplog.set_level(logging.INFO)
    r = post(anon, event("9400111899223197428490", event_id="evt_foreign"))
    assert r.status_code == 200 and r.json() == {"outcome": "ignored"}
    assert "evt_foreign" in caplog.text and "9400111899223197428490" not in caplog.text
    for body in (event(tracking_number(ctx, rma), "pre_transit"), event(tracking_number(ctx, rma), "unknown"),
                 event(tracking_number(ctx, rma), description="batch.updated")):
        r = post(anon, body)
        assert r.status_code == 200 and r.json() == {"outcome": "ignored"}, r.text
    assert status(ctx, rma) == "label_issued" and events(ctx) == 0


def test_a_signed_body_that_is_no_event_is_422(anon, ctx):
    for body in (b"not json", b"[]", json.dumps({"description": "tracker.updated"}).encode(),
                 json.dumps({"id": "evt_x", "description": "tracker.updated", "result": {"status": "delivered"}}).encode()):
        r = post(anon, body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["code"] == "carrier_event_malformed"
    assert events(ctx) == 0


def test_the_tracking_code_matches_whatever_its_case(client, anon, ctx):
    rma = shirt_return(client)["rma"]
    r = post(anon, event(tracking_number(ctx, rma).lower(), event_id="evt_lower"))
    assert r.json() == {"outcome": "moved"} and status(ctx, rma) == "in_transit"
