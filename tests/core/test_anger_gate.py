"""The composite anger reader: the gate sends only text unlike ours to the chatter reader.

Small synthetic data and made-up sentence vectors (no encoder), so these run in seconds;
the real figures are in ``make eval``.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

import calmdesk.understanding.anger_gate as anger_gate
from calmdesk.understanding.anger_gate import CompositeAngerReader, combine, hybrid, load_reader
from calmdesk.understanding.anger_model import AngerModel
from calmdesk.understanding.goemotions import goemotions_level, load_goemotions_training
from calmdesk.understanding.leakage import BENCHMARKS, LeakageError
from calmdesk.understanding.minilm import DIM


def test_the_chatter_reader_says_whether_and_the_support_reader_how_much():
    support = np.array([[0.5, 0.1, 0.3, 0.1], [0.7, 0.2, 0.1, 0.0]])
    chatter = np.array([[0.2, 0.6, 0.2, 0.0], [0.9, 0.05, 0.05, 0.0]])
    out = hybrid(support, chatter)
    assert np.allclose(out[0], [0.0, 0.2, 0.6, 0.2])  # upset: the support reader's levels, calm removed
    assert np.allclose(out[1], [1.0, 0.0, 0.0, 0.0])  # the chatter reader says calm: calm


def test_the_gate_keeps_our_text_with_the_support_reader_from_the_threshold_up():
    support = np.array([[0.6, 0.3, 0.1, 0.0]] * 3)
    chatter = np.array([[0.1, 0.8, 0.1, 0.0]] * 3)
    out = combine(support, chatter, np.array([0.5, 0.9, 0.49]))
    assert np.allclose(out[0], support[0]) and np.allclose(out[1], support[1])
    assert np.allclose(out[2], [0.0, 0.75, 0.25, 0.0])


# --- a tiny composite, trained on made-up vectors ---------------------------------------------------

OURS = {"calm": ["where is my parcel please", "can you check my order", "my card was charged twice, can you look"],
        "frustrated": ["still waiting for my parcel, annoying", "second time i ask about my order, ugh",
                       "not happy, my card was charged twice"],
        "angry": ["this is ridiculous, where is my PARCEL", "absolutely furious about my order",
                  "disgraceful, charged twice AGAIN"],
        "abusive": ["you useless idiots, where is my parcel", "your staff are clowns", "shut up you stupid bot"]}
CHATTER = [("what a goal, great game tonight", "calm"), ("my cat sleeps all day", "calm"),
           ("the game tonight was so boring, ugh", "frustrated"), ("that ref is blind and a disgrace", "angry"),
           ("my cat knocked my coffee over, annoying", "frustrated"), ("great game, loved the goal", "calm")]


def fake_vector(text: str) -> np.ndarray:
    """Our support words point one way, chatter words another: enough for the gate to learn."""
    v = np.zeros(DIM, dtype=np.float32)
    v[0] = 1.0 if any(w in text for w in ("parcel", "order", "card", "bot", "staff")) else -1.0
    v[1 + len(text) % 50] = 0.5
    return v / np.linalg.norm(v)


@pytest.fixture(scope="module")
def composite() -> CompositeAngerReader:
    examples = [(t, level) for level, texts in OURS.items() for t in texts] * 2
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(anger_gate, "encode_cached", lambda texts: np.stack([fake_vector(t) for t in texts]))
        return CompositeAngerReader.train(examples, CHATTER * 2, ["i want a refund", "where is my order"])


def test_our_text_passes_the_gate_and_chatter_does_not(composite):
    from calmdesk.understanding.anger_features import _message
    from calmdesk.understanding.cues import cue_reader

    texts = ["where is my parcel", "what a boring game"]
    p = composite.gate.probability([_message(t, cue_reader().read(t)) for t in texts],
                                   np.stack([fake_vector(t) for t in texts]))
    assert p[0] >= anger_gate.THRESHOLD > p[1]


def test_save_and_load_give_the_same_readings(composite, tmp_path):
    composite.save(tmp_path / "anger")
    loaded = load_reader(tmp_path / "anger")
    assert isinstance(loaded, CompositeAngerReader) and loaded.info == composite.info
    for text in ["where is my parcel please", "you useless idiots", "that ref is blind", "my cat sleeps", ""]:
        v = fake_vector(text)
        assert loaded.predict(text, v) == composite.predict(text, v)
    assert np.allclose(loaded.level_probabilities(["my cat sleeps"], fake_vector("my cat sleeps")[None]),
                       composite.level_probabilities(["my cat sleeps"], fake_vector("my cat sleeps")[None]))


def test_a_saved_support_reader_alone_still_loads(composite, tmp_path):
    composite.support.save(tmp_path / "alone")
    assert isinstance(load_reader(tmp_path / "alone"), AngerModel)


# --- the GoEmotions rows it may train on ---------------------------------------------------------


def test_goemotions_labels_map_to_our_levels():
    assert goemotions_level(["annoyance"]) == "frustrated"
    assert goemotions_level(["disgust", "annoyance"]) == goemotions_level(["anger"]) == "angry"
    assert goemotions_level(["joy"]) == goemotions_level([]) == "calm"


def test_rows_that_are_evaluation_text_are_dropped(tmp_path):
    rows = [{"text": "That REF is blind!!", "labels": ["anger"]}, {"text": "nice weather", "labels": ["joy"]},
            {"text": "ugh mondays", "labels": ["annoyance"]}, {"text": "nice weather", "labels": ["joy"]},
            {"text": "a quiet day", "labels": []}]
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    kept = load_goemotions_training(path, evaluation={"that ref is blind"})
    assert kept[0] == ("ugh mondays", "frustrated")  # the upset rows first
    assert sorted(kept[1:]) == [("a quiet day", "calm"), ("nice weather", "calm")]  # no repeat, no dev text
    assert load_goemotions_training(path, calm=1, evaluation=set())[:2] == [("That REF is blind!!", "angry"),
                                                                           ("ugh mondays", "frustrated")]


@pytest.mark.parametrize("name", ["anger_goemotions_dev.jsonl", "real_openers_dev.jsonl",
                                  "intents_real_customers.jsonl"])
def test_evaluation_files_are_refused_as_training_data(name):
    with pytest.raises(LeakageError):
        load_goemotions_training(BENCHMARKS / name)
