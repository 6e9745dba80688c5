"""Both languages are first class: every response, and every response an action names,
exists in English and French with the same buttons."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain

REPO = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(REPO / "domain"))


def _language(variation: dict) -> str | None:
    for cond in variation.get("condition") or []:
        if cond.get("name") == "language":
            return cond.get("value")
    return None


@pytest.mark.parametrize("name", sorted(DOMAIN.responses))
def test_every_response_has_english_and_french(name):
    variations = DOMAIN.responses[name]
    by_channel: dict[str | None, set] = {}
    for v in variations:
        by_channel.setdefault(v.get("channel"), set()).add(_language(v) or "en")
    for channel, languages in by_channel.items():
        assert languages == {"en", "fr"}, f"{name} (channel {channel}) has {languages}"


@pytest.mark.parametrize("name", sorted(DOMAIN.responses))
def test_french_and_english_offer_the_same_buttons_and_variables(name):
    fr = [v for v in DOMAIN.responses[name] if _language(v) == "fr"]
    en = [v for v in DOMAIN.responses[name] if _language(v) is None]
    payloads = lambda vs: {tuple(b["payload"] for b in v.get("buttons", [])) for v in vs}  # noqa: E731
    variables = lambda vs: {frozenset(re.findall(r"{(\w+)}", v.get("text", ""))) for v in vs}  # noqa: E731
    assert payloads(fr) == payloads(en)
    assert variables(fr) == variables(en)


def test_every_response_an_action_names_exists():
    named = set()
    for path in (REPO / "actions").rglob("*.py"):
        named |= set(re.findall(r"\"(utter_\w+)\"", path.read_text()))
    assert named, "the actions name no response: the pattern is broken"
    named.discard("utter_action")  # the metadata key of bot events, not a response
    assert named - set(DOMAIN.responses) == set()


def test_the_action_server_registers_every_custom_action():
    """Registered exactly as `rasa run actions --actions actions.actions` does it."""
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions.actions")
    custom = {a for a in DOMAIN.user_actions if not a.startswith("utter_")}
    assert custom <= set(executor.actions), custom - set(executor.actions)


def test_the_forms_interruptions_are_the_domains():
    """actions/forms/base.py reads as interruptions exactly what the domain's from_text
    mappings refuse as answers (written once there, &not_answers), less the two photo
    intents, which are never a free-text answer either."""
    from actions.forms.base import INTERRUPTIONS

    lists = {tuple(m["not_intent"]) for slot in DOMAIN.as_dict()["slots"].values()
             for m in slot.get("mappings", []) if m.get("type") == "from_text"}
    assert len(lists) == 1, lists
    assert set(lists.pop()) == INTERRUPTIONS | {"skip_photo", "send_photo"}
