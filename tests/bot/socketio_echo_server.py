"""A real Sanic server with only the web chat channel, answering every message with an echo.

Started as a subprocess by tests/bot/test_socketio_channel.py: ``python -m
tests.bot.socketio_echo_server PORT [REDIS_URL [REDIS_CHANNEL]]`` (the Redis arguments for
several servers sharing their emits: tests/bot/test_socketio_scale_out.py). With
``ECHO_TRACKER_DB`` (a SQLite file) the stub agent has Rasa's SQL tracker store there, which
several servers share as Rasa processes share theirs in production. The echo names the conversation (sender id), the
text Rasa would receive, the photo ids and the client address the channel saw, so a test can see exactly what reached Rasa.
A few messages ("handoff", "agent", "custom-only") are answered with a bot message shaped as
Rasa shapes one, to show what the output channel gives the browser.
"""
from __future__ import annotations

import os
import sys
from typing import Optional
from types import SimpleNamespace

from rasa.core.channels.channel import UserMessage, register
from rasa.core.tracker_store import SQLTrackerStore
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.socketio import BoomerangSocketIOInput


# Messages shaped as Rasa's processor hands them to the output channel (BotUttered.message():
# the event's data, with its metadata merged in), for the output's extras.
SHAPED = {
    "handoff": {"text": "A person will join you.", "buttons": [{"title": "Cancel", "payload": "/cancel_handoff"}],
                "custom": {"boomerang": {"handoff": "queued"}}, "utter_action": "utter_handoff_queued"},
    "agent": {"text": "Hello, I'm Alice.\n\nLet me look.", "boomerang": {"from": "agent", "agent_name": "Alice"},
              "timestamp": 1.0},
    "custom-only": {"custom": {"boomerang": {"handoff": "ended"}}},
}


async def echo(message: UserMessage) -> None:
    if message.text in SHAPED:
        await message.output_channel.send_response(message.sender_id, dict(SHAPED[message.text]))
        return
    photos = ",".join((message.metadata or {}).get("photo_ids") or [])
    client = (message.metadata or {}).get("boomerang_client")
    await message.output_channel.send_text_message(
        message.sender_id, f"echo {message.sender_id} {message.text} [{photos}] {client}")


def main(port: int, redis_url: Optional[str] = None, redis_channel: Optional[str] = None) -> None:
    app = Sanic("socketio_echo")
    channel = BoomerangSocketIOInput.from_credentials({
        "user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered",
        "session_persistence": True, "metadata_key": "customData",
        "redis_url": redis_url, "redis_channel": redis_channel})
    register([channel], app, route="/webhooks/")
    app.ctx.agent = SimpleNamespace(handle_message=echo)  # what Rasa's channel handler calls
    if os.environ.get("ECHO_TRACKER_DB"):  # read by the channel's replay of missed messages
        app.ctx.agent.tracker_store = SQLTrackerStore(dialect="sqlite", db=os.environ["ECHO_TRACKER_DB"])

    @app.get("/ready")
    async def ready(_request: Request) -> HTTPResponse:
        return response.json({"ok": True})

    @app.post("/say")
    async def say(request: Request) -> HTTPResponse:
        """What Rasa's API does with ``output_channel=latest``: speak through the channel's
        output, recreated by ``get_output_channel()``, in ``{conversation_id}``."""
        output = channel.get_output_channel()
        await output.send_text_message(request.json["conversation_id"], request.json["text"])
        return response.json({"ok": True})

    app.run(host="127.0.0.1", port=port, access_log=False, workers=1, motd=False)


if __name__ == "__main__":
    main(int(sys.argv[1]), *sys.argv[2:4])
