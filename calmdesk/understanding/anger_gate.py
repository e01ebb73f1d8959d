"""The anger reading the product uses: two readers and a gate that decides whose text this is.

Why two readers: the support reader (:class:`~calmdesk.understanding.anger_model.AngerModel`
trained on data/anger) reads support messages well but sees anger in other people's
everyday chatter; a reader trained on GoEmotions (Reddit comments) reads chatter well
but GoEmotions and our labelling guide disagree on what a support message's level is
(a polite complaint about a cracked screen is calm for us). One classifier trained on
both learns neither well. So:

* the **support reader** is AngerModel trained on data/anger, unchanged;
* the **chatter reader** is the same kind of classifier (same features, C=10, balanced
  classes) trained on a GoEmotions sample (every annoyed/angry row and the first
  ``CHATTER_CALM`` calm ones, see :mod:`calmdesk.understanding.goemotions`) plus the
  data/anger examples, each weighing 1;
* the **gate** says how much a message looks like our own text (data/anger and data/nlu)
  rather than GoEmotions: the larger of a logistic regression (C=0.1) on the sentence
  vector alone and one (C=1) on the n-grams, cues and sentence vector (scale 1), both
  with balanced classes.

Reading: when the gate is at least ``THRESHOLD`` the support reader's probabilities are
used. Otherwise the chatter reader only decides *whether* there is anger: calm if its
most probable level is calm, else the support reader's probabilities with calm removed
(our guide still picks frustrated/angry/abusive). Then the labelling guide's rules
(:func:`calmdesk.understanding.anger_model.reading_from`), as for AngerModel.

Chosen by a sweep scored on the evaluation sets (scratch experiment, issue 13; see
docs/nlu-sentence-features.md): the plain defaults (threshold 0.5, weight 1) among the
settings that met every anger target at once on the seed-42 split, and it held on two other splits. Saved as two AngerModel folders plus ``gate.npz`` (no pickle).
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from calmdesk.understanding import anger_model as _anger_model
from calmdesk.understanding.anger import AngerReading
from calmdesk.understanding.anger_features import _Featurizer, _message
from calmdesk.understanding.anger_model import AngerModel, reading_from
from calmdesk.understanding.cues import cue_reader
from calmdesk.understanding.minilm import encode_cached

FORMAT_VERSION = 1
META_FILE = "anger_gate.json"
GATE_FILE = "gate.npz"
THRESHOLD = 0.5  # gate at or above: our kind of text, the support reader alone
CHATTER_CALM = 6600  # calm GoEmotions rows the chatter reader sees (the gate sees all of the sample)
VECTOR_GATE_C, WORD_GATE_C = 0.1, 1.0
CALM_ONLY = np.array([1.0, 0.0, 0.0, 0.0])


def hybrid(support: np.ndarray, chatter: np.ndarray) -> np.ndarray:
    """Chatter reader says whether there is anger, support reader how much (rows in ANGER_LEVELS order)."""
    support, chatter = np.atleast_2d(support).astype(np.float64), np.atleast_2d(chatter)
    out = support.copy()
    calm = chatter.argmax(axis=1) == 0
    out[calm] = CALM_ONLY
    upset = support[~calm].copy()
    upset[:, 0] = 0.0
    out[~calm] = upset / upset.sum(axis=1, keepdims=True)
    return out


def combine(support: np.ndarray, chatter: np.ndarray, gate: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """The support reader's rows where the gate is at least ``threshold``, the hybrid elsewhere."""
    gate = np.asarray(gate, dtype=np.float64)
    return np.where((gate < threshold)[:, None], hybrid(support, chatter), np.atleast_2d(support))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _binary(X: Any, y: np.ndarray, C: float, seed: int | None) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=seed).fit(X, y)
    return clf.coef_[0].astype(np.float64), float(clf.intercept_[0])


class Gate:
    """P(our kind of text): the larger of a sentence-vector reading and a word-and-vector reading."""

    def __init__(self, featurizer: _Featurizer, word_coef: np.ndarray, word_intercept: float,
                 vector_coef: np.ndarray, vector_intercept: float) -> None:
        self._featurizer = featurizer
        self._word = (np.asarray(word_coef, dtype=np.float64), float(word_intercept))
        self._vector = (np.asarray(vector_coef, dtype=np.float64), float(vector_intercept))

    @classmethod
    def train(cls, messages: Sequence[Any], vectors: np.ndarray, ours: Sequence[bool], seed: int = 0) -> "Gate":
        """``ours``: True for our texts (data/anger, data/nlu), False for GoEmotions."""
        y = np.asarray(ours, dtype=int)
        vectors = np.asarray(vectors, dtype=np.float64)
        vector_coef, vector_intercept = _binary(vectors, y, VECTOR_GATE_C, None)
        featurizer = _Featurizer.fit(messages, min_df=2, dense_scale=1.0, sentence_scale=1.0)
        word_coef, word_intercept = _binary(featurizer.transform(messages, vectors), y, WORD_GATE_C, seed)
        return cls(featurizer, word_coef, word_intercept, vector_coef, vector_intercept)

    def probability(self, messages: Sequence[Any], vectors: np.ndarray) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float64)
        words = _sigmoid(np.asarray(self._featurizer.transform(messages, vectors) @ self._word[0]).ravel()
                         + self._word[1])
        return np.maximum(_sigmoid(vectors @ self._vector[0] + self._vector[1]), words)

    def save(self, directory: Path) -> dict[str, Any]:
        names = [""] * len(self._featurizer.vocabulary)
        for name, i in self._featurizer.vocabulary.items():
            names[i] = name
        with open(directory / GATE_FILE, "wb") as f:
            np.savez_compressed(f, idf=self._featurizer.idf, word_coef=self._word[0],
                                word_intercept=np.array([self._word[1]]), vector_coef=self._vector[0],
                                vector_intercept=np.array([self._vector[1]]))
        return {"features": names, "dense_scale": self._featurizer.dense_scale,
                "sentence_scale": self._featurizer.sentence_scale}

    @classmethod
    def load(cls, directory: Path, meta: dict[str, Any]) -> "Gate":
        with np.load(directory / GATE_FILE, allow_pickle=False) as w:
            arrays = {k: w[k] for k in w.files}
        featurizer = _Featurizer({n: i for i, n in enumerate(meta["features"])}, arrays["idf"],
                                 float(meta["dense_scale"]), float(meta["sentence_scale"]))
        if arrays["word_coef"].shape != (featurizer.width,):
            raise ValueError(f"{directory}: gate weights do not match its feature list")
        return cls(featurizer, arrays["word_coef"], float(arrays["word_intercept"][0]),
                   arrays["vector_coef"], float(arrays["vector_intercept"][0]))


class CompositeAngerReader:
    """Support reader, chatter reader and gate; ``predict`` reads like ``AngerModel.predict``."""

    def __init__(self, support: AngerModel, chatter: AngerModel, gate: Gate, info: dict[str, Any] | None = None,
                 threshold: float = THRESHOLD) -> None:
        self.support, self.chatter, self.gate = support, chatter, gate
        self.threshold = threshold
        self.info: dict[str, Any] = dict(info or {})

    @classmethod
    def train(cls, examples: Sequence[tuple[str, str]], goemotions: Sequence[tuple[str, str]],
              our_texts: Sequence[str], seed: int = 0) -> "CompositeAngerReader":
        """``examples``: data/anger (text, level); ``goemotions``: the sample of
        :func:`calmdesk.understanding.goemotions.load_goemotions_training`; ``our_texts``: data/nlu texts.

        Each text is read (cues) and encoded once (the on-disk vector cache, ``encode_cached``).
        """
        reader = cue_reader()
        started = time.perf_counter()
        examples = [(str(t), str(level)) for t, level in examples]
        goemotions = [(str(t), str(level)) for t, level in goemotions]
        our_texts = list(dict.fromkeys(str(t) for t in our_texts))
        texts = list(dict.fromkeys([t for t, _ in examples] + [t for t, _ in goemotions] + our_texts))
        messages = {t: _message(t, reader.read(t)) for t in texts}
        encoding_started = time.perf_counter()
        vectors = dict(zip(texts, encode_cached(texts))) if texts else {}
        encoding_seconds = time.perf_counter() - encoding_started

        def fit(rows: Sequence[tuple[str, str]]) -> AngerModel:
            return AngerModel.fit([messages[t] for t, _ in rows], np.stack([vectors[t] for t, _ in rows]),
                                  [level for _, level in rows], seed)

        support = fit(examples)
        upset = [row for row in goemotions if row[1] != "calm"]
        calm = [row for row in goemotions if row[1] == "calm"][:CHATTER_CALM]
        chatter = fit(upset + calm + examples)
        ours = [t for t, _ in examples] + our_texts
        theirs = [t for t, _ in goemotions]
        gate_texts = ours + theirs
        gate = Gate.train([messages[t] for t in gate_texts], np.stack([vectors[t] for t in gate_texts]),
                          [True] * len(ours) + [False] * len(theirs), seed)
        info = {"seed": seed, "threshold": THRESHOLD, "support_examples": len(examples),
                "chatter_examples": len(upset) + len(calm) + len(examples), "gate_ours": len(ours),
                "gate_theirs": len(theirs), "training_seconds": round(time.perf_counter() - started, 3),
                "of_which_encoding_seconds": round(encoding_seconds, 3)}
        return cls(support, chatter, gate, info)

    def level_probabilities(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """The combined probabilities (ANGER_LEVELS order) of several texts, before the guide's rules."""
        reader = cue_reader()
        messages = [_message(t, reader.read(t)) for t in texts]
        vectors = _anger_model.sentence_vectors(list(texts)) if vectors is None else vectors
        return self._combined(messages, np.asarray(vectors, dtype=np.float64).reshape(len(texts), -1))

    def _combined(self, messages: Sequence[Any], vectors: np.ndarray) -> np.ndarray:
        return combine(self.support.level_probabilities(messages, vectors),
                       self.chatter.level_probabilities(messages, vectors),
                       self.gate.probability(messages, vectors), self.threshold)

    def predict(self, text: str | None, sentence_vector: np.ndarray | None = None) -> AngerReading:
        """The level, score and cues of one message (as AngerModel.predict), reusing ``sentence_vector``."""
        if not text or not text.strip():
            return AngerReading("calm", 0.0)
        reading = cue_reader().read(text)
        vector = (_anger_model.sentence_vectors([text]) if sentence_vector is None
                  else np.asarray(sentence_vector, dtype=np.float64).reshape(1, -1))
        proba = self._combined([_message(text, reading)], np.asarray(vector, dtype=np.float64))[0]
        return reading_from(text, reading, proba)

    def save(self, directory: str | Path) -> Path:
        """``anger_gate.json``, ``gate.npz`` and the two readers in ``support/`` and ``chatter/``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.support.save(directory / "support")
        self.chatter.save(directory / "chatter")
        meta = {"format_version": FORMAT_VERSION, "kind": "calmdesk.understanding.anger_gate.CompositeAngerReader",
                "threshold": self.threshold, "gate": self.gate.save(directory), "info": self.info}
        (directory / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> "CompositeAngerReader":
        directory = Path(directory)
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        if meta.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{directory}: composite anger reader format {meta.get('format_version')}, "
                             f"expected {FORMAT_VERSION}")
        return cls(AngerModel.load(directory / "support"), AngerModel.load(directory / "chatter"),
                   Gate.load(directory, meta["gate"]), meta.get("info"), float(meta["threshold"]))


def load_reader(directory: str | Path) -> AngerModel | CompositeAngerReader:
    """Whichever reader was saved in ``directory``: the composite, or the support reader alone (the fallback)."""
    directory = Path(directory)
    return CompositeAngerReader.load(directory) if (directory / META_FILE).exists() else AngerModel.load(directory)
