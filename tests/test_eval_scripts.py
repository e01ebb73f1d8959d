"""The evaluation scripts' helpers (scripts/eval_anger.py, scripts/eval.py), without Rasa training.

Metrics are checked against confusions worked out by hand, plots must be real
PNG files, and the benchmark guards must stop benchmark rows or text from
becoming training data. The anger model is trained on a tiny synthetic split
(a second or two); no test reads ../shared/benchmarks.
"""
from __future__ import annotations

import json
import warnings

import pytest

from calmdesk.taxonomy import ANGER_LEVELS, CATEGORIES

from tests.eval_helpers import load_script as _load, write_jsonl
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def ea():
    return _load("eval_anger", "eval_anger.py")


@pytest.fixture(scope="module")
def ev(ea):
    showwarning = warnings.showwarning  # eval_nlu (imported by eval.py) silences warnings process-wide
    try:
        return _load("calmdesk_eval_script", "eval.py")
    finally:
        warnings.showwarning = showwarning


@pytest.fixture(scope="module")
def er(ea):
    return _load("eval_real", "eval_real.py")


# --- synthetic data -------------------------------------------------------------------------

TEMPLATES = {
    "calm": "Hello, could you check order {n} for me please?",
    "frustrated": "Still waiting on order {n}, getting a bit annoying",
    "angry": "THIS IS RIDICULOUS, ORDER {n} IS LOST AGAIN!!!",
    "abusive": "you useless idiots lost order {n}, you clowns",
}


def synthetic_examples(per_level: int = 10) -> list[tuple[str, str]]:
    return [(template.format(n=1000 + 17 * i), level) for level, template in TEMPLATES.items()
            for i in range(per_level)]


@pytest.fixture
def anger_files(tmp_path):
    examples = write_jsonl(tmp_path / "examples.jsonl", [{"text": t, "level": lv} for t, lv in synthetic_examples()])
    goemotions = write_jsonl(tmp_path / "goemotions.jsonl", [
        {"text": "This referee is an absolute disgrace, I'm furious", "angry": True, "labels": ["anger"]},
        {"text": "ugh, my neighbour's dog again", "angry": True, "labels": ["annoyance"]},
        {"text": "What a lovely goal, well played", "angry": False, "labels": ["admiration"]},
        {"text": "I think [NAME] moved to Boston last year.", "angry": False, "labels": ["neutral"]},
    ])
    return examples, goemotions


CHATTER = [  # stands in for the GoEmotions train split (made up, not its text)
    {"text": "my cat sleeps on the keyboard all day", "labels": ["amusement"]},
    {"text": "what a lovely sunny morning for a walk", "labels": ["joy"]},
    {"text": "ugh, the bus was late again this morning", "labels": ["annoyance"]},
    {"text": "that referee should never work again, a disgrace", "labels": ["anger"]},
    {"text": "This referee is an absolute disgrace, I'm furious", "labels": ["anger"]},  # a dev text: dropped
    {"text": "my cat knocked the plant over again, ugh", "labels": ["annoyance"]},
]


@pytest.fixture
def chatter_file(ea, tmp_path, monkeypatch):
    monkeypatch.setattr(ea, "evaluation_texts", set)  # no test reads ../shared/benchmarks
    return write_jsonl(tmp_path / "chatter.jsonl", CHATTER * 2)


def from_confusion(matrix: list[list[int]], labels) -> tuple[list[str], list[str]]:
    truth, pred = [], []
    for t, row in zip(labels, matrix):
        for p, count in zip(labels, row):
            truth += [t] * count
            pred += [p] * count
    return truth, pred


# --- metrics --------------------------------------------------------------------------------

KNOWN = [  # rows = truth calm, frustrated, angry, abusive; columns = predicted, same order
    [5, 1, 0, 0],
    [1, 3, 1, 0],
    [0, 1, 4, 1],
    [0, 0, 2, 2],
]


def test_level_metrics_match_a_confusion_worked_out_by_hand(ea):
    truth, pred = from_confusion(KNOWN, ANGER_LEVELS)
    m = ea.level_metrics(truth, pred)

    assert m["confusion"] == KNOWN
    assert m["n"] == 21
    assert m["exact"] == pytest.approx(14 / 21, abs=1e-4)
    # F1 = 2tp / (2tp + fp + fn), per level
    expected = {"calm": (5, 1, 1), "frustrated": (3, 2, 2), "angry": (4, 3, 2), "abusive": (2, 1, 2)}
    for level, (tp, fp, fn) in expected.items():
        got = m["per_level"][level]
        assert got["precision"] == pytest.approx(tp / (tp + fp), abs=1e-4), level
        assert got["recall"] == pytest.approx(tp / (tp + fn), abs=1e-4), level
        assert got["f1"] == pytest.approx(2 * tp / (2 * tp + fp + fn), abs=1e-4), level
        assert got["support"] == tp + fn
    assert m["macro_f1"] == pytest.approx((5 / 6 + 0.6 + 8 / 13 + 4 / 7) / 4, abs=1e-4)
    low, high = m["exact_95ci"]
    assert low < m["exact"] < high

    # angry = angry or abusive: 9 angry read as angry, 1 read frustrated, 1 frustrated read angry
    angry = m["angry"]
    assert angry["confusion"] == [[10, 1], [1, 9]]
    assert angry["labels"] == ["not angry", "angry"]
    assert (angry["precision"], angry["recall"], angry["f1"]) == pytest.approx((0.9, 0.9, 0.9), abs=1e-4)

    # any anger = every level above calm: one calm read frustrated, one frustrated read calm
    any_anger = m["any_anger"]
    assert any_anger["confusion"] == [[5, 1], [1, 14]]
    assert any_anger["f1"] == pytest.approx(14 / 15, abs=1e-4)


def test_binary_metrics_counts_and_empty_cases(ea):
    truth = [True, True, True, False, False, False, False]
    pred = [True, False, False, True, False, False, False]
    m = ea.binary_metrics(truth, pred)
    assert m["confusion"] == [[3, 1], [2, 1]]  # [[TN, FP], [FN, TP]]
    assert (m["precision"], m["recall"]) == pytest.approx((0.5, 1 / 3), abs=1e-4)
    assert m["f1"] == pytest.approx(2 * 1 / (2 * 1 + 1 + 2), abs=1e-4)
    assert m["accuracy"] == pytest.approx(4 / 7, abs=1e-4)

    never = ea.binary_metrics([True, False], [False, False])
    assert (never["precision"], never["recall"], never["f1"]) == (0.0, 0.0, 0.0)
    with pytest.raises(ValueError):
        ea.binary_metrics([True], [True, False])


def test_confusion_matrix_rejects_labels_outside_it(ea):
    assert ea.confusion_matrix(["a", "b"], ["b", "c"], ["a", "b"], ["a", "b", "c"]) == [[0, 1, 0], [0, 0, 1]]
    with pytest.raises(ValueError):
        ea.confusion_matrix(["a"], ["z"], ["a", "b"])


# --- plots ----------------------------------------------------------------------------------


def test_plot_confusions_writes_a_valid_png(ea, tmp_path):
    import matplotlib.image

    path = ea.plot_confusions(
        [{"title": "square", "matrix": KNOWN, "rows": list(ANGER_LEVELS), "columns": list(ANGER_LEVELS)},
         {"title": "rows a subset", "matrix": [[1, 0, 2], [0, 3, 0]], "rows": ["a", "b"], "columns": ["a", "c", "b"]}],
        tmp_path / "sub" / "confusion.png", "a title")
    assert path == tmp_path / "sub" / "confusion.png"
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100


# --- the benchmark is never training data ---------------------------------------------------


def test_benchmark_rows_cannot_be_trained_on(ea, anger_files, monkeypatch):
    _, goemotions = anger_files
    rows = ea.load_goemotions(goemotions)
    assert isinstance(rows, ea.EvaluationOnly) and len(rows) == 4
    monkeypatch.setattr(ea.AngerModel, "train", classmethod(lambda cls, *a, **k: pytest.fail("trained")))
    with pytest.raises(ea.LeakageError):
        ea.train_model(rows, seed=0)


def test_training_stops_when_a_training_text_is_in_a_benchmark(ea, anger_files, monkeypatch):
    _, goemotions = anger_files
    rows = ea.load_goemotions(goemotions)
    # the same words, another case and punctuation: still the benchmark's text
    train = synthetic_examples(3) + [("this REFEREE is an absolute disgrace... i'm FURIOUS!!", "angry")]
    monkeypatch.setattr(ea.AngerModel, "train", classmethod(lambda cls, *a, **k: pytest.fail("trained")))
    with pytest.raises(ea.LeakageError, match=r"1 training text\(s\)"):
        ea.train_model(train, seed=0, benchmarks=[rows])


def test_training_files_under_the_benchmarks_folder_are_refused(ea, tmp_path):
    with pytest.raises(ea.LeakageError):
        ea.load_training_examples(ea.BENCHMARKS_DIR / "anger_goemotions_dev.jsonl")
    with pytest.raises(ea.LeakageError):
        ea.load_training_examples(ea.BENCHMARKS_DIR / "sub" / ".." / "copy.jsonl")
    assert not ea.is_benchmark_path(ea.BENCHMARKS_DIR.parent / "benchmarks_elsewhere" / "x.jsonl")
    assert ea.is_benchmark_path(ea.GOEMOTIONS)


def test_run_refuses_examples_that_overlap_the_benchmark(ea, anger_files, tmp_path):
    examples, _ = anger_files
    first_text = synthetic_examples()[0][0]
    leaky = write_jsonl(tmp_path / "leaky.jsonl", [{"text": first_text.upper(), "angry": False, "labels": []}])
    with pytest.raises(ea.LeakageError):
        ea.run(seed=1, examples_path=examples, goemotions_path=leaky, progress=False, real_support_texts=[])


def test_run_refuses_examples_that_are_labelled_real_support_messages(ea, anger_files):
    examples, goemotions = anger_files
    labelled = synthetic_examples()[5][0].lower() + "!!"  # same words as a training example
    with pytest.raises(ea.LeakageError, match="real_support_labels"):
        ea.run(seed=1, examples_path=examples, goemotions_path=goemotions, progress=False,
               real_support_texts=[labelled])


def test_load_goemotions_needs_boolean_labels(ea, tmp_path):
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"text": "hi", "angry": "yes"}])
    with pytest.raises(ValueError, match="boolean"):
        ea.load_goemotions(bad)


# --- the whole anger evaluation on a tiny split ---------------------------------------------


def test_the_composite_never_trains_on_a_benchmark_text(ea, anger_files, chatter_file, monkeypatch):
    _, goemotions = anger_files
    seen = {}
    monkeypatch.setattr(ea.CompositeAngerReader, "train",
                        classmethod(lambda cls, examples, chatter, ours, seed=0: seen.setdefault("rows", chatter)))
    ea.train_composite(synthetic_examples(3), 0, chatter_file, benchmarks=[ea.load_goemotions(goemotions)])
    texts = [t for t, _ in seen["rows"]]
    assert "This referee is an absolute disgrace, I'm furious" not in texts and len(set(texts)) == len(CHATTER) - 1


@pytest.fixture
def anger_report(ea, anger_files, chatter_file):
    examples, goemotions = anger_files
    stages = []
    report = ea.run(seed=3, examples_path=examples, goemotions_path=goemotions, stage=stages.append, progress=False,
                    real_support_texts=["my parcel never came and nobody answers"], goemotions_train=chatter_file)
    assert stages == list(ea.STAGES)
    return report


def test_run_on_a_tiny_split(ea, anger_report):
    r = anger_report
    assert r["split"]["train"] == 32 and r["split"]["test"] == 8
    assert r["split"]["test_per_level"] == {level: 2 for level in ANGER_LEVELS}
    assert set(r["held_out"]) == {ea.MODEL, ea.SUPPORT, ea.BASELINE} and r["model"]["name"] == ea.MODEL
    for name in (ea.MODEL, ea.SUPPORT, ea.BASELINE):
        held = r["held_out"][name]
        assert held["n"] == 8 and sum(map(sum, held["confusion"])) == 8
        assert sum(sum(row) for row in r["goemotions"]["scores"][name]["confusion"]) == 4
    assert r["held_out"][ea.MODEL]["exact"] >= 0.75  # the templates are easy to tell apart
    assert r["leakage"] == {"test_in_train": 0, "test_same_words_in_train": 0, "goemotions_in_examples": 0,
                            "real_support_in_examples": 0}
    diag = r["goemotions"]["diagnostics"][ea.MODEL]
    assert set(diag["recall_by_label"]) == {"anger", "annoyance"}
    text = ea.format_report(r)
    assert "level exact" in text and "GoEmotions angry/not f1" in text and ea.SUPPORT in text


def test_without_the_goemotions_train_split_the_support_reader_is_scored_alone(ea, anger_files, tmp_path):
    examples, goemotions = anger_files
    r = ea.run(seed=3, examples_path=examples, goemotions_path=goemotions, progress=False, real_support_texts=[],
               goemotions_train=tmp_path / "missing.jsonl")
    assert set(r["held_out"]) == {ea.MODEL, ea.BASELINE} and r["model"]["name"] == "AngerModel alone"


def test_plot_anger_writes_both_pngs(ea, anger_report, tmp_path):
    paths = ea.plot_anger(anger_report, tmp_path)
    assert {p.name for p in paths.values()} == {"confusion_anger_heldout.png", "confusion_anger_goemotions.png"}
    for path in paths.values():
        assert path.read_bytes()[:8] == PNG_SIGNATURE


# --- scripts/eval.py without Rasa -----------------------------------------------------------


def test_category_confusion_keeps_category_rows_and_a_no_category_column(ev):
    gold = ["billing_problem", "billing_problem", "refund_request", "greet"]
    pred = ["billing_problem", "nlu_fallback", "cancellation", "greet"]
    c = ev.category_confusion(gold, pred)
    assert c["rows"] == ["billing_problem", "refund_request"]  # greet is not a category
    assert c["columns"] == [x for x in CATEGORIES if x in ("billing_problem", "refund_request", "cancellation")] \
        + [ev.NOT_A_CATEGORY]
    col = c["columns"].index
    assert c["matrix"][0][col("billing_problem")] == 1 and c["matrix"][0][col(ev.NOT_A_CATEGORY)] == 1
    assert c["matrix"][1][col("cancellation")] == 1


def test_progress_agent_records_intents_in_order(ev):
    import eval_nlu

    class FakeAgent:
        async def parse_message(self, text):
            name = "greet" if text.startswith("hi") else "refund_request"
            return {"intent": {"name": name}, "intent_ranking": [{"name": name}]}

    agent = ev.ProgressAgent(FakeAgent(), total=3, desc="test", enabled=False)
    assert eval_nlu.predict(agent, ["hi", "money back", "hi there"]) == [
        ("greet", "greet"), ("refund_request", "refund_request"), ("greet", "greet")]
    assert agent.intents == ["greet", "refund_request", "greet"]
    agent.close()


def fake_nlu_report(ev) -> dict:
    import eval_nlu

    gold = ["billing_problem"] * 4 + ["refund_request"] * 4 + ["greet"] * 2
    pred = ["billing_problem"] * 3 + ["vent"] + ["refund_request"] * 4 + ["greet", "nlu_fallback"]
    cats = [i for i, g in enumerate(gold) if g in CATEGORIES]
    bench_gold, bench_pred = ["refund_request", "billing_problem"], ["refund_request", "nlu_fallback"]
    category_scores = eval_nlu.scores([gold[i] for i in cats], [eval_nlu.as_category(pred[i]) for i in cats],
                                      ["billing_problem", "refund_request"], unfallback=[gold[i] for i in cats])
    return {
        "rasa_version": "test", "config": "config.yml",
        "split": {"seed": 1, "test_frac": 0.2, "total": 50, "train": 40, "test": 10, "intents": 3,
                  "train_per_category": {"billing_problem": 16, "refund_request": 16}},
        "held_out": {"intents": eval_nlu.scores(gold, pred, sorted(set(gold)), unfallback=gold),
                     "categories": category_scores, "confusions": eval_nlu.top_confusions(gold, pred)},
        "benchmark": {"categories": eval_nlu.scores(bench_gold, [eval_nlu.as_category(p) for p in bench_pred],
                                                    ["billing_problem", "refund_request"], raw=bench_pred,
                                                    unfallback=bench_gold),
                      "confusions": eval_nlu.top_confusions(bench_gold, bench_pred),
                      "predicted_outside_categories": {"nlu_fallback": 1}},
        "leakage": {"test_in_train": 0, "benchmark_in_nlu_data": 0},
        "timing": {"train_seconds": 1.0, "total_seconds": 2.0},
    }, {"held_out": ev.category_confusion(gold, pred), "real_customers": ev.category_confusion(bench_gold, bench_pred)}


def fake_real_support(er) -> dict:
    truth = ["calm", "calm", "frustrated", "angry", "abusive"]
    pred = ["calm", "frustrated", "frustrated", "calm", "abusive"]
    gold, read = ["product_defect", "account_access", "other"], ["product_defect", er.FALLBACK, "other"]
    return {"n": 5, "complaints": 3, "anger": er.anger_scores(truth, pred),
            "categories": er.category_scores(gold, read), "top_intents_of_complaints": {"product_defect": 2}}


def test_report_targets_limits_markdown_and_plots(ev, ea, er, anger_report, tmp_path):
    nlu, confusions = fake_nlu_report(ev)
    nlu["real_support"] = fake_real_support(er)
    report = {"generated": "now", "seed": 1, "nlu": nlu, "category_confusion": confusions, "anger": anger_report}
    report["targets"] = ev.verdicts(report)
    results = {t["id"]: t for t in report["targets"]}
    # Angry or not is scored two ways on each set: strict (angry or abusive) and any anger (above calm);
    # five more on the labelled real support messages (tests/eval, docs/labelling.md).
    assert len(results) == 12
    assert results["anger_within_one_real_support"]["figure"] == 0.8  # calm for angry is two levels off
    assert results["fallback_rate_real_support"]["result"] == "MISS"  # one of three complaints
    assert {"angry_f1_goemotions", "any_anger_f1_goemotions", "angry_f1_heldout", "any_anger_f1_heldout"} <= set(results)
    for t in results.values():
        met = t["figure"] <= t["target"] if t["at_most"] else t["figure"] >= t["target"]
        assert t["result"] == ("PASS" if met else "MISS")
    assert results["category_macro_f1_real_customers"]["result"] == "MISS"  # one of two right
    report["limits"] = ev.limits(report, report["targets"])
    assert set(report["limits"]) == {k for k, t in results.items() if t["result"] == "MISS"}
    assert all(report["limits"].values())

    report["plots"] = ev.write_plots(report, confusions, tmp_path)
    assert sorted(report["plots"].values()) == sorted(ev.PLOT_FILES.values())
    for name in report["plots"].values():
        assert (tmp_path / name).read_bytes()[:8] == PNG_SIGNATURE
    report["timing"] = {"nlu_train_seconds": 1.0, "anger_seconds": 1.0, "total_seconds": 3.0}
    markdown = ev.render_markdown(report)
    assert "## Targets" in markdown and "MISS" in markdown
    assert "## What limits the missed targets" in markdown
    assert "## Labelled real support messages" in markdown and "≤ 3%" in markdown
    for name in ev.PLOT_FILES.values():
        assert f"({name})" in markdown
    json.dumps(report)  # eval.json must be plain JSON


def test_a_lower_is_better_target_passes_at_or_below_its_threshold(ev):
    report = {"nlu": {"real_support": {"categories": {"fallback_rate": 0.02, "accuracy": 0.9},
                                       "anger": {"exact": 0.8, "within_one": 0.99, "angry": {"f1": 0.95}}}}}
    results = {t["id"]: t for t in ev.verdicts(report)}
    assert results["fallback_rate_real_support"]["result"] == "PASS"
    assert results["category_accuracy_real_support"]["result"] == "MISS"
    assert ev.target_text(results["fallback_rate_real_support"]) == "<= 3%"
    report["nlu"]["real_support"]["categories"]["fallback_rate"] = 0.05
    assert {t["id"]: t for t in ev.verdicts(report)}["fallback_rate_real_support"]["result"] == "MISS"
