"""The trained anger reader: spaCy cues plus a classifier learnt from data/anger/examples.jsonl.

Trains on the project's own labelled messages (a few seconds), checks the
behaviour customers and staff notice, and measures a held-out 20% split. The
messages below are not in the training file (a test checks that), so they show
what the model learnt rather than what it memorised.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from calmdesk.understanding.anger import AngerReading
from calmdesk.understanding.anger_model import (
    CUE_NAMES,
    DEFAULT_EXAMPLES,
    AngerModel,
    evaluate,
    format_report,
    load_examples,
    stratified_split,
)
from calmdesk.taxonomy import ANGER_LEVELS, anger_rank

SEED = 0


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


@pytest.fixture(scope="module")
def examples() -> list[tuple[str, str]]:
    return load_examples(DEFAULT_EXAMPLES)


@pytest.fixture(scope="module")
def model(examples) -> AngerModel:
    return AngerModel.train(examples, seed=SEED)


@pytest.fixture(scope="module")
def split(examples):
    return stratified_split(examples, test_fraction=0.2, seed=SEED)


@pytest.fixture(scope="module")
def split_model(split) -> AngerModel:
    train, _ = split
    return AngerModel.train(train, seed=SEED)


# --- the labelled examples ----------------------------------------------------------------


def test_the_examples_file_has_enough_distinct_messages_of_every_level(examples):
    counts = Counter(level for _, level in examples)
    print("\nexamples per level:", dict(counts))
    for level in ANGER_LEVELS:
        assert counts[level] >= 250, (level, counts[level])
    keys = [_key(text) for text, _ in examples]
    duplicates = [k for k, n in Counter(keys).items() if n > 1]
    assert not duplicates, duplicates[:5]
    assert all(text.strip() for text, _ in examples)


def test_every_line_is_a_json_object_with_text_and_level():
    for number, line in enumerate(DEFAULT_EXAMPLES.read_text(encoding="utf-8").splitlines(), start=1):
        row = json.loads(line)
        assert set(row) == {"text", "level"}, number
        assert row["level"] in ANGER_LEVELS, number


def test_a_bad_level_in_the_training_data_is_refused():
    with pytest.raises(ValueError, match="unknown anger levels"):
        AngerModel.train([("hello", "calm"), ("grr", "livid")])


def test_a_model_of_two_levels_still_gives_probabilities_that_sum_to_one(examples):
    two = AngerModel.train([e for e in examples if e[1] in ("calm", "abusive")][::4], seed=SEED)
    assert two.classes == ("abusive", "calm")
    proba = two.probabilities(["thanks so much", "you useless idiots"])
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert [two.predict(t).level for t in ("thanks so much", "you useless idiots")] == ["calm", "abusive"]


# Every message the behaviour tests read, to check none of them is in the training file.
BEHAVIOUR_TEXTS: list[str] = []


def _texts(*texts: str) -> list[str]:
    BEHAVIOUR_TEXTS.extend(texts)
    return list(texts)


# --- behaviour ------------------------------------------------------------------------------

NEGATED_CALM = _texts(
    "I'm not angry, just checking on my refund for the blender.",
    "not annoyed at all, just want to know when the sofa ships",
    "I wouldn't say I'm upset, I just need the invoice resent.",
)


@pytest.mark.parametrize("text", NEGATED_CALM)
def test_denied_anger_reads_calm_and_names_the_negation(model, text):
    reading = model.predict(text)
    assert reading.level == "calm", reading
    assert "negation" in reading.cues


@pytest.mark.parametrize("text", _texts("I'm not happy at all with the replacement kettle.",
                                        "Not impressed with the new billing page."))
def test_negated_praise_reads_frustrated(model, text):
    reading = model.predict(text)
    assert reading.level == "frustrated", reading
    assert "negation" in reading.cues


def test_negation_lowers_the_score_of_the_same_words(model):
    denied, meant = model.predict(_texts("I'm not angry about the bill")[0]), model.predict(
        _texts("I'm angry about the bill")[0]
    )
    assert denied.score < meant.score
    assert anger_rank(denied.level) < anger_rank(meant.level)


@pytest.mark.parametrize(
    "text",
    _texts(
        "this is f***ing absurd, where is my laptop",
        "what the f**k happened to my parcel",
        "sh*t service from start to finish, refund me",
        "f*cking router dropped out again",
        "b*llsh*t, I never ordered that",
    ),
)
def test_masked_swearing_about_the_situation_is_angry(model, text):
    reading = model.predict(text)
    assert reading.level == "angry", reading
    assert {"swearing", "masked_swearing"} <= set(reading.cues)
    assert "insult" not in reading.cues


@pytest.mark.parametrize(
    "quiet, loud",
    [
        tuple(_texts("where is my washing machine", "WHERE IS MY WASHING MACHINE")),
        tuple(_texts("my broadband is still down", "MY BROADBAND IS STILL DOWN")),
        tuple(_texts("the refund never came", "THE REFUND NEVER CAME!!!")),
    ],
)
def test_shouting_raises_the_level_and_the_score(model, quiet, loud):
    before, after = model.predict(quiet), model.predict(loud)
    assert "shouting" in after.cues and "shouting" not in before.cues
    assert after.score > before.score
    assert anger_rank(after.level) > anger_rank(before.level)
    assert after.level in ("angry", "abusive")


@pytest.mark.parametrize("text", _texts("THANK YOU, THE PARCEL JUST ARRIVED!!!", "WE WON THE CUP FINAL!!!"))
def test_happy_capitals_are_not_anger(model, text):
    assert model.predict(text).level == "calm"


def test_a_repeated_problem_reads_more_upset_than_a_first_report(model):
    first = model.predict(_texts("My card payment was declined")[0])
    again = model.predict(_texts("My card payment was declined again, third time this week")[0])
    assert first.level == "calm"
    assert "repetition" in again.cues
    assert again.score > first.score


@pytest.mark.parametrize(
    "text",
    _texts(
        "I'll sue you if my deposit isn't back by Friday",
        "I know where your warehouse is, tell the driver to watch himself",
        "refund me or I'll come down to the branch and make you regret it",
        "you'll regret cancelling my account, mark my words",
    ),
)
def test_threats_are_abusive(model, text):
    reading = model.predict(text)
    assert reading.level == "abusive", reading
    assert "threat" in reading.cues


@pytest.mark.parametrize(
    "at_person, at_situation",
    [
        tuple(_texts("you are absolutely useless", "this router is absolutely useless")),
        tuple(_texts("f*** you and your refunds", "f*** this, my refund is late again")),
        tuple(_texts("your engineers are total idiots", "this billing system is a total joke")),
        tuple(_texts("stupid bot, put me through to someone", "stupid printer jammed again, where's my order")),
    ],
)
def test_insults_at_a_person_are_abusive_but_anger_at_the_situation_is_not(model, at_person, at_situation):
    person, situation = model.predict(at_person), model.predict(at_situation)
    assert person.level == "abusive", person
    assert "insult" in person.cues
    assert situation.level in ("frustrated", "angry"), situation
    assert "insult" not in situation.cues


@pytest.mark.parametrize(
    "text",
    _texts(
        "Hello, could you tell me when my new SIM will arrive?",
        "Thanks, the engineer fixed it this morning.",
        "I was charged twice for order 5528814, could you refund one please?",
        "that match last night was unreal, what a goal",
        "holy sh*t, the new phone is gorgeous",
    ),
)
def test_polite_neutral_and_happy_messages_stay_calm(model, text):
    reading = model.predict(text)
    assert reading.level == "calm", reading
    assert reading.score < 0.3


def test_the_behaviour_messages_are_not_in_the_training_data(examples):
    known = {_key(text) for text, _ in examples}
    assert BEHAVIOUR_TEXTS
    assert not [t for t in BEHAVIOUR_TEXTS if _key(t) in known]


# --- the reading itself ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", None])
def test_an_empty_message_is_calm_with_score_zero_and_no_cues(model, text):
    assert model.predict(text) == AngerReading("calm", 0.0, ())


def test_scores_are_between_zero_and_one_and_follow_the_levels(model):
    texts = ["hi", "still waiting on my refund", "this is f***ing ridiculous", "you useless idiots, I'll sue you"]
    readings = [model.predict(t) for t in texts]
    for r in readings:
        assert 0.0 <= r.score <= 1.0
        assert r.level in ANGER_LEVELS
        assert set(r.cues) <= set(CUE_NAMES)
    assert [r.level for r in readings] == ["calm", "frustrated", "angry", "abusive"]
    assert [r.score for r in readings] == sorted(r.score for r in readings)


def test_probabilities_sum_to_one_per_message(model):
    proba = model.probabilities(["hello", "wtf is this"])
    assert proba.shape == (2, len(ANGER_LEVELS))
    assert np.allclose(proba.sum(axis=1), 1.0)


# --- persistence and determinism ----------------------------------------------------------

PROBE = [
    "Hi, where is my order?",
    "I'm not angry, just confused",
    "My refund STILL hasn't arrived!!!",
    "this is sh*t",
    "you people are clowns",
    "I'll find you",
]


def test_save_and_load_give_identical_predictions(model, tmp_path):
    model.save(tmp_path / "anger")
    assert sorted(p.name for p in (tmp_path / "anger").iterdir()) == ["anger_model.json", "weights.npz"]
    with np.load(tmp_path / "anger" / "weights.npz", allow_pickle=False) as weights:  # no pickled objects
        assert set(weights.files) == {"idf", "coef", "intercept"}
    loaded = AngerModel.load(tmp_path / "anger")
    assert [loaded.predict(t) for t in PROBE] == [model.predict(t) for t in PROBE]
    assert np.array_equal(loaded.probabilities(PROBE), model.probabilities(PROBE))


def test_training_is_deterministic_for_a_seed(split, split_model):
    train, _ = split
    again = AngerModel.train(train, seed=SEED)
    assert np.array_equal(again.probabilities(PROBE), split_model.probabilities(PROBE))
    assert [again.predict(t) for t in PROBE] == [split_model.predict(t) for t in PROBE]


def test_training_reports_what_it_learnt_from(model, examples):
    # How long training takes is a benchmark figure (make bench), not asserted here.
    print(f"\ntraining on {sum(model.info['examples'].values())} messages took {model.info['training_seconds']}s "
          f"({model.info['of_which_encoding_seconds']}s of it encoding sentences)")
    assert sum(model.info["examples"].values()) == len(examples)
    assert model.info["sentence_scale"] > 0 and model.uses_sentence_vectors


# --- held-out figures -------------------------------------------------------------------------


def test_held_out_split_is_stratified_and_disjoint(split, examples):
    train, test = split
    assert len(train) + len(test) == len(examples)
    assert not {_key(t) for t, _ in train} & {_key(t) for t, _ in test}
    counts, total = Counter(level for _, level in test), Counter(level for _, level in examples)
    for level in ANGER_LEVELS:
        assert abs(counts[level] - 0.2 * total[level]) <= 1


def test_held_out_accuracy(split, split_model):
    _, test = split
    report = evaluate(split_model, test)
    print("\n" + format_report(report))
    # Floors well under the targets (exact 0.85, angry/not F1 0.90), which are reported, not asserted.
    assert report["exact"] >= 0.75
    assert report["angry_f1"] >= 0.85


# --- sentence vectors ---------------------------------------------------------------------


def test_a_vector_passed_in_gives_the_same_reading_as_one_computed_here(model):
    # The Rasa pipeline hands over the vector its featurizer already computed.
    from calmdesk.understanding.anger_model import sentence_vectors

    for text in PROBE:
        assert model.predict(text, sentence_vectors([text])[0]) == model.predict(text)


def test_a_model_without_sentence_vectors_still_trains_saves_and_loads(examples, tmp_path):
    plain = AngerModel.train(examples[::3], seed=SEED, sentence_scale=0.0)
    assert not plain.uses_sentence_vectors
    plain.save(tmp_path / "plain")
    loaded = AngerModel.load(tmp_path / "plain")
    assert not loaded.uses_sentence_vectors
    assert [loaded.predict(t) for t in PROBE] == [plain.predict(t) for t in PROBE]


def test_weights_that_do_not_match_the_features_are_refused_with_a_clear_error(model, tmp_path):
    model.save(tmp_path / "anger")
    meta_path = tmp_path / "anger" / "anger_model.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["sentence_scale"] = 0.0  # claims no sentence columns, but the weights have them
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValueError, match="weights do not match"):
        AngerModel.load(tmp_path / "anger")
