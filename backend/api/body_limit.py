"""A cap on request bodies, enforced on the bytes as they arrive (pure ASGI).

A declared Content-Length over the cap is refused before anything is read. A body without
one (``Transfer-Encoding: chunked``), or one longer than it declared, is counted as the
server hands it over; the 413 goes out as soon as the count passes the cap, and the rest
is never read: the application sees the client as gone, and whatever it then tries to
answer is dropped, since the client already has its answer.
"""
from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.api.errors import error_response
from backend.domain.error_text import error_body


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body: int, limit_mb: int) -> None:
        self.app = app
        self.max_body = max_body
        self.limit_mb = limit_mb

    async def _refuse(self, send: Send) -> None:
        # Connection: close, so the server stops taking the rest of the body.
        response = error_response(413, error_body("body_too_large", limit_mb=self.limit_mb),
                                  headers={"Connection": "close"})
        await response({"type": "http"}, _no_body, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                if value.strip().isdigit() and int(value) > self.max_body:
                    await self._refuse(send)
                    return
        received = 0
        refused = False
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    refused = True
                    if not response_started:
                        await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if refused:
                return  # the 413 has been sent: nothing else goes out
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused:
                raise
            # The application failed on the cut-off body (a "disconnect" mid-read); the
            # client already has its 413.


async def _no_body() -> Message:
    return {"type": "http.disconnect"}
