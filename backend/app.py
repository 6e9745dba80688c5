"""The FastAPI application factory for the returns backend."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator, Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from backend.api import (agent, auth, carriers, chat, conversations, customer, inventory, kpis, public, sms,
                         staff, warehouse_inspection, warehouse_receiving)
from backend.api.body_limit import BodyLimitMiddleware
from backend.api.cors import PathCORSMiddleware
from backend.api.csrf import StaffCSRFMiddleware
from backend.api.errors import error_response, error_responses, install_error_handlers
from backend.context import BackendContext, build_context
from backend.domain.error_text import error_body
from backend.services.errors import RateLimited, ServiceError
from backend.services.notifications import send_pending_notifications
from backend.services.outbox import feed_config
from backend.services.partner_feed import deliver_partner_events
from backend.settings import get_settings
from backend.web import install as install_web
from backend.workflows.expire import expire_unused_labels
from backend.workflows.legal_refunds import pay_refunds_due_by_law

log = logging.getLogger(__name__)

# What a photo upload's multipart envelope (boundaries, part headers) may add to the photo.
MULTIPART_ALLOWANCE = 256 * 1024


async def _periodic(ctx: BackendContext, every: int, job: Callable[[BackendContext], object],
                    name: str) -> None:
    """Run a maintenance job every ``every`` seconds in a worker thread."""
    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.to_thread(job, ctx)
        except Exception:  # a failed sweep must not kill the loop; the next one retries
            log.exception("%s failed", name)


def create_app(ctx: BackendContext | None = None) -> FastAPI:
    ctx = ctx or build_context(get_settings())

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # No partner configured, nothing to deliver: the feed's sweep does not run at all
        # (events are still recorded, as the audit trail).
        feed_every = ctx.settings.outbox_sweep_seconds if feed_config(ctx.settings).destinations else 0
        jobs = ((ctx.settings.expiry_sweep_seconds, expire_unused_labels, "label expiry sweep"),
                (ctx.settings.expiry_sweep_seconds, pay_refunds_due_by_law, "legal refund deadline sweep"),
                (ctx.settings.notify_sweep_seconds, send_pending_notifications, "notification sweep"),
                (feed_every, deliver_partner_events, "partner feed sweep"))
        tasks = [asyncio.create_task(_periodic(ctx, every, job, name))
                 for every, job, name in jobs if every > 0]
        yield
        for task in tasks:
            task.cancel()

    app = FastAPI(title="Boomerang returns backend", version="0.1.0", lifespan=lifespan,
                  description="Orders, return policy, return lifecycle, labels and refunds. Every "
                              "error answers {\"error\": {\"code\", \"message\", \"message_fr\"}}; "
                              "every timestamp is ISO 8601 in UTC with its offset.",
                  responses=error_responses(413, 422, 500, 503))
    app.state.ctx = ctx
    install_error_handlers(app)

    @app.exception_handler(ServiceError)
    async def _service_error(_request: Request, exc: ServiceError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return error_response(exc.status_code, exc.to_dict(), headers=headers)

    @app.exception_handler(OperationalError)
    async def _database_down(_request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database unavailable: %s", exc)
        return error_response(503, error_body("database_unavailable"))

    # Cookie-signed-in staff pages: unsafe requests need the CSRF header (bearer callers don't).
    app.add_middleware(StaffCSRFMiddleware, secret_key=ctx.settings.secret_key,
                       secure=ctx.settings.secure_cookies)

    # No body may be larger than a photo and its multipart envelope: a declared length over
    # that is refused unread, and any other body is cut off as soon as it passes it.
    app.add_middleware(BodyLimitMiddleware, max_body=ctx.settings.photo_max_bytes + MULTIPART_ALLOWANCE,
                       limit_mb=ctx.settings.photo_max_bytes // (1024 * 1024))

    # Added last, so it is outermost: even a 413 from the size check carries CORS headers.
    app.add_middleware(PathCORSMiddleware, path_prefix="/api/v1/chat/",
                       allow_origins=ctx.settings.chat_origins)

    app.include_router(public.router)
    # Every route of these needs a token: each may answer 401.
    app.include_router(customer.router, responses=error_responses(401))
    app.include_router(conversations.router, responses=error_responses(401))
    app.include_router(chat.router)
    app.include_router(sms.router)
    app.include_router(staff.router, responses=error_responses(401))
    app.include_router(auth.router)
    app.include_router(agent.router)
    # The warehouse, its stock and the measures (issue 14); the carriers' signed webhooks.
    for router in (warehouse_receiving.router, warehouse_inspection.router, inventory.router,
                   kpis.router, carriers.router):
        app.include_router(router)
    install_web(app)  # the chat page at /, the widget under /static, the staff pages under /agent
    return app
