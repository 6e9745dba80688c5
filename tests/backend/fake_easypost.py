"""A tiny stand-in for the EasyPost v2 API, served on 127.0.0.1 for adapter tests.

It implements just the three calls the adapter makes (create shipment, buy, fetch label),
checks HTTP Basic auth the way EasyPost does, records every request for assertions, and
can be told to fail or stall per step. Real HTTP (not a mocked ``requests``) so that
timeouts, retries and headers are exercised exactly as in production.
"""
from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_KEY = "EZTKtest_0123456789abcdef"
SHIPMENT_ID = "shp_0a1b2c3d4e5f"
TRACKING_CODE = "9400111899223197428490"
LABEL_PATH = "/files/postage_label/20240101/label_0a1b.pdf"
LABEL_PDF = b"%PDF-1.4\n% fake EasyPost 4x6 label\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"

# Deliberately ordered so that a text comparison ("12.00" < "5.10") or "first rate" picks
# the wrong one: the cheapest is USPS at 5.10.
DEFAULT_RATES: list[dict[str, Any]] = [
    {"id": "rate_ups", "carrier": "UPS", "service": "Ground", "rate": "12.00", "currency": "USD"},
    {"id": "rate_fedex", "carrier": "FedEx", "service": "FEDEX_GROUND", "rate": "7.5", "currency": "USD"},
    {"id": "rate_usps", "carrier": "USPS", "service": "GroundAdvantage", "rate": "5.10", "currency": "USD"},
    {"id": "rate_broken", "carrier": "Broken", "service": "X", "rate": None, "currency": "USD"},
]


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON, or None


@dataclass
class FakeEasyPost:
    """Configure the attributes below before calling the adapter."""

    api_key: str = API_KEY
    rates: list[dict[str, Any]] = field(default_factory=lambda: [dict(r) for r in DEFAULT_RATES])
    messages: list[dict[str, Any]] = field(default_factory=list)
    # step ("create" | "buy" | "label") -> (status, JSON body or raw bytes) to answer instead
    fail: dict[str, tuple[int, Any]] = field(default_factory=dict)
    # step -> seconds to stall before answering
    delay: dict[str, float] = field(default_factory=dict)
    label_failures: int = 0  # answer the label GET with 503 this many times first
    label_body: bytes = LABEL_PDF
    label_content_type: str = "application/pdf"
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> "FakeEasyPost":
        fake = self

        class Handler(_Handler):
            owner = fake

        server = _QuietServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # cut any stalled handler short
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def origin(self) -> str:
        assert self._server is not None, "start() first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        return self.origin + "/v2"

    @property
    def label_url(self) -> str:
        return self.origin + LABEL_PATH

    def calls(self, method: str, path_suffix: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path.endswith(path_suffix)]

    def _record(self, item: Recorded) -> None:
        with self._lock:
            self.requests.append(item)

    def _stall(self, step: str) -> None:
        seconds = self.delay.get(step, 0.0)
        if seconds:
            self._stopping.wait(seconds)


class _QuietServer(ThreadingHTTPServer):
    block_on_close = False  # do not wait for stalled handlers at shutdown

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and hung up is expected, not a test failure


class _Handler(BaseHTTPRequestHandler):
    owner: FakeEasyPost
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # -- helpers -----------------------------------------------------------------

    def _read_json(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return {"_unparsable": raw.decode("latin-1")}

    def _send(self, status: int, body: Any, content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self) -> bool:
        expected = "Basic " + base64.b64encode(f"{self.owner.api_key}:".encode()).decode()
        if self.headers.get("Authorization") == expected:
            return True
        self._send(401, {"error": {"code": "APIKEY.INACTIVE", "message": "The API key provided is invalid.", "errors": []}})
        return False

    def _maybe_fail(self, step: str) -> bool:
        self.owner._stall(step)
        if step in self.owner.fail:
            status, body = self.owner.fail[step]
            content_type = "application/json" if not isinstance(body, bytes) else "text/html"
            self._send(status, body, content_type)
            return True
        return False

    # -- endpoints ---------------------------------------------------------------

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        body = self._read_json()
        self.owner._record(Recorded("POST", self.path, dict(self.headers), body))
        if self.path == "/v2/shipments":
            if not self._authorized() or self._maybe_fail("create"):
                return
            self._send(201, {
                "id": SHIPMENT_ID,
                "object": "Shipment",
                "is_return": bool((body or {}).get("shipment", {}).get("is_return")),
                "rates": self.owner.rates,
                "messages": self.owner.messages,
            })
        elif self.path == f"/v2/shipments/{SHIPMENT_ID}/buy":
            if not self._authorized() or self._maybe_fail("buy"):
                return
            rate_id = ((body or {}).get("rate") or {}).get("id")
            rate = next((r for r in self.owner.rates if r.get("id") == rate_id), None)
            if rate is None:
                self._send(422, {"error": {"code": "SHIPMENT.RATE.INVALID", "message": "Invalid rate", "errors": []}})
                return
            self._send(200, {
                "id": SHIPMENT_ID,
                "tracking_code": TRACKING_CODE,
                "selected_rate": rate,
                "postage_label": {"label_url": self.owner.label_url, "label_file_type": "application/pdf"},
            })
        else:
            self._send(404, {"error": {"code": "NOT_FOUND", "message": "Not found", "errors": []}})

    def do_GET(self) -> None:  # noqa: N802
        self.owner._record(Recorded("GET", self.path, dict(self.headers), None))
        if self.path != LABEL_PATH:
            self._send(404, b"not found", "text/plain")
            return
        if self._maybe_fail("label"):
            return
        with self.owner._lock:
            failing = self.owner.label_failures > 0
            if failing:
                self.owner.label_failures -= 1
        if failing:
            self._send(503, b"<html>busy</html>", "text/html")
            return
        self._send(200, self.owner.label_body, self.owner.label_content_type)
