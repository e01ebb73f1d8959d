"""Measure intent classification on data the model has never seen.

Why held-out: a model scored on its own training examples looks near-perfect
whatever it learned (DIET memorises ~1,000 short sentences easily), so that
figure says nothing about the next angry customer. This script therefore

1. splits the project's NLU examples (data/nlu) 80/20 *per intent* with a
   fixed seed; regexes, lookup tables and synonyms stay in the training part
   (they are hand-written rules, not examples to generalise from);
2. trains an NLU-only model on the 80% with the project's config.yml, from
   scratch (a private Rasa cache, so nothing is reused from earlier runs);
3. parses the held-out 20% with that model -- the model's own parse, so the
   FallbackClassifier's ``nlu_fallback`` is a possible (and wrong) answer --
   and reports accuracy and F1 over all intents and over the 11 complaint
   categories (calmdesk.taxonomy.CATEGORIES);
4. parses ../shared/benchmarks/intents_real_customers.jsonl, real customer
   requests written by other people, with the same model. That file is for
   evaluation only: it is never trained on and its text is never written
   into the repository (a handful of misclassified examples go to stdout).

The held-out part is small (~200 messages, ~12 per category), so a single
split moves by a few points from seed to seed; the 95% interval printed next
to each accuracy says how much. Use ``--seed`` to try another split.

Run: ``.venv/bin/python scripts/eval_nlu.py`` (or ``make eval-nlu``).
Writes results/nlu_eval.md and results/nlu_eval.json; exits 1 when training
fails, 2 when the inputs are unusable.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Before Rasa / TensorFlow are imported: no telemetry (no internet here), less noise.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Rasa's dependencies (TensorFlow, jax, matplotlib...) re-enable their own
# DeprecationWarnings on import, so filters are not enough: drop all warnings.
warnings.showwarning = lambda *args, **kwargs: None

from calmdesk.taxonomy import CATEGORIES  # noqa: E402
from calmdesk.operations.training import rasa_env, rasa_executable  # noqa: E402

DATA_DIR = ROOT / "data" / "nlu"
CONFIG = ROOT / "config.yml"
BENCHMARK = ROOT.parent / "shared" / "benchmarks" / "intents_real_customers.jsonl"
RESULTS = ROOT / "results"
FALLBACK = "nlu_fallback"
NOT_A_CATEGORY = "(not a category)"
TOP_CONFUSIONS = 10
MAX_BENCHMARK_EXAMPLES = 5  # misclassified benchmark texts shown on stdout, never stored


class TrainingFailed(RuntimeError):
    pass


def stage(text: str) -> None:
    print(f"... {text}", flush=True)


def normalise(text: str) -> str:
    """Lower-case words only: used to spot the same sentence written twice."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


# --------------------------------------------------------------------------- 1. split


def load_nlu(data_dir: Path = DATA_DIR):
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(data_dir))
    if not data.intent_examples:
        raise ValueError(f"no intent examples found in {data_dir}")
    return data


def stratified_split(data, test_frac: float, seed: int):
    """Hold out ``round(test_frac * n)`` examples of every intent (at least one).

    Each intent is shuffled with its own ``random.Random(f"{seed}:{intent}")``,
    so the split of one intent does not change when another intent gains
    examples. Regexes, lookups and synonyms go to the training part only.
    """
    from rasa.shared.nlu.training_data.training_data import TrainingData

    by_intent: dict[str, list] = defaultdict(list)
    for message in data.intent_examples:
        by_intent[message.get("intent")].append(message)
    train, test = [], []
    for intent in sorted(by_intent):
        examples = sorted(by_intent[intent], key=lambda m: m.get("text"))
        random.Random(f"{seed}:{intent}").shuffle(examples)
        n_test = max(1, round(test_frac * len(examples))) if len(examples) > 1 else 0
        test += examples[:n_test]
        train += examples[n_test:]
    train_data = TrainingData(
        training_examples=train,
        entity_synonyms=data.entity_synonyms,
        regex_features=data.regex_features,
        lookup_tables=data.lookup_tables,
    )
    return train_data, TrainingData(training_examples=test)


def write_yaml(data, path: Path) -> Path:
    data.persist_nlu(str(path))  # Rasa YAML (RasaYAMLWriter), chosen by the .yml suffix
    return path


# --------------------------------------------------------------------------- 2. train


def train_model(train_file: Path, work: Path, config: Path = CONFIG) -> tuple[Path, float]:
    """``rasa train nlu`` in a subprocess; returns the model path and the seconds it took."""
    env = rasa_env()
    env["RASA_CACHE_DIRECTORY"] = str(work / "cache")  # train from scratch; keep .rasa/cache clean
    log = work / "train.log"
    command = [rasa_executable(), "train", "nlu", "--config", str(config), "--nlu", str(train_file),
               "--out", str(work / "models"), "--fixed-model-name", "eval"]
    started = time.monotonic()
    with log.open("w") as out:
        result = subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - started
    model = work / "models" / "eval.tar.gz"
    if result.returncode != 0 or not model.exists():
        raise TrainingFailed(f"`rasa train nlu` exited with {result.returncode} after {seconds:.0f} s"
                             f"{'' if model.exists() else ' and wrote no model'}:\n{log_errors(log)}\n"
                             f"full log: {log}")
    return model, seconds


def log_errors(log: Path, lines: int = 8) -> str:
    """The error lines of a training log (its tail when none stands out), ANSI colours removed."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(errors="replace")).splitlines()
    errors = [line for line in text if re.search(r"(Error|Exception)\b", line) and "Warning" not in line]
    return "\n".join("  " + line for line in (errors or text)[-lines:])


# --------------------------------------------------------------------------- 3. parse and score


def load_agent(model: Path):
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # else every parse (text included) is logged at debug
    for name in ("rasa", "tensorflow", "absl"):
        logging.getLogger(name).setLevel(logging.ERROR)

    return Agent.load(str(model))


def predict(agent, texts: Sequence[str]) -> list[tuple[str, str]]:
    """Per text: the model's intent (``nlu_fallback`` included) and the classifier's own top intent.

    The second one (the best-ranked intent that is not ``nlu_fallback``) only
    serves to tell fallback errors apart from misclassifications.
    """

    async def parse_all() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    predictions = []
    for parse in asyncio.run(parse_all()):
        intent = (parse.get("intent") or {}).get("name") or ""
        ranked = [r["name"] for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK]
        predictions.append((intent, ranked[0] if ranked else intent))
    return predictions


def wilson(correct: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% interval of a proportion (Wilson score): how far one small test set can be off."""
    if n == 0:
        return (0.0, 0.0)
    p = correct / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


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
    labels = list(labels)
    n = len(gold)
    correct = sum(g == p for g, p in zip(gold, pred))
    per_label = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {"precision": round(precision, 4), "recall": round(recall, 4),
                            "f1": round(f1, 4), "support": tp + fn}
    supported = [label for label in labels if per_label[label]["support"]]
    total_support = sum(per_label[label]["support"] for label in supported)
    low, high = wilson(correct, n)
    return {
        "n": n,
        "accuracy": round(correct / n, 4) if n else 0.0,
        "accuracy_95ci": [round(low, 4), round(high, 4)],
        "macro_f1": round(sum(per_label[label]["f1"] for label in supported) / len(supported), 4) if supported else 0.0,
        "weighted_f1": round(sum(per_label[label]["f1"] * per_label[label]["support"] for label in supported)
                             / total_support, 4) if total_support else 0.0,
        "fallback_rate": round(sum(p == FALLBACK for p in raw) / n, 4) if n else 0.0,
        "accuracy_without_fallback": (round(sum(g == p for g, p in zip(gold, unfallback)) / n, 4)
                                      if n and unfallback is not None else None),
        "per_label": per_label,
    }


def top_confusions(gold: Sequence[str], pred: Sequence[str], k: int = TOP_CONFUSIONS) -> list[dict[str, Any]]:
    """The k most frequent (gold, predicted) pairs among the errors; ties by name."""
    pairs = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    ranked = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))[:k]
    return [{"gold": g, "predicted": p, "count": c} for (g, p), c in ranked]


def as_category(intent: str) -> str:
    return intent if intent in CATEGORIES else NOT_A_CATEGORY


def evaluate_held_out(agent, test_data) -> dict[str, Any]:
    messages = test_data.intent_examples
    gold = [m.get("intent") for m in messages]
    predictions = predict(agent, [m.get("text") for m in messages])
    pred, diet = [p for p, _ in predictions], [d for _, d in predictions]
    keep = [i for i, g in enumerate(gold) if g in CATEGORIES]
    cat_gold = [gold[i] for i in keep]
    return {
        "intents": scores(gold, pred, sorted(set(gold)), unfallback=diet),
        "categories": scores(cat_gold, [as_category(pred[i]) for i in keep], [c for c in CATEGORIES if c in cat_gold],
                             raw=[pred[i] for i in keep], unfallback=[as_category(diet[i]) for i in keep]),
        "confusions": top_confusions(gold, pred),
    }


def load_benchmark(path: Path = BENCHMARK) -> list[dict[str, Any]]:
    if not path.exists():
        raise ValueError(f"benchmark not found: {path}")
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    unknown = sorted({row["category"] for row in rows} - set(CATEGORIES))
    if unknown:
        raise ValueError(f"benchmark categories not in calmdesk.taxonomy.CATEGORIES: {unknown}")
    return rows


def evaluate_benchmark(agent, rows: list[dict[str, Any]]) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """Scores plus up to MAX_BENCHMARK_EXAMPLES short misclassified (gold, predicted, text) for stdout."""
    texts = [row["text"] for row in rows]
    gold = [row["category"] for row in rows]
    predictions = predict(agent, texts)
    raw = [p for p, _ in predictions]
    present = [c for c in CATEGORIES if c in gold]
    result = {
        "categories": scores(gold, [as_category(p) for p in raw], present, raw=raw,
                             unfallback=[as_category(d) for _, d in predictions]),
        # The raw intent, so "(not a category)" is split into vent, nlu_fallback, ...
        "confusions": top_confusions(gold, raw),
        "predicted_outside_categories": dict(Counter(p for p in raw if p not in CATEGORIES).most_common()),
    }
    wrong = [(g, p, t) for g, p, t in zip(gold, raw, texts) if g != p and len(t) <= 60]
    return result, wrong[:MAX_BENCHMARK_EXAMPLES]


def overlap(texts_a: Iterable[str], texts_b: Iterable[str]) -> int:
    """How many texts of b also occur (normalised) in a: leakage check."""
    seen = {normalise(t) for t in texts_a}
    return sum(normalise(t) in seen for t in texts_b)


# --------------------------------------------------------------------------- 5. report


def pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def acc_with_ci(s: dict[str, Any]) -> str:
    low, high = s["accuracy_95ci"]
    return f"{pct(s['accuracy'])} [{100 * low:.0f}-{100 * high:.0f}]"


def summary_rows(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    held, bench = report["held_out"], report["benchmark"]
    i, c, b = held["intents"], held["categories"], bench["categories"]
    return [
        ("messages", str(i["n"]), str(b["n"])),
        ("intent accuracy (95% CI)", acc_with_ci(i), "-"),
        ("intent macro-F1", pct(i["macro_f1"]), "-"),
        ("intent weighted-F1", pct(i["weighted_f1"]), "-"),
        ("category messages", str(c["n"]), str(b["n"])),
        ("category accuracy (95% CI)", acc_with_ci(c), acc_with_ci(b)),
        ("category macro-F1", pct(c["macro_f1"]), pct(b["macro_f1"])),
        ("category weighted-F1", pct(c["weighted_f1"]), pct(b["weighted_f1"])),
        ("fallback rate", pct(i["fallback_rate"]), pct(b["fallback_rate"])),
        ("intent acc. if no fallback", pct(i["accuracy_without_fallback"]), "-"),
        ("category acc. if no fallback", pct(c["accuracy_without_fallback"]), pct(b["accuracy_without_fallback"])),
    ]


def print_table(report: dict[str, Any], examples: list[tuple[str, str, str]]) -> None:
    rows = summary_rows(report)
    w0 = max(len(r[0]) for r in rows)
    print()
    print(f"{'':{w0}}  {'held-out 20%':>18}  {'real customers':>18}")
    for name, held, bench in rows:
        print(f"{name:{w0}}  {held:>18}  {bench:>18}")
    t = report["timing"]
    print(f"training {t['train_seconds']:.0f} s on {report['split']['train']} examples; "
          f"total {t['total_seconds']:.0f} s")
    for title, confusions in (("held-out", report["held_out"]["confusions"]),
                              ("real customers", report["benchmark"]["confusions"])):
        print(f"\nmost confused ({title}): gold -> predicted")
        for row in confusions:
            print(f"  {row['count']:3d}  {row['gold']} -> {row['predicted']}")
    if examples:
        print("\nsome misclassified real-customer messages (stdout only, not stored):")
        for gold, predicted, text in examples:
            print(f"  {gold} -> {predicted}: {text!r}")


def render_markdown(report: dict[str, Any]) -> str:
    s, t = report["split"], report["timing"]
    lines = [
        "# NLU intent evaluation",
        "",
        f"Model trained on {s['train']} of {s['total']} examples of data/nlu ({s['intents']} intents, "
        f"stratified 80/20, seed {s['seed']}) with {report['config']}; scored on the {s['test']} held-out examples "
        f"and on {report['benchmark']['categories']['n']} real customer messages "
        "(../shared/benchmarks/intents_real_customers.jsonl, never trained on).",
        "",
        f"Generated {report['generated']} by scripts/eval_nlu.py; rasa {report['rasa_version']}; "
        f"training {t['train_seconds']:.0f} s, total {t['total_seconds']:.0f} s.",
        "",
        "Category figures count only messages whose true label is one of the 11 ticket categories; "
        "a prediction outside them (vent, nlu_fallback, ...) is wrong. Benchmark macro-F1 is over the "
        f"{len(report['benchmark']['categories']['per_label'])} categories it contains.",
        "The held-out fallback rate is over all intents. \"If no fallback\" rows score the intent "
        "classifier's best intent with the FallbackClassifier ignored: the gap to the accuracy above is "
        "what the fallback threshold costs (a fallback is a re-prompt, not a wrong ticket, so some cost is fine).",
        "",
        "| | held-out 20% | real customers |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {held.strip()} | {bench.strip()} |" for name, held, bench in summary_rows(report)]
    for title, key, scored in (("Held-out: per intent", "held_out", "intents"),
                               ("Real customers: per category", "benchmark", "categories")):
        lines += ["", f"## {title}", "", "| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
        for label, m in report[key][scored]["per_label"].items():
            lines.append(f"| {label} | {m['precision']:.2f} | {m['recall']:.2f} | {m['f1']:.2f} | {m['support']} |")
    for title, key in (("Held-out: most confused", "held_out"), ("Real customers: most confused", "benchmark")):
        lines += ["", f"## {title}", "", "| gold | predicted | count |", "|---|---|---:|"]
        lines += [f"| {c['gold']} | {c['predicted']} | {c['count']} |" for c in report[key]["confusions"]]
    outside = report["benchmark"]["predicted_outside_categories"]
    if outside:
        lines += ["", "Real customers predicted outside the categories: "
                  + ", ".join(f"{k} {v}" for k, v in outside.items()) + "."]
    lines += ["", f"Leakage check: {report['leakage']['test_in_train']} held-out texts also in the training part, "
              f"{report['leakage']['benchmark_in_nlu_data']} benchmark texts also in data/nlu.", ""]
    return "\n".join(lines)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- main


def run(seed: int, test_frac: float, keep: bool, config: Path = CONFIG) -> tuple[dict[str, Any], list]:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="eval_nlu_"))
    failed = False
    try:
        from calmdesk.understanding.leakage import check_no_leakage

        check_no_leakage()  # no evaluation text in data/nlu or data/anger (LeakageError is a ValueError: exit 2)
        stage("splitting")
        data = load_nlu()
        benchmark = load_benchmark()
        train_data, test_data = stratified_split(data, test_frac, seed)
        train_file = write_yaml(train_data, work / "train.yml")
        write_yaml(test_data, work / "test.yml")

        stage(f"training ({len(train_data.intent_examples)} examples)")
        model, train_seconds = train_model(train_file, work, config)
        stage(f"trained in {train_seconds:.0f} s")

        stage(f"evaluating ({len(test_data.intent_examples)} held-out, {len(benchmark)} real customers)")
        agent = load_agent(model)
        held_out = evaluate_held_out(agent, test_data)
        bench, examples = evaluate_benchmark(agent, benchmark)

        import rasa

        report = {
            "generated": time.strftime("%Y-%m-%d %H:%M"),
            "rasa_version": rasa.__version__,
            "config": str(config.relative_to(ROOT) if config.is_relative_to(ROOT) else config),
            "config_sha256": sha256(config),
            "benchmark_sha256": sha256(BENCHMARK),
            "split": {"seed": seed, "test_frac": test_frac, "total": len(data.intent_examples),
                      "train": len(train_data.intent_examples), "test": len(test_data.intent_examples),
                      "intents": len(data.intents)},
            "held_out": held_out,
            "benchmark": bench,
            "leakage": {
                "test_in_train": overlap([m.get("text") for m in train_data.intent_examples],
                                         [m.get("text") for m in test_data.intent_examples]),
                "benchmark_in_nlu_data": overlap([m.get("text") for m in data.intent_examples],
                                                 [row["text"] for row in benchmark]),
            },
            "timing": {"train_seconds": round(train_seconds, 1), "total_seconds": round(time.monotonic() - started, 1)},
        }
        return report, examples
    except TrainingFailed:
        failed = True  # keep the log for the error message to point at
        raise
    finally:
        if keep or failed:
            print(f"work dir kept (split, training log, model): {work}", flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=42, help="seed of the split (default 42)")
    parser.add_argument("--test-frac", type=float, default=0.2, help="held-out share per intent (default 0.2)")
    parser.add_argument("--config", type=Path, default=CONFIG,
                        help="pipeline to evaluate (default config.yml); to try a change without editing it")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where nlu_eval.md/.json go (default results/)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (split, model, training log)")
    args = parser.parse_args(argv)
    try:
        if not 0 < args.test_frac < 1:
            raise ValueError(f"--test-frac must be between 0 and 1, not {args.test_frac}")
        if not args.config.exists():
            raise ValueError(f"config not found: {args.config}")
        report, examples = run(args.seed, args.test_frac, args.keep, args.config.resolve())
    except TrainingFailed as error:
        print(f"error: training failed: {error}", file=sys.stderr)
        return 1
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "nlu_eval.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "nlu_eval.md").write_text(render_markdown(report))
    print_table(report, examples)
    print(f"\nwrote {args.out / 'nlu_eval.md'} and {args.out / 'nlu_eval.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
