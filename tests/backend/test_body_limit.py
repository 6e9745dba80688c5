"""Oversized uploads are cut off while they arrive, on a real server over a real socket.

A client that declares no Content-Length (``Transfer-Encoding: chunked``) and sends
300 MB must get its 413 once a little more than the limit has arrived, not after the
whole body was read; a declared Content-Length over the limit is refused before any of
the body is sent. The client here is a raw socket, so the test controls the sending and
sees when the answer comes; every socket operation has a timeout, so it cannot hang.
"""
from __future__ import annotations

import http.client
import json
import select
import socket
from typing import Iterator

import pytest

from tests.live_backend import ThreadedBackend
from tests.backend.conftest import SERVICE_TOKEN
from tests.backend.test_api_returns import ALICE, jpeg_bytes

MB = 1024 * 1024
BOUNDARY = "zzBoomerangTest"
SOCKET_TIMEOUT = 20


class LiveServer(ThreadedBackend):
    def json(self, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=SOCKET_TIMEOUT)
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None,
                         headers={"Content-Type": "application/json", **(headers or {})})
            response = conn.getresponse()
            return response.status, json.loads(response.read())
        finally:
            conn.close()


@pytest.fixture
def live(ctx) -> Iterator[LiveServer]:
    server = LiveServer(ctx)
    server.start()
    yield server
    server.stop()


def auth_for(live: LiveServer, path: str) -> dict[str, str]:
    """Valid credentials for each upload route."""
    if path == "/api/v1/chat/photos":
        status, body = live.json("POST", "/api/v1/chat/upload-token", {"conversation_id": None})
        assert status == 201, body
        return {"Authorization": f"Bearer {body['upload_token']}"}
    service = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    status, body = live.json("POST", "/api/v1/verify", {"reference": ALICE[0], "contact": ALICE[1]}, service)
    assert status == 200, body
    return {**service, "X-Customer-Token": body["customer_token"]}


UPLOAD_ROUTES = ["/api/v1/chat/photos", "/api/v1/photos", "/api/v1/returns/R-0000-0000/photos"]


def request_head(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1",
             f"Content-Type: multipart/form-data; boundary={BOUNDARY}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def part_head() -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode() + b"\xff\xd8\xff"


def huge_photo(total: int, counter: dict) -> Iterator[bytes]:
    """A multipart body of ``total`` bytes, made as it is sent; counts what it yielded."""
    piece = b"0" * (64 * 1024)
    head = part_head()
    counter["yielded"] += len(head)
    yield head
    while counter["yielded"] < total:
        counter["yielded"] += len(piece)
        yield piece
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    counter["yielded"] += len(tail)
    yield tail


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Read one HTTP response (until its Content-Length or the connection's end)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    length = int(headers.get("content-length", "-1"))
    while length < 0 or len(body) < length:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        body += chunk
    return int(status_line.split()[1]), headers, body


def assert_too_large(status: int, headers: dict[str, str], body: bytes) -> None:
    assert status == 413, body
    error = json.loads(body)["error"]
    assert error["code"] == "too_large"
    assert "10 MB" in error["message"] and "10 Mo" in error["message_fr"]
    assert headers.get("connection") == "close"


@pytest.mark.parametrize("path", UPLOAD_ROUTES)
def test_chunked_300_mb_upload_is_cut_off_soon_after_the_limit(live, ctx, path):
    assert ctx.settings.photo_max_bytes == 10 * MB
    counter = {"yielded": 0}
    sent = 0
    with socket.create_connection(("127.0.0.1", live.port), timeout=SOCKET_TIMEOUT) as sock:
        sock.sendall(request_head(path, {**auth_for(live, path), "Transfer-Encoding": "chunked"}))
        for piece in huge_photo(300 * MB, counter):
            try:
                sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                break  # the server closed the connection after its answer
            sent += len(piece)
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break  # the answer is there: stop sending, as a browser would
        status, headers, body = read_response(sock)
    assert_too_large(status, headers, body)
    # Cut off a little after the limit (10 MB + envelope), far from the 300 MB on offer.
    assert 10 * MB < counter["yielded"] < 30 * MB, counter
    assert sent < 30 * MB
    assert not (ctx.settings.media_dir / "photos").exists() or not any((ctx.settings.media_dir / "photos").iterdir())


@pytest.mark.parametrize("path", UPLOAD_ROUTES)
def test_declared_length_over_the_limit_is_refused_before_the_body_is_sent(live, path):
    with socket.create_connection(("127.0.0.1", live.port), timeout=SOCKET_TIMEOUT) as sock:
        # Headers only: the answer must come without a byte of the 300 MB body.
        sock.sendall(request_head(path, {**auth_for(live, path), "Content-Length": str(300 * MB)}))
        status, headers, body = read_response(sock)
    assert_too_large(status, headers, body)


def test_a_chunked_photo_within_the_limit_is_stored(live, ctx):
    photo = jpeg_bytes()
    body = part_head()[:-3] + photo + f"\r\n--{BOUNDARY}--\r\n".encode()
    with socket.create_connection(("127.0.0.1", live.port), timeout=SOCKET_TIMEOUT) as sock:
        sock.sendall(request_head("/api/v1/chat/photos", {**auth_for(live, "/api/v1/chat/photos"),
                                                          "Transfer-Encoding": "chunked"}))
        for i in range(0, len(body), 1000):
            piece = body[i:i + 1000]
            sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
        sock.sendall(b"0\r\n\r\n")
        status, _, answer = read_response(sock)
    assert status == 201, answer
    assert json.loads(answer)["size_bytes"] > 0
    assert len(list((ctx.settings.media_dir / "photos").iterdir())) == 1


def test_a_chunked_json_body_over_the_limit_is_cut_off_too(live, ctx):
    """The cap holds for every route, not only the uploads."""
    counter = {"yielded": 0}
    with socket.create_connection(("127.0.0.1", live.port), timeout=SOCKET_TIMEOUT) as sock:
        sock.sendall(b"POST /api/v1/handoffs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     + f"Authorization: Bearer {SERVICE_TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
        piece = b" " * (64 * 1024)
        while counter["yielded"] < 300 * MB:
            try:
                sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                break
            counter["yielded"] += len(piece)
            if select.select([sock], [], [], 0)[0]:
                break
        status, headers, body = read_response(sock)
    assert_too_large(status, headers, body)
    assert counter["yielded"] < 30 * MB
