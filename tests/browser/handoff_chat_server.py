"""The web chat's side of a handoff, served without a model or a backend: for the widget's
browser tests (tests/browser/test_handoff_widget.py).

``python -m tests.browser.handoff_chat_server PORT`` serves, on one origin:

* the chat page and the built widget (backend/web/static), as the backend serves them;
* ``POST /api/v1/chat/upload-token``, minting the web conversation id as the backend does;
* the real web chat channel (bot/channels/socketio.py: relay, output, typing route) in
  front of tests/bot/fake_rasa.PausingAgent ("human" opens a handoff and pauses);
* the backend's relay route, ``POST /api/v1/conversations/{id}/messages``, recording
  what the channel relays (``GET /test/relayed``);
* what the backend does to Rasa during a handoff, as test hooks: ``POST /test/agent``
  ``{conversation_id, text, agent_name, image?}`` says an agent's message the way Rasa's
  ``/tracker/events?execute_side_effects=true`` does (a bot event with the agent in its
  metadata), ``POST /test/handback`` ``{conversation_id}`` resumes the bot.

The typing route needs RASA_AUTH_TOKEN in the environment, as in `make run`.
"""
from __future__ import annotations

import html
import sys
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import register
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.socketio import BoomerangSocketIOInput
from common.conversation_ids import new_web_id
from tests.bot.fake_rasa import PausingAgent

STATIC = Path(__file__).resolve().parents[2] / "backend" / "web" / "static"
# A 1×1 PNG: the agent's photo that GET /media/agent/<name> serves.
PHOTO = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
                      "0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082")


def main(port: int) -> None:
    app = Sanic("handoff_chat")
    channel = BoomerangSocketIOInput.from_credentials({
        "user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered",
        "session_persistence": True, "metadata_key": "customData"})
    agent = PausingAgent()
    app.ctx.agent = agent
    register([channel], app, route="/webhooks/")
    relayed: list[dict[str, Any]] = []
    base = f"http://127.0.0.1:{port}"

    @app.get("/")
    async def page(request: Request) -> HTTPResponse:
        lang = request.args.get("lang", "en")
        tag = (f'<script src="/static/boomerang-widget.js" data-rasa-url="{base}" data-backend-url="{base}" '
               f'data-lang="{html.escape(lang)}"></script>')
        return response.html(f"<!doctype html><html lang=en><title>Chat</title><main><div data-boomerang-chat>"
                             f"</div></main>{tag}</html>")

    @app.get("/static/<name>")
    async def static(_: Request, name: str) -> HTTPResponse:
        if name not in ("boomerang-widget.js", "boomerang-widget.css"):
            return response.text("not found", status=404)
        return await response.file(STATIC / name)

    @app.post("/api/v1/chat/upload-token")
    async def upload_token(_: Request) -> HTTPResponse:
        return response.json({"conversation_id": new_web_id(), "upload_token": "test-upload-token",
                              "expires_in": 900, "upload_url": f"{base}/api/v1/chat/photos"}, status=201)

    @app.post("/api/v1/conversations/<conversation_id>/messages")
    async def relay_route(request: Request, conversation_id: str) -> HTTPResponse:
        relayed.append({"conversation_id": conversation_id, **(request.json or {})})
        return response.json({"handoff_id": 1, "status": "queued"})

    @app.get("/api/v1/conversations/<conversation_id>/handoff")
    async def handoff_route(_: Request, conversation_id: str) -> HTTPResponse:
        return response.json({"status": "queued", "agent_name": None, "wait_minutes": 4, "open_now": True})

    @app.get("/test/relayed")
    async def get_relayed(_: Request) -> HTTPResponse:
        return response.json(relayed)

    @app.post("/test/agent")
    async def agent_says(request: Request) -> HTTPResponse:
        body = request.json
        await agent.agent_says(body["conversation_id"], body["text"], body["agent_name"], channel.get_output_channel(),
                               image=body.get("image"))
        return response.json({"ok": True})

    @app.post("/test/handback")
    async def handback(request: Request) -> HTTPResponse:
        await agent.resume(request.json["conversation_id"], channel.get_output_channel())
        return response.json({"ok": True})

    @app.get("/media/agent/<name>")
    async def agent_photo(_: Request, name: str) -> HTTPResponse:
        """An agent's photo, served on the backend's origin as the backend serves it."""
        return response.raw(PHOTO, content_type="image/png")

    @app.get("/ready")
    async def ready(_: Request) -> HTTPResponse:
        return response.json({"ok": True})

    app.run(host="127.0.0.1", port=port, access_log=False, workers=1, motd=False)


if __name__ == "__main__":
    main(int(sys.argv[1]))
