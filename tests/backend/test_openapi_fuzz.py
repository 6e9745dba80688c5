"""Schemathesis against the real backend: no 5xx, and every answer as the OpenAPI says.

The backend runs as `make run` runs it (``python -m backend setup``, then ``serve``) on a
fresh SQLite database, and the schemathesis CLI fuzzes its own /openapi.json over HTTP
with the checks not_a_server_error, status_code_conformance, content_type_conformance and
response_schema_conformance. The number of examples is bounded and generation is
deterministic, so a run is the same every time.

Five runs, so that the fuzzer gets past authentication to each route's own logic:
every route with the service token alone (path parameters fuzzed freely); the customer
routes with a verified customer's token and that customer's order and return; the staff
and sign-in routes with the staff token, and again with a signed-in agent's session; the chat
photo upload with an upload token.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Iterator

import pytest

SERVICE_TOKEN = "fuzz-service-token"
STAFF_TOKEN = "fuzz-staff-token"
DEMO_STAFF_PASSWORD = "fuzz-demo-staff-password"
ALICE = ("BM-100001", "alice.martin@example.com")
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
MAX_EXAMPLES = 40
ST = Path(sys.executable).with_name("st")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Backend:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = root / "backend.log"
        self.env = {**os.environ,
                    "BOOMERANG_DATABASE_URL": f"sqlite:///{root / 'fuzz.db'}",
                    "BOOMERANG_SERVICE_TOKEN": SERVICE_TOKEN, "BOOMERANG_STAFF_TOKEN": STAFF_TOKEN,
                    "BOOMERANG_DEMO_STAFF_PASSWORD": DEMO_STAFF_PASSWORD,
                    "BOOMERANG_SECRET_KEY": "fuzz-secret-key-of-at-least-32-bytes!!",
                    "BOOMERANG_MEDIA_DIR": str(root / "media"), "BOOMERANG_PUBLIC_URL": self.url,
                    "BOOMERANG_EXPIRY_SWEEP_SECONDS": "0", "BOOMERANG_NOTIFY_SWEEP_SECONDS": "0",
                    "EASYPOST_API_KEY": "", "TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": "",
                    "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        subprocess.run([sys.executable, "-m", "backend", "setup"], env=self.env, check=True,
                       capture_output=True, timeout=300)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "backend", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the backend did not start:\n{self.log.read_text()[-3000:]}")
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method, headers={
            "Content-Type": "application/json", **(headers or {})})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> Iterator[Backend]:
    if not ST.exists():
        pytest.fail(f"schemathesis is not installed at {ST}: run `make venv` (it is a dev dependency)")
    live = Backend(tmp_path_factory.mktemp("fuzz"))
    try:
        live.start()
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def customer(backend: Backend) -> dict:
    """A verified customer, one return of theirs, an upload token and a signed-in agent: made
    before the fuzzing (which soon exhausts the verification, minting and sign-in rate limits
    of its address)."""
    service = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    token = backend.call("POST", "/api/v1/verify", {"reference": ALICE[0], "contact": ALICE[1]},
                         service)["customer_token"]
    headers = {**service, "X-Customer-Token": token}
    lines = backend.call("GET", f"/api/v1/orders/{ALICE[0]}/returnable-lines", headers=headers)["lines"]
    line = next(l for l in lines if l["eligible"])
    ret = backend.call("POST", "/api/v1/returns", {
        "order_number": ALICE[0], "channel": "web",
        "lines": [{"order_line_id": line["order_line_id"], "reason_code": "changed_mind"}]},
        {**headers, "Idempotency-Key": uuid.uuid4().hex})
    upload = backend.call("POST", "/api/v1/chat/upload-token", {"conversation_id": None})
    # Signed in before the fuzzing, too: fuzzed sign-ins soon pause this address.
    agent = backend.call("POST", "/api/v1/auth/login", {"email": "agent@boomerang.local",
                                                        "password": DEMO_STAFF_PASSWORD})["access_token"]
    return {"token": token, "rma": ret["rma"], "upload_token": upload["upload_token"], "agent_token": agent}


def schemathesis(backend: Backend, workdir: Path, args: list[str], config: str = "") -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "schemathesis.toml").write_text(config)
    cmd = [str(ST), "--no-color", "--config-file", str(workdir / "schemathesis.toml"), "run",
           f"{backend.url}/openapi.json", "--checks", CHECKS, "--max-examples", str(MAX_EXAMPLES),
           "--generation-deterministic", "--workers", "2", "--request-timeout", "30", *args]
    # A generous ceiling, so a wedged run fails instead of hanging (a run takes seconds).
    result = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"schemathesis found problems:\n{output[-20000:]}"
    assert "Tested:" in output and "passed" in output, output[-5000:]


def test_every_route_with_the_service_token_alone(backend, customer, tmp_path):
    schemathesis(backend, tmp_path, ["--header", f"Authorization: Bearer {SERVICE_TOKEN}",
                                     "--exclude-tag", "staff"])


def test_customer_routes_with_a_verified_customer(backend, customer, tmp_path):
    config = (f'[parameters]\norder_number = "{ALICE[0]}"\nrma = "{customer["rma"]}"\n')
    schemathesis(backend, tmp_path, ["--header", f"Authorization: Bearer {SERVICE_TOKEN}",
                                     "--header", f"X-Customer-Token: {customer['token']}",
                                     "--include-tag", "returns", "--include-tag", "photos",
                                     "--include-tag", "handoff"], config)


def test_staff_routes_with_the_staff_token(backend, customer, tmp_path):
    schemathesis(backend, tmp_path, ["--header", f"Authorization: Bearer {STAFF_TOKEN}",
                                     "--include-tag", "staff", "--include-tag", "auth"])


def test_staff_and_sign_in_routes_with_an_agents_session(backend, customer, tmp_path):
    """A signed-in agent (the demo account): 403 where the role may not, in the documented shape."""
    schemathesis(backend, tmp_path, ["--header", f"Authorization: Bearer {customer['agent_token']}",
                                     "--include-tag", "staff", "--include-tag", "auth"])


def test_warehouse_routes_with_the_staff_token(backend, customer, tmp_path):
    config = f'[parameters]\nrma = "{customer["rma"]}"\n'
    schemathesis(backend, tmp_path, ["--header", f"Authorization: Bearer {STAFF_TOKEN}",
                                     "--include-tag", "warehouse"], config)


def test_chat_photo_upload_with_an_upload_token(backend, customer, tmp_path):
    schemathesis(backend, tmp_path, ["--header", f"Authorization: Bearer {customer['upload_token']}",
                                     "--include-path", "/api/v1/chat/photos"])
