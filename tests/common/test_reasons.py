"""The reasons table (common/reasons.py) is complete, and what else names reasons agrees."""
from __future__ import annotations

from pathlib import Path

from actions.vocabulary import REASON_PATTERNS
from backend.domain.policy import CUSTOMER_REASONS, load_policy
from common.languages import LANGUAGES
from common.reasons import PHOTO_REASONS, REASON_CODES, REASONS, REASONS_BY_CODE

REPO = Path(__file__).resolve().parents[2]


def test_every_reason_has_both_wordings_in_every_language():
    assert len(REASON_CODES) == len(set(REASON_CODES)) == len(REASONS_BY_CODE)
    for r in REASONS:
        for words in (r.label, r.phrase):
            assert set(words) == set(LANGUAGES), r.code
            assert all(text.strip() and "{" not in text for text in words.values()), r.code
        assert r.label["en"] == r.label["en"].lower(), r.code  # read inside a sentence


def test_the_policy_and_the_assistant_use_the_table():
    assert CUSTOMER_REASONS == REASON_CODES
    assert {code for code, _ in REASON_PATTERNS} <= set(REASON_CODES)


def test_the_default_policy_requires_a_photo_exactly_where_the_assistant_asks_for_one():
    policy = load_policy(REPO / "backend" / "domain" / "policies" / "default.yml")
    assert tuple(c for c in REASON_CODES if policy.reasons[c].photo_required) == PHOTO_REASONS
