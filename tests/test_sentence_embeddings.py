"""The MiniLM sentence encoder (calmdesk/understanding/minilm.py) and its Rasa featurizer.

These run the real packaged weights: the encoder is only useful if paraphrases
come out close and unrelated messages far apart, so that is what is asserted.
"""
from __future__ import annotations

import numpy as np
import pytest

from calmdesk.understanding.minilm import DIM, shared_model


@pytest.fixture(scope="module")
def model():
    return shared_model()


def test_the_tokenizer_splits_like_bert_uncased(model):
    vocab = model.tokenizer.vocab
    ids = model.tokenizer.encode("I can't LOG in!")
    inverse = {i: t for t, i in vocab.items()}
    assert [inverse[i] for i in ids] == ["[CLS]", "i", "can", "'", "t", "log", "in", "!", "[SEP]"]
    # Accents are stripped and unknown words fall back to word pieces, not [UNK].
    pieces = [inverse[i] for i in model.tokenizer.encode("Café unboxing")]
    assert pieces[1] == "cafe" and "[UNK]" not in pieces and any(p.startswith("##") for p in pieces)


def test_long_messages_are_cut_not_refused(model):
    ids = model.tokenizer.encode("refund " * 1000)
    assert len(ids) == 128 and ids[-1] == model.tokenizer.sep


def test_vectors_are_unit_length_and_in_input_order(model):
    texts = ["hi", "my parcel never arrived and the tracking has not moved for a week", ""]
    vectors = model.encode(texts)
    assert vectors.shape == (3, DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    # Order survives the length-sorted batching: encoding one at a time gives the same rows.
    for text, row in zip(texts, vectors):
        assert np.allclose(model.encode([text])[0], row, atol=1e-4)


def test_paraphrases_are_closer_than_unrelated_requests(model):
    a, b, c, d = model.encode([
        "I forgot my password and can't get into my account",
        "locked out, the login keeps rejecting me",
        "my card payment was declined at the checkout",
        "what time does the football start tonight",
    ])
    assert a @ b > 0.4
    assert a @ b > a @ c + 0.15
    assert a @ b > a @ d + 0.3


def test_the_featurizer_adds_one_sentence_vector_per_message(model):
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from components.sentence_embeddings import SentenceEmbeddingFeaturizer

    featurizer = SentenceEmbeddingFeaturizer.create(
        SentenceEmbeddingFeaturizer.get_default_config(), LocalModelStorage.__new__(LocalModelStorage),
        Resource("minilm"), ExecutionContext(graph_schema=None, node_name="minilm"))
    messages = [Message(data={"text": "where is my refund"}), Message(data={"intent": "greet"})]
    featurizer.process_training_data(TrainingData(training_examples=messages))
    sequence, sentence = messages[0].get_dense_features("text")
    assert sequence is None
    assert sentence.features.shape == (1, DIM)
    assert np.allclose(sentence.features[0], model.encode(["where is my refund"])[0], atol=1e-5)
    assert messages[1].get_dense_features("text") == (None, None)  # no text, nothing added


def test_a_live_parse_gives_the_same_vector_for_a_repeated_text_and_nobody_can_change_it(model):
    """Live parses remember recent texts' vectors (the encoder is most of a turn's CPU); they must be exact."""
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message

    from components.sentence_embeddings import SentenceEmbeddingFeaturizer

    featurizer = SentenceEmbeddingFeaturizer.create(
        SentenceEmbeddingFeaturizer.get_default_config(), LocalModelStorage.__new__(LocalModelStorage),
        Resource("minilm"), ExecutionContext(graph_schema=None, node_name="minilm"))
    texts = ["no, that's all", "my parcel never came", "no, that's all", "no, that's not all"]
    messages = [Message(data={"text": text}) for text in texts]
    for message in messages:
        featurizer.process([message])
    vectors = [m.get_dense_features("text")[1].features[0] for m in messages]
    fresh = model.encode(texts)
    for vector, expected in zip(vectors, fresh):
        assert np.allclose(vector, expected, atol=1e-6)
    assert np.array_equal(vectors[0], vectors[2]), "the same text, the same vector"
    assert not np.array_equal(vectors[0], vectors[3]), "another text is encoded on its own"

    vectors[0][:] = 0.0  # a component changing its message's features ...
    again = Message(data={"text": "no, that's all"})
    featurizer.process([again])
    assert np.allclose(again.get_dense_features("text")[1].features[0], fresh[0], atol=1e-6), (
        "... does not change what the next parse of the same text gets")


def test_onnx_runtime_runs_the_encoder_and_gives_the_numpy_vectors():
    """The fast pass (calmdesk/understanding/minilm_onnx.py) is installed, used, and changes no vector by more than 1e-4."""
    from calmdesk.understanding.minilm import MiniLM

    fast, reference = MiniLM.load(), MiniLM.load(runtime=False)
    assert fast._runtime_pass() is not None, "onnxruntime and onnx come from the lock file"
    texts = ["My TV arrived with a CRACKED SCREEN and nobody cares!!! Order 1234567", "no", "",
             "refund " * 300, "ça ne marche pas 🙃 — ¿por qué?", "this is ridiculous, I've been waiting for WEEKS"]
    for batch_size in (1, 4):  # 4: padded batches, as training encodes
        assert np.abs(fast.encode(texts, batch_size=batch_size) - reference.encode(texts)).max() < 1e-4
