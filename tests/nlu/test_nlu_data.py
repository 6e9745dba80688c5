"""Cheap checks on the NLU training and held-out test data (no model, no training).

The accuracy itself is measured by scripts/eval_nlu.py on a trained model.
"""
from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
# Typed intents. `choose` and `csat` (buttons), `send_photo` (channels, with photo ids in
# the metadata) and `EXTERNAL_handback` (the backend, through Rasa's API) arrive only as
# payloads, so they have no NLU examples.
INTENTS = {
    "start_return", "return_status", "return_policy", "exchange_item", "human_handoff",
    "greet", "goodbye", "affirm", "deny", "out_of_scope", "inform", "bot_challenge",
    "cancel", "change_language", "skip_photo", "cancel_handoff",
}


def _eval_module():
    spec = importlib.util.spec_from_file_location("eval_nlu", REPO / "scripts" / "eval_nlu.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


E = _eval_module()


def _examples(root: Path):
    return [ex for f in E.yaml_files(root) for ex in E.read_nlu_file(f)]


def test_no_test_line_is_a_training_line():
    assert E.overlap_check(REPO / "data" / "nlu", REPO / "tests" / "nlu") == []


def test_every_file_is_rasa_3_nlu_yaml():
    for f in E.yaml_files(REPO / "data" / "nlu") + E.yaml_files(REPO / "tests" / "nlu"):
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        assert doc.get("version") == "3.1", f
        assert isinstance(doc.get("nlu"), list), f


def test_intent_names_and_volumes():
    for lang in ("en", "fr"):
        train = Counter(ex.intent for ex in _examples(REPO / "data" / "nlu" / lang))
        test = Counter(ex.intent for ex in _examples(REPO / "tests" / "nlu" / f"test_{lang}.yml"))
        assert set(train) == INTENTS, (lang, set(train) ^ INTENTS)
        assert set(test) == INTENTS, (lang, set(test) ^ INTENTS)
        assert min(test.values()) >= 20, (lang, test)
        assert min(train.values()) >= 40, (lang, train)


def test_regexes_match_the_identifiers_customers_type():
    doc = yaml.safe_load((REPO / "data" / "nlu" / "regex.yml").read_text(encoding="utf-8"))
    patterns = {b["regex"]: [l[2:] for l in b["examples"].strip().splitlines()] for b in doc["nlu"]}

    def found(name, text):
        return [m.group(0) for p in patterns[name] for m in re.finditer(p, text, re.IGNORECASE)]

    assert found("order_number", "my order is BM-104217") == ["BM-104217"]
    assert found("order_number", "bm104217") == ["bm104217"]
    assert found("order_number", "order 104217 please") == ["104217"]
    assert found("order_number", "I paid $1499") == []
    assert found("rma", "status of R-7K4M-2QX9?") == ["R-7K4M-2QX9"]
    assert found("rma", "r7k4m2qx9") == ["r7k4m2qx9"]
    assert found("rma", "refunding my order") == []
    assert found("email", "it's jane.doe@gmail.com") == ["jane.doe@gmail.com"]
    assert found("phone", "call 06 12 34 56 78") == ["06 12 34 56 78"]
    assert found("phone", "+33 6 12 34 56 78") == ["+33 6 12 34 56 78"]
    assert found("phone", "(514) 555-0199") == ["(514) 555-0199"]
    assert found("phone", "order BM-104217") == []


def test_external_leak_check_finds_copied_lines_but_not_everyday_words(tmp_path):
    train = tmp_path / "nlu"
    train.mkdir()
    (train / "chitchat.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - Hello\n    - Good Evening, team!\n'
        "    - something of our own\n", encoding="utf-8")
    external = tmp_path / "external.tsv"
    external.write_text("# lang\tintent\ttext\nen\tgreet\thello\nen\tgreet\tgood evening team\n", encoding="utf-8")
    assert E.external_leaks(train, external) == {str(train / "chitchat.yml"): 1}


def test_external_leak_check_finds_near_copies_too(tmp_path):
    """A copied line with a typo or a changed word is still a copy; a different line is not."""
    train = tmp_path / "nlu"
    train.mkdir()
    (train / "status.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: return_status\n  examples: |\n'
        "    - where can I chek the status of my refund\n"
        "    - has the parcel I sent back arrived at your warehouse\n", encoding="utf-8")
    external = tmp_path / "external.tsv"
    external.write_text("en\treturn_status\twhere can i check the status of my refund?\n"
                        "en\treturn_status\tis my money back on its way\n", encoding="utf-8")
    assert E.external_leaks(train, external) == {str(train / "status.yml"): 1}


def test_no_training_line_is_written_twice():
    """A repeated line silently weighs twice as much in training; it is always a slip."""
    for lang in ("en", "fr"):
        lines = Counter(ex.text.strip().lower() for ex in _examples(REPO / "data" / "nlu" / lang))
        assert [line for line, n in lines.items() if n > 1] == [], lang
