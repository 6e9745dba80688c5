"""CORS for one part of the API only: the browser chat calls /api/v1/chat/*, nothing else.

Starlette's CORSMiddleware does the work; this wrapper just keeps it off the other
routes, which browsers have no business calling from another origin.
"""
from __future__ import annotations

from typing import Sequence

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from backend.api.errors import error_response
from backend.domain.error_text import error_body


class _CORSMiddleware(CORSMiddleware):
    def preflight_response(self, request_headers: Headers) -> Response:
        """Starlette refuses a preflight in plain text; say it in the API's error shape."""
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        headers = {k: v for k, v in response.headers.items() if k not in ("content-length", "content-type")}
        return error_response(400, error_body("cors_refused"), headers)


class PathCORSMiddleware:
    def __init__(self, app: ASGIApp, *, path_prefix: str, allow_origins: Sequence[str]) -> None:
        self.app = app
        self.path_prefix = path_prefix
        self.cors = _CORSMiddleware(app, allow_origins=list(allow_origins), allow_methods=["POST"],
                                   allow_headers=["Authorization", "Content-Type"],
                                   allow_credentials=False, max_age=600)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.path_prefix):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
