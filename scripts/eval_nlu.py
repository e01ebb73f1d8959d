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
from eval_metrics import FALLBACK, scores, top_confusions, wilson  # noqa: E402,F401  (wilson: importable from here, as before)
from eval_nlu_report import print_table, render_markdown, summary_rows  # noqa: E402,F401  (summary_rows: eval_report's)

DATA_DIR = ROOT / "data" / "nlu"
CONFIG = ROOT / "config.yml"
BENCHMARK = ROOT.parent / "shared" / "benchmarks" / "intents_real_customers.jsonl"
RESULTS = ROOT / "results"
NOT_A_CATEGORY = "(not a category)"
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
