"""The SMS channel over real HTTP: its webhook served by Sanic on 127.0.0.1, requests signed
with Twilio's own RequestValidator, replies sent by the twilio client to a local fake
Twilio API, photos fetched from the fake's media host.

The assistant and the backend are mostly stand-ins here (a scripted bot, a recording
backend client); opt-outs across a restart use a real backend over HTTP, and
tests/e2e/test_live_sms.py runs the same channel with the real assistant too.
"""
from __future__ import annotations

import asyncio
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterator

import pytest
import requests
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from common.backend_client import BackendClient, BackendError, get_client
from bot.channels.sms_config import SmsSettings
from bot.channels.twilio_sms import PHOTO_FAILED, SEND_PHOTO, TwilioSmsInput
from bot.channels.twilio_signature import signed_url
from dev.stack import free_port
from tests.actions.conftest import backend, seeded_sqlite  # noqa: F401  (fixtures: a live backend)
from tests.fake_twilio import (ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilio, inbound, png, sign,
                               signed_post)

CUSTOMER = "+33639981234"
CLIENT = {"boomerang_client": f"sms:{CUSTOMER}"}
REASONS = [{"title": "Arrived damaged", "payload": '/choose{"return_reason": "damaged"}'},
           {"title": "Faulty", "payload": '/choose{"return_reason": "defective"}'}]


@dataclass
class RecordingBackend:
    """Stands in for common.backend_client.BackendClient: records what the channel asks."""

    calls: list[tuple] = field(default_factory=list)
    fail_upload: BackendError | None = None
    opted_out: set[str] = field(default_factory=set)
    lookups: list[str] = field(default_factory=list)

    def chat_upload_token(self, conversation_id: str | None) -> dict:
        self.calls.append(("token", conversation_id))
        return {"conversation_id": conversation_id, "upload_token": "upl-1", "expires_in": 900}

    def upload_chat_photo(self, upload_token: str, data: bytes, content_type: str, filename: str = "photo") -> dict:
        if self.fail_upload:
            raise self.fail_upload
        self.calls.append(("upload", upload_token, content_type, len(data)))
        return {"photo_id": f"ph_{len([c for c in self.calls if c[0] == 'upload'])}"}

    def set_sms_opt_out(self, phone: str, opted_out: bool) -> None:
        self.calls.append(("opt_out", phone, opted_out))
        (self.opted_out.add if opted_out else self.opted_out.discard)(phone)

    def sms_opted_out(self, phone: str) -> bool:
        self.lookups.append(phone)
        return phone in self.opted_out


class ScriptedBot:
    """Records each message; answers "hello" with a question with buttons, anything else with an echo."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        out = message.output_channel
        if message.text == "hello":
            await out.send_response(message.sender_id, {"text": "What happened?", "buttons": list(REASONS)})
        else:
            await out.send_response(message.sender_id, {"text": f"**got** {message.text}"})


class Server:
    """A Sanic app serving the channel's blueprint, in its own thread and event loop."""

    def __init__(self, channel: TwilioSmsInput, bot: ScriptedBot) -> None:
        # Sanic's test mode (what sanic-testing sets) lets one process start several apps.
        Sanic.test_mode = True
        self.app = Sanic(f"sms_test_{uuid.uuid4().hex[:8]}")
        self.app.blueprint(channel.blueprint(bot), url_prefix="/webhooks/twilio_sms")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/webhooks/twilio_sms/webhook"
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(10), "the Sanic test server did not start"

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def serve() -> None:
            self.server = await self.app.create_server(host="127.0.0.1", port=self.port,
                                                       return_asyncio_server=True, access_log=False)
            await self.server.startup()
            self.ready.set()
            await self.server.serve_forever()

        self.task = self.loop.create_task(serve())
        try:
            self.loop.run_until_complete(self.task)
        except asyncio.CancelledError:
            pass

    async def _stop(self) -> None:
        self.server.server.close()
        for connection in list(self.server.connections):
            connection.close_if_idle()
        await self.server.wait_closed()
        self.task.cancel()

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(10)
        self.thread.join(10)
        assert not self.thread.is_alive(), "the Sanic test server did not stop"


@dataclass
class Setup:
    fake: FakeTwilio
    backend: RecordingBackend
    bot: ScriptedBot
    channel: TwilioSmsInput
    server: Server

    def post(self, fields: dict[str, str], **kwargs: Any) -> requests.Response:
        return signed_post(self.server.url, fields, **kwargs)


def make_setup(fake: FakeTwilio, backend: Any = None, **settings: Any) -> Setup:
    """A channel served on 127.0.0.1; a new one is what a Rasa restart leaves: no memory."""
    backend, bot = backend or RecordingBackend(), ScriptedBot()
    values = {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from_number": FROM_NUMBER,
              "api_base_url": fake.url, **settings}
    channel = TwilioSmsInput(SmsSettings(**values), backend=lambda: backend)
    return Setup(fake, backend, bot, channel, Server(channel, bot))


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    fake = FakeTwilio()
    yield fake
    fake.close()


@pytest.fixture
def sms(fake) -> Iterator[Setup]:
    setup = make_setup(fake)
    yield setup
    setup.server.close()


# --- signatures ------------------------------------------------------------------------------

def test_a_signed_message_reaches_the_bot_and_its_reply_goes_to_twilio(sms):
    r = sms.post(inbound(CUSTOMER, "my lamp is broken"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/xml")
    assert "<Response" in r.text
    [message] = sms.bot.received
    # The conversation is in the SMS namespace; the number is the client for throttling.
    assert (message.text, message.sender_id, message.input_channel) == ("my lamp is broken", f"sms:{CUSTOMER}",
                                                                         "twilio_sms")
    assert message.metadata == {"boomerang_client": f"sms:{CUSTOMER}"}
    assert [(m["from"], m["body"]) for m in sms.fake.sent_to(CUSTOMER)] == [(FROM_NUMBER, "got my lamp is broken")]


def test_forged_or_missing_signature_is_refused_and_nothing_is_sent(sms):
    fields = inbound(CUSTOMER, "hello")
    forged = signed_post(sms.server.url, fields, auth_token="not-the-auth-token")
    missing = requests.post(sms.server.url, data=fields, timeout=10)
    tampered = signed_post(sms.server.url, {**fields, "Body": "hello"},
                           signature=sign(sms.server.url, {**fields, "Body": "something else"}))
    assert [forged.status_code, missing.status_code, tampered.status_code] == [403, 403, 403]
    assert sms.bot.received == [] and sms.fake.sent == []


def test_signature_of_the_configured_public_url(fake):
    public = "https://sms.shop.example/webhooks/twilio_sms/webhook"
    setup = make_setup(fake, public_url=public)
    try:
        fields = inbound(CUSTOMER, "hi")
        assert setup.post(fields, signature=sign(public, fields)).status_code == 200
        other = inbound(CUSTOMER, "hi again")
        assert setup.post(other).status_code == 403  # signed for the local URL, not the public one
        assert [m.text for m in setup.bot.received] == ["hi"]
    finally:
        setup.server.close()


@pytest.mark.parametrize("trust_proxy,expected", [(True, 200), (False, 403)])
def test_forwarded_headers_are_believed_only_when_the_proxy_is_trusted(fake, trust_proxy, expected):
    setup = make_setup(fake, trust_proxy=trust_proxy)
    try:
        fields = inbound(CUSTOMER, "hi")
        public = "https://bot.shop.example/webhooks/twilio_sms/webhook"
        r = requests.post(setup.server.url, data=fields, timeout=30,
                          headers={"X-Twilio-Signature": sign(public, fields), "X-Forwarded-Proto": "https",
                                   "X-Forwarded-Host": "bot.shop.example"})
        assert r.status_code == expected
    finally:
        setup.server.close()


def test_signed_url_reconstruction():
    local = "http://10.0.0.5:5005/webhooks/twilio_sms/webhook?x=1"
    headers = {"X-Forwarded-Proto": "https, http", "X-Forwarded-Host": "bot.example"}
    assert signed_url(local, headers, public_url=None, trust_proxy=False) == local
    assert signed_url(local, headers, public_url=None, trust_proxy=True) == \
        "https://bot.example/webhooks/twilio_sms/webhook?x=1"
    assert signed_url(local, headers, public_url="https://p.example/hook", trust_proxy=True) == \
        "https://p.example/hook?x=1"


# --- bad requests and configuration ----------------------------------------------------------

def test_malformed_webhooks_get_400_and_reach_nothing(sms):
    not_a_form = requests.post(sms.server.url, json={"From": CUSTOMER}, timeout=10,
                               headers={"X-Twilio-Signature": "x"})
    no_sender = inbound(CUSTOMER, "hi")
    no_sender.pop("From")
    bad_media = {**inbound(CUSTOMER, "hi"), "NumMedia": "lots"}
    bad_sender = inbound("0639981234", "hi")
    statuses = [not_a_form.status_code] + [sms.post(f).status_code for f in (no_sender, bad_media, bad_sender)]
    assert statuses == [400, 400, 400, 400]
    assert sms.bot.received == [] and sms.fake.sent == []


def test_without_twilio_settings_the_webhook_says_what_is_missing(fake):
    channel = TwilioSmsInput(SmsSettings.load({}, {}))
    server = Server(channel, ScriptedBot())
    try:
        r = signed_post(server.url, inbound(CUSTOMER, "hi"))
        assert r.status_code == 503
        assert "TWILIO_ACCOUNT_SID" in r.json()["error"] and "TWILIO_AUTH_TOKEN" in r.json()["error"]
    finally:
        server.close()


def test_settings_come_from_credentials_then_the_environment():
    env = {"TWILIO_ACCOUNT_SID": "ACenv", "TWILIO_AUTH_TOKEN": "tok", "TWILIO_FROM_NUMBER": "+15005550006",
           "TWILIO_TRUST_PROXY": "true"}
    settings = SmsSettings.load({"account_sid": "ACyml", "public_url": "", "max_media_bytes": 1000}, env)
    assert (settings.account_sid, settings.auth_token, settings.public_url, settings.trust_proxy,
            settings.max_media_bytes) == ("ACyml", "tok", None, True, 1000)
    assert settings.missing() == []
    assert SmsSettings.load(None, {}).missing() == ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER"]


# --- retries, choices, keywords -------------------------------------------------------------

def test_a_retried_message_sid_is_handled_once(sms):
    fields = inbound(CUSTOMER, "where is my refund")
    assert sms.post(fields).status_code == 200
    assert sms.post(fields).status_code == 200
    assert len(sms.bot.received) == 1 and len(sms.fake.sent_to(CUSTOMER)) == 1


def test_buttons_become_numbers_and_a_number_becomes_the_payload(sms):
    sms.post(inbound(CUSTOMER, "hello"))
    [question] = sms.fake.sent_to(CUSTOMER)
    assert question["body"] == "What happened?\n1) Arrived damaged  2) Faulty"
    sms.post(inbound(CUSTOMER, "2"))
    assert sms.bot.received[-1].text == REASONS[1]["payload"]
    sms.post(inbound(CUSTOMER, "2"))  # that question is answered: "2" is just "2" now
    assert sms.bot.received[-1].text == "2"


def test_stop_silences_everything_until_start(sms):
    sms.post(inbound(CUSTOMER, "STOP"))
    sms.post(inbound(CUSTOMER, "hello?"))
    assert sms.backend.calls == [("opt_out", CUSTOMER, True)]
    assert sms.bot.received == [] and sms.fake.sent_to(CUSTOMER) == []
    sms.post(inbound(CUSTOMER, "HELP"))  # Twilio would refuse to deliver it anyway
    assert sms.fake.sent_to(CUSTOMER) == []
    sms.post(inbound(CUSTOMER, "START"))
    assert sms.backend.calls[-1] == ("opt_out", CUSTOMER, False)
    assert "subscribed again" in sms.fake.sent_to(CUSTOMER)[0]["body"]
    sms.post(inbound(CUSTOMER, "hello again"))
    assert [m.text for m in sms.bot.received] == ["hello again"]
    assert sms.fake.sent_to(CUSTOMER)[-1]["body"] == "got hello again"


def test_french_arret_opts_out_and_yes_opts_back_in_only_then(sms):
    sms.post(inbound(CUSTOMER, "yes"))
    assert [m.text for m in sms.bot.received] == ["yes"]
    sms.post(inbound(CUSTOMER, "Arrêt"))
    sms.post(inbound(CUSTOMER, "YES"))
    assert [c[2] for c in sms.backend.calls] == [True, False]
    assert [m.text for m in sms.bot.received] == ["yes"]


def test_the_backend_is_asked_once_per_number_while_its_answer_is_fresh(sms):
    sms.post(inbound(CUSTOMER, "hello"))
    sms.post(inbound(CUSTOMER, "2"))
    sms.post(inbound(CUSTOMER, "STOP"))  # known at once: no need to ask again
    sms.post(inbound(CUSTOMER, "still there?"))
    sms.post(inbound("+447700900123", "hi"))
    assert sms.backend.lookups == [CUSTOMER, "+447700900123"]
    assert len(sms.bot.received) == 3


def test_an_opt_out_in_the_backend_holds_after_a_restart(fake, backend):  # noqa: F811
    get_client().set_sms_opt_out(CUSTOMER, True)  # a STOP the process before the restart recorded
    restarted = make_setup(fake, get_client())
    try:
        assert restarted.post(inbound(CUSTOMER, "I want to return my lamp")).status_code == 200
        restarted.post(inbound(CUSTOMER, "HELP"))
        assert restarted.bot.received == [] and fake.sent_to(CUSTOMER) == []
        restarted.post(inbound("+447700900123", "hello"))  # a number that never opted out
        assert [m.text for m in restarted.bot.received] == ["hello"]
        restarted.post(inbound(CUSTOMER, "START"))
    finally:
        restarted.server.close()
    assert get_client().sms_opted_out(CUSTOMER) is False
    again = make_setup(fake, get_client())
    try:
        again.post(inbound(CUSTOMER, "I want to return my lamp"))
        assert [m.text for m in again.bot.received] == ["I want to return my lamp"]
    finally:
        again.server.close()


def test_with_the_backend_down_the_process_memory_decides(fake):
    down = BackendClient(f"http://127.0.0.1:{free_port()}", "token", connect_timeout=0.5, retries=0)
    setup = make_setup(fake, down)
    try:
        setup.post(inbound(CUSTOMER, "hello"))  # nothing known of this number: passed on
        assert [m.text for m in setup.bot.received] == ["hello"]
        assert fake.sent_to(CUSTOMER)[0]["body"].startswith("What happened?")
        setup.post(inbound(CUSTOMER, "STOP"))  # not recorded in the backend, but honoured here
        setup.post(inbound(CUSTOMER, "are you there?"))
        assert [m.text for m in setup.bot.received] == ["hello"] and len(fake.sent_to(CUSTOMER)) == 1
    finally:
        setup.server.close()


def test_help_is_answered_in_the_keyword_language_without_the_bot(sms):
    sms.post(inbound(CUSTOMER, "AIDE"))
    sms.post(inbound("+447700900123", "help"))
    assert sms.bot.received == []
    assert "Assistant retours Boomerang" in sms.fake.sent_to(CUSTOMER)[0]["body"]
    assert sms.fake.sent_to("+447700900123")[0]["body"].startswith("Boomerang returns assistant")


def test_cancel_in_a_sentence_goes_to_the_bot_but_the_lone_keyword_opts_out(sms):
    sms.post(inbound(CUSTOMER, "cancel my return"))
    assert [m.text for m in sms.bot.received] == ["cancel my return"]
    sms.post(inbound(CUSTOMER, "CANCEL"))
    assert sms.backend.calls == [("opt_out", CUSTOMER, True)] and len(sms.bot.received) == 1


# --- photos -----------------------------------------------------------------------------------

def test_two_photos_without_text_are_uploaded_and_sent_as_send_photo(sms):
    media = [(sms.fake.add_media("a.png", png((200, 0, 0))), "image/png"),
             (sms.fake.add_media("b.png", png((0, 0, 200))), "image/png")]
    assert sms.post(inbound(CUSTOMER, "", media)).status_code == 200
    [message] = sms.bot.received
    assert message.text == SEND_PHOTO and message.metadata == {"photo_ids": ["ph_1", "ph_2"], **CLIENT}
    assert sms.backend.calls[0] == ("token", f"sms:{CUSTOMER}")  # photos belong to the SMS conversation
    assert [c[:3] for c in sms.backend.calls[1:]] == [("upload", "upl-1", "image/png")] * 2


def test_text_with_a_photo_keeps_the_text(sms):
    media = [(sms.fake.add_media("a.png", png((1, 2, 3))), "image/png")]
    sms.post(inbound(CUSTOMER, "here it is", media))
    assert [(m.text, m.metadata) for m in sms.bot.received] == [("here it is", {"photo_ids": ["ph_1"], **CLIENT})]


def test_a_non_image_stops_the_whole_message_with_an_apology(sms):
    media = [(sms.fake.add_media("a.png", png((1, 2, 3))), "image/png"),
             (sms.fake.add_media("card.vcf", b"BEGIN:VCARD", "text/vcard"), "text/vcard")]
    sms.post(inbound(CUSTOMER, "photos", media))
    assert sms.bot.received == [] and sms.backend.calls == []
    assert [m["body"] for m in sms.fake.sent_to(CUSTOMER)] == [PHOTO_FAILED]


@pytest.mark.parametrize("without_length", [False, True])
def test_an_oversized_photo_is_refused_while_streaming(fake, without_length):
    setup = make_setup(fake, max_media_bytes=2000)
    fake.media_without_length = without_length
    try:
        big = png((9, 9, 9), size=(64, 48)) + b"\0" * 5000
        setup.post(inbound(CUSTOMER, "", [(fake.add_media("big.png", big), "image/png")]))
        assert setup.bot.received == [] and setup.backend.calls == []
        assert [m["body"] for m in fake.sent_to(CUSTOMER)] == [PHOTO_FAILED]
    finally:
        setup.server.close()


def test_a_refused_upload_passes_on_the_backends_reason_and_nothing_else(sms):
    sms.backend.fail_upload = BackendError(415, "unsupported_photo", {
        "en": "Please send a JPEG or PNG.", "fr": "Envoyez un JPEG ou un PNG."})
    sms.post(inbound(CUSTOMER, "", [(sms.fake.add_media("a.png", png((1, 2, 3))), "image/png")]))
    assert sms.bot.received == []
    assert sms.fake.sent_to(CUSTOMER)[0]["body"] == "Please send a JPEG or PNG.\n\nEnvoyez un JPEG ou un PNG."


def test_photos_are_fetched_with_the_account_credentials(sms):
    url = sms.fake.add_media("a.png", png((1, 2, 3)))
    assert requests.get(url, timeout=5).status_code == 401  # the fake, like Twilio, wants them
    sms.post(inbound(CUSTOMER, "", [(url, "image/png")]))
    assert sms.fake.media_requests == ["/media/a.png"]
    assert sms.bot.received[0].metadata == {"photo_ids": ["ph_1"], **CLIENT}


# --- an agent's photo (issue 11) ---------------------------------------------------------

def agent_photo_message(caption: str, url: str) -> dict:
    """What Rasa hands the output channel for the backend's agent-photo event: the tracker
    event built by the backend's Rasa adapter, read back as Rasa reads it."""
    from rasa.shared.core.events import Event

    from backend.adapters.conversations.base import AgentMessage
    from backend.adapters.conversations.rasa import agent_bot_event

    event = Event.from_parameters(agent_bot_event(AgentMessage(caption, "Alice", url)))
    return event.message()


def test_an_agents_photo_leaves_as_one_mms_with_the_caption_and_the_media_url(sms):
    url = "https://returns.shop.example/media/agent/tok.en.jpg"
    output = sms.channel.get_output_channel()
    asyncio.run(output.send_response(f"sms:{CUSTOMER}", agent_photo_message("Here is the label to stick on.", url)))
    [mms] = sms.fake.wait_for(CUSTOMER, 1)
    assert (mms["body"], mms["media_urls"]) == ("Alice: Here is the label to stick on.", [url])
    [fields] = [a for a in sms.fake.accepted if a["sid"] == mms["sid"]]
    assert fields["MediaUrl"] == url  # Twilio's own field: it fetches the photo from there
    # A photo without a caption still says who sent it.
    asyncio.run(output.send_response(f"sms:{CUSTOMER}", agent_photo_message("", url)))
    second = sms.fake.wait_for(CUSTOMER, 2)[-1]
    assert (second["body"], second["media_urls"]) == ("Alice:", [url])
