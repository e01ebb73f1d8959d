"""The anger detector's Rasa wrapper: retrains when its examples change, whatever config Rasa passes."""
from __future__ import annotations

import json
import logging

from components.anger import AngerDetector

# A few made-up Reddit-like comments standing in for the GoEmotions train split (never its text).
CHATTER = [{"text": t, "labels": labels} for t, labels in [
    ("what a game last night", ["joy"]), ("my dog ate my sandwich lol", ["amusement"]),
    ("mondays are the worst, ugh", ["annoyance"]), ("that referee should be banned", ["anger"]),
    ("pineapple on pizza is gross", ["disgust"]), ("new phone who dis", []),
]]


def _chatter_file(tmp_path):
    path = tmp_path / "chatter.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in CHATTER) + "\n")
    return path


def test_the_fingerprint_follows_the_examples_file_even_with_a_partial_config(tmp_path):
    examples = tmp_path / "examples.jsonl"
    examples.write_text('{"text": "hello", "level": "calm"}\n')
    first = AngerDetector.fingerprint_addon({"examples": str(examples)})
    examples.write_text('{"text": "hello", "level": "calm"}\n{"text": "WHY", "level": "angry"}\n')
    assert AngerDetector.fingerprint_addon({"examples": str(examples)}) != first
    # Rasa's cache check may pass a config without our key: the default file is used.
    assert AngerDetector.fingerprint_addon({}) is not None


def test_the_fingerprint_follows_the_goemotions_file(tmp_path):
    examples = tmp_path / "examples.jsonl"
    examples.write_text('{"text": "hello", "level": "calm"}\n')
    chatter = _chatter_file(tmp_path)
    first = AngerDetector.fingerprint_addon({"examples": str(examples), "goemotions": str(chatter)})
    chatter.write_text(chatter.read_text() + '{"text": "ok", "labels": []}\n')
    second = AngerDetector.fingerprint_addon({"examples": str(examples), "goemotions": str(chatter)})
    missing = AngerDetector.fingerprint_addon({"examples": str(examples), "goemotions": str(tmp_path / "none")})
    assert len({first, second, missing}) == 3


def test_the_detector_reads_each_message_once_reusing_the_featurizers_sentence_vector(tmp_path, monkeypatch):
    import calmdesk.understanding.anger_model
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from calmdesk.understanding.anger_model import load_examples
    from components.sentence_embeddings import SentenceEmbeddingFeaturizer

    examples = tmp_path / "examples.jsonl"
    examples.write_text("\n".join(json.dumps({"text": t, "level": lv}) for t, lv in load_examples()[::6]))
    (tmp_path / "storage").mkdir()
    storage, context = LocalModelStorage(tmp_path / "storage"), ExecutionContext(graph_schema=None, node_name="x")
    config = {"examples": str(examples), "goemotions": str(_chatter_file(tmp_path))}
    detector = AngerDetector.create(config, storage, Resource("anger"), context)
    detector.train(TrainingData([Message(data={"text": "where is my order", "intent": "delivery"})]))
    featurizer = SentenceEmbeddingFeaturizer.create(SentenceEmbeddingFeaturizer.get_default_config(), storage,
                                                    Resource("minilm"), context)
    texts = ["you useless idiots", "thanks, that sorted it", "WHERE IS MY PARCEL?!"]
    expected = [detector._model.predict(t) for t in texts]

    messages = featurizer.process([Message(data={"text": t}) for t in texts])

    def encode_again(*args, **kwargs):
        raise AssertionError("the detector encoded a message the featurizer had already encoded")

    monkeypatch.setattr(calmdesk.understanding.anger_model, "sentence_vectors", encode_again)
    loaded = AngerDetector.load(config, storage, Resource("anger"), context)
    assert type(loaded._model).__name__ == "CompositeAngerReader"
    for message, reading in zip(loaded.process(messages), expected):
        anger = message.get("anger")
        assert anger["level"] == reading.level and abs(anger["score"] - reading.score) < 0.01
        assert anger["cues"] == list(reading.cues)


def test_without_the_goemotions_file_the_support_reader_is_trained_alone_with_a_warning(tmp_path, caplog):
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from calmdesk.understanding.anger_model import AngerModel, load_examples

    examples = tmp_path / "examples.jsonl"
    examples.write_text("\n".join(json.dumps({"text": t, "level": lv}) for t, lv in load_examples()[::12]))
    (tmp_path / "storage").mkdir()
    storage, context = LocalModelStorage(tmp_path / "storage"), ExecutionContext(graph_schema=None, node_name="x")
    config = {"examples": str(examples), "goemotions": str(tmp_path / "not_here.jsonl")}
    detector = AngerDetector.create(config, storage, Resource("anger"), context)
    with caplog.at_level(logging.WARNING, logger="components.anger"):
        detector.train(TrainingData())
    assert isinstance(detector._model, AngerModel)
    assert any("not_here.jsonl" in r.getMessage() and "alone" in r.getMessage() for r in caplog.records)
    loaded = AngerDetector.load(config, storage, Resource("anger"), context)
    assert isinstance(loaded._model, AngerModel)
    assert loaded._model.predict("you useless idiots").level == detector._model.predict("you useless idiots").level
