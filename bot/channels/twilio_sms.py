"""SMS/MMS with customers through Twilio: a Rasa input channel.

Registered in credentials.yml as ``bot.channels.twilio_sms.TwilioSmsInput``; Twilio
posts each incoming message to ``POST /webhooks/twilio_sms/webhook``. For each one:

1. no Twilio credentials configured → 503 saying which variables are missing;
2. no valid ``X-Twilio-Signature`` → 403, and nothing reaches the assistant;
3. not a readable messaging webhook → 400;
4. a MessageSid already handled (Twilio retried) → 200, nothing sent again;
5. STOP/START/HELP keywords are handled here (see ``sms_keywords``), never by the bot;
   after an opt-out nothing is sent to the number and its messages are not passed on
   (a bot could otherwise act, e.g. create a return, without being able to say so).
   STOP gets no answer from here: Twilio confirms it itself and refuses any later send.
   Opt-outs live in the backend, so they hold across restarts (see ``sms_opt_outs``);
6. the conversation id is ``sms:`` + the number (no other channel can reach it), and the
   number goes into the metadata as the client for verification throttling;
   photos are fetched, checked and uploaded to the backend; their ids travel in the
   message metadata (``{"photo_ids": [...]}``; a photo alone is sent as ``/send_photo``).
   If any photo fails, none is passed on and the customer gets a short apology;
7. a reply "2" after numbered choices becomes that button's payload;
8. the assistant's replies for the turn are collected, formatted for SMS and sent with
   Twilio's REST client;
9. while a person owns the conversation (a handoff), the message goes on to the backend
   (bot/channels/handoff_relay.py); what the agent writes comes back through Rasa's API
   and leaves at once, headed with the agent's name.

The webhook answers after the replies have been sent (an empty TwiML response), one
message per customer at a time so their order is kept. Twilio waits 15 s for the
answer; a slower turn is still completed, Twilio only logs a time-out (and a retry it
might make is recognised by its MessageSid).
"""
from __future__ import annotations

import asyncio
import logging
from collections import Counter
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.twiml.messaging_response import MessagingResponse

from common import backend_client
from common.backend_client import BackendError
from bot.channels.handoff_relay import HandoffRelay
from bot.channels.sms_config import SmsSettings
from bot.channels.sms_format import Choice, OutgoingSms, format_turn, resolve_choice
from bot.channels.sms_inbound import InboundSms, MalformedWebhook, parse_form, read_inbound
from bot.channels.sms_keywords import HELP_TEXT, OPT_IN_TEXT, KeywordKind, classify, localised
from bot.channels.sms_media import MediaError, Photo, download_photo
from bot.channels.sms_memory import TtlMemory
from bot.channels.sms_opt_outs import OptOuts
from bot.channels.sms_sender import SmsSender
from bot.channels.twilio_signature import SIGNATURE_HEADER, is_valid, signed_url
from common.conversation_ids import CLIENT_METADATA_KEY, phone_of, sms_id
from common.languages import LANGUAGES
from common.pii import mask_phone

log = logging.getLogger(__name__)

SEND_PHOTO = "/send_photo"
CHOICES_TTL = 24 * 3600.0

PHOTO_FAILED = ("Sorry, I couldn't receive your photo. Please send it again.\n\n"
                "Désolé, je n'ai pas pu recevoir votre photo. Pouvez-vous la renvoyer ?")
TURN_FAILED = ("Sorry, something went wrong on our side. Please try again in a moment.\n\n"
               "Désolé, un problème est survenu de notre côté. Veuillez réessayer dans un instant.")


class TurnCollector(OutputChannel):
    """Keeps the assistant's messages for one customer message, to be sent as SMS together."""

    def __init__(self) -> None:
        self.messages: list[Dict[str, Any]] = []

    @classmethod
    def name(cls) -> Text:
        return TwilioSmsInput.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.messages.append(dict(message))

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        self.messages.append({"text": text})


class TwilioSmsOutput(OutputChannel):
    """Sends each message at once: for messages outside a webhook turn (an agent's reply,
    the bot taking a conversation back, a reminder: all through Rasa's API), still
    honouring opt-outs. Each is the customer's latest question: its numbered choices
    replace the previous ones (an agent asking "how many?" after the handoff message's
    "1) Cancel" must not turn the answer "1" into a cancel)."""

    def __init__(self, channel: "TwilioSmsInput") -> None:
        self.channel = channel

    @classmethod
    def name(cls) -> Text:
        return TwilioSmsInput.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        await self.channel.deliver(phone_of(recipient_id), [message], replace_choices=True)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.channel.deliver(phone_of(recipient_id), [{"text": text}], replace_choices=True)


class SenderLocks:
    """One lock per customer, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: Counter[str] = Counter()

    @asynccontextmanager
    async def hold(self, sender: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(sender, asyncio.Lock())
        self._users[sender] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[sender] -= 1
            if not self._users[sender]:
                del self._users[sender]
                self._locks.pop(sender, None)


def _twiml_ok() -> HTTPResponse:
    return response.text(str(MessagingResponse()), content_type="text/xml")


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


class TwilioSmsInput(InputChannel):
    """Twilio Programmable Messaging (SMS/MMS) as a Rasa input channel."""

    @classmethod
    def name(cls) -> Text:
        return "twilio_sms"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(SmsSettings.load(credentials))

    def __init__(self, settings: SmsSettings,
                 backend: Callable[[], Any] = backend_client.get_client,
                 sender: SmsSender | None = None) -> None:
        self.settings = settings
        self.backend = backend
        self.sender = sender
        if sender is None and not settings.missing():
            self.sender = SmsSender(settings.account_sid, settings.auth_token,  # type: ignore[arg-type]
                                    settings.from_number, settings.api_base_url)  # type: ignore[arg-type]
        if settings.missing():
            log.warning("SMS channel not configured (set %s); its webhook answers 503",
                        ", ".join(settings.missing()))
        self.handled: TtlMemory[str, bool] = TtlMemory(settings.message_sid_ttl)
        self.choices: TtlMemory[str, list[Choice]] = TtlMemory(CHOICES_TTL)
        self.opt_outs = OptOuts(lambda phone: self.backend().sms_opted_out(phone), settings.opt_out_ttl)
        self.locks = SenderLocks()
        self.relay = HandoffRelay(self.name(), backend=lambda: self.backend())

    # --- Rasa plumbing -------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("twilio_sms_webhook", __name__)
        self.relay.attach(webhook)
        on_new_message = self.relay.wrap(on_new_message)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": not self.settings.missing()})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.receive(request, on_new_message)

        return webhook

    def get_output_channel(self) -> OutputChannel:
        return TwilioSmsOutput(self)

    # --- the webhook -----------------------------------------------------------------------

    async def receive(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        missing = self.settings.missing()
        if missing or self.sender is None:
            return _error(503, f"The SMS channel is not configured: set {', '.join(missing)}.")
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            return _error(403, f"Missing {SIGNATURE_HEADER} header.")
        try:
            fields = parse_form(request.body, request.headers.get("content-type"))
        except MalformedWebhook as exc:
            return _error(400, str(exc))
        url = signed_url(request.url, request.headers, public_url=self.settings.public_url,
                         trust_proxy=self.settings.trust_proxy)
        if not is_valid(self.settings.auth_token, url, fields, signature):  # type: ignore[arg-type]
            log.warning("SMS webhook with an invalid signature for %s refused", url)
            return _error(403, "Invalid Twilio signature.")
        try:
            inbound = read_inbound(fields)
        except MalformedWebhook as exc:
            return _error(400, str(exc))
        if not self.handled.add_if_new(inbound.message_sid, True):
            log.info("SMS %s already handled; retry ignored", inbound.message_sid)
            return _twiml_ok()
        async with self.locks.hold(inbound.sender):
            await self.handle(inbound, on_new_message)
        return _twiml_ok()

    async def handle(self, inbound: InboundSms, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Everything one customer message leads to (the webhook's steps 5 to 8)."""
        sender = inbound.sender
        opted_out = await self.opt_outs.is_opted_out(sender)
        keyword = None if inbound.media else classify(inbound.text, opted_out=opted_out)
        if keyword and keyword.kind is KeywordKind.OPT_OUT:
            await self.set_opt_out(sender, True)
            return
        if keyword and keyword.kind is KeywordKind.OPT_IN:
            await self.set_opt_out(sender, False)
            await self.send_texts(sender, localised(OPT_IN_TEXT, keyword.language))
            return
        if opted_out:
            log.info("message from %s ignored: the number has opted out", mask_phone(sender))
            return
        if keyword and keyword.kind is KeywordKind.HELP:
            await self.send_texts(sender, localised(HELP_TEXT, keyword.language))
            return

        # The conversation lives in the SMS namespace ("sms:+33…"), out of reach of the
        # other channels; the number, signed by Twilio, is the client for throttling.
        conversation_id = sms_id(sender)
        metadata: Dict[str, Any] = {CLIENT_METADATA_KEY: conversation_id}
        if inbound.media:
            try:
                metadata["photo_ids"] = await self.receive_photos(sender, inbound)
            except (MediaError, BackendError, KeyError, TypeError) as exc:
                log.warning("photos from %s not received: %s", mask_phone(sender), exc)
                await self.send_texts(sender, photo_apology(exc))
                return

        text = resolve_choice(inbound.text, self.choices.get(sender) or []) or inbound.text
        if not text:
            if not metadata.get("photo_ids"):
                return  # an empty SMS: nothing to answer
            text = SEND_PHOTO
        collector = TurnCollector()
        try:
            await on_new_message(UserMessage(text, collector, conversation_id, input_channel=self.name(),
                                             metadata=metadata))
        except Exception:  # the assistant failed: say so rather than stay silent
            log.exception("the assistant failed on a message from %s", mask_phone(sender))
            await self.send_texts(sender, TURN_FAILED)
            return
        await self.deliver(sender, collector.messages, replace_choices=True)

    # --- helpers ---------------------------------------------------------------------------

    async def receive_photos(self, sender: str, inbound: InboundSms) -> list[str]:
        """Download every photo first, then upload them: a bad file stops all before any upload."""
        auth = (self.settings.account_sid or "", self.settings.auth_token or "")
        photos: list[Photo] = []
        for index, item in enumerate(inbound.media):
            photos.append(await asyncio.to_thread(download_photo, item, auth,
                                                  self.settings.max_media_bytes, index))
        client = self.backend()
        token = (await asyncio.to_thread(client.chat_upload_token, sms_id(sender)))["upload_token"]
        ids = []
        for photo in photos:
            uploaded = await asyncio.to_thread(client.upload_chat_photo, token, photo.data,
                                               photo.content_type, photo.filename)
            ids.append(str(uploaded["photo_id"]))
        return ids

    async def set_opt_out(self, sender: str, opted_out: bool) -> None:
        """Honoured here at once; recorded in the backend (a failure there is logged)."""
        self.opt_outs.remember(sender, opted_out)
        if opted_out:
            self.choices.pop(sender)
        try:
            await asyncio.to_thread(self.backend().set_sms_opt_out, sender, opted_out)
        except BackendError as exc:
            log.error("SMS opt-%s of %s not recorded in the backend: %s",
                      "out" if opted_out else "in", mask_phone(sender), exc)

    async def send_texts(self, sender: str, text: str) -> None:
        await self.deliver(sender, [{"text": text}])

    async def deliver(self, sender: str, bot_messages: list[Dict[str, Any]],
                      replace_choices: bool = False) -> None:
        """Format and send; the numbered choices are remembered for the customer's answer."""
        if self.sender is None or await self.opt_outs.is_opted_out(sender):
            return
        turn = format_turn(bot_messages)
        if turn.choices:
            self.choices.put(sender, turn.choices)
        elif replace_choices:
            self.choices.pop(sender)
        messages: list[OutgoingSms] = turn.messages
        await self.sender.send(sender, messages, allowed=lambda: not self.opt_outs.known(sender))


def photo_apology(exc: Exception) -> str:
    """What the customer is told when their photos could not be taken, in both languages.

    The backend's own bilingual reason is given when it refused a file (too large, not a
    photo); otherwise a short apology, with no detail of what failed inside.
    """
    if isinstance(exc, BackendError) and not exc.unavailable and exc.status in (413, 415, 422):
        return "\n\n".join(exc.message(language) for language in LANGUAGES)
    return PHOTO_FAILED
