"""The backend client's chat-upload and SMS opt-out calls (record and read), and chat photos reaching a
return through the create-return action, against a live backend over HTTP."""
from __future__ import annotations

import io
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image
from sqlalchemy import select

from common.backend_client import BackendClient, BackendError, get_client
from actions.returns import ActionCreateReturn
from backend.db.models import Customer, Photo, ReturnRequest, SmsOptOut
from tests.actions.conftest import responses, slot_events, tracker
from tests.actions.test_return_actions import confirmed_return, count, run, verified_slots


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buf, "JPEG")
    return buf.getvalue()


def test_upload_token_and_photo_upload(backend):
    client = get_client()
    web = client.chat_upload_token(None)
    assert re.fullmatch(r"web-[0-9a-f]{32}", web["conversation_id"])
    assert web["upload_url"] == f"{backend.url}/api/v1/chat/photos"
    sms = client.chat_upload_token("+33639981234")  # the service token allows any id
    assert sms["conversation_id"] == "+33639981234" and sms["expires_in"] == 900
    photo = client.upload_chat_photo(sms["upload_token"], jpeg(), "image/jpeg", "lamp.jpg")
    assert photo["photo_id"].startswith("ph_") and photo["width"] == 40
    with backend.ctx.sessions() as s:
        row = s.execute(select(Photo).where(Photo.public_id == photo["photo_id"])).scalar_one()
    assert row.conversation_id == "+33639981234"


def test_upload_errors_are_backend_errors_in_both_languages(backend):
    client = get_client()
    with pytest.raises(BackendError) as bad_token:
        client.upload_chat_photo("forged", jpeg(), "image/jpeg")
    assert bad_token.value.status == 401 and bad_token.value.code == "upload_token_invalid"
    assert "expiré" in bad_token.value.message("fr")
    token = client.chat_upload_token(None)["upload_token"]
    with pytest.raises(BackendError) as not_image:
        client.upload_chat_photo(token, b"%PDF-1.4 not a photo", "image/jpeg")
    assert not_image.value.status == 415
    with pytest.raises(BackendError) as bad_id:
        client.chat_upload_token("not allowed!")
    assert bad_id.value.status == 422


def test_sms_opt_out_and_back_in(backend):
    client = get_client()
    assert client.set_sms_opt_out("+33639981234", True) is None

    def state():
        with backend.ctx.sessions() as s:
            flag = s.execute(select(Customer.sms_opt_out).where(Customer.phone == "+33639981234")).scalar_one()
            return s.get(SmsOptOut, "+33639981234") is not None, flag

    assert state() == (True, True)
    client.set_sms_opt_out("+33639981234", False)
    assert state() == (False, False)
    with pytest.raises(BackendError) as bad:
        client.set_sms_opt_out("06 39", True)
    assert bad.value.status == 422 and bad.value.code == "phone_invalid"


def test_sms_opted_out_reads_what_was_recorded(backend):
    client = get_client()
    assert client.sms_opted_out("+33612345678") is False
    client.set_sms_opt_out("+33612345678", True)
    assert client.sms_opted_out("+33612345678") is True
    client.set_sms_opt_out("+33612345678", False)
    assert client.sms_opted_out("+33612345678") is False
    with pytest.raises(BackendError) as bad:
        client.sms_opted_out("06 12")
    assert bad.value.status == 422 and bad.value.code == "phone_invalid"


class FlakyBackend:
    """A real HTTP server whose first answer is a 503, as a backend restarting behind a proxy."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        flaky = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                flaky.paths.append(self.path)
                status, body = (503, b"{}") if len(flaky.paths) == 1 else \
                    (200, json.dumps({"phone": "+33612345678", "opted_out": True}).encode())
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_sms_opted_out_is_retried_like_every_read():
    flaky = FlakyBackend()
    try:
        assert BackendClient(flaky.url, "token", retries=2).sms_opted_out("+33612345678") is True
        assert flaky.paths == ["/api/v1/sms/opt-outs/%2B33612345678"] * 2
    finally:
        flaky.close()


def test_backend_down_is_a_backend_error(backend_down):
    with pytest.raises(BackendError) as down:
        get_client().chat_upload_token(None)
    assert down.value.unavailable
    with pytest.raises(BackendError) as lookup:
        get_client().sms_opted_out("+33612345678")
    assert lookup.value.unavailable


def lamp_return(backend, domain, photo_id, sender_id):
    slots = verified_slots(backend, domain, sender_id=sender_id)
    lamp = next(i for i in slots["returnable_items"] if "lamp" in i["name"]["en"].lower())
    return confirmed_return(slots, lamp, return_reason="damaged", return_photos=[photo_id],
                            idempotency_key=f"key-{photo_id}")


def test_a_photo_sent_before_verification_reaches_the_return(backend, domain):
    client = get_client()
    upload = client.chat_upload_token(None)
    conversation = upload["conversation_id"]
    photo_id = client.upload_chat_photo(upload["upload_token"], jpeg(), "image/jpeg")["photo_id"]
    dispatcher, events = run(ActionCreateReturn(), tracker(lamp_return(backend, domain, photo_id, conversation),
                                                           sender_id=conversation), domain)
    assert responses(dispatcher)[0] == "utter_return_created", dispatcher.messages
    rma = slot_events(events)["last_rma"]
    with backend.ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        photo = s.execute(select(Photo).where(Photo.public_id == photo_id)).scalar_one()
        assert photo.customer_id == ret.customer_id
        assert photo.return_line_id == ret.lines[0].id
        assert "photo_required" not in ret.decision_reasons


def test_a_photo_from_another_conversation_is_refused_and_nothing_created(backend, domain):
    client = get_client()
    upload = client.chat_upload_token(None)
    photo_id = client.upload_chat_photo(upload["upload_token"], jpeg(), "image/jpeg")["photo_id"]
    before = count(backend, ReturnRequest)
    other = "web-" + "0" * 32
    dispatcher, events = run(ActionCreateReturn(), tracker(lamp_return(backend, domain, photo_id, other),
                                                           sender_id=other), domain)
    assert responses(dispatcher) == ["utter_return_next_step"]
    assert photo_id in dispatcher.messages[0]["next_step"]
    assert "last_rma" not in slot_events(events)
    assert count(backend, ReturnRequest) == before
