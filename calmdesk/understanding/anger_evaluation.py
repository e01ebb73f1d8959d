"""Loading labelled anger examples, holding some out, scoring a model, and the command line.

``python -m calmdesk.understanding.anger_model train|evaluate|read`` runs :func:`main`.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from calmdesk.taxonomy import ANGER_LEVELS

if TYPE_CHECKING:
    from calmdesk.understanding.anger_model import AngerModel

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_EXAMPLES = ROOT / "data" / "anger" / "examples.jsonl"
# Where ``python -m calmdesk.understanding.anger_model train`` saves a model by default (the Rasa
# pipeline does not use it: it trains its own copy inside the Rasa model).
DEFAULT_MODEL_DIR = ROOT / "models" / "anger"


def load_examples(path: str | Path = DEFAULT_EXAMPLES) -> list[tuple[str, str]]:
    """``(text, level)`` pairs from a JSON-lines file; blank lines are skipped."""
    examples = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("level") not in ANGER_LEVELS or not isinstance(row.get("text"), str):
            raise ValueError(f"{path}:{number}: need a text and a level in {ANGER_LEVELS}")
        examples.append((row["text"], row["level"]))
    return examples


def stratified_split(
    examples: Sequence[tuple[str, str]], test_fraction: float = 0.2, seed: int = 0
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Hold out ``test_fraction`` of each level (shuffled with ``seed``)."""
    rng = random.Random(seed)
    train, test = [], []
    for level in ANGER_LEVELS:
        rows = [e for e in examples if e[1] == level]
        rng.shuffle(rows)
        k = round(len(rows) * test_fraction)
        test += rows[:k]
        train += rows[k:]
    return train, test


def is_angry(level: str) -> bool:
    """Angry in the strict sense of the levels: ``angry`` or ``abusive``."""
    return level in ("angry", "abusive")


def shows_anger(level: str) -> bool:
    """Any anger, mild annoyance included: every level above ``calm``.

    This is what GoEmotions calls angry (anger, annoyance or disgust against
    neutral or positive), so its benchmark is scored with this too.
    """
    return level != "calm"


def evaluate(model: AngerModel, examples: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Exact level accuracy, angry/not-angry F1 and the confusion matrix (rows = truth)."""
    predicted = [model.predict(t).level for t, _ in examples]
    truth = [level for _, level in examples]
    exact = sum(p == t for p, t in zip(predicted, truth)) / len(truth) if truth else 0.0
    tp = sum(is_angry(p) and is_angry(t) for p, t in zip(predicted, truth))
    fp = sum(is_angry(p) and not is_angry(t) for p, t in zip(predicted, truth))
    fn = sum(not is_angry(p) and is_angry(t) for p, t in zip(predicted, truth))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    confusion = {t: {p: 0 for p in ANGER_LEVELS} for t in ANGER_LEVELS}
    for p, t in zip(predicted, truth):
        confusion[t][p] += 1
    return {
        "n": len(truth),
        "exact": exact,
        "angry_precision": precision,
        "angry_recall": recall,
        "angry_f1": f1,
        "confusion": confusion,
        "errors": [(text, t, p) for (text, t), p in zip(examples, predicted) if p != t],
    }


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"held-out messages: {report['n']}",
        f"exact level accuracy: {report['exact']:.3f}",
        f"angry/not-angry F1: {report['angry_f1']:.3f} "
        f"(precision {report['angry_precision']:.3f}, recall {report['angry_recall']:.3f})",
        "confusion (rows = label, columns = predicted):",
        "            " + " ".join(f"{p:>10}" for p in ANGER_LEVELS),
    ]
    for t in ANGER_LEVELS:
        lines.append(f"{t:>10}  " + " ".join(f"{report['confusion'][t][p]:>10}" for p in ANGER_LEVELS))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calmdesk.understanding.anger_model", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    train_p = sub.add_parser("train", help="train on the examples and save the model to a directory")
    train_p.add_argument("--examples", default=str(DEFAULT_EXAMPLES))
    train_p.add_argument("--out", default=str(DEFAULT_MODEL_DIR))
    train_p.add_argument("--seed", type=int, default=0)
    eval_p = sub.add_parser("evaluate", help="train on 80%% of the examples, report on the held-out 20%%")
    eval_p.add_argument("--examples", default=str(DEFAULT_EXAMPLES))
    eval_p.add_argument("--seed", type=int, default=0)
    eval_p.add_argument("--errors", action="store_true", help="list the misread held-out messages")
    read_p = sub.add_parser("read", help="read messages with a saved model")
    read_p.add_argument("--model", default=str(DEFAULT_MODEL_DIR))
    read_p.add_argument("text", nargs="+")
    args = parser.parse_args(argv)
    from calmdesk.understanding.anger_model import AngerModel

    if args.command == "train":
        model = AngerModel.train_from_jsonl(args.examples, seed=args.seed)
        model.save(args.out)
        print(f"trained on {model.info['examples']} in {model.info['training_seconds']}s -> {args.out}")
    elif args.command == "evaluate":
        train, test = stratified_split(load_examples(args.examples), 0.2, seed=args.seed)
        model = AngerModel.train(train, seed=args.seed)
        report = evaluate(model, test)
        print(f"trained on {len(train)} messages in {model.info['training_seconds']}s")
        print(format_report(report))
        if args.errors:
            for text, truth, predicted in report["errors"]:
                print(f"  {truth:>10} -> {predicted:<10} {text}")
    else:
        model = AngerModel.load(args.model)
        for text in args.text:
            print(json.dumps({"text": text, **asdict(model.predict(text))}, ensure_ascii=False))
    return 0
