"""A local stand-in for Twilio, for every SMS test (the Rasa channel's replies and the
backend's proactive SMS): its REST Messages API and its media host.

One real HTTP server on 127.0.0.1 that:

* accepts ``POST /2010-04-01/Accounts/{sid}/Messages.json`` as Twilio does (HTTP basic
  auth with the account SID and auth token, form fields To / From or MessagingServiceSid /
  Body / MediaUrl), answering 201 with a message resource the twilio client reads, 401
  for bad credentials, 400 with code 21211 for ``INVALID_NUMBER``, and a 500 for each of
  the next ``fail_next`` requests;
* records every authenticated request (``requests``) and every message it accepted, seen
  as Twilio's form fields (``accepted``) or as a summary (``sent``, ``sent_to``, ``wait_for``);
* serves media files at ``/media/<name>``, only with the same basic auth, as Twilio
  does when media protection is on.

``signed_post`` signs a webhook with Twilio's own ``RequestValidator``, the way Twilio
signs the requests it sends.
"""
from __future__ import annotations

import base64
import io
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import requests
from PIL import Image
from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fake-auth-token-0123456789abcdef"
FROM_NUMBER = "+15005550006"
INVALID_NUMBER = "+15005550001"  # Twilio's own magic test number for "invalid"
MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC[0-9a-f]{32})/Messages\.json$")


def png(colour: tuple[int, int, int], size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def message_sid() -> str:
    return "SM" + uuid.uuid4().hex


class FakeTwilio:
    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.requests: list[dict[str, str]] = []  # every authenticated POST's form, accepted or not
        self.fail_next = 0  # answer this many requests with a 500 first
        self._accepted: list[tuple[str, dict[str, list[str]]]] = []  # (message SID, form fields)
        self.media: dict[str, tuple[bytes, str]] = {}
        self.media_requests: list[str] = []
        self.media_without_length = False  # serve media close-delimited, as a stream of unknown size
        self._changed = threading.Condition()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_media(self, name: str, data: bytes, content_type: str = "image/png") -> str:
        self.media[name] = (data, content_type)
        return f"{self.url}/media/{name}"

    @property
    def accepted(self) -> list[dict[str, Any]]:
        """The messages Twilio would deliver, as the form fields it received plus their ``sid``."""
        with self._changed:
            return [{**{k: v[0] for k, v in fields.items()}, "sid": sid} for sid, fields in self._accepted]

    @property
    def sent(self) -> list[dict[str, Any]]:
        """The same messages summarised: ``sid``, ``to``, ``from``, ``body``, ``media_urls``."""
        with self._changed:
            return [_summary(sid, fields) for sid, fields in self._accepted]

    def sent_to(self, phone: str) -> list[dict[str, Any]]:
        return [m for m in self.sent if m["to"] == phone]

    def wait_for(self, phone: str, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        """The messages sent to ``phone`` once there are at least ``count`` (or fail)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = self.sent_to(phone)  # the condition's lock is re-entrant
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} messages to {phone}, got {found}")
                self._changed.wait(left)

    def _authorised(self, header: str | None) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return header == f"Basic {expected}"

    def _answer(self, path: str, auth: str | None, fields: dict[str, list[str]]) -> tuple[int, dict]:
        """Twilio's answer to a POST, and the request recorded as Twilio would have seen it."""
        match = MESSAGES_PATH.match(path)
        if not match:
            return 404, {"code": 20404, "message": "The requested resource was not found", "status": 404}
        if match["sid"] != self.account_sid or not self._authorised(auth):
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        form = {k: v[0] for k, v in fields.items()}
        with self._changed:
            self.requests.append(form)
            if self.fail_next > 0:
                self.fail_next -= 1
                return 500, {"code": 20500, "message": "Internal Server Error", "status": 500}
            if form.get("To") == INVALID_NUMBER:
                return 400, {"code": 21211, "message": f"The 'To' number {form['To']} is not a valid phone number.",
                             "status": 400}
            sid = message_sid()
            self._accepted.append((sid, fields))
            self._changed.notify_all()
        return 201, {"sid": sid, "account_sid": self.account_sid, "to": form.get("To"), "from": form.get("From"),
                     "messaging_service_sid": form.get("MessagingServiceSid"), "body": form.get("Body"),
                     "status": "queued", "num_segments": "1", "num_media": str(len(fields.get("MediaUrl", []))),
                     "direction": "outbound-api", "api_version": "2010-04-01",
                     "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if not self.path.startswith("/media/"):
                    return self._reply(404, b"{}")
                if not fake._authorised(self.headers.get("Authorization")):
                    return self._reply(401, b'{"message": "authenticate"}')
                fake.media_requests.append(self.path)
                item = fake.media.get(self.path[len("/media/"):])
                if item is None:
                    return self._reply(404, b"{}")
                if fake.media_without_length:
                    self.send_response(200)
                    self.send_header("Content-Type", item[1])
                    self.end_headers()
                    self.wfile.write(item[0])
                    return
                self._reply(200, item[0], item[1])

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                fields = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
                status, body = fake._answer(self.path, self.headers.get("Authorization"), fields)
                self._reply(status, json.dumps(body).encode())

        return Handler


def _summary(sid: str, fields: dict[str, list[str]]) -> dict[str, Any]:
    return {"sid": sid, "to": fields.get("To", [""])[0], "from": fields.get("From", [""])[0],
            "body": fields.get("Body", [""])[0], "media_urls": fields.get("MediaUrl", [])}


def sign(url: str, params: dict[str, str], auth_token: str = AUTH_TOKEN) -> str:
    return RequestValidator(auth_token).compute_signature(url, params)


def inbound(sender: str, body: str = "", media: list[tuple[str, str]] = (), sid: str | None = None,
            account_sid: str = ACCOUNT_SID) -> dict[str, str]:
    """The form fields of an incoming SMS/MMS webhook, as Twilio posts them."""
    fields = {"MessageSid": sid or message_sid(), "SmsMessageSid": "", "AccountSid": account_sid,
              "From": sender, "To": FROM_NUMBER, "Body": body, "NumMedia": str(len(media)),
              "NumSegments": "1", "FromCountry": "FR", "FromCity": ""}
    if not fields["SmsMessageSid"]:
        fields["SmsMessageSid"] = fields["MessageSid"]
    for n, (url, content_type) in enumerate(media):
        fields[f"MediaUrl{n}"] = url
        fields[f"MediaContentType{n}"] = content_type
    return fields


def signed_post(url: str, fields: dict[str, str], auth_token: str = AUTH_TOKEN,
                signature: str | None = None, timeout: float = 90.0) -> requests.Response:
    """POST a webhook to ``url`` signed for ``url`` (or with the given ``signature``)."""
    session = requests.Session()
    session.trust_env = False
    return session.post(url, data=fields, timeout=timeout,
                        headers={"X-Twilio-Signature": signature if signature is not None
                                 else sign(url, fields, auth_token)})
