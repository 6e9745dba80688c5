"""CORS for one part of the API only: the browser chat calls /api/v1/chat/*, nothing else.

Starlette's CORSMiddleware does the work; this wrapper just keeps it off the other
routes, which browsers have no business calling from another origin.
"""
from __future__ import annotations

from typing import Sequence

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


class PathCORSMiddleware:
    def __init__(self, app: ASGIApp, *, path_prefix: str, allow_origins: Sequence[str]) -> None:
        self.app = app
        self.path_prefix = path_prefix
        self.cors = CORSMiddleware(app, allow_origins=list(allow_origins), allow_methods=["POST"],
                                   allow_headers=["Authorization", "Content-Type"],
                                   allow_credentials=False, max_age=600)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.path_prefix):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
