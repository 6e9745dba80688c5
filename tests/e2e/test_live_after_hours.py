"""Asking for a person when nobody can answer, live (issue 11): Rasa (the trained model) →
action server → backend, over the REST channel.

* After hours: the team's hours (``BOOMERANG_SUPPORT_HOURS``) are set, when the stack
  starts, to tomorrow only (in the shop's time zone), so "now" is outside them whatever
  the hour the test runs. The customer is told the team is away and when it is back, in
  the shop's time and in their language; the request stays queued for the agents.
* Backend down: the backend's process is stopped; asking for a person gets the clear
  "can't reach the team" answer in the customer's language, the bot is not paused, and it
  keeps answering.

The unit tests (tests/actions/test_handoff_actions.py) cover the same answers with a stub
backend; here the whole chain decides them. Needs the trained model; without one the
module is skipped, unless BOOMERANG_REQUIRE_MODEL=1.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterator
from zoneinfo import ZoneInfo

import pytest

from backend.domain.support_hours import DAYS
from common.backend_client import BackendClient
from tests.e2e.test_live_handoff import Customer, person_joining, texts
from tests.live_stack import REST_CHANNEL, LiveStack, live_stack, require_model

TOKEN = "e2e-after-hours-service-token"
SHOP_ZONE = ZoneInfo("Europe/Paris")

require_model()


def shop_today() -> dt.date:
    return dt.datetime.now(SHOP_ZONE).date()


@pytest.fixture(scope="module")
def opening_day() -> dt.date:
    """The one day the team works: tomorrow in the shop, so never today."""
    return shop_today() + dt.timedelta(days=1)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, opening_day: dt.date) -> Iterator[LiveStack]:
    env = {"BOOMERANG_SUPPORT_HOURS": f"{DAYS[opening_day.weekday()]} 09:00-18:00",
           "BOOMERANG_SUPPORT_TIMEZONE": str(SHOP_ZONE)}
    with live_stack(tmp_path_factory.mktemp("e2e-after-hours"), credentials=REST_CHANNEL, service_token=TOKEN,
                    env=env) as live:
        yield live


def back_when(opening_day: dt.date, lang: str) -> str:
    """When the customer must be told the team is back, in the shop's time: tomorrow at 9,
    or today at 9 if the shop's midnight has passed since the stack started."""
    today = shop_today() == opening_day
    if lang == "fr":
        return "aujourd'hui à 9 h" if today else "demain à 9 h"
    return "today at 9am" if today else "tomorrow at 9am"


@pytest.mark.parametrize("lang, hello, ask, away", [
    ("en", "hello", "I'd like to speak to a person", "Our team is away right now (back {when})."),
    ("fr", "bonjour", "je veux parler à un conseiller", "Notre équipe est absente pour le moment (retour {when})."),
])
def test_after_hours_the_customer_is_told_when_the_team_is_back_and_the_request_stays_queued(
        stack, opening_day, lang, hello, ask, away):
    me = Customer(stack)
    me.say(hello)
    answers = me.say(ask)
    assert person_joining(answers), answers  # queued, with the way back to the assistant
    assert away.split(" (")[0] in texts(answers), answers
    assert me.paused()
    assert me.say("is anyone there?" if lang == "en" else "il y a quelqu'un ?") == []  # for the team
    state = BackendClient(stack.backend_url, TOKEN, retries=0).handoff_status(me.id)
    assert (state["status"], state["open_now"]) == ("queued", False), state
    # When the team is back, in the shop's time (09:00 in Paris), not in UTC.
    assert away.format(when=back_when(opening_day, lang)) in texts(answers), \
        f"the opening time is not told in the shop's time (Europe/Paris 09:00): {texts(answers)!r}"


@pytest.mark.parametrize("lang, ask, cant_reach, journey, asked", [
    ("en", "I'd like to speak to a person", "Sorry, I can't reach the team right now.",
     "I want to return something", "order number"),
    ("fr", "je veux parler à un conseiller", "Désolé, je n'arrive pas à joindre l'équipe pour le moment.",
     "je veux retourner un article", "numéro de commande"),
])
def test_with_the_backend_down_asking_for_a_person_says_so_and_the_bot_keeps_working(
        stack, lang, ask, cant_reach, journey, asked):
    me = Customer(stack)
    me.say("bonjour" if lang == "fr" else "hello")  # the language, before the backend goes
    with stack.backend_stopped():
        answers = me.say(ask)
        assert cant_reach in texts(answers), answers
        assert not person_joining(answers)
        assert not me.paused()
        assert asked in texts(me.say(journey)).lower(), "the bot stopped answering"
