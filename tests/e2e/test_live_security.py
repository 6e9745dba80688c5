"""Issue 9 against the running services, as an outsider on the network would probe them:
Rasa's HTTP API, the action server, and the REST channel's reach into other channels'
conversations. Each test failed on the stack `make run` started before the fix (open API,
open action server on 0.0.0.0, REST senders taken as conversation ids)."""
from __future__ import annotations

import json
import socket
import uuid
from typing import Iterator
from urllib.parse import quote

import pytest
import requests

from tests.live_stack import REST_CHANNEL, LiveStack, live_stack, require_model

TOKEN = "e2e-security-service-token"

require_model()


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[LiveStack]:
    with live_stack(tmp_path_factory.mktemp("e2e-security"), credentials=REST_CHANNEL,
                    service_token=TOKEN) as live:
        yield live


def say(stack: LiveStack, sender: str, text: str) -> requests.Response:
    return requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                         timeout=60)


def texts(r: requests.Response) -> str:
    assert r.status_code == 200, r.text
    return "\n".join(a.get("text", "") for a in r.json())


def path(conversation: str) -> str:
    """A conversation id in a URL path (Rasa does not decode %3A in path parameters)."""
    return quote(conversation, safe=":+@")


def tracker(stack: LiveStack, conversation: str, **params) -> requests.Response:
    return requests.get(f"{stack.rasa_url}/conversations/{path(conversation)}/tracker", params=params, timeout=30)


# --- 1. Rasa's HTTP API needs the token -------------------------------------------------------

def test_rasa_api_answers_nothing_without_the_token(stack):
    me = f"victim-{uuid.uuid4().hex[:6]}"
    texts(say(stack, me, "hello"))
    conversation = path(f"rest:{me}")
    base = stack.rasa_url
    anonymous = [
        requests.get(f"{base}/conversations/{conversation}/tracker", timeout=30),
        requests.post(f"{base}/conversations/{conversation}/tracker/events",
                      json=[{"event": "slot", "name": "verified", "value": True}], timeout=30),
        requests.post(f"{base}/conversations/{conversation}/trigger_intent", json={"name": "greet"}, timeout=30),
        requests.put(f"{base}/model", json={"model_file": "/tmp/x.tar.gz"}, timeout=30),
        requests.get(f"{base}/status", timeout=30),
        requests.get(f"{base}/conversations/{conversation}/tracker", params={"token": "guess"}, timeout=30),
    ]
    assert [r.status_code for r in anonymous] == [401] * len(anonymous)
    assert tracker(stack, f"rest:{me}", token=stack.rasa_token).status_code == 200


def test_the_tracker_holds_no_bearer_secret(stack):
    me = f"alice-{uuid.uuid4().hex[:6]}"
    say(stack, me, "where is my refund?")
    say(stack, me, "BM-100001")
    assert "Alice" in texts(say(stack, me, "alice.martin@example.com"))
    body = tracker(stack, f"rest:{me}", token=stack.rasa_token).json()
    assert body["slots"]["verified"] is True
    assert "customer_token" not in body["slots"]
    dump = json.dumps(body)
    assert "eyJ" not in dump  # no JSON web token anywhere in the conversation


def test_a_verified_slot_written_into_another_conversation_grants_nothing(stack):
    # Even with the API token, a tracker is no proof: the backend holds it per conversation.
    eve = f"eve-{uuid.uuid4().hex[:6]}"
    r = requests.post(f"{stack.rasa_url}/conversations/{path('rest:' + eve)}/tracker/events",
                      params={"token": stack.rasa_token}, timeout=30, json=[
                          {"event": "slot", "name": "verified", "value": True},
                          {"event": "slot", "name": "order_number", "value": "BM-100001"},
                          {"event": "slot", "name": "order_reference", "value": "BM-100001"}])
    assert r.status_code == 200, r.text
    answer = texts(say(stack, eve, "where is my refund?"))
    assert "check your order again" in answer, answer
    assert "R-" not in answer


# --- 2. the action server answers only Rasa ---------------------------------------------------

def action_call(action: str, slots: dict, text: str) -> dict:
    return {"next_action": action, "sender_id": "rest:attacker", "version": "3.6.2", "domain": {},
            "tracker": {"sender_id": "rest:attacker", "slots": slots, "latest_message": {
                "text": text, "intent": {"name": "inform"}, "entities": []},
                "events": [], "paused": False, "followup_action": None, "active_loop": {},
                "latest_action_name": "action_listen"}}


def test_the_action_server_refuses_calls_without_the_shared_secret(stack):
    forged = action_call("validate_status_form", {"order_reference": "BM-100001",
                                                  "contact": "alice.martin@example.com",
                                                  "requested_slot": "contact"}, "alice.martin@example.com")
    for headers in ({}, {"X-Boomerang-Actions-Token": "guess"}):
        r = requests.post(stack.actions_url, json=forged, headers=headers, timeout=30)
        assert r.status_code == 401, r.text
        assert r.json()["error"]["code"] == "actions_token_invalid"
        assert "customer_token" not in r.text and "Alice" not in r.text
    handoff = action_call("action_handoff", {}, "attacker-written text for the staff queue")
    assert requests.post(stack.actions_url, json=handoff, timeout=30).status_code == 401
    actions_base = stack.actions_url.rsplit("/", 1)[0]
    assert requests.get(f"{actions_base}/actions", timeout=30).status_code == 401
    assert requests.get(f"{actions_base}/health", timeout=30).status_code == 200
    # Rasa itself presents the secret: a conversation that runs actions still works.
    me = f"ok-{uuid.uuid4().hex[:6]}"
    say(stack, me, "where is my refund?")
    say(stack, me, "BM-100001")
    assert "Alice" in texts(say(stack, me, "alice.martin@example.com"))


def non_loopback_address() -> str | None:
    """An address of this machine other than 127.x (None when it has none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_rasa_and_the_action_server_listen_on_loopback_only(stack):
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address to probe from")
    for url in (stack.rasa_url, stack.actions_url):
        port = int(url.split(":")[2].split("/")[0])
        with socket.socket() as s:
            s.settimeout(3)
            assert s.connect_ex((address, port)) != 0, f"{url} answers on {address}"


# --- 3. the REST channel cannot reach other channels' conversations --------------------------

@pytest.mark.parametrize("sender", ["sms:+33639981234", "+33639981234", "web-" + "a" * 32, "SMS:+33639981234"])
def test_a_rest_sender_in_another_namespace_is_refused(stack, sender):
    r = say(stack, sender, "hello")
    assert r.status_code == 403
    error = r.json()["error"]
    assert error["code"] == "sender_not_allowed" and "canal" in error["message_fr"]
    assert tracker(stack, sender, token=stack.rasa_token).json()["events"] in ([], None) or \
        not [e for e in tracker(stack, sender, token=stack.rasa_token).json()["events"] if e["event"] == "user"]


def test_a_plain_rest_sender_lives_in_the_rest_namespace(stack):
    me = f"me-{uuid.uuid4().hex[:6]}"
    assert texts(say(stack, me, "hello"))
    events = tracker(stack, f"rest:{me}", token=stack.rasa_token).json()["events"]
    assert [e["text"] for e in events if e["event"] == "user"] == ["hello"]
