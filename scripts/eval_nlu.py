#!/usr/bin/env python
"""Evaluate Boomerang's NLU model on the held-out test sets (and an external set).

    python scripts/eval_nlu.py --model models/nlu-XXXX.tar.gz \
        [--test tests/nlu] [--train data/nlu] \
        [--external /work/shared/eval/external_en.tsv] \
        [--min-accuracy 0.95] [--min-external 0.90] [--report report.txt]

    python scripts/eval_nlu.py --check-only      # only the train/test overlap check

What it does, in order:

1. Overlap check: every test utterance (tests/nlu/*.yml), normalised (entity
   annotations removed, lower case, accents and punctuation stripped, spaces
   collapsed), must differ from every training utterance (data/nlu/**/*.yml)
   normalised the same way. Any collision is printed and the script exits 2.
2. Parses every test utterance with the model and prints, per language (the
   language is taken from the file name: test_en.yml -> en), the intent
   accuracy, a per-intent precision / recall / F1 table, a confusion matrix
   and entity precision / recall / F1 per entity type.
3. Same for the external TSV file (`lang<TAB>intent<TAB>text`, `#` comments):
   ONLY aggregate figures and counts are printed, never its utterances.

Exit code: 0, or 1 when --min-accuracy / --min-external are given and a
language's test accuracy or the external accuracy is below them, 2 when the
overlap check fails.
"""
from __future__ import annotations

import argparse
import asyncio
import difflib
import logging
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

REPO = Path(__file__).resolve().parent.parent
# Custom components named in config.yml (e.g. bot.nlu.*) must import when the
# model is loaded, whatever the current directory.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
FALLBACK = "nlu_fallback"

# [text](entity) | [text]{"entity": ...} | [text]{"entity": "x", "value": "y"}
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<short>[^)]+)\)|\{(?P<json>[^}]*)\})")


# --------------------------------------------------------------------------- data


class Example:
    __slots__ = ("text", "intent", "entities", "source")

    def __init__(self, text: str, intent: str, entities: List[Tuple[str, str]], source: str):
        self.text = text
        self.intent = intent
        self.entities = entities  # (entity type, surface text)
        self.source = source


def strip_annotations(line: str) -> Tuple[str, List[Tuple[str, str]]]:
    """'order [BM-1](order_number)' -> ('order BM-1', [('order_number', 'BM-1')])."""
    entities: List[Tuple[str, str]] = []

    def repl(m: re.Match) -> str:
        if m.group("short"):
            entity = m.group("short").split(":")[0].split("{")[0].strip()
        else:
            found = re.search(r'"entity"\s*:\s*"([^"]+)"', m.group("json") or "")
            entity = found.group(1) if found else ""
        if entity:
            entities.append((entity, m.group("text")))
        return m.group("text")

    return _ANNOTATION.sub(repl, line), entities


def read_nlu_file(path: Path) -> List[Example]:
    """Intent examples of one Rasa 3.x NLU YAML file (regex/lookup/synonym blocks skipped)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: List[Example] = []
    for block in doc.get("nlu") or []:
        if "intent" not in block:
            continue
        raw = block.get("examples") or ""
        lines = raw if isinstance(raw, list) else raw.splitlines()
        for line in lines:
            if isinstance(line, dict):
                line = line.get("text", "")
            line = line.strip()
            if line.startswith("- "):
                line = line[2:]
            elif line == "-":
                line = ""
            line = line.strip()
            if not line:
                continue
            text, entities = strip_annotations(line)
            out.append(Example(text, block["intent"], entities, str(path)))
    return out


def yaml_files(root: Path) -> List[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml"))


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _squash(key: str) -> str:
    """'that s right' and 'thats right' are the same line."""
    return key.replace(" ", "")


def first_similar(key: str, candidates: Iterable[str], threshold: float) -> Optional[str]:
    """The first candidate whose difflib ratio with ``key`` reaches ``threshold``, or None.

    The two cheap upper bounds (``real_quick_ratio``: lengths only, ``quick_ratio``:
    letters only) rule out almost every candidate before the full comparison runs.
    """
    matcher = difflib.SequenceMatcher(None, "", key, autojunk=False)  # b, the cached side, is the key
    for candidate in candidates:
        matcher.set_seq1(candidate)
        if (matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold
                and matcher.ratio() >= threshold):
            return candidate
    return None


def external_leaks(train_root: Path, external: Path, threshold: float = 0.85) -> Dict[str, int]:
    """Training lines equal or nearly equal to an external evaluation line, counted per file.

    "Nearly" is a character similarity of ``threshold`` or more once normalised (difflib's
    ratio): a copy with a changed word or a typo is still a copy. Lines of six characters
    or fewer ("ok", "hello", "merci") are everyday words any corpus shares, not copies. Only
    file names and counts are reported: the external set's text is never printed.
    """
    outside = sorted({key for key in (_squash(normalise(ex.text)) for ex in read_external(external))
                      if len(key) > 6})
    exact = set(outside)
    leaks: Dict[str, int] = defaultdict(int)
    for f in yaml_files(train_root):
        for ex in read_nlu_file(f):
            key = _squash(normalise(ex.text))
            if len(key) > 6 and (key in exact or first_similar(key, outside, threshold) is not None):
                leaks[str(f)] += 1
    return dict(leaks)


def overlap_check(train_root: Path, test_root: Path) -> List[str]:
    """Test lines that equal a training line once normalised (or twice in the tests)."""
    train: Dict[str, Example] = {}
    for f in yaml_files(train_root):
        for ex in read_nlu_file(f):
            train.setdefault(_squash(normalise(ex.text)), ex)
    problems = []
    seen: Dict[str, Example] = {}
    for f in yaml_files(test_root):
        for ex in read_nlu_file(f):
            key = _squash(normalise(ex.text))
            if key in train:
                problems.append(
                    f"test line {ex.text!r} ({Path(ex.source).name}) equals training line "
                    f"{train[key].text!r} ({train[key].source})"
                )
            if key in seen:
                problems.append(f"test line {ex.text!r} appears twice in the test set")
            seen[key] = ex
    return problems


def near_copies(train_root: Path, test_root: Path, threshold: float = 0.9) -> List[str]:
    """Test lines (10+ characters) very similar to a training line: a warning, not a failure."""
    train = sorted({normalise(ex.text) for f in yaml_files(train_root) for ex in read_nlu_file(f)})
    out = []
    for f in yaml_files(test_root):
        for ex in read_nlu_file(f):
            key = normalise(ex.text)
            if len(key) < 10:
                continue
            similar = first_similar(key, train, threshold)
            if similar is not None:
                ratio = difflib.SequenceMatcher(None, key, similar).ratio()
                out.append(f"{ratio:.2f} test {ex.text!r} ~ training {similar!r}")
    return out


def language_of(path: Path) -> str:
    m = re.search(r"(?:^|[_\-.])([a-z]{2})$", path.stem)
    return m.group(1) if m else path.stem


def read_external(path: Path) -> List[Example]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        lang, intent, text = parts[0].strip(), parts[1].strip(), "\t".join(parts[2:]).strip()
        out.append(Example(text, intent, [], lang))
    return out


# --------------------------------------------------------------------------- model


def silence_logs() -> None:
    """No log line may carry an utterance: Rasa's structlog debug events print the
    text of every parsed message ("processor.message.parse ... parse_data_text=...")
    to stdout unless structlog is configured. Route structlog to /dev/null and keep
    only errors from the standard loggers."""
    logging.getLogger().setLevel(logging.ERROR)
    for name in ("rasa", "tensorflow", "absl", "sanic", "asyncio", "matplotlib"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        import structlog

        structlog.configure(
            wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL),
            logger_factory=structlog.PrintLoggerFactory(file=open(os.devnull, "w")),
            cache_logger_on_first_use=False,
        )
    except ImportError:  # pragma: no cover - rasa depends on structlog
        pass


def load_agent(model: str):
    silence_logs()
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    silence_logs()  # in case loading reconfigured logging
    return agent


async def _parse_all(agent, texts: Sequence[str]) -> List[dict]:
    return [await agent.parse_message(t) for t in texts]


def parse_all(agent, texts: Sequence[str]) -> List[dict]:
    """Parse texts with stdout/stderr muted, so that nothing a component might print
    (utterances included) reaches the console or the report."""
    import contextlib
    import io

    silence_logs()
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        return asyncio.run(_parse_all(agent, texts))


# --------------------------------------------------------------------------- metrics


def intent_report(gold: Sequence[str], pred: Sequence[str], title: str) -> Tuple[float, List[str], Dict[str, float]]:
    n = len(gold)
    correct = sum(g == p for g, p in zip(gold, pred))
    acc = correct / n if n else 0.0
    labels = sorted(set(gold) | set(pred))
    lines = [f"== {title}: {n} utterances, intent accuracy {acc:.4f} ({correct}/{n})"]
    fallback = sum(p == FALLBACK for p in pred)
    lines.append(f"   predicted {FALLBACK}: {fallback}")
    lines.append("")
    width = max([len(x) for x in labels] + [10])
    lines.append(f"   {'intent':<{width}}  {'prec':>6} {'recall':>6} {'f1':>6} {'support':>7}")
    f1s: Dict[str, float] = {}
    for lab in labels:
        tp = sum(g == lab and p == lab for g, p in zip(gold, pred))
        n_pred = sum(p == lab for p in pred)
        n_gold = sum(g == lab for g in gold)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        if n_gold:
            f1s[lab] = f1
        lines.append(f"   {lab:<{width}}  {prec:6.3f} {rec:6.3f} {f1:6.3f} {n_gold:7d}")
    if f1s:
        macro = sum(f1s.values()) / len(f1s)
        lines.append(f"   {'macro avg (gold intents)':<{width}}  {'':>6} {'':>6} {macro:6.3f} {n:7d}")
    lines.append("")
    lines.extend(confusion_matrix(gold, pred))
    return acc, lines, f1s


def confusion_matrix(gold: Sequence[str], pred: Sequence[str]) -> List[str]:
    rows = sorted(set(gold))
    cols = sorted(set(gold) | set(pred))
    abbrev = {c: c[:7] for c in cols}
    counts = Counter(zip(gold, pred))
    width = max(len(r) for r in rows) if rows else 10
    out = ["   confusion matrix (rows = expected, columns = predicted)"]
    out.append("   " + " " * width + " " + " ".join(f"{abbrev[c]:>7}" for c in cols))
    for r in rows:
        cells = []
        for c in cols:
            v = counts.get((r, c), 0)
            cells.append(f"{(v if v else '.'):>7}")
        out.append(f"   {r:<{width}} " + " ".join(cells))
    errors = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    if errors:
        out.append("   most frequent confusions: " + ", ".join(f"{g}->{p} x{k}" for (g, p), k in errors.most_common(8)))
    return out


def entity_report(examples: Sequence[Example], parses: Sequence[dict]) -> List[str]:
    """Entity precision / recall / F1 per type, as a slot would see it.

    Several extractors may return the same entity (CRF and regexes); Rasa fills a
    non-list slot from the LAST value of that type, so that is the value scored here.
    Only entity types annotated somewhere in the test set are scored (components
    such as a language detector add entities of their own).
    """
    types_in_gold = {e for ex in examples for e, _ in ex.entities}
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    for ex, parse in zip(examples, parses):
        gold: Dict[str, set] = defaultdict(set)
        for e, t in ex.entities:
            gold[e].add(normalise(t))
        last: Dict[str, str] = {}
        for ent in parse.get("entities", []):
            if ent["entity"] not in types_in_gold:
                continue
            start, end = ent.get("start"), ent.get("end")
            surface = parse["text"][start:end] if start is not None and end is not None else str(ent.get("value"))
            last[ent["entity"]] = normalise(surface)
        for t in set(gold) | set(last):
            if t in last and last[t] in gold.get(t, set()):
                tp[t] += 1
            else:
                if t in last:
                    fp[t] += 1
                if t in gold:
                    fn[t] += 1
    types = sorted(types_in_gold)
    if not types:
        return []
    lines = [
        "   entities (value a slot would get: last extracted, exact span)",
        f"   {'entity':<14} {'prec':>6} {'recall':>6} {'f1':>6} {'gold':>5}",
    ]
    for t in types:
        p = tp[t] / (tp[t] + fp[t]) if tp[t] + fp[t] else 0.0
        r = tp[t] / (tp[t] + fn[t]) if tp[t] + fn[t] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        lines.append(f"   {t:<14} {p:6.3f} {r:6.3f} {f:6.3f} {tp[t] + fn[t]:5d}")
    return lines


# --------------------------------------------------------------------------- main


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", help="trained model (.tar.gz)")
    ap.add_argument("--test", default=str(REPO / "tests" / "nlu"), help="test file or folder (Rasa NLU YAML)")
    ap.add_argument("--train", default=str(REPO / "data" / "nlu"), help="training data, for the overlap check")
    ap.add_argument("--external", help="external TSV evaluation file (aggregate figures only)")
    ap.add_argument("--min-accuracy", type=float, help="exit 1 if a language's test accuracy is below")
    ap.add_argument("--min-external", type=float, help="exit 1 if the external accuracy is below")
    ap.add_argument("--report", help="also write the report to this file")
    ap.add_argument("--check-only", action="store_true", help="run the overlap check and stop")
    ap.add_argument(
        "--show-errors",
        action="store_true",
        help="list the misclassified TEST utterances (never done for --external)",
    )
    args = ap.parse_args(argv)

    report: List[str] = []

    def emit(line: str = "") -> None:
        print(line, flush=True)
        report.append(line)

    problems = overlap_check(Path(args.train), Path(args.test))
    if problems:
        for p in problems:
            emit("OVERLAP: " + p)
        emit(f"overlap check FAILED: {len(problems)} test line(s) duplicate training data")
        _write(args.report, report)
        return 2
    emit("overlap check passed: no test utterance equals a training utterance (normalised)")
    if args.external:
        leaks = external_leaks(Path(args.train), Path(args.external))
        if leaks:
            for path, count in sorted(leaks.items()):
                emit(f"LEAK: {count} training line(s) in {path} equal or nearly equal external evaluation lines")
            emit("external leak check FAILED: the evaluation set must never be in the training data")
            _write(args.report, report)
            return 2
        emit("external leak check passed: no training line equals or nearly equals an external evaluation line")
    near = near_copies(Path(args.train), Path(args.test))
    for line in near:
        emit("   near copy (warning): " + line)
    if near:
        emit(f"   {len(near)} near copies (similarity >= 0.9): consider rephrasing them")
    if args.check_only:
        _write(args.report, report)
        return 0
    if not args.model:
        ap.error("--model is required unless --check-only")

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    agent = load_agent(args.model)
    failed = False

    by_lang: Dict[str, List[Example]] = defaultdict(list)
    for f in yaml_files(Path(args.test)):
        by_lang[language_of(f)].extend(read_nlu_file(f))
    for lang in sorted(by_lang):
        examples = by_lang[lang]
        parses = parse_all(agent, [e.text for e in examples])
        gold = [e.intent for e in examples]
        pred = [p["intent"]["name"] for p in parses]
        acc, lines, _ = intent_report(gold, pred, f"test [{lang}]")
        emit()
        for line in lines:
            emit(line)
        if args.show_errors:
            emit("   misclassified:")
            for ex, parse in zip(examples, parses):
                if parse["intent"]["name"] != ex.intent:
                    conf = parse["intent"].get("confidence") or 0.0
                    emit(f"     {ex.intent} -> {parse['intent']['name']} ({conf:.2f}): {ex.text}")
        ent = entity_report(examples, parses)
        if ent:
            emit()
            for line in ent:
                emit(line)
        if args.min_accuracy is not None and acc < args.min_accuracy:
            emit(f"   FAIL: accuracy {acc:.4f} < {args.min_accuracy}")
            failed = True

    if args.external:
        ext = read_external(Path(args.external))
        parses = parse_all(agent, [e.text for e in ext])
        gold = [e.intent for e in ext]
        pred = [p["intent"]["name"] for p in parses]
        langs = Counter(e.source for e in ext)
        acc, lines, _ = intent_report(gold, pred, "external " + ",".join(f"{k}={v}" for k, v in sorted(langs.items())))
        emit()
        for line in lines:
            emit(line)
        # The fallback reply ("sorry, I didn't get that") is a fine answer to an
        # out-of-scope request: show that reading too, for information.
        lenient = sum(g == p or (g == "out_of_scope" and p == FALLBACK) for g, p in zip(gold, pred)) / max(len(gold), 1)
        emit(f"   accuracy counting {FALLBACK} as right for out_of_scope: {lenient:.4f}")
        if args.min_external is not None and acc < args.min_external:
            emit(f"   FAIL: external accuracy {acc:.4f} < {args.min_external}")
            failed = True

    _write(args.report, report)
    return 1 if failed else 0


def _write(path: Optional[str], lines: Iterable[str]) -> None:
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
