"""Refuse to train when evaluation text has found its way into training data.

Why: the figures in ``make eval`` say how the assistant reads text it has never
seen. One copied benchmark message in data/nlu or data/anger makes that figure
a memory test, and nothing else would notice. The evaluation sets are:

* ``tests/eval/real_support_labels.jsonl``: our hand labels of real customers'
  messages; the text itself stays in ../shared/benchmarks/real_openers_dev.jsonl
  and is looked up by conversation id and turn;
* the public dev/test files in ../shared/benchmarks (GoEmotions dev, the real
  customer intents).

Training data is everything under data/nlu and data/anger, plus the GoEmotions
*train* split (the one benchmark file that may be trained on).
Texts are compared normalised (lower-case words only), whole message against
whole message, and any labelled message of six words or more is also refused
when it appears inside a longer training example (a pasted paragraph).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT.parent / "shared" / "benchmarks"
REAL_LABELS = ROOT / "tests" / "eval" / "real_support_labels.jsonl"
REAL_OPENERS = BENCHMARKS / "real_openers_dev.jsonl"
EVALUATION_FILES = (BENCHMARKS / "anger_goemotions_dev.jsonl", BENCHMARKS / "intents_real_customers.jsonl")
GOEMOTIONS_TRAIN = BENCHMARKS / "anger_goemotions_train.jsonl"
DATA_NLU = ROOT / "data" / "nlu"
DATA_ANGER = ROOT / "data" / "anger"


class LeakageError(ValueError):
    """Evaluation text would end up in training data."""


def normalise(text: str) -> str:
    """Lower-case words only: the same sentence written twice compares equal."""
    return " ".join(re.findall(r"[a-z0-9]+", str(text).lower()))


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def labelled_real_texts(labels: Path | None = None, openers: Path | None = None) -> list[str]:
    """The text of every labelled real support message ([] when the benchmark file is not on this machine)."""
    labels, openers = labels or REAL_LABELS, openers or REAL_OPENERS
    if not labels.exists() or not openers.exists():
        return []
    turns = {row["id"]: row["turns"] for row in _jsonl(openers)}
    return [turns[row["id"]][row["turn"]] for row in _jsonl(labels)]


def nlu_example_texts(data_dir: Path | None = None) -> list[str]:
    """Every example line of the NLU YAML files ("- text", entity annotations removed)."""
    texts = []
    for path in sorted((data_dir or DATA_NLU).rglob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith("- ") and not stripped.startswith(("- intent:", "- regex:", "- lookup:",
                                                                        "- synonym:", "- rule:", "- story:")):
                texts.append(re.sub(r"\]\([^)]*\)|\]\{[^}]*\}", "", stripped[2:]).replace("[", ""))
    return texts


def anger_example_texts(data_dir: Path | None = None) -> list[str]:
    texts = []
    for path in sorted((data_dir or DATA_ANGER).rglob("*.jsonl")):
        texts += [row["text"] for row in _jsonl(path)]
    return texts


def leaks(training: Iterable[str], evaluation: Iterable[str], min_words_inside: int = 6) -> list[str]:
    """Evaluation texts found in the training texts: equal, or (when long enough) inside one."""
    train = {normalise(t) for t in training}
    train.discard("")
    joined = "\n".join(train)
    found = []
    for text in evaluation:
        key = normalise(text)
        if not key:
            continue
        if key in train or (len(key.split()) >= min_words_inside and f" {key} " in f" {joined.replace(chr(10), '  ')} "):
            found.append(text)
    return found


def _rows(path: Path) -> list[str]:
    return [row["text"] for row in _jsonl(path)] if path.exists() else []


def goemotions_train_texts() -> list[str]:
    return _rows(GOEMOTIONS_TRAIN)


def findings() -> dict[str, list[str]]:
    """Each evaluation set against the training data of the model it measures.

    The labelled real support messages measure everything (categories and
    anger), so they are checked against data/nlu, data/anger and the GoEmotions
    train split; GoEmotions dev against data/anger (the anger model's data);
    the real customer intents against data/nlu.
    """
    nlu, anger = nlu_example_texts(), anger_example_texts()
    return {
        "tests/eval/real_support_labels.jsonl": leaks(nlu + anger + goemotions_train_texts(), labelled_real_texts()),
        "anger_goemotions_dev.jsonl": leaks(anger, _rows(EVALUATION_FILES[0]), min_words_inside=99),
        "intents_real_customers.jsonl": leaks(nlu, _rows(EVALUATION_FILES[1]), min_words_inside=99),
    }


def check_no_leakage() -> None:
    """Raise LeakageError naming how many evaluation messages are in the training data."""
    problems = {name: found for name, found in findings().items() if found}
    if problems:
        detail = "; ".join(f"{len(found)} of {name}, e.g. {found[0][:60]!r}" for name, found in problems.items())
        raise LeakageError(f"evaluation messages are in the training data (data/nlu, data/anger or the GoEmotions "
                           f"train split): {detail}. Remove them: the figures would mean nothing")


if __name__ == "__main__":
    check_no_leakage()
    print("no evaluation text in the training data")
