"""The error catalogue (backend/domain/error_text.py): complete in every language, the only
place the backend words an error, and every entry in it used."""
from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from backend.api.errors import STATUS_ERRORS
from backend.documents.image_processing import REJECTION_CODES, ImageRejected
from backend.domain.error_text import ERRORS, FRAGMENTS, PUBLIC_CODES, error_body, error_code
from backend.domain.lifecycle import IllegalTransition
from backend.services.errors import Conflict, NotFound, RateLimited
from backend.services.transitions import illegal_transition
from common.languages import LANGUAGES
from tests.backend.test_api_staff import _new_return, move

REPO = Path(__file__).resolve().parents[2]
BACKEND = REPO / "backend"
CATALOGUE = BACKEND / "domain" / "error_text.py"

# Whatever builds an error from a catalogue key takes the key as its first argument.
RAISERS = {"ServiceError", "NotFound", "Unauthorized", "Forbidden", "Conflict", "Invalid",
           "RateLimited", "UnsupportedMedia", "PayloadTooLarge", "Unavailable",
           "error_body", "error_text"}
# Where the key is not written out: it comes from a table the tests below check.
COMPUTED_KEYS = {
    "backend/services/photos.py",  # ImageRejected.key, "photo_<rejection code>"
    "backend/documents/image_processing.py",  # the same key, built
    "backend/api/errors.py",  # STATUS_ERRORS[status]
}


def placeholders(template: str) -> frozenset[str]:
    return frozenset(field for _, field, _, _ in string.Formatter().parse(template) if field is not None)


@pytest.mark.parametrize("key", sorted(ERRORS))
def test_every_error_has_every_language_with_the_same_placeholders(key):
    text = ERRORS[key]
    assert set(text) == set(LANGUAGES), key
    assert all(words.strip() for words in text.values()), key
    assert len({placeholders(words) for words in text.values()}) == 1, text


def test_the_fragments_have_every_language():
    for name, text in FRAGMENTS.items():
        assert set(text) == set(LANGUAGES) and all(text.values()), name


def test_only_a_shared_public_code_differs_from_its_key():
    assert set(PUBLIC_CODES) <= set(ERRORS)
    assert all(code != key for key, code in PUBLIC_CODES.items())
    with pytest.raises(KeyError):
        error_code("no_such_error")


def _calls_with_keys() -> tuple[set[str], list[str]]:
    """The catalogue keys written at call sites, and the call sites whose key is not written."""
    keys: set[str] = set()
    unwritten: list[str] = []
    for path in sorted(BACKEND.rglob("*.py")):
        if path in (CATALOGUE, BACKEND / "services" / "errors.py"):
            continue
        where = str(path.relative_to(REPO))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in RAISERS:
                continue
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                keys.add(first.value)
                # The words come from the catalogue: no message, no code at the call site.
                assert len(node.args) == 1 or name == "error_body", f"{where}:{node.lineno}"
                assert not any(k.arg == "code" for k in node.keywords), f"{where}:{node.lineno}"
            elif where not in COMPUTED_KEYS:
                unwritten.append(f"{where}:{node.lineno}")
    return keys, unwritten


def test_every_error_raised_is_in_the_catalogue_and_every_entry_is_raised():
    keys, unwritten = _calls_with_keys()
    assert not unwritten, f"build the error from a catalogue key: {unwritten}"
    assert keys - set(ERRORS) == set(), "not in backend/domain/error_text.py"
    computed = {f"photo_{code}" for code in REJECTION_CODES} | set(STATUS_ERRORS.values())
    assert computed <= set(ERRORS)
    assert set(ERRORS) - keys - computed == set(), "entries nothing raises"


def test_an_error_renders_to_the_published_shape():
    error = NotFound("label_not_found")
    assert (error.status_code, error.code, error.message) == (404, "not_found", "No such label.")
    assert error.to_dict() == {"code": "not_found", "message": "No such label.",
                               "message_fr": "Étiquette introuvable."}
    limited = RateLimited("too_many_attempts", retry_after=180,
                          wait={"en": "3 minutes", "fr": "3 minutes"})
    assert limited.to_dict()["retry_after"] == 180
    assert "réessayez dans 3 minutes" in limited.to_dict()["message_fr"]
    assert error_body("body_too_large", limit_mb=10)["message"] == \
        "That upload is too large (limit 10 MB)."


def test_a_photo_refusal_is_the_catalogue_entry_of_its_code():
    refused = ImageRejected("too_large", limit_bytes=10 * 1024 * 1024)
    assert refused.key == "photo_too_large"
    assert "10 Mo" in refused.message("fr") and "10 MB" in refused.message("en")


def test_an_illegal_transition_is_worded_in_french_too():
    conflict = illegal_transition(IllegalTransition("closed", "refunded"))
    assert isinstance(conflict, Conflict) and conflict.code == "illegal_transition"
    assert conflict.text["fr"] == ("Un retour au statut « closed » ne peut pas passer à "
                                   "« refunded ». Statuts possibles ensuite : aucun (statut final).")
    assert conflict.extra == {"current_status": "closed", "requested_status": "refunded"}


def test_refunding_a_return_too_early_answers_in_french_too(client, staff_headers):
    """The refund step's illegal move (it once answered English in message_fr)."""
    _, body = _new_return(client)
    error = move(client, staff_headers, body["rma"], "refunded").json()["error"]
    assert error["code"] == "illegal_transition"
    assert "ne peut pas passer à « refunded »" in error["message_fr"]
    assert error["message_fr"] != error["message"]
    assert error["current_status"] == body["status"]
