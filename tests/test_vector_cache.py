"""The disk cache of training sentence vectors (calmdesk.understanding.minilm.encode_cached).

It exists so a retrain from scratch does not re-encode ~4,000 examples; it must
give exactly the vectors the encoder gives, and never mix encoders.
"""
from __future__ import annotations

import numpy as np

import calmdesk.understanding.minilm as minilm


class CountingEncoder:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += list(texts)
        return np.stack([np.full(minilm.DIM, float(len(t)), dtype=np.float32) for t in texts])


def test_a_second_training_reads_the_vectors_from_disk(tmp_path):
    encoder = CountingEncoder()
    texts = ["my card was declined", "where is my parcel", "my card was declined"]
    first = minilm.encode_cached(texts, tmp_path, model=encoder)
    assert sorted(encoder.seen) == ["my card was declined", "where is my parcel"]  # each text once
    again = CountingEncoder()
    second = minilm.encode_cached(texts + ["a new one"], tmp_path, model=again)
    assert again.seen == ["a new one"]
    assert np.array_equal(first, second[:3]) and first[0][0] == len("my card was declined")


def test_a_damaged_cache_file_is_recomputed_not_trusted(tmp_path):
    minilm.encode_cached(["hello"], tmp_path, model=CountingEncoder())
    for shard in tmp_path.rglob("*.npz"):
        shard.write_bytes(b"not an npz file")
    encoder = CountingEncoder()
    assert minilm.encode_cached(["hello"], tmp_path, model=encoder)[0][0] == 5.0
    assert encoder.seen == ["hello"]


def test_another_encoder_never_reads_these_vectors(tmp_path, monkeypatch):
    minilm.encode_cached(["hello"], tmp_path, model=CountingEncoder())
    minilm.encoder_id.cache_clear()
    monkeypatch.setattr(minilm, "encoder_id", lambda: "another-model")
    encoder = CountingEncoder()
    minilm.encode_cached(["hello"], tmp_path, model=encoder)
    assert encoder.seen == ["hello"]


def test_the_cached_vectors_are_the_real_encoders(tmp_path):
    texts = ["my card payment bounced", "thanks, all sorted"]
    cached = minilm.encode_cached(texts, tmp_path)
    assert np.allclose(cached, minilm.shared_model().encode(texts), atol=1e-6)
    assert np.allclose(minilm.encode_cached(texts, tmp_path), cached)
