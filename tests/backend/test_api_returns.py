"""The returns API end to end: verification, returnable lines, creating returns, photos,
labels, status, cancellation, idempotency and bad input, on every database kind."""
from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image
from sqlalchemy import func, select

from backend.db.models import InventoryItem, ReturnRequest, ReturnStatusChange, Variant
from tests.backend.conftest import customer_headers, verify

ALICE = ("BM-100001", "alice.martin@example.com")
BEN = ("BM-100002", "ben.carter@example.com")


def jpeg_bytes(size=(64, 48), colour=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG")
    return buf.getvalue()


def returnable(client, headers, order_number, language="en") -> list[dict]:
    r = client.get(f"/api/v1/orders/{order_number}/returnable-lines", params={"language": language},
                   headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["lines"]


def line_by_category(lines: list[dict], category: str) -> dict:
    return next(l for l in lines if l["category"] == category)


def create(client, headers, order_number, lines, key=None, language="en"):
    return client.post("/api/v1/returns", headers={**headers, "Idempotency-Key": key or uuid.uuid4().hex},
                       json={"order_number": order_number, "lines": lines, "channel": "web",
                             "language": language})


def count_returns(ctx) -> int:
    with ctx.sessions() as s:
        return s.execute(select(func.count(ReturnRequest.id))).scalar_one()


# --- authentication and verification -------------------------------------------------

def test_service_token_is_required(client):
    r = client.post("/api/v1/verify", json={"reference": ALICE[0], "contact": ALICE[1]},
                    headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "service_token_invalid"


def test_verify_by_email_and_by_national_phone(client):
    body = verify(client, *ALICE)
    assert body["order"]["number"] == "BM-100001"
    assert body["customer"]["language"] == "fr"
    assert verify(client, "bm 100001", "06 39 98 12 34")["order"]["number"] == "BM-100001"


def test_unknown_order_and_wrong_contact_look_the_same(client):
    wrong = client.post("/api/v1/verify", json={"reference": ALICE[0], "contact": "eve@example.com"})
    unknown = client.post("/api/v1/verify", json={"reference": "BM-999999", "contact": ALICE[1]})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert "couldn't verify" in wrong.json()["error"]["message"]
    assert "pas pu vérifier" in wrong.json()["error"]["message_fr"]


def test_order_endpoints_need_a_customer_token_for_that_order(client):
    assert client.get("/api/v1/orders/BM-100001/returnable-lines").status_code == 401
    headers = customer_headers(client, *BEN)
    r = client.get("/api/v1/orders/BM-100001/returnable-lines", headers=headers)
    assert r.status_code == 404
    forged = {"X-Customer-Token": headers["X-Customer-Token"][:-3] + "abc"}
    assert client.get("/api/v1/orders/BM-100002/returnable-lines", headers=forged).status_code == 401


# --- returnable lines ------------------------------------------------------------------

def test_returnable_lines_carry_eligibility_and_exchange_options(client):
    headers = customer_headers(client, *ALICE)
    lines = returnable(client, headers, "BM-100001", language="fr")
    shirt = line_by_category(lines, "apparel")
    assert shirt["eligible"] is True
    assert shirt["quantity_returnable"] == shirt["quantity_ordered"]
    assert shirt["explanation"]["fr"] and shirt["explanation"]["en"]
    same_colour = {o["size"] for o in shirt["exchange_options"] if o["colour"] == shirt["colour"]}
    assert "L" in same_colour and "S" not in same_colour  # white S is out of stock in the demo data
    assert shirt["sku"] not in {o["sku"] for o in shirt["exchange_options"]}
    assert all(o["available"] > 0 for o in shirt["exchange_options"])


def test_outside_window_is_explained_in_both_languages(client):
    headers = customer_headers(client, "BM-100003", BEN[1])
    jeans = returnable(client, headers, "BM-100003")[0]
    assert jeans["eligible"] is False
    assert "window_expired" in jeans["reason_codes"]
    assert "30" in jeans["explanation"]["en"] and "30" in jeans["explanation"]["fr"]


# --- creating returns ------------------------------------------------------------------

def test_changed_mind_return_gets_label_and_shipping_fee(client, ctx):
    headers = customer_headers(client, *ALICE)
    shirt = line_by_category(returnable(client, headers, "BM-100001"), "apparel")
    r = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"], "quantity": 1,
                                               "reason_code": "changed_mind", "resolution": "refund"}])
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "label_issued"
    assert body["rma"].startswith("R-") and len(body["rma"]) == 11
    assert body["money"]["shipping_fee_minor"] == 495
    assert body["money"]["refund_amount_minor"] == shirt["unit_paid_minor"] - 495
    assert [t["status"] for t in body["timeline"]] == ["requested", "approved", "label_issued"]
    assert body["timeline"][2]["text"]["fr"] == "Étiquette de retour émise"
    pdf = client.get(body["label"]["url"].replace("http://testserver", ""))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/labels/" + "A" * 32 + ".pdf").status_code == 404
    # The quantity is now taken.
    again = line_by_category(returnable(client, headers, "BM-100001"), "apparel")
    assert again["quantity_returnable"] == shirt["quantity_returnable"] - 1


def test_an_item_wholly_in_a_return_says_so_not_that_it_is_within_the_window(client):
    headers = customer_headers(client, *ALICE)
    shirt = line_by_category(returnable(client, headers, "BM-100001"), "apparel")
    r = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"],
                                               "quantity": shirt["quantity_returnable"],
                                               "reason_code": "changed_mind", "resolution": "refund"}])
    assert r.status_code == 201, r.text
    after = line_by_category(returnable(client, headers, "BM-100001"), "apparel")
    assert after["eligible"] is False and after["quantity_returnable"] == 0
    assert "already_returned" in after["reason_codes"]
    assert "already in a return" in after["explanation"]["en"]
    assert "déjà dans un retour" in after["explanation"]["fr"]
    assert "until" not in after["explanation"]["en"]


def test_retry_with_same_idempotency_key_creates_nothing_twice(client, ctx):
    headers = customer_headers(client, *ALICE)
    shirt = line_by_category(returnable(client, headers, "BM-100001"), "apparel")
    lines = [{"order_line_id": shirt["order_line_id"], "reason_code": "wrong_size", "resolution": "refund"}]
    before = count_returns(ctx)
    first = create(client, headers, "BM-100001", lines, key="retry-key-0001")
    second = create(client, headers, "BM-100001", lines, key="retry-key-0001")
    assert first.status_code == second.status_code == 201
    assert first.json()["rma"] == second.json()["rma"]
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert count_returns(ctx) == before + 1
    other = create(client, headers, "BM-100001", [{**lines[0], "reason_code": "changed_mind"}],
                   key="retry-key-0001")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert count_returns(ctx) == before + 1


def test_create_requires_idempotency_key(client):
    headers = customer_headers(client, *ALICE)
    r = client.post("/api/v1/returns", headers=headers, json={"order_number": "BM-100001", "lines": [
        {"order_line_id": 1, "reason_code": "changed_mind"}]})
    assert r.status_code == 422


def test_damage_without_photo_waits_for_review_then_photo_releases_it(client):
    headers = customer_headers(client, *ALICE)
    lamp = line_by_category(returnable(client, headers, "BM-100001"), "home")
    r = create(client, headers, "BM-100001", [{"order_line_id": lamp["order_line_id"],
                                               "reason_code": "damaged", "resolution": "refund"}], language="fr")
    body = r.json()
    assert body["status"] == "needs_review"
    assert "photo_required" in body["decision"]["reason_codes"]
    assert "photo" in body["next_step"]["fr"]
    up = client.post(f"/api/v1/returns/{body['rma']}/photos", headers=headers,
                     files={"file": ("lamp.jpg", jpeg_bytes(), "image/jpeg")})
    assert up.status_code == 201, up.text
    after = up.json()["return"]
    assert after["status"] == "label_issued"
    assert after["lines"][0]["photo_count"] == 1
    assert after["money"]["shipping_fee_minor"] == 0  # the shop pays for damage


def test_photo_uploaded_first_is_attached_at_creation(client):
    headers = customer_headers(client, *ALICE)
    up = client.post("/api/v1/photos", headers=headers, files={"file": ("x.png", jpeg_bytes(), "image/png")})
    assert up.status_code == 201, up.text
    photo_id = up.json()["photo_id"]
    assert up.json()["content_type"] == "image/jpeg"  # sniffed, not trusted
    lamp = line_by_category(returnable(client, headers, "BM-100001"), "home")
    r = create(client, headers, "BM-100001", [{"order_line_id": lamp["order_line_id"], "reason_code": "defective",
                                               "resolution": "refund", "photo_ids": [photo_id]}])
    assert r.json()["status"] == "label_issued"
    # The same photo cannot be used twice.
    r2 = create(client, headers, "BM-100001", [{"order_line_id": lamp["order_line_id"], "reason_code": "defective",
                                                "resolution": "refund", "photo_ids": [photo_id]}])
    assert r2.status_code == 422


def test_low_value_damaged_item_is_refunded_without_return(client):
    headers = customer_headers(client, *BEN)
    mugs = line_by_category(returnable(client, headers, "BM-100002"), "home")
    photo = client.post("/api/v1/photos", headers=headers,
                        files={"file": ("m.jpg", jpeg_bytes(), "image/jpeg")}).json()["photo_id"]
    r = create(client, headers, "BM-100002", [{"order_line_id": mugs["order_line_id"], "reason_code": "damaged",
                                               "resolution": "refund", "photo_ids": [photo]}])
    body = r.json()
    assert body["decision"]["returnless"] is True
    assert body["label"] is None
    assert body["status"] == "refunded"
    assert body["refunds"][0]["status"] == "issued"
    assert body["money"]["refund_amount_minor"] == mugs["unit_paid_minor"]  # one unit, no fees
    assert body["refunds"][0]["amount_minor"] == mugs["unit_paid_minor"]
    assert body["refunds"][0]["method"] == "original_payment"


def test_exchange_reserves_stock_and_cancel_releases_it(client, ctx):
    headers = customer_headers(client, *ALICE)
    shirt = line_by_category(returnable(client, headers, "BM-100001"), "apparel")
    option = next(o for o in shirt["exchange_options"] if o["size"] == "L" and o["colour"] == shirt["colour"])

    def reserved() -> int:
        with ctx.sessions() as s:
            v = s.execute(select(Variant).where(Variant.sku == option["sku"])).scalar_one()
            return sum(i.reserved for i in s.execute(select(InventoryItem).where(
                InventoryItem.variant_id == v.id)).scalars())

    start = reserved()
    r = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"], "reason_code": "wrong_size",
                                               "resolution": "exchange", "exchange_sku": option["sku"]}])
    body = r.json()
    assert body["status"] == "label_issued", body
    assert body["lines"][0]["exchange_sku"] == option["sku"]
    assert body["money"]["refund_amount_minor"] == 0
    assert reserved() == start + 1
    cancel = client.post(f"/api/v1/returns/{body['rma']}/cancel", headers=headers)
    assert cancel.status_code == 200
    assert cancel.json()["status"] == "cancelled"
    assert reserved() == start


def test_exchange_to_out_of_stock_variant_is_refused_with_alternatives(client):
    headers = customer_headers(client, *ALICE)
    lines = returnable(client, headers, "BM-100001")
    shirt = line_by_category(lines, "apparel")
    with_sizes = {o["size"] for o in shirt["exchange_options"] if o["colour"] == shirt["colour"]}
    small_sku = shirt["sku"].rsplit("-", 1)[0] + "-S"
    assert "S" not in with_sizes
    r = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"], "reason_code": "wrong_size",
                                               "resolution": "exchange", "exchange_sku": small_sku}])
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "rejected"
    assert "exchange_out_of_stock" in body["decision"]["reason_codes"]
    assert body["decision"]["explanation"]["fr"]


def test_hygiene_item_within_14_days_depends_on_its_seal_and_is_recorded(client):
    """Issue 13: under French law (the demo policy's jurisdiction) a swimsuit delivered 3 days
    ago can be withdrawn while its hygiene seal is intact (L221-28 5°); without the customer's
    answer the return is recorded for the team to check, not refused."""
    headers = customer_headers(client, "BM-100004", "chloe.dubois@example.net")
    swimsuit = line_by_category(returnable(client, headers, "BM-100004"), "swimwear")
    assert swimsuit["eligible"] is True
    assert "basis_withdrawal" in swimsuit["reason_codes"]
    r = create(client, headers, "BM-100004", [{"order_line_id": swimsuit["order_line_id"],
                                               "reason_code": "changed_mind", "resolution": "refund"}], language="fr")
    body = r.json()
    assert body["status"] == "needs_review"
    assert "seal_unknown" in body["decision"]["reason_codes"]
    assert "scellé" in body["decision"]["explanation"]["fr"]


def test_final_sale_item_within_14_days_is_a_withdrawal(client):
    """Issue 13: "final sale" cannot remove the 14-day right of withdrawal (L221-18)."""
    headers = customer_headers(client, "BM-100004", "chloe.dubois@example.net")
    jacket = line_by_category(returnable(client, headers, "BM-100004"), "apparel")
    assert jacket["eligible"] is True
    r = create(client, headers, "BM-100004", [{"order_line_id": jacket["order_line_id"],
                                               "reason_code": "changed_mind", "resolution": "refund"}], language="fr")
    body = r.json()
    assert body["status"] in ("approved", "label_issued"), body
    assert {"basis_withdrawal", "final_sale_overridden_by_law"} <= set(body["decision"]["reason_codes"])
    assert "droit de rétractation" in body["decision"]["explanation"]["fr"]


def test_frequent_returner_goes_to_review(client):
    headers = customer_headers(client, "BM-100007", "frank.hughes@example.com")
    sweater = returnable(client, headers, "BM-100007")[0]
    r = create(client, headers, "BM-100007", [{"order_line_id": sweater["order_line_id"],
                                               "reason_code": "changed_mind", "resolution": "refund"}])
    assert r.json()["status"] == "needs_review"
    assert "too_many_returns" in r.json()["decision"]["reason_codes"]


# --- bad input -------------------------------------------------------------------------

@pytest.mark.parametrize("payload,code", [
    ({"order_line_id": 999999, "reason_code": "changed_mind"}, "invalid_return_request"),
    ({"reason_code": "bored"}, "invalid_return_request"),
    ({"quantity": 50, "reason_code": "changed_mind"}, "quantity_not_returnable"),
    ({"resolution": "exchange", "reason_code": "wrong_size"}, "invalid_exchange"),
])
def test_bad_lines_are_refused_and_nothing_is_written(client, ctx, payload, code):
    headers = customer_headers(client, *ALICE)
    shirt = line_by_category(returnable(client, headers, "BM-100001"), "apparel")
    before = count_returns(ctx)
    r = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"], **payload}])
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == code
    assert r.json()["error"]["message_fr"]
    assert count_returns(ctx) == before


def test_non_image_and_oversized_uploads_are_refused(client, ctx):
    headers = customer_headers(client, *ALICE)
    r = client.post("/api/v1/photos", headers=headers, files={"file": ("a.jpg", b"#!/bin/sh\necho hi\n", "image/jpeg")})
    assert r.status_code == 415
    big = b"\xff\xd8\xff" + b"0" * (ctx.settings.photo_max_bytes + 10)
    r = client.post("/api/v1/photos", headers=headers, files={"file": ("b.jpg", big, "image/jpeg")})
    assert r.status_code == 413
    assert list((ctx.settings.media_dir / "photos").glob("*")) == []


def test_malformed_json_is_a_clear_422(client):
    r = client.post("/api/v1/verify", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422


def test_someone_elses_rma_looks_unknown(client):
    alice = customer_headers(client, *ALICE)
    shirt = line_by_category(returnable(client, alice, "BM-100001"), "apparel")
    rma = create(client, alice, "BM-100001", [{"order_line_id": shirt["order_line_id"],
                                               "reason_code": "changed_mind"}]).json()["rma"]
    ben = customer_headers(client, *BEN)
    theirs = client.get(f"/api/v1/returns/{rma}", headers=ben)
    unknown = client.get("/api/v1/returns/R-0000-0000", headers=ben)
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json() == unknown.json()
    # Alice can also come back later with the RMA instead of the order number.
    by_rma = customer_headers(client, rma.lower(), ALICE[1])
    assert client.get(f"/api/v1/returns/{rma}", headers=by_rma).json()["rma"] == rma


def test_policy_faq_in_both_languages(client, ctx):
    en = client.get("/api/v1/policy/faq", params={"language": "en"}).json()
    fr = client.get("/api/v1/policy/faq", params={"language": "fr"}).json()
    assert en["policy_version"] == ctx.policy.version
    assert {e["topic"] for e in en["entries"]} == {e["topic"] for e in fr["entries"]}
    assert any("30" in e["answer"] for e in en["entries"])
    assert any("jours" in e["answer"] for e in fr["entries"])


def test_history_rows_match_status(client, ctx):
    headers = customer_headers(client, *ALICE)
    shirt = line_by_category(returnable(client, headers, "BM-100001"), "apparel")
    rma = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"],
                                                 "reason_code": "changed_mind"}]).json()["rma"]
    with ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        rows = s.execute(select(ReturnStatusChange).where(ReturnStatusChange.return_id == ret.id)
                         .order_by(ReturnStatusChange.id)).scalars().all()
        assert rows[-1].to_status == ret.status
        assert [r.actor for r in rows] == ["customer", "policy", "system"]


def test_handoff_request_is_opened_once_per_conversation(client, staff_headers):
    headers = customer_headers(client, *ALICE)
    body = {"conversation_id": "conv-42", "channel": "socketio", "language": "fr", "summary": "lampe cassée"}
    first = client.post("/api/v1/handoffs", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["verified_customer"] is True
    again = client.post("/api/v1/handoffs", json={**body, "summary": "toujours là ?"})
    assert again.json()["id"] == first.json()["id"]
    listed = client.get("/api/v1/staff/handoffs", headers=staff_headers).json()["handoffs"]
    assert [h["conversation_id"] for h in listed] == ["conv-42"]
    assert listed[0]["summary"] == "toujours là ?"
    assert client.post("/api/v1/handoffs", json={**body, "language": "de"}).status_code == 422


def test_oversized_body_is_refused_before_it_is_read(client, ctx):
    headers = customer_headers(client, *ALICE)
    big = b"\xff\xd8\xff" + b"0" * (ctx.settings.photo_max_bytes + 512 * 1024)
    r = client.post("/api/v1/photos", headers=headers, files={"file": ("b.jpg", big, "image/jpeg")})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"


def test_names_and_colours_come_translated_from_the_catalogue_in_each_language(client, ctx):
    headers = customer_headers(client, *ALICE)
    lines = returnable(client, headers, ALICE[0], "fr")
    shirt = line_by_category(lines, "apparel")
    assert (shirt["colour"], shirt["colour_fr"]) == ("White", "Blanc")
    assert "article « Chemise en lin (M, Blanc) »" in shirt["explanation"]["fr"]
    assert "Linen shirt (M, White)" in shirt["explanation"]["en"]
    assert {o["colour_fr"] for o in shirt["exchange_options"]} <= {"Blanc", "Bleu"}
    # A return made in English stores its French explanation with the French names.
    lamp = line_by_category(lines, "home")
    r = create(client, headers, ALICE[0], [{"order_line_id": lamp["order_line_id"], "quantity": 1,
                                            "reason_code": "changed_mind", "resolution": "refund"}])
    assert r.status_code == 201, r.text
    with ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == r.json()["rma"])).scalar_one()
        assert "Lampe de table (Laiton)" in ret.explanation_fr and "Brass" not in ret.explanation_fr
        assert "Table lamp (Brass)" in ret.explanation_en


# --- photos uploaded in the chat, added to a return waiting for one ---------------------------

def chat_photo(client, conversation_id: str) -> str:
    """A photo uploaded through the chat's upload token (before anyone is verified)."""
    token = client.post("/api/v1/chat/upload-token", json={"conversation_id": conversation_id}).json()
    up = client.post("/api/v1/chat/photos", headers={"Authorization": f"Bearer {token['upload_token']}"},
                     files={"file": ("lamp.jpg", jpeg_bytes(), "image/jpeg")})
    assert up.status_code == 201, up.text
    return up.json()["photo_id"]


def waiting_for_photo(client, headers) -> str:
    lamp = line_by_category(returnable(client, headers, "BM-100001"), "home")
    body = create(client, headers, "BM-100001", [{"order_line_id": lamp["order_line_id"],
                                                  "reason_code": "damaged", "resolution": "refund"}]).json()
    assert body["status"] == "needs_review" and "photo_required" in body["decision"]["reason_codes"]
    return body["rma"]


def test_a_chat_photo_named_by_id_releases_the_return_waiting_for_it(client):
    headers = customer_headers(client, *ALICE)
    rma = waiting_for_photo(client, headers)
    conversation = f"web-{uuid.uuid4().hex}"
    photo_id = chat_photo(client, conversation)
    r = client.post(f"/api/v1/returns/{rma}/uploaded-photos", headers=headers,
                    json={"photo_ids": [photo_id], "conversation_id": conversation})
    assert r.status_code == 201, r.text
    body = r.json()
    assert [p["photo_id"] for p in body["photos"]] == [photo_id]
    assert body["return"]["status"] == "label_issued"
    assert body["return"]["lines"][0]["photo_count"] == 1
    # Now on the return: it cannot be added again, to this return or another.
    again = client.post(f"/api/v1/returns/{rma}/uploaded-photos", headers=headers,
                        json={"photo_ids": [photo_id], "conversation_id": conversation})
    assert again.status_code == 422 and again.json()["error"]["code"] == "photo_in_use"


def test_uploaded_photos_route_refuses_strangers(client):
    headers = customer_headers(client, *ALICE)
    rma = waiting_for_photo(client, headers)
    photo_id = chat_photo(client, f"web-{uuid.uuid4().hex}")
    path = f"/api/v1/returns/{rma}/uploaded-photos"
    anonymous = client.post(path, json={"photo_ids": [photo_id]}, headers={**headers, "Authorization": ""})
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "service_token_invalid"
    no_customer = client.post(path, json={"photo_ids": [photo_id]})
    assert no_customer.status_code == 401
    # Another customer (verified for another order) does not see Alice's return.
    other = client.post(path, json={"photo_ids": [photo_id]}, headers=customer_headers(client, *BEN))
    assert other.status_code == 404
    # A photo of another conversation is not Alice's to claim; nothing is attached.
    stolen = client.post(path, headers=headers, json={"photo_ids": [photo_id],
                                                      "conversation_id": f"web-{uuid.uuid4().hex}"})
    assert stolen.status_code == 422 and stolen.json()["error"]["code"] == "photo_not_found"
    assert stolen.json()["error"]["message_fr"]
    assert client.get(f"/api/v1/returns/{rma}", headers=headers).json()["status"] == "needs_review"
    empty = client.post(path, headers=headers, json={"photo_ids": []})
    assert empty.status_code == 422
