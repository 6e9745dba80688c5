"""A local fake of Twilio's REST Messages API, for the proactive-SMS tests.

A real HTTP server on 127.0.0.1: ``POST /2010-04-01/Accounts/{sid}/Messages.json`` with
HTTP basic auth (account SID + auth token) and form fields To / From or
MessagingServiceSid / Body, answered like Twilio (201 and a message resource with its
``sid``; 401 for bad credentials; 400 with code 21211 for an invalid number). It can be
told to fail the next N requests with a 500, and records every request it saw.
"""
from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

ACCOUNT_SID = "AC" + "fedcba9876543210" * 2
AUTH_TOKEN = "fake-twilio-auth-token-for-tests"
FROM_NUMBER = "+15005550006"
INVALID_NUMBER = "+15005550001"  # Twilio's own magic test number for "invalid"
PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC[0-9a-f]{32})/Messages\.json$")


class FakeTwilioApi:
    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.accepted: list[dict[str, Any]] = []  # messages Twilio would deliver
        self.requests: list[dict[str, Any]] = []  # every POST, accepted or not
        self.fail_next = 0  # answer this many requests with a 500 first
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, path: str, auth: str | None, form: dict[str, str]) -> tuple[int, dict]:
        match = PATH.match(path)
        if not match:
            return 404, {"code": 20404, "message": "The requested resource was not found", "status": 404}
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if match["sid"] != self.account_sid or auth != expected:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        with self._lock:
            self.requests.append(form)
            if self.fail_next > 0:
                self.fail_next -= 1
                return 500, {"code": 20500, "message": "Internal Server Error", "status": 500}
            if form.get("To") == INVALID_NUMBER:
                return 400, {"code": 21211, "message": f"The 'To' number {form['To']} is not a valid phone number.",
                             "status": 400}
            sid = "SM" + uuid.uuid4().hex
            message = {"sid": sid, "account_sid": self.account_sid, "to": form.get("To"),
                       "from": form.get("From"), "messaging_service_sid": form.get("MessagingServiceSid"),
                       "body": form.get("Body"), "status": "queued", "num_segments": "1",
                       "direction": "outbound-api", "api_version": "2010-04-01",
                       "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"}
            self.accepted.append({**form, "sid": sid})
            return 201, message

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
                status, body = fake._answer(self.path, self.headers.get("Authorization"), form)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler
