"""The figures every evaluation script reports: P/R/F1, accuracy with its interval, confusion counts.

Why a module of its own: scripts/eval_nlu.py (intents and categories), scripts/eval_anger.py
(anger levels) and scripts/eval_real.py (labelled real support messages) score different
readings with the same arithmetic; one copy of it means a figure in one table is computed
exactly like the figure beside it. Plain Python, no Rasa or model import, so it loads in a
blink and its tests need nothing trained.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Any, Iterable, Sequence

FALLBACK = "nlu_fallback"
BINARY_LABELS = ("not angry", "angry")
TOP_CONFUSIONS = 10


def wilson(correct: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% interval of a proportion (Wilson score): how far one small test set can be off."""
    if n == 0:
        return (0.0, 0.0)
    p = correct / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def accuracy(gold: Sequence[Any], pred: Sequence[Any]) -> tuple[float, list[float]]:
    """The share read right and its 95% interval, both rounded as every report prints them."""
    n = len(gold)
    low, high = wilson(sum(g == p for g, p in zip(gold, pred)), n)
    share = sum(g == p for g, p in zip(gold, pred)) / n if n else 0.0
    return round(share, 4), [round(low, 4), round(high, 4)]


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def per_label(gold: Sequence[Any], pred: Sequence[Any], labels: Iterable[Any]) -> dict[Any, dict[str, float]]:
    """P/R/F1 and support of each label; a prediction outside ``labels`` only costs the gold label recall."""
    table = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        table[label] = {**prf(tp, fp, fn), "support": tp + fn}
    return table


def macro_f1(table: dict[Any, dict[str, float]]) -> float:
    """Mean F1 over the labels that occur in the gold labels (an absent label would count as 0)."""
    supported = [m["f1"] for m in table.values() if m["support"]]
    return round(sum(supported) / len(supported), 4) if supported else 0.0


def scores(gold: Sequence[str], pred: Sequence[str], labels: Iterable[str],
           raw: Sequence[str] | None = None, unfallback: Sequence[str] | None = None) -> dict[str, Any]:
    """Accuracy, macro/weighted F1 and per-label P/R/F1 over ``labels``.

    A prediction outside ``labels`` (nlu_fallback, a non-category intent) is
    simply wrong: it costs the gold label recall and adds no false positive to
    any label in the set. ``raw`` are the model's intents before any mapping
    (for the fallback rate); ``unfallback`` the predictions the classifier would have
    made without the FallbackClassifier (for the accuracy it costs).
    """
    raw = pred if raw is None else raw
    n = len(gold)
    table = per_label(gold, pred, labels)
    supported = [m for m in table.values() if m["support"]]
    total_support = sum(m["support"] for m in supported)
    share, interval = accuracy(gold, pred)
    return {
        "n": n,
        "accuracy": share,
        "accuracy_95ci": interval,
        "macro_f1": macro_f1(table),
        "weighted_f1": round(sum(m["f1"] * m["support"] for m in supported) / total_support, 4) if total_support else 0.0,
        "fallback_rate": round(sum(p == FALLBACK for p in raw) / n, 4) if n else 0.0,
        "accuracy_without_fallback": (round(sum(g == p for g, p in zip(gold, unfallback)) / n, 4)
                                      if n and unfallback is not None else None),
        "per_label": table,
    }


def top_confusions(gold: Sequence[str], pred: Sequence[str], k: int = TOP_CONFUSIONS) -> list[dict[str, Any]]:
    """The k most frequent (gold, predicted) pairs among the errors; ties by name."""
    pairs = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    ranked = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))[:k]
    return [{"gold": g, "predicted": p, "count": c} for (g, p), c in ranked]


def confusion_matrix(truth: Sequence[Any], pred: Sequence[Any], rows: Sequence[Any],
                     columns: Sequence[Any] | None = None) -> list[list[int]]:
    """Counts, rows = truth, columns = prediction, in the given label orders."""
    columns = list(rows if columns is None else columns)
    index_r = {label: i for i, label in enumerate(rows)}
    index_c = {label: j for j, label in enumerate(columns)}
    matrix = [[0] * len(columns) for _ in rows]
    for t, p in zip(truth, pred, strict=True):
        if t not in index_r or p not in index_c:
            raise ValueError(f"label outside the matrix: truth {t!r}, predicted {p!r}")
        matrix[index_r[t]][index_c[p]] += 1
    return matrix


def binary_metrics(truth: Sequence[bool], pred: Sequence[bool]) -> dict[str, Any]:
    """Angry (positive) vs not angry: P/R/F1 of 'angry', accuracy, 2x2 confusion [[TN, FP], [FN, TP]]."""
    truth, pred = [bool(t) for t in truth], [bool(p) for p in pred]
    if len(truth) != len(pred):
        raise ValueError(f"{len(truth)} labels but {len(pred)} predictions")
    tp = sum(t and p for t, p in zip(truth, pred))
    fp = sum(p and not t for t, p in zip(truth, pred))
    fn = sum(t and not p for t, p in zip(truth, pred))
    tn = len(truth) - tp - fp - fn
    n = len(truth)
    return {
        "n": n,
        "positives": tp + fn,
        **prf(tp, fp, fn),
        "accuracy": round((tp + tn) / n, 4) if n else 0.0,
        "labels": list(BINARY_LABELS),
        "confusion": [[tn, fp], [fn, tp]],
    }
