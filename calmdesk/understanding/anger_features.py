"""The anger model's features: what a message becomes before the classifier reads it.

Split from :mod:`calmdesk.understanding.anger_model` (which explains the choice of
features and keeps the model) so that each file holds one idea: here, a message
becomes TF-IDF word and character n-grams, the spaCy cues and rule-based
reading as dense features, and its all-MiniLM-L6-v2 sentence vector; the
``_Featurizer`` fitted on the training messages turns them into one sparse row.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from calmdesk.understanding.anger import read_anger
from calmdesk.understanding.cues import _PLACEHOLDER, CueReading
from calmdesk.understanding.minilm import DIM as SENTENCE_DIM
from calmdesk.understanding.minilm import encode_cached, shared_model

# --- n-grams and cues -----------------------------------------------------------------------------

_BLOCKS = ("w", "c")  # TF-IDF blocks: words (uni+bigrams), characters (3-5-grams)


def _ngram_features(reading: CueReading) -> dict[str, Counter]:
    toks = list(reading.tokens)
    words: Counter = Counter()
    for i, t in enumerate(toks):
        words[f"w:{t}"] += 1
        if i + 1 < len(toks):
            words[f"w:{t} {toks[i + 1]}"] += 1
    chars: Counter = Counter()
    for t in toks:
        if t.startswith("NEG_"):
            continue
        padded = f" {t} "
        for n in (3, 4, 5):
            if len(padded) < n:
                continue
            for k in range(len(padded) - n + 1):
                chars[f"c:{padded[k:k + n]}"] += 1
    return {"w": words, "c": chars}


def _dense_features(text: str, reading: CueReading) -> dict[str, float]:
    feats = {f"cue:{k}": float(v) for k, v in reading.cues.items()}
    rule = read_anger(_PLACEHOLDER.sub(" ", text))
    feats["rule:score"] = rule.score
    for cue in rule.cues:
        feats[f"rule:{cue}"] = 1.0
    feats[f"rule:level={rule.level}"] = 1.0
    return feats


# One message's features: the TF-IDF blocks (raw counts) and the dense cue features.
_Message = tuple[dict[str, Counter], dict[str, float]]


def _message(text: str, reading: CueReading) -> _Message:
    return _ngram_features(reading), _dense_features(text, reading)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class _Featurizer:
    vocabulary: dict[str, int]
    idf: np.ndarray  # one per vocabulary entry; 1.0 for dense features
    dense_scale: float
    sentence_scale: float = 0.0  # 0: no sentence vector columns (a format-1 model)

    @classmethod
    def fit(cls, messages: Sequence[_Message], min_df: int, dense_scale: float,
            sentence_scale: float = 0.0) -> "_Featurizer":
        df: Counter = Counter()
        dense_names: set[str] = set()
        for blocks, dense in messages:
            for block in blocks.values():
                df.update(block.keys())
            dense_names.update(dense.keys())
        kept = sorted(f for f, c in df.items() if c >= min_df)
        names = kept + sorted(dense_names)
        n_docs = len(messages)
        idf = np.array(
            [math.log((1 + n_docs) / (1 + df[f])) + 1.0 for f in kept] + [1.0] * len(dense_names), dtype=np.float64
        )
        return cls({name: i for i, name in enumerate(names)}, idf, dense_scale, sentence_scale)

    @property
    def width(self) -> int:
        return len(self.vocabulary) + (SENTENCE_DIM if self.sentence_scale else 0)

    def transform(self, messages: Sequence[_Message], vectors: np.ndarray | None = None):
        """The feature matrix; ``vectors`` holds the messages' sentence vectors when the model uses them."""
        from scipy.sparse import csr_matrix, hstack

        rows, cols, vals = [], [], []
        for r, (blocks, dense) in enumerate(messages):
            for block in blocks.values():
                entries = [(self.vocabulary[f], (1.0 + math.log(c))) for f, c in block.items() if f in self.vocabulary]
                entries = [(j, tf * self.idf[j]) for j, tf in entries]
                norm = math.sqrt(sum(v * v for _, v in entries)) or 1.0
                for j, v in entries:
                    rows.append(r)
                    cols.append(j)
                    vals.append(v / norm)
            for f, v in dense.items():
                j = self.vocabulary.get(f)
                if j is not None and v:
                    rows.append(r)
                    cols.append(j)
                    vals.append(v * self.dense_scale)
        X = csr_matrix((vals, (rows, cols)), shape=(len(messages), len(self.vocabulary)), dtype=np.float64)
        if not self.sentence_scale:
            return X
        if vectors is None or vectors.shape != (len(messages), SENTENCE_DIM):
            raise ValueError(f"need one {SENTENCE_DIM}-wide sentence vector per message")
        dense = csr_matrix(np.asarray(vectors, dtype=np.float64) * self.sentence_scale)
        return hstack([X, dense], format="csr")


# Sentence vectors of texts seen in training, so a process that trains several
# models on the same examples (the tests, the evaluation) encodes each text once.
_TRAINING_VECTORS: dict[str, np.ndarray] = {}


def sentence_vectors(texts: Sequence[str], remember: bool = False) -> np.ndarray:
    """(n, 384) unit vectors from all-MiniLM-L6-v2; ``remember`` keeps them for later calls."""
    missing = sorted({t for t in texts if t not in _TRAINING_VECTORS})
    encode = encode_cached if remember else shared_model().encode  # training texts: the disk cache too
    fresh = dict(zip(missing, encode(missing))) if missing else {}
    if remember:
        _TRAINING_VECTORS.update(fresh)
    if not texts:
        return np.zeros((0, SENTENCE_DIM), dtype=np.float32)
    return np.stack([_TRAINING_VECTORS.get(t, fresh.get(t)) for t in texts])
