"""French typography in every French text the product shows: a space before ":", "?", "!"
and ";", and inside « guillemets » (the customer-facing texts of the Rasa domain, the
backend's and shared word tables, the chat widget's and the agent console's strings).

Dynamic values (product names, dates) are filled into these templates, so checking the
templates is checking every sentence built from them.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
# A sign that needs a space before it, glued to a word (not a time "9:30", a URL, a payload).
GLUED = re.compile(r"(?<=[^\s\d/{}\"'«(\[<])[:?!;](?=\s|$)")
GUILLEMETS = re.compile(r"«(?=\S)|(?<=\S)»")


def problems(text: str) -> list[str]:
    return [text[max(0, m.start() - 20):m.end() + 3] for m in (*GLUED.finditer(text), *GUILLEMETS.finditer(text))]


def domain_texts() -> Iterator[tuple[str, str]]:
    for path in sorted((ROOT / "domain").glob("*.yml")):
        responses = (yaml.safe_load(path.read_text()) or {}).get("responses") or {}
        for name, variations in responses.items():
            for variation in variations:
                conditions = variation.get("condition") or []
                if any(c.get("name") == "language" and c.get("value") == "fr" for c in conditions):
                    yield f"{path.name}:{name}", variation.get("text") or ""
                    for button in variation.get("buttons") or []:
                        yield f"{path.name}:{name}:button", button["title"]


def _localized(obj: Any, where: str, seen: set[int]) -> Iterator[tuple[str, str]]:
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, dict):
        if isinstance(obj.get("fr"), str) and "en" in obj:
            yield where, obj["fr"]
        for key, value in obj.items():
            yield from _localized(value, f"{where}.{key}", seen)
    elif isinstance(obj, (list, tuple)):
        for i, value in enumerate(obj):
            yield from _localized(value, f"{where}[{i}]", seen)
    elif hasattr(obj, "__dataclass_fields__") and not isinstance(obj, type):
        for name in obj.__dataclass_fields__:
            yield from _localized(getattr(obj, name, None), f"{where}.{name}", seen)


def table_texts() -> Iterator[tuple[str, str]]:
    import backend.domain
    import common

    seen: set[int] = set()
    for package in (backend.domain, common):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if not name.startswith("_"):
                    yield from _localized(value, f"{info.name}.{name}", seen)


def js_texts() -> Iterator[tuple[str, str]]:
    for path in (ROOT / "web/src/strings.js", ROOT / "web/src/console/strings.js"):
        source = path.read_text()
        block = re.search(r"^  fr: \{\n(.*?)^  \},?$", source, re.S | re.M)
        assert block, f"no French block in {path}"
        for text in re.findall(r'"((?:[^"\\]|\\.)*)"', block.group(1)):
            yield path.name, text


def test_the_scan_reads_every_source():
    # A scan that finds nothing to read would pass anything.
    assert sum(1 for _ in domain_texts()) > 100
    assert sum(1 for _ in table_texts()) > 150
    assert sum(1 for _ in js_texts()) > 40
    assert problems("Photo: ok") and problems("Pourquoi?") and problems("« Chemise»")
    assert not problems("Photo : ok ; à 9:30, « Chemise » ?")


@pytest.mark.parametrize("source", [domain_texts, table_texts, js_texts], ids=["domain", "tables", "web"])
def test_french_texts_follow_french_typography(source):
    found = [(where, bad) for where, text in source() for bad in problems(text)]
    assert not found, found
