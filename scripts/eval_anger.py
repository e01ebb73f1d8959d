"""Measure the anger reading on messages it has never seen.

1. splits data/anger/examples.jsonl 80/20 per level with a fixed seed
   (``calmdesk.understanding.anger_model.stratified_split``) and trains the reader the
   product ships, ``calmdesk.understanding.anger_gate.CompositeAngerReader``, with the
   80% as its support examples (plus the GoEmotions train sample and data/nlu's texts,
   as at ``rasa train``); without ../shared/benchmarks/anger_goemotions_train.jsonl,
   ``AngerModel`` alone, as the product then does;
2. on the held-out 20%: exact level accuracy, per-level precision/recall/F1,
   the 4x4 confusion matrix (rows = label, columns = predicted) and
   angry/not-angry precision/recall/F1 (angry = ``angry`` or ``abusive``);
3. on ../shared/benchmarks/anger_goemotions_dev.jsonl (Reddit comments, labelled
   angry or not by GoEmotions): angry/not-angry precision/recall/F1 and the 2x2
   confusion, with the same 80% model;
4. the same figures for the composite's support reader alone (``AngerModel``, the reader
   before issue 13) and the rule-based ``calmdesk.understanding.anger.read_anger``, as
   baselines, in the same run.

The benchmark is for evaluation only. ``load_goemotions`` returns an
``EvaluationOnly`` collection that ``train_model`` refuses, training files under
../shared/benchmarks are refused (except the GoEmotions train split, loaded by
``calmdesk.understanding.goemotions`` with every evaluation text dropped), and training stops with ``LeakageError`` when a
training text (normalised) also occurs in a benchmark or in the hand-labelled real
support messages (tests/eval/real_support_labels.jsonl, text looked up in
../shared/benchmarks/real_openers_dev.jsonl).

Used by scripts/eval.py (``make eval``), which adds the intent figures and
writes the report; alone, ``.venv/bin/python scripts/eval_anger.py [--seed N]``
prints the anger figures and writes nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "scripts"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # spaCy's import may pull in TensorFlow

from calmdesk.understanding.anger import read_anger  # noqa: E402
from calmdesk.understanding.anger_gate import CompositeAngerReader  # noqa: E402
from calmdesk.understanding.anger_model import AngerModel, is_angry, load_examples, shows_anger, stratified_split  # noqa: E402
from calmdesk.understanding.anger_model import sentence_vectors  # noqa: E402
from calmdesk.taxonomy import ANGER_LEVELS  # noqa: E402
from calmdesk.understanding.goemotions import evaluation_texts, load_goemotions_training  # noqa: E402
from calmdesk.understanding.leakage import GOEMOTIONS_TRAIN, LeakageError, labelled_real_texts, nlu_example_texts  # noqa: E402
from eval_metrics import (  # noqa: E402,F401  (binary_metrics, confusion_matrix, prf, wilson: importable from here, as before)
    BINARY_LABELS, accuracy, binary_metrics, confusion_matrix, macro_f1, per_label, prf, wilson)
from eval_plots import plot_anger, plot_confusions  # noqa: E402,F401  (importable from here, as before)

EXAMPLES = ROOT / "data" / "anger" / "examples.jsonl"
BENCHMARKS_DIR = ROOT.parent / "shared" / "benchmarks"
GOEMOTIONS = BENCHMARKS_DIR / "anger_goemotions_dev.jsonl"
MODEL = "composite reader"
SUPPORT = "support reader alone"  # AngerModel, the reading before issue 13; only when the composite is trained
BASELINE = "read_anger (rules)"
# Stages run() reports through its ``stage`` callback (scripts/eval.py sizes its progress bar with it).
STAGES = ("anger: split and train", "anger: score held-out", "anger: score GoEmotions")


def normalise(text: str) -> str:
    """Lower-case words only: the same sentence written twice compares equal."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


# --------------------------------------------------------------------------- data


class EvaluationOnly(tuple):
    """Rows of a public benchmark: ``(text, angry)`` pairs to score, never to train on."""

    source: str = ""

    def __new__(cls, rows: Iterable[tuple[str, bool]], source: str = "") -> "EvaluationOnly":
        instance = super().__new__(cls, rows)
        instance.source = source
        return instance

    @property
    def texts(self) -> list[str]:
        return [text for text, _ in self]


def is_benchmark_path(path: str | Path, benchmarks_dir: Path = BENCHMARKS_DIR) -> bool:
    path, benchmarks_dir = Path(path).resolve(), Path(benchmarks_dir).resolve()
    return path == benchmarks_dir or benchmarks_dir in path.parents


def load_goemotions(path: str | Path = GOEMOTIONS) -> EvaluationOnly:
    """The GoEmotions dev rows as ``(text, angry)``; evaluation only."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"benchmark not found: {path}")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row.get("text"), str) or not isinstance(row.get("angry"), bool):
            raise ValueError(f"{path}:{number}: need a text and a boolean 'angry'")
        rows.append((row["text"], row["angry"]))
    if not rows:
        raise ValueError(f"no rows in {path}")
    return EvaluationOnly(rows, source=str(path))


def goemotions_label_groups(path: str | Path = GOEMOTIONS) -> list[str]:
    """Per row of the file, which GoEmotions labels made it angry ('annoyance', 'anger+disgust', ...).

    Only used to break the recall down; ``not angry`` for the negative rows.
    """
    groups = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            groups.append("+".join(sorted(row.get("labels") or [])) if row["angry"] else "not angry")
    return groups


def load_training_examples(path: str | Path = EXAMPLES) -> list[tuple[str, str]]:
    """``(text, level)`` pairs to train on; refuses anything under ../shared/benchmarks."""
    if is_benchmark_path(path):
        raise LeakageError(f"{path} is evaluation data (under {BENCHMARKS_DIR}); it is never trained on")
    return load_examples(path)


def overlap(train_texts: Iterable[str], other_texts: Iterable[str], words_only: bool = True) -> list[str]:
    """The texts of ``other_texts`` that also occur in ``train_texts``.

    Compared on their words only (``normalise``) by default; with ``words_only=False``
    on the whole text with case and spacing ignored (capitals, "!!!" and emoji count).
    """
    key = normalise if words_only else (lambda text: " ".join(text.lower().split()))
    seen = {key(t) for t in train_texts}
    return [t for t in other_texts if key(t) in seen]


def check_no_overlap(train_texts: Iterable[str], benchmark_texts: Iterable[str], name: str = "benchmark") -> None:
    shared = overlap(train_texts, benchmark_texts)
    if shared:
        raise LeakageError(f"{len(shared)} training text(s) also occur in the {name} (e.g. {shared[0][:40]!r}...); "
                           "benchmark text is never trained on")


def train_model(train: Sequence[tuple[str, str]], seed: int,
                benchmarks: Sequence[Sequence[str]] = ()) -> AngerModel:
    """``AngerModel.train`` after the leakage guards: no benchmark rows, no benchmark text."""
    if isinstance(train, EvaluationOnly):
        raise LeakageError(f"{train.source or 'a benchmark'} is evaluation data; it is never trained on")
    texts = [text for text, _ in train]
    for benchmark in benchmarks:
        check_no_overlap(texts, benchmark.texts if isinstance(benchmark, EvaluationOnly) else benchmark,
                         getattr(benchmark, "source", "") or "benchmark")
    return AngerModel.train(list(train), seed=seed)


def train_composite(train: Sequence[tuple[str, str]], seed: int, goemotions_train: str | Path,
                    benchmarks: Sequence[Sequence[str]] = ()) -> CompositeAngerReader:
    """The product's reader with ``train`` as its support examples, after the same guards as ``train_model``.

    The GoEmotions rows drop every text of the evaluation files and of ``benchmarks`` first.
    """
    if isinstance(train, EvaluationOnly):
        raise LeakageError(f"{train.source or 'a benchmark'} is evaluation data; it is never trained on")
    texts = [text for text, _ in train]
    drop: set[str] = set()
    for benchmark in benchmarks:
        rows = benchmark.texts if isinstance(benchmark, EvaluationOnly) else benchmark
        check_no_overlap(texts, rows, getattr(benchmark, "source", "") or "benchmark")
        drop |= {normalise(t) for t in rows}
    chatter = load_goemotions_training(goemotions_train, evaluation=(drop | evaluation_texts()) - {""})
    return CompositeAngerReader.train(list(train), chatter, nlu_example_texts(), seed=seed)


# --------------------------------------------------------------------------- metrics


def level_metrics(truth: Sequence[str], pred: Sequence[str], labels: Sequence[str] = ANGER_LEVELS) -> dict[str, Any]:
    """Exact accuracy (with 95% CI), per-level P/R/F1, macro-F1, confusion and the angry/not figures."""
    if len(truth) != len(pred):
        raise ValueError(f"{len(truth)} labels but {len(pred)} predictions")
    per_level = per_label(truth, pred, labels)
    exact, interval = accuracy(truth, pred)
    return {
        "n": len(truth),
        "exact": exact,
        "exact_95ci": interval,
        "macro_f1": macro_f1(per_level),
        "per_level": per_level,
        "labels": list(labels),
        "confusion": confusion_matrix(truth, pred, labels),
        "angry": binary_metrics([is_angry(t) for t in truth], [is_angry(p) for p in pred]),
        "any_anger": binary_metrics([shows_anger(t) for t in truth], [shows_anger(p) for p in pred]),
    }


# --------------------------------------------------------------------------- reading


def read_levels(read: Callable[[str], str], texts: Sequence[str], desc: str = "", progress: bool = True) -> list[str]:
    """``read(text)`` for every text, with a per-message progress bar (below the stage bar)."""
    from tqdm import tqdm

    return [read(t) for t in tqdm(texts, desc=desc, unit="msg", leave=False, position=1, disable=not progress,
                                  dynamic_ncols=True)]


def readers(model: AngerModel | CompositeAngerReader) -> dict[str, Callable[[str], str]]:
    """Reader name -> level of a text; each text is encoded once for all the trained readers."""
    vectors: dict[str, Any] = {}

    def vector(text: str) -> Any:
        if text and text.strip() and text not in vectors:
            vectors[text] = sentence_vectors([text])[0]
        return vectors.get(text)

    read = {MODEL: lambda text: model.predict(text, vector(text)).level}
    if isinstance(model, CompositeAngerReader):
        read[SUPPORT] = lambda text: model.support.predict(text, vector(text)).level
    read[BASELINE] = lambda text: read_anger(text).level
    return read


def columns(report: dict[str, Any]) -> list[str]:
    """The readers in the report, in table order: the product's, then the baselines."""
    return [name for name in (MODEL, SUPPORT, BASELINE) if name in report["held_out"]]


def goemotions_breakdown(groups: Sequence[str], truth: Sequence[bool], levels: Sequence[str]) -> dict[str, Any]:
    """Diagnostics, not targets: recall per GoEmotions label group (strict and any anger), levels given.

    GoEmotions calls 'annoyance' angry; the project's labelling guide calls mild
    annoyance 'frustrated'. The recall per label shows where the two definitions part.
    """
    by_group: dict[str, list[int]] = {}
    for group, t, level in zip(groups, truth, levels):
        if t:
            hits = by_group.setdefault(group, [0, 0, 0])
            hits[0] += is_angry(level)
            hits[1] += shows_anger(level)
            hits[2] += 1
    return {
        "recall_by_label": {g: {"recall": round(h / n, 4), "recall_any_anger": round(a / n, 4), "n": n}
                            for g, (h, a, n) in sorted(by_group.items(), key=lambda kv: -kv[1][2])},
        "predicted_levels": {"angry": dict(Counter(lv for lv, t in zip(levels, truth) if t)),
                             "not angry": dict(Counter(lv for lv, t in zip(levels, truth) if not t))},
    }


# --------------------------------------------------------------------------- run


def run(seed: int = 42, test_fraction: float = 0.2, examples_path: str | Path = EXAMPLES,
        goemotions_path: str | Path = GOEMOTIONS, stage: Callable[[str], None] = lambda name: None,
        progress: bool = True, real_support_texts: Sequence[str] | None = None,
        goemotions_train: str | Path | None = GOEMOTIONS_TRAIN) -> dict[str, Any]:
    """The whole anger evaluation; ``stage(name)`` is called as each of STAGES begins.

    ``real_support_texts``: the hand-labelled real support messages that must not be in the
    training part (default: read from tests/eval and ../shared/benchmarks).
    ``goemotions_train``: the GoEmotions train split for the composite reader; missing or None:
    the support reader alone, as the product trains without it.
    """
    started = time.monotonic()
    stage(STAGES[0])
    examples = load_training_examples(examples_path)
    goemotions = load_goemotions(goemotions_path)
    train, test = stratified_split(examples, test_fraction, seed=seed)
    if not test:
        raise ValueError("the held-out split is empty: too few examples")
    real_support = EvaluationOnly(((text, False) for text in (labelled_real_texts() if real_support_texts is None
                                                              else real_support_texts)),
                                  source="tests/eval/real_support_labels.jsonl")
    if goemotions_train is not None and Path(goemotions_train).exists():
        model = train_composite(train, seed, goemotions_train, benchmarks=[goemotions, real_support])
        kept = ("seed", "threshold", "support_examples", "chatter_examples", "gate_ours", "gate_theirs",
                "training_seconds")
    else:
        model = train_model(train, seed, benchmarks=[goemotions, real_support])
        kept = ("C", "min_df", "sentence_scale", "features", "training_seconds")
    read = readers(model)

    stage(STAGES[1])
    test_texts, test_truth = [t for t, _ in test], [level for _, level in test]
    held_out = {name: level_metrics(test_truth, read_levels(fn, test_texts, f"held-out, {name}", progress))
                for name, fn in read.items()}

    stage(STAGES[2])
    g_texts, g_truth = goemotions.texts, [angry for _, angry in goemotions]
    g_levels = {name: read_levels(fn, g_texts, f"GoEmotions, {name}", progress) for name, fn in read.items()}
    bench = {name: binary_metrics(g_truth, [is_angry(lv) for lv in levels]) for name, levels in g_levels.items()}
    bench_any = {name: binary_metrics(g_truth, [shows_anger(lv) for lv in levels]) for name, levels in g_levels.items()}
    groups = goemotions_label_groups(goemotions_path)
    breakdown = {name: goemotions_breakdown(groups, g_truth, levels) for name, levels in g_levels.items()}

    return {
        "seed": seed,
        "split": {"test_fraction": test_fraction, "total": len(examples), "train": len(train), "test": len(test),
                  "train_per_level": dict(Counter(level for _, level in train)),
                  "test_per_level": dict(Counter(test_truth))},
        "model": {"name": MODEL if isinstance(model, CompositeAngerReader) else "AngerModel alone",
                  "trained_on": "the 80% split", **{k: model.info[k] for k in kept}},
        "held_out": held_out,
        "goemotions": {"n": len(goemotions), "scores": bench, "scores_any_anger": bench_any,
                       "diagnostics": breakdown},
        "leakage": {"test_in_train": len(overlap([t for t, _ in train], test_texts, words_only=False)),
                    "test_same_words_in_train": len(overlap([t for t, _ in train], test_texts)),
                    "goemotions_in_examples": len(overlap([t for t, _ in examples], g_texts)),
                    "real_support_in_examples": len(overlap([t for t, _ in examples], real_support.texts))},
        "seconds": round(time.monotonic() - started, 1),
    }


# --------------------------------------------------------------------------- text


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def confusion_lines(matrix: Sequence[Sequence[int]], rows: Sequence[str], columns: Sequence[str]) -> list[str]:
    w0 = max(len(r) for r in rows)
    width = max(6, *(len(c) for c in columns))
    lines = [f"{'true / predicted':>{w0}}  " + " ".join(f"{c:>{width}}" for c in columns)]
    lines += [f"{r:>{w0}}  " + " ".join(f"{v:>{width}}" for v in row) for r, row in zip(rows, matrix)]
    return lines


def figure_rows(report: dict[str, Any]) -> list[tuple[str, ...]]:
    """(figure, one value per reader of ``columns(report)``) rows for a table."""
    held, bench, names = report["held_out"], report["goemotions"]["scores"], columns(report)
    any_anger = report["goemotions"]["scores_any_anger"]
    rows = [("held-out messages", *(str(held[k]["n"]) for k in names)),
            ("level exact (95% CI)", *(f"{pct(held[k]['exact'])} [{100 * held[k]['exact_95ci'][0]:.0f}-"
                                       f"{100 * held[k]['exact_95ci'][1]:.0f}]" for k in names)),
            ("level macro-F1", *(pct(held[k]["macro_f1"]) for k in names))]
    rows += [(f"held-out angry/not {key}", *(pct(held[k]["angry"][key]) for k in names))
             for key in ("precision", "recall", "f1")]
    rows.append(("held-out any anger/calm f1", *(pct(held[k]["any_anger"]["f1"]) for k in names)))
    rows.append(("GoEmotions messages", *(str(bench[k]["n"]) for k in names)))
    rows += [(f"GoEmotions angry/not {key}", *(pct(bench[k][key]) for k in names))
             for key in ("precision", "recall", "f1")]
    rows += [(f"GoEmotions any anger/calm {key}", *(pct(any_anger[k][key]) for k in names))
             for key in ("precision", "recall", "f1")]
    return rows


def format_report(report: dict[str, Any]) -> str:
    rows = figure_rows(report)
    w0 = max(len(r[0]) for r in rows)
    lines = [f"{'':{w0}}" + "".join(f"  {name:>20}" for name in columns(report))]
    lines += [f"{row[0]:{w0}}" + "".join(f"  {value:>20}" for value in row[1:]) for row in rows]
    held = report["held_out"][MODEL]
    lines += ["", f"anger level confusion, held-out, {MODEL} (rows = label):"]
    lines += ["  " + line for line in confusion_lines(held["confusion"], held["labels"], held["labels"])]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=42, help="seed of the split and the model (default 42)")
    parser.add_argument("--test-frac", type=float, default=0.2, help="held-out share per level (default 0.2)")
    args = parser.parse_args(argv)
    try:
        if not 0 < args.test_frac < 1:
            raise ValueError(f"--test-frac must be between 0 and 1, not {args.test_frac}")
        report = run(args.seed, args.test_frac)
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
