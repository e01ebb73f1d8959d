"""scripts/eval_real.py (the labelled real support messages) and the leakage guard, without Rasa.

The labels must follow the guide and hold no benchmark text; the scores count what the bot files; a
labelled message copied into data/nlu or data/anger stops training. No test reads ../shared/benchmarks.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from calmdesk.taxonomy import ANGER_LEVELS, CATEGORIES
from tests.eval_helpers import load_script, write_jsonl


# --- the labelled real support messages (scripts/eval_real.py) --------------------------------


@pytest.fixture(scope="module")
def er():
    load_script("eval_anger", "eval_anger.py")  # eval_real imports it lazily, by name
    return load_script("eval_real", "eval_real.py")


def real_files(tmp_path, labels: list[dict]):
    openers = write_jsonl(tmp_path / "openers.jsonl", [
        {"id": 0, "turns": ["the app crashes every time i save", "still broken"]},
        {"id": 1, "turns": ["how do i change my photo?"]},
    ])
    return write_jsonl(tmp_path / "labels.jsonl", labels), openers


@pytest.mark.parametrize("name", ["real_support_labels.jsonl", "real_support_labels_second.jsonl"])
def test_committed_labels_hold_no_benchmark_text_and_follow_the_guide(name):
    """The labels point at the benchmark by id and turn: its text is never copied into the repository."""
    path = Path(__file__).resolve().parent / "eval" / name
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    assert len(rows) >= 250
    assert len({(r["id"], r["turn"]) for r in rows}) == len(rows)
    for r in rows:
        assert set(r) == {"id", "turn", "complaint", "category", "anger", "wants_person"}
        assert r["anger"] in ANGER_LEVELS and r["category"] in CATEGORIES
        assert r["complaint"] or r["category"] == "other"  # docs/labelling.md: a non-complaint is `other`


def test_load_real_support_reads_the_text_by_id_and_turn(er, tmp_path):
    labels, openers = real_files(tmp_path, [
        {"id": 0, "turn": 1, "complaint": True, "category": "product_defect", "anger": "frustrated",
         "wants_person": False}])
    rows = er.load_real_support(labels, openers)
    assert isinstance(rows, er.EvaluationOnly) and rows[0]["text"] == "still broken"


@pytest.mark.parametrize("label, message", [
    ({"id": 0, "turn": 5}, "no turn 5"),
    ({"id": 9, "turn": 0}, "conversation 9"),
    ({"id": 0, "turn": 0, "anger": "livid"}, "anger must be"),
])
def test_load_real_support_rejects_labels_it_cannot_score(er, tmp_path, label, message):
    row = {"complaint": True, "category": "other", "anger": "calm", "wants_person": False, **label}
    labels, openers = real_files(tmp_path, [row])
    with pytest.raises(ValueError, match=message):
        er.load_real_support(labels, openers)


def test_within_one_level_counts_only_two_level_misses_as_far_off(er):
    truth = ["calm", "calm", "angry", "abusive", "frustrated"]
    pred = ["frustrated", "angry", "angry", "calm", "frustrated"]
    scores = er.anger_scores(truth, pred)
    assert scores["exact"] == 0.4 and scores["within_one"] == 0.6
    # angry or abusive vs calm or frustrated: 1 hit (angry), 1 false alarm (calm->angry), 1 miss (abusive->calm)
    assert scores["angry"]["f1"] == 0.5


def test_category_scores_count_a_missing_category_as_a_fallback_and_a_miss(er):
    gold = ["product_defect", "product_defect", "account_access", "other"]
    pred = ["product_defect", er.FALLBACK, "service_outage", "other"]
    scores = er.category_scores(gold, pred)
    assert scores["accuracy"] == 0.5 and scores["fallback_rate"] == 0.25
    assert scores["confusion"]["columns"][-1] == er.FALLBACK
    assert sum(map(sum, scores["confusion"]["matrix"])) == 4


def test_evaluate_reads_the_category_the_bot_files_and_keeps_text_out_of_the_report(er, monkeypatch):
    rows = [
        {"id": 0, "turn": 0, "complaint": True, "category": "product_defect", "anger": "frustrated",
         "text": "the app crashes every time i save"},
        {"id": 1, "turn": 0, "complaint": True, "category": "account_access", "anger": "calm",
         "text": "mystery text the model cannot place"},
        {"id": 2, "turn": 0, "complaint": False, "category": "other", "anger": "calm", "text": "how do i change my photo?"},
    ]

    class FakeAgent:
        async def parse_message(self, text):
            if "crashes" in text:  # a weak top intent keeps its category (signals.read)
                ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "product_defect", "confidence": 0.35}]
                return {"text": text, "intent": ranking[0], "intent_ranking": ranking,
                        "anger": {"level": "frustrated"}}
            ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "greet", "confidence": 0.2}]
            return {"text": text, "intent": ranking[0], "intent_ranking": ranking, "anger": {"level": "angry"}}

    monkeypatch.setattr(er, "check_no_leakage", lambda: None)
    report, misread = er.evaluate(FakeAgent(), rows)
    assert report["categories"]["n"] == 2 and report["categories"]["accuracy"] == 0.5
    assert report["categories"]["fallback_rate"] == 0.5
    assert report["anger"]["exact"] == pytest.approx(1 / 3, abs=1e-3)
    assert {m["id"] for m in misread} == {1, 2}
    assert "mystery" not in json.dumps(report) and "crashes" not in json.dumps(report)


# --- leakage: evaluation text is never training data (calmdesk/understanding/leakage.py) ----------


@pytest.fixture
def leakage_dirs(tmp_path, monkeypatch):
    from calmdesk.understanding import leakage

    nlu, anger = tmp_path / "nlu", tmp_path / "anger"
    nlu.mkdir(), anger.mkdir()
    (nlu / "complaints.yml").write_text('version: "3.1"\nnlu:\n- intent: other\n  examples: |\n'
                                        "    - something went wrong\n")
    write_jsonl(anger / "examples.jsonl", [{"text": "fine thanks", "level": "calm"}])
    labels, openers = real_files(tmp_path, [
        {"id": 0, "turn": 0, "complaint": True, "category": "product_defect", "anger": "calm", "wants_person": False}])
    for name, value in (("DATA_NLU", nlu), ("DATA_ANGER", anger), ("REAL_LABELS", labels), ("REAL_OPENERS", openers),
                        ("GOEMOTIONS_TRAIN", tmp_path / "none.jsonl"),
                        ("EVALUATION_FILES", (tmp_path / "none.jsonl", tmp_path / "none.jsonl"))):
        monkeypatch.setattr(leakage, name, value)
    return leakage, nlu, anger


def test_no_leakage_when_the_labelled_text_is_only_in_the_benchmark(leakage_dirs):
    leakage, _, _ = leakage_dirs
    leakage.check_no_leakage()


@pytest.mark.parametrize("where", ["nlu", "anger"])
def test_a_labelled_message_copied_into_training_data_is_refused(leakage_dirs, where):
    leakage, nlu, anger = leakage_dirs
    if where == "nlu":
        with open(nlu / "complaints.yml", "a") as f:
            f.write("    - The app CRASHES every time I save!\n")  # case and punctuation do not hide it
    else:
        write_jsonl(anger / "more.jsonl", [{"text": "oh and the app crashes every time i save, again", "level": "angry"}])
    with pytest.raises(leakage.LeakageError, match="real_support_labels"):
        leakage.check_no_leakage()


def test_training_refuses_to_start_when_evaluation_text_is_in_the_data(leakage_dirs, monkeypatch, tmp_path):
    import calmdesk.operations.training as training

    leakage, nlu, _ = leakage_dirs
    with open(nlu / "complaints.yml", "a") as f:
        f.write("    - the app crashes every time i save\n")
    monkeypatch.setattr(training.subprocess, "run", lambda *a, **k: pytest.fail("rasa train was started"))
    with pytest.raises(leakage.LeakageError):
        training.ensure_model(force=True, models_dir=tmp_path)


def test_agreement_compares_two_annotators_and_scores_us_where_they_agree(er):
    first = [{"id": 0, "turn": 0, "complaint": True, "category": "account_access", "anger": "calm"},
             {"id": 1, "turn": 0, "complaint": True, "category": "product_defect", "anger": "angry"},
             {"id": 2, "turn": 0, "complaint": True, "category": "other", "anger": "frustrated"},
             {"id": 3, "turn": 0, "complaint": False, "category": "other", "anger": "calm"}]
    second = [{**first[0]}, {**first[1], "anger": "frustrated"}, {**first[2], "category": "service_outage"},
              {**first[3], "complaint": True, "category": "billing_problem"}]
    ours = ["account_access", "service_outage", "other", "other"]
    agreed = er.agreement(first, second, ours)
    assert agreed["n"] == 4 and agreed["complaint"] == 0.75
    assert agreed["both_complaints"] == 3 and agreed["category"] == round(2 / 3, 4)
    assert agreed["agreed_complaints"] == 2 and agreed["ours_on_agreed"] == 0.5  # right on 0, wrong on 1
    assert agreed["anger_exact"] == 0.75 and agreed["anger_within_one"] == 1.0
    # kappa: 2/3 observed against 2/9 by chance (account_access 1x1 + product_defect 1x1 over 3x3)
    assert agreed["category_kappa"] == round((2 / 3 - 2 / 9) / (1 - 2 / 9), 4)
    assert er.agreement(first, [], ours) == {}
