"""The backend served by uvicorn in a thread, on a free port, for tests that need real HTTP
(the actions' backend calls, upload limits on the wire) without separate processes."""
from __future__ import annotations

import threading
import time

import uvicorn

from backend.app import create_app
from backend.context import BackendContext
from dev.stack import free_port


class ThreadedBackend:
    def __init__(self, ctx: BackendContext, port: int | None = None) -> None:
        self.ctx = ctx
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(create_app(ctx), host="127.0.0.1", port=self.port,
                                                    log_level="warning", lifespan="on", ws="none"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self, timeout: float = 20) -> None:
        # sse-starlette remembers "the server is exiting" in a class attribute: a server
        # stopped earlier in this process would end every new event stream at once.
        from sse_starlette.sse import AppStatus

        AppStatus.should_exit = False
        AppStatus.should_exit_event = None
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the backend did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
