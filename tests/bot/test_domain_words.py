"""Words the domain says that also exist in code say the same thing: the return form's
reason buttons are the reasons table's (common/reasons.py), utter_backend_down is the
client's BACKEND_DOWN (common/backend_client.py), and what the assistant promises without
a photo is what the backend's review message then says (backend/domain/status_text.py).

The domain is read as the YAML files it is (``domain/*.yml``), not through Rasa, so the
test says exactly which file and response disagree.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from backend.domain.status_text import NEXT_STEPS
from common.backend_client import BACKEND_DOWN
from common.languages import DEFAULT_LANGUAGE, LANGUAGES
from common.reasons import REASON_CODES, reason

REPO = Path(__file__).resolve().parents[2]
REASON_PAYLOAD = re.compile(r'^/choose\{\{"return_reason": "(\w+)"\}\}$')
# Not offered as a button, on purpose: few customers name it, the list stays short, and a
# customer who types it ("it came too late") is still understood (actions/vocabulary.py).
TYPED_ONLY = {"arrived_late"}


def responses() -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for path in sorted((REPO / "domain").glob("*.yml")):
        found.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {})
    return found


def by_language(name: str) -> dict[str, dict]:
    """The response's variation per language (the one without a condition is the default)."""
    variations = {}
    for variation in responses()[name]:
        conditions = [c for c in variation.get("condition") or [] if c.get("name") == "language"]
        variations[conditions[0]["value"] if conditions else DEFAULT_LANGUAGE] = variation
    assert set(variations) == set(LANGUAGES), name
    return variations


def test_the_reason_buttons_are_the_reasons_table_with_its_labels():
    """Every button sends a code of the table, titled with the table's label (first letter
    capitalised, nothing shortened), and every reason but the typed-only ones has a button."""
    for language, variation in by_language("utter_ask_return_reason").items():
        buttons = variation.get("buttons") or []
        codes = []
        for button in buttons:
            match = REASON_PAYLOAD.match(button["payload"])
            assert match, button
            code = match.group(1)
            assert code in REASON_CODES, f"{language}: {code} is not in common/reasons.py"
            label = reason(code).label[language]
            assert button["title"] == label[:1].upper() + label[1:], (language, code)
            codes.append(code)
        assert len(codes) == len(set(codes)), (language, codes)
        assert set(codes) == set(REASON_CODES) - TYPED_ONLY, language


def test_the_backend_down_response_is_the_clients_sentence():
    for language, variation in by_language("utter_backend_down").items():
        assert variation["text"] == BACKEND_DOWN[language], language
        assert [b["payload"] for b in variation["buttons"]] == ["/human_handoff"]


# The words both sides use for "held in review until a photo comes (or a person checks)".
IN_REVIEW = {"en": ("stay in review", "stays in review"), "fr": ("en attente de vérification",) * 2}
SEND_HERE = {"en": ("here", "in this chat"), "fr": ("ici", "dans cette discussion")}
BY_HAND = {"en": "our team checks it by hand", "fr": "notre équipe l'examine"}


def test_no_photo_promises_what_the_review_message_says():
    """Issue 12: "no problem, our team will review it" was contradicted by "send us a photo"."""
    for name in ("utter_photos_skipped", "utter_ask_return_photos"):
        for language, variation in by_language(name).items():
            text = variation["text"]
            assert IN_REVIEW[language][0] in text and BY_HAND[language] in text, (name, language)
    for language, variation in by_language("utter_photos_skipped").items():
        assert SEND_HERE[language][0] in variation["text"], language
    for language, text in NEXT_STEPS["send_photo"].items():
        assert IN_REVIEW[language][1] in text and BY_HAND[language] in text, language
        assert SEND_HERE[language][1] in text, language


def test_the_outage_retry_offers_a_retry_and_a_person():
    for language, variation in by_language("utter_backend_down_retry").items():
        assert [b["payload"] for b in variation["buttons"]] == ["/affirm", "/human_handoff"], language
