"""The demo chat page with a bot that always asks a long question with many suggested
replies: for the widget's layout tests (tests/browser/test_phone_layout.py), without a
model or a backend.

``python -m tests.browser.layout_chat_server PORT`` serves, on one origin:

* ``/?lang=en|fr``: the backend's own demo page (backend/web/templates/chat.html, with
  its header and footer above and below the chat), so the layout is tested where
  customers meet it;
* ``/shop``: a shop's page without a chat container (the floating chat behind a button);
* the built widget (backend/web/static) and ``POST /api/v1/chat/upload-token``;
* the real web chat channel (bot/channels/socketio.py) in front of a stand-in agent that
  answers every message with the reason question of the real domain (the longest
  question with the most suggested replies), in the language the widget sends.
"""
from __future__ import annotations

import html
import sys
from pathlib import Path
from types import SimpleNamespace

from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from backend.web.router import PAGE, embed_tag
from bot.channels.socketio import BoomerangSocketIOInput
from common.conversation_ids import new_web_id

STATIC = Path(__file__).resolve().parents[2] / "backend" / "web" / "static"

# What the bot asks: a question a few lines long on a phone, then seven suggested replies
# (the reason question's, whose French labels are the longest).
QUESTION = {
    "en": ("Sorry to hear that. What went wrong with the item? Pick a reason below or tell me in "
           "your own words, and I'll suggest what to do next."),
    "fr": ("Désolé de l'apprendre. Qu'est-ce qui ne va pas avec l'article ? Choisissez un motif "
           "ci-dessous ou décrivez-le avec vos mots, et je vous dirai quoi faire ensuite."),
}
REASONS = {
    "en": ["Arrived damaged", "Defective", "Wrong item received", "Wrong size", "Not as described",
           "Changed my mind", "Other"],
    "fr": ["Arrivé endommagé", "Défectueux", "Mauvais article reçu", "Mauvaise taille",
           "Ne correspond pas à la description", "J'ai changé d'avis", "Autre"],
}


async def ask(message: UserMessage) -> None:
    """Answer any message with the reason question, in the widget's language."""
    lang = (message.metadata or {}).get("language")
    lang = lang if lang in QUESTION else "en"
    buttons = [{"title": title, "payload": f"/choose_{index}"} for index, title in enumerate(REASONS[lang])]
    await message.output_channel.send_response(message.sender_id, {"text": QUESTION[lang], "buttons": buttons})


def main(port: int) -> None:
    app = Sanic("layout_chat")
    channel = BoomerangSocketIOInput.from_credentials({
        "user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered",
        "session_persistence": True, "metadata_key": "customData"})
    register([channel], app, route="/webhooks/")
    app.ctx.agent = SimpleNamespace(handle_message=ask)  # what Rasa's channel handler calls
    base = f"http://127.0.0.1:{port}"

    @app.get("/")
    async def page(request: Request) -> HTTPResponse:
        lang = request.args.get("lang")
        lang = lang if lang in QUESTION else None
        tag = embed_tag(f"{base}/static/boomerang-widget.js", base, base, lang)
        return response.html(PAGE.substitute(lang=lang or "en", embed=tag, embed_text=html.escape(tag), built=""))

    @app.get("/shop")
    async def shop(request: Request) -> HTTPResponse:
        lang = request.args.get("lang")
        tag = embed_tag(f"{base}/static/boomerang-widget.js", base, base, lang if lang in QUESTION else None)
        return response.html('<!doctype html><html lang=en><meta name="viewport" content="width=device-width, '
                             f'initial-scale=1"><title>Shop</title><h1>Table lamp</h1>{tag}</html>')

    @app.get("/static/<name>")
    async def static(_: Request, name: str) -> HTTPResponse:
        if name not in ("boomerang-widget.js", "boomerang-widget.css"):
            return response.text("not found", status=404)
        return await response.file(STATIC / name)

    @app.post("/api/v1/chat/upload-token")
    async def upload_token(_: Request) -> HTTPResponse:
        return response.json({"conversation_id": new_web_id(), "upload_token": "test-upload-token",
                              "expires_in": 900, "upload_url": f"{base}/api/v1/chat/photos"}, status=201)

    @app.get("/ready")
    async def ready(_: Request) -> HTTPResponse:
        return response.json({"ok": True})

    app.run(host="127.0.0.1", port=port, access_log=False, workers=1, motd=False)


if __name__ == "__main__":
    main(int(sys.argv[1]))
