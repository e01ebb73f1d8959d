"""The anger detector's Rasa wrapper: retrains when its examples change, whatever config Rasa passes."""
from __future__ import annotations

import json

from components.anger import AngerDetector


def test_the_fingerprint_follows_the_examples_file_even_with_a_partial_config(tmp_path):
    examples = tmp_path / "examples.jsonl"
    examples.write_text('{"text": "hello", "level": "calm"}\n')
    first = AngerDetector.fingerprint_addon({"examples": str(examples)})
    examples.write_text('{"text": "hello", "level": "calm"}\n{"text": "WHY", "level": "angry"}\n')
    assert AngerDetector.fingerprint_addon({"examples": str(examples)}) != first
    # Rasa's cache check may pass a config without our key: the default file is used.
    assert AngerDetector.fingerprint_addon({}) is not None


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
    detector = AngerDetector.create({"examples": str(examples)}, storage, Resource("anger"), context)
    detector.train(TrainingData())
    featurizer = SentenceEmbeddingFeaturizer.create(SentenceEmbeddingFeaturizer.get_default_config(), storage,
                                                    Resource("minilm"), context)
    texts = ["you useless idiots", "thanks, that sorted it", "WHERE IS MY PARCEL?!"]
    expected = [detector._model.predict(t) for t in texts]

    messages = featurizer.process([Message(data={"text": t}) for t in texts])

    def encode_again(*args, **kwargs):
        raise AssertionError("the detector encoded a message the featurizer had already encoded")

    monkeypatch.setattr(calmdesk.understanding.anger_model, "sentence_vectors", encode_again)
    loaded = AngerDetector.load({"examples": str(examples)}, storage, Resource("anger"), context)
    for message, reading in zip(loaded.process(messages), expected):
        anger = message.get("anger")
        assert anger["level"] == reading.level and abs(anger["score"] - reading.score) < 0.01
        assert anger["cues"] == list(reading.cues)
