"""Rasa's REST channel, kept in a namespace of its own: ``rest:<sender>``.

`make run` keeps ``POST /webhooks/rest/webhook`` open so anyone trying the assistant can
talk to it with curl. The stock channel takes the caller's ``sender`` as the conversation
id, so a caller could post as ``+33…`` (or ``sms:+33…``) and carry on that customer's SMS
conversation, verified state included. Here every REST conversation is ``rest:<sender>``,
a sender that names another channel's namespace is refused (403), and the caller's
address, not anything in the body, is the client for verification throttling. The
production credentials (credentials.production.yml) leave this channel out.

While a person owns the conversation, the caller's messages go on to the backend
(bot/channels/handoff_relay.py); what the agent writes back is recorded in the tracker
(Rasa's API has no way to push it to a REST caller).
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.handoff_relay import HandoffRelay
from common.conversation_ids import CLIENT_METADATA_KEY, REST_NAME_RE, address_client, reserved, rest_id

REFUSED = {
    "code": "sender_not_allowed",
    "message": "This sender id belongs to another channel's conversations; choose a plain name "
               "(letters, digits, . _ - @ +, up to 75 characters).",
    "message_fr": "Cet identifiant appartient aux conversations d'un autre canal ; choisissez un "
                  "nom simple (lettres, chiffres, . _ - @ +, 75 caractères au plus).",
}


def refusal(sender: Any) -> Optional[HTTPResponse]:
    """403 for a sender outside the REST namespace, 400 for one that is no name at all."""
    if isinstance(sender, str) and reserved(sender.strip()):
        return response.json({"error": REFUSED}, status=403)
    if not isinstance(sender, str) or not REST_NAME_RE.match(sender):
        return response.json({"error": {**REFUSED, "code": "sender_invalid"}}, status=400)
    return None


class NamespacedRestInput(RestInput):
    """``rest`` (same URL as Rasa's), with conversations in the ``rest:`` namespace."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        return rest_id(req.json.get("sender"))

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        sent = request.json.get("metadata")
        metadata = dict(sent) if isinstance(sent, dict) else {}
        metadata.pop(CLIENT_METADATA_KEY, None)
        client = address_client(request.remote_addr or request.ip)
        if client:
            metadata[CLIENT_METADATA_KEY] = client
        return metadata

    relay: Optional[HandoffRelay] = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        relay = self.relay = self.relay or HandoffRelay(self.name())
        webhook = super().blueprint(relay.wrap(on_new_message))
        relay.attach(webhook)

        @webhook.middleware("request")
        async def namespaced_senders_only(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST" or not request.path.rstrip("/").endswith("/webhook"):
                return None
            body = request.json if request.body else None
            return refusal(body.get("sender") if isinstance(body, dict) else None)

        return webhook
