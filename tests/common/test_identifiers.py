"""One parser per identifier: what the backend mints, the chat finds (issue 10)."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml

from common.identifiers import ALPHABET, find_reference, find_rma, new_rma, normalize_rma

ROOT = Path(__file__).resolve().parents[2]
LETTERS = [c for c in ALPHABET if c.isalpha()]


def nlu_rma_regex() -> re.Pattern:
    entries = yaml.safe_load((ROOT / "data" / "nlu" / "regex.yml").read_text())["nlu"]
    rma = next(e for e in entries if e.get("regex") == "rma")
    return re.compile(rma["examples"].strip().lstrip("- ").strip())


def test_every_minted_rma_is_found_in_what_a_customer_types():
    rng = random.Random(7)
    minted = [new_rma() for _ in range(2000)]
    # Before: an RMA without a digit (about one in twenty) was never found by the chat.
    digitless = ["R-" + "".join(rng.choice(LETTERS) for _ in range(4)) + "-"
                 + "".join(rng.choice(LETTERS) for _ in range(4)) for _ in range(200)]
    for rma in minted + digitless:
        assert normalize_rma(rma) == rma
        assert find_reference(f"where is my return {rma}?") == rma
        assert find_reference(f"c'est le {rma.lower()} merci") == rma


@pytest.mark.parametrize("text, expected", [
    ("R-7K4M-2QX9", "R-7K4M-2QX9"), ("r 7k4m 2qx9", "R-7K4M-2QX9"), ("r7k4m2qx9", "R-7K4M-2QX9"),
    ("RMA R-7K4M-2QX9", "R-7K4M-2QX9"), ("R-ABCD-EFGH", "R-ABCD-EFGH"), ("r-abco-efgh", "R-ABC0-EFGH"),
    ("my order is BM-104217", "BM-104217"), ("104217", "BM-104217"),
    ("it came in a rectangle box", None), ("please send r them back", None), ("hello", None),
])
def test_references_in_free_text(text, expected):
    assert find_reference(text) == expected


@pytest.mark.parametrize("text", ["R-7K4M-2QX9", "R-ABCD-EFGH", "r-abcd-efgh", "r7k4m2qx9", "R-7K4M2QX9"])
def test_what_the_nlu_tags_as_an_rma_the_chat_accepts(text):
    assert nlu_rma_regex().search(text) and find_rma(text), text


@pytest.mark.parametrize("text", ["rectangle", "r them back", "R ABCD EFGH", "rabcdefgh"])
def test_words_are_no_rma_for_either(text):
    assert not nlu_rma_regex().search(text) and find_rma(text) is None, text
