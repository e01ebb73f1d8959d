"""The GoEmotions train split as anger training rows, with every evaluation text dropped first.

Why: our own examples (data/anger) teach how *our* customers are written; on other
people's everyday chatter the reader then sees anger everywhere. The GoEmotions
*train* split (../shared/benchmarks/anger_goemotions_train.jsonl, Reddit comments) is
the one benchmark file that may be trained on. Its labels are mapped to our levels:
annoyance is ``frustrated``, anger or disgust is ``angry``, anything else ``calm``.

A row whose normalised text (:func:`calmdesk.understanding.leakage.normalise`) also occurs
in any evaluation file (GoEmotions dev, any turn of the real openers, the real
customer intents) is dropped before anything else, so no ``make eval`` figure is a
memory test. Every other file under ../shared/benchmarks, and the hand labels in
tests/eval, are refused as training data.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Iterable

from calmdesk.understanding.leakage import (
    BENCHMARKS, EVALUATION_FILES, GOEMOTIONS_TRAIN, REAL_LABELS, REAL_OPENERS, LeakageError, _jsonl, normalise,
)

# All ~3,300 annoyed/angry rows and this many calm ones, picked by a seeded shuffle: the gate learns
# "not our text" from all of them; the chatter reader trains on the first CHATTER_CALM calm ones.
CALM_KEPT = 9900
SHUFFLE_SEED = 0


def goemotions_level(labels: Iterable[str]) -> str:
    """Our level for a GoEmotions row: anger/disgust -> angry, annoyance -> frustrated, else calm."""
    labels = set(labels)
    if labels & {"anger", "disgust"}:
        return "angry"
    if "annoyance" in labels:
        return "frustrated"
    return "calm"


def evaluation_texts() -> set[str]:
    """The normalised text of every evaluation message on this machine (files missing here are skipped)."""
    texts: set[str] = set()
    for path in EVALUATION_FILES:
        if path.exists():
            texts.update(normalise(row["text"]) for row in _jsonl(path))
    if REAL_OPENERS.exists():
        for row in _jsonl(REAL_OPENERS):
            texts.update(normalise(turn) for turn in row["turns"])
    texts.discard("")
    return texts


def refuse_evaluation_file(path: Path) -> None:
    """LeakageError for any evaluation file: only the GoEmotions train split may be trained on."""
    path = Path(path).resolve()
    benchmarks, labels = BENCHMARKS.resolve(), REAL_LABELS.parent.resolve()
    inside = benchmarks in path.parents or labels in path.parents
    if inside and path != GOEMOTIONS_TRAIN.resolve():
        raise LeakageError(f"{path} is evaluation data; of the benchmark files only "
                           f"{GOEMOTIONS_TRAIN.name} may be trained on")


def load_goemotions_training(path: str | Path = GOEMOTIONS_TRAIN, calm: int = CALM_KEPT,
                             evaluation: set[str] | None = None) -> list[tuple[str, str]]:
    """``(text, level)`` rows: every frustrated/angry row, then ``calm`` calm rows in a seeded order.

    Rows in an evaluation file are dropped, then repeated texts (the first kept).
    ``evaluation``: normalised evaluation texts (default: :func:`evaluation_texts`).
    """
    path = Path(path)
    refuse_evaluation_file(path)
    drop = evaluation_texts() if evaluation is None else evaluation
    seen: set[str] = set()
    upset, quiet = [], []
    for row in _jsonl(path):
        text = row["text"]
        if normalise(text) in drop or text in seen:
            continue
        seen.add(text)
        level = goemotions_level(row.get("labels") or [])
        (quiet if level == "calm" else upset).append((text, level))
    random.Random(SHUFFLE_SEED).shuffle(quiet)
    return upset + quiet[:calm]
