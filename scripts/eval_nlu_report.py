"""The NLU evaluation's tables: the console summary and results/nlu_eval.md (scripts/eval_nlu.py).

Why a module of its own: scripts/eval_nlu.py splits, trains and scores; how its report reads is a
separate job, shared with make eval's report (scripts/eval_report.py uses ``summary_rows``). It
only reads the report dict it is given.
"""
from __future__ import annotations

from typing import Any


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
