"""The channels each configuration opens (issue 9): production has no REST channel, and
the development REST channel is the namespaced one, never Rasa's stock ``rest``."""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def channels(name: str) -> set[str]:
    return set(yaml.safe_load((ROOT / name).read_text()) or {})


def test_production_opens_only_the_web_chat_and_sms():
    assert channels("credentials.production.yml") == {"bot.channels.socketio.BoomerangSocketIOInput",
                                                      "bot.channels.twilio_sms.TwilioSmsInput"}


def test_make_run_uses_the_namespaced_rest_channel():
    opened = channels("credentials.yml")
    assert "rest" not in opened and "socketio" not in opened
    assert "bot.channels.rest.NamespacedRestInput" in opened
