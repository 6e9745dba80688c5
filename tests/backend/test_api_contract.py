"""The API contract: every error in the documented shape, every timestamp with its zone, and
an OpenAPI document that says so."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid

import pytest
from fastapi.testclient import TestClient

from backend.app import create_app
from backend.context import build_context
from backend.api import customer as customer_api
from tests.backend.conftest import customer_headers, verify
from tests.backend.test_api_returns import ALICE, create, line_by_category, returnable

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def assert_error_shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["message_fr"], str) and error["message_fr"]
    assert error["message"] != error["message_fr"]  # really in French
    if code:
        assert error["code"] == code, error
    return error


def timestamps(value, path="") -> list[tuple[str, str]]:
    """Every string in a JSON document that is a timestamp (date and time), with where it is."""
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in timestamps(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [t for i, v in enumerate(value) for t in timestamps(v, f"{path}[{i}]")]
    return [(path, value)] if isinstance(value, str) and TIMESTAMP.match(value) else []


def assert_utc_with_zone(document) -> int:
    found = timestamps(document)
    for where, value in found:
        parsed = dt.datetime.fromisoformat(value)
        assert parsed.tzinfo is not None, f"{where} = {value} has no time zone"
        assert parsed.utcoffset() == dt.timedelta(0), f"{where} = {value} is not UTC"
    return len(found)


# --- errors ---------------------------------------------------------------------------------

def test_malformed_json_body_answers_the_documented_shape(client):
    headers = customer_headers(client, *ALICE)
    for body in (b'{"order_number": "BM-100001", "lines": [', b"not json at all"):
        r = client.post("/api/v1/returns", content=body,
                        headers={**headers, "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex})
        assert_error_shape(r, 422, "body_malformed")


def test_a_body_that_is_not_even_text_answers_the_documented_shape_not_400(client):
    r = client.post("/api/v1/handoffs", content=b"\xff\xfe\xfa{",
                    headers={"Content-Type": "application/json"})
    assert_error_shape(r, 422, "body_malformed")


def test_broken_multipart_on_a_customer_upload_answers_the_documented_shape(client):
    headers = customer_headers(client, *ALICE)
    r = client.post("/api/v1/photos", content=b"--zz\r\nnot multipart at all",
                    headers={**headers, "Content-Type": "multipart/form-data; boundary=zz"})
    assert r.status_code != 400
    assert_error_shape(r, 422)


def test_validation_errors_answer_the_documented_shape_with_the_fields(client):
    r = client.post("/api/v1/handoffs", json={"conversation_id": "", "language": "de"})
    error = assert_error_shape(r, 422, "invalid_request")
    locations = {tuple(f["location"]) for f in error["fields"]}
    assert {("body", "conversation_id"), ("body", "channel"), ("body", "language")} <= locations
    assert all(f["message"] and f["type"] for f in error["fields"])
    assert "conversation_id" in error["message"] and "conversation_id" in error["message_fr"]
    faq = client.get("/api/v1/policy/faq", params={"language": "de"})
    assert {tuple(f["location"]) for f in assert_error_shape(faq, 422, "invalid_request")["fields"]} == {
        ("query", "language")}
    missing_header = client.post("/api/v1/returns", json={}, headers=customer_headers(client, *ALICE))
    assert ("header", "Idempotency-Key") in {tuple(f["location"]) for f in
                                             assert_error_shape(missing_header, 422)["fields"]}


def test_validation_errors_do_not_echo_what_was_sent(client):
    secret = "s3cr3t-value-that-must-not-come-back"
    r = client.post("/api/v1/handoffs", json={"conversation_id": "c", "channel": "web", "language": secret})
    assert_error_shape(r, 422, "invalid_request")
    assert secret not in r.text


def test_unknown_route_and_wrong_method_answer_the_documented_shape(client):
    assert_error_shape(client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error_shape(client.get("/nowhere"), 404, "not_found")
    wrong = client.delete("/health")
    assert_error_shape(wrong, 405, "method_not_allowed")
    assert wrong.headers["allow"] == "GET"


def test_authentication_and_rate_limit_errors_keep_the_shape(client, anon_client):
    assert_error_shape(anon_client.get("/api/v1/policy/faq"), 401, "service_token_invalid")
    assert_error_shape(anon_client.get("/api/v1/staff/handoffs"), 401, "staff_token_invalid")
    r = anon_client.post("/api/v1/chat/upload-token", json={"conversation_id": "+33639981234"})
    assert_error_shape(r, 403, "conversation_id_forbidden")


def test_a_refused_cors_preflight_answers_the_documented_shape(settings):
    with TestClient(create_app(build_context(dataclasses.replace(settings, chat_origins=("https://shop.example",))))) as c:
        r = c.options("/api/v1/chat/upload-token", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert_error_shape(r, 400, "cors_refused")
    assert "access-control-allow-origin" not in r.headers


def test_an_unexpected_failure_answers_500_in_the_documented_shape(ctx, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom: internal detail")

    monkeypatch.setattr(customer_api, "request_handoff", broken)
    with TestClient(create_app(ctx), raise_server_exceptions=False) as c:
        r = c.post("/api/v1/handoffs", json={"conversation_id": "c1", "channel": "web"},
                   headers={"Authorization": f"Bearer {ctx.settings.service_token}"})
    assert_error_shape(r, 500, "internal_error")
    assert "boom" not in r.text


# --- timestamps -------------------------------------------------------------------------------

def test_every_timestamp_in_responses_is_utc_with_its_zone_and_dates_stay_dates(client, staff_headers):
    verified = verify(client, *ALICE)
    assert dt.datetime.fromisoformat(verified["expires_at"]).tzinfo is not None
    assert dt.datetime.fromisoformat(verified["order"]["ordered_at"]).utcoffset() == dt.timedelta(0)
    assert DATE.match(verified["order"]["delivered_on"])
    headers = {"X-Customer-Token": verified["customer_token"]}
    lines = returnable(client, headers, "BM-100001")
    assert all(l["window_ends_on"] is None or DATE.match(l["window_ends_on"]) for l in lines)
    shirt = line_by_category(lines, "apparel")
    ret = create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"],
                                                 "reason_code": "changed_mind"}])
    assert ret.status_code == 201, ret.text
    body = ret.json()
    created = dt.datetime.fromisoformat(body["created_at"])
    assert created.tzinfo is not None and created.utcoffset() == dt.timedelta(0)
    assert abs(created - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(hours=1)  # UTC, not local time
    assert body["timeline"] and all(dt.datetime.fromisoformat(t["at"]).tzinfo for t in body["timeline"])
    if body["label"]:
        assert dt.datetime.fromisoformat(body["label"]["expires_at"]).tzinfo is not None
    documents = [verified, {"lines": lines}, body,
                 client.get(f"/api/v1/returns/{body['rma']}", headers=headers).json(),
                 client.get("/api/v1/orders/BM-100001/returns", headers=headers).json(),
                 client.post("/api/v1/handoffs", json={"conversation_id": "c-tz", "channel": "web"}).json(),
                 client.get("/api/v1/staff/handoffs", headers=staff_headers).json(),
                 client.get(f"/api/v1/staff/returns/{body['rma']}", headers=staff_headers).json()]
    assert sum(assert_utc_with_zone(d) for d in documents) >= 6


# --- the OpenAPI document ------------------------------------------------------------------------

def test_openapi_declares_the_error_shape_for_every_error_status(client):
    spec = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    checked = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "422" in responses and "500" in responses, (method, path)
            for status, response in responses.items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
                    checked += 1
    assert checked > 50
    error = spec["components"]["schemas"]["ErrorDetail"]
    assert {"code", "message", "message_fr"} <= set(error["required"])
    # Optional fields are said to be nullable, as they are sent.
    ret = spec["components"]["schemas"]["ReturnOut"]["properties"]
    assert {"type": "null"} in ret["label"]["anyOf"]
    assert {"type": "null"} in ret["expected_refund_by"]["anyOf"]


@pytest.fixture
def anon_client(ctx):
    with TestClient(create_app(ctx)) as c:
        yield c


def test_a_refund_id_past_the_integer_column_is_refused_not_a_server_error(client, staff_headers):
    # Found by schemathesis: it reached SQL and failed there (500).
    for refund_id in ("99999999999999999999999", str(2**31), "0"):
        r = client.post(f"/api/v1/staff/refunds/{refund_id}/retry", headers=staff_headers)
        assert_error_shape(r, 422, "invalid_request")
    assert_error_shape(client.post("/api/v1/staff/refunds/2147483647/retry", headers=staff_headers), 404)
