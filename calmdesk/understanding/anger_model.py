"""A trained anger reader: spaCy cues plus a small classifier learnt from labelled messages.

``AngerModel`` reads the same thing as :func:`calmdesk.understanding.anger.read_anger` (a level,
a 0..1 score and the cues that fired) but the level comes from a scikit-learn
logistic regression trained on the project's own examples in
``data/anger/examples.jsonl``. Features are:

* cues found with a blank English spaCy pipeline (``spacy.blank("en")``, no
  pretrained model): a ``Matcher`` and a ``PhraseMatcher`` over lexicons for
  swearing (masked forms such as ``f***`` and ``sh*t`` included), insults aimed
  at a person ("you ... are ... idiots", "useless bot", "your staff are
  clowns", "f*** you"), name-calling, threats, strong anger words,
  frustration words, sarcasm, repetition ("again", "still", "third time"),
  waiting, politeness and positive words; intensity (share of capitals,
  shouting, repeated ``!``/``?``, stretched words); and negation scope: a
  negator ("not", "n't", "never", "no") up to three tokens before an emotion
  word flips it ("not angry" is no longer an anger word, "not happy" becomes
  frustration), while "not just annoyed, furious" is left alone;
* the rule-based reading of :mod:`calmdesk.understanding.anger` (its cues and score);
* word unigrams and bigrams (words inside a negation scope are marked) and
  character 3-5-grams, TF-IDF weighted, so typos and masked spellings still
  count;
* the message's sentence vector from the pretrained all-MiniLM-L6-v2 encoder
  (:mod:`calmdesk.understanding.minilm`, NumPy only), times ``sentence_scale``. The n-grams
  only know words the examples used; the sentence vector puts "the ref robbed
  us blind" near anger words it never shares a token with. Chosen by 5-fold
  cross-validation on the training split only (never on a benchmark):
  ``sentence_scale`` 2 and ``C`` 10 read the level right 90.5% of the time
  against 88.3% without the vector.

``predict`` returns the most probable level, a score that is the expected level
index over the class probabilities divided by 3 (0 = surely calm, 1 = surely
abusive), and the names of the spaCy cues that fired. The model persists to a
directory as JSON plus a NumPy ``.npz`` (no pickle): ``save(directory)`` and
``AngerModel.load(directory)``. Training is deterministic for a given seed and
takes a few seconds: ``AngerModel.train_from_jsonl(path)`` or
``python -m calmdesk.understanding.anger_model train --out models/anger``;
``python -m calmdesk.understanding.anger_model evaluate`` prints held-out figures.

Where the parts live (split by concern; every name is still importable from here):
the word lists in :mod:`calmdesk.understanding.lexicons`, the spaCy cue reader in
:mod:`calmdesk.understanding.cues`, loading/splitting/scoring and the command line
in :mod:`calmdesk.understanding.anger_evaluation`, and the labelling guide's rules
that bound the model's level (docs/labelling.md: "???" on a complaint, a sentence
in capitals, danger, contempt questions; a polite request with no feeling word is
calm) in :mod:`calmdesk.understanding.anger_rules`, the features (n-grams, cues, the
sentence vector) in :mod:`calmdesk.understanding.anger_features`. This module keeps
the model. The product reads anger with :mod:`calmdesk.understanding.anger_gate`, where this model is
the support reader beside a chatter reader that has also seen GoEmotions (issue 13).

Labelling guide for data/anger/examples.jsonl
=============================================

One JSON object per line: ``{"text": "...", "level": "calm|frustrated|angry|abusive"}``.
Label the feeling the writer expresses and whom it is aimed at, not the
seriousness of the problem: a cracked TV screen reported politely is calm.
Texts are distinct (ignoring case and spacing). Everyday chatter that has
nothing to do with customer support is labelled by the same rules. Softeners
("a bit", "kind of", "getting", "slightly") keep a strong word at frustrated
("I'm a bit fed up of being transferred"); without one it is angry ("I'm fed
up with the constant outages"). Redaction placeholders such as ``[NAME]`` may
appear and are read like a name.

calm
    No anger or annoyance expressed. Questions, requests, facts, order
    numbers, thanks and praise; polite complaints that report a problem, even a
    serious one ("I was charged twice, can you look into it?"); other feelings
    (sad, worried, nervous, confused, excited); anger that is denied ("I'm not
    angry, just confused", "no rush", "not complaining, just asking");
    excitement in capitals, with "!!!" or with swear words used for joy ("holy
    shit that goal", "OMG I GOT THE JOB!!!"); "again"/"still" without complaint
    ("thanks again", "still loving it"); capitals typed out of habit in a
    polite message.

frustrated
    Mild or moderate annoyance, impatience, disappointment or dissatisfaction,
    without strong or hostile words: "still waiting", "second time I've
    asked", "I'm not happy at all" / "not impressed" / "not good enough"
    (negated praise), "annoying", "disappointed", "come on", "ugh", a single
    "ridiculous", mild sarcasm ("Great, another delay.", "Thanks for
    nothing"), everyday gripes ("I hate it when people cut in line", "Mondays,
    ugh"). "I'm not angry, but I'm not happy with the delay" is frustrated.

angry
    Strong anger at the situation, the product, the company as an
    institution, or at third parties who are not the person being addressed:
    swearing about the situation, masked or not ("this is f***ing
    ridiculous", "wtf where is my refund", "f*** this, my parcel is lost");
    strong words (furious, livid, fuming, unacceptable, disgraceful,
    disgusting, "absolute joke", scam, rip-off, worst, "I hate this", "sick
    of", "had enough"); a complaint shouted in capitals or with repeated
    "!!!"/"???"; ultimatums and demands ("CANCEL MY ACCOUNT NOW"); lawful
    escalation in anger (ombudsman, trading standards, the press, reviews);
    contempt for things ("useless app", "garbage router", "your company is a
    scam"); insults about people who are not staff and not the reader
    ("politicians are liars", "that ref is blind"). A denial that escalates
    ("I'm not annoyed, I'm livid") is angry.

abusive
    Hostility aimed at a person: the bot, the agent, the company's staff or
    whoever is addressed. Insults and name-calling ("you are useless", "you
    idiots", "useless bot", "your staff are clowns", "the driver is a lazy
    idiot", "are you stupid?", "you're an idiot"), "f*** you", "f*** off",
    "shut up", "screw you", "go to hell", slurs and degrading remarks; and
    threats: of harm, of turning up to confront someone, of ruining or
    exposing them, of getting them sacked, "you'll regret this", "or else",
    "I'll sue you". Calling a *thing* useless is not abuse ("you sent me a
    useless charger" is at most angry).
"""
from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from calmdesk.understanding.anger import AngerReading
from calmdesk.understanding.minilm import DIM as SENTENCE_DIM  # noqa: F401  (components/anger.py reads it here)
from calmdesk.taxonomy import ANGER_LEVELS
from calmdesk.understanding.anger_evaluation import (  # noqa: F401  (the module's public names, as before)
    DEFAULT_EXAMPLES,
    DEFAULT_MODEL_DIR,
    ROOT,
    evaluate,
    format_report,
    is_angry,
    load_examples,
    main,
    shows_anger,
    stratified_split,
)
from calmdesk.understanding.anger_features import (  # noqa: F401  (importable from here, as before)
    _TRAINING_VECTORS,
    _Featurizer,
    _message,
    _softmax,
    sentence_vectors,
)
from calmdesk.understanding.anger_rules import adjust as adjust_level
from calmdesk.understanding.cues import _PLACEHOLDER, CueReader, CueReading, cue_reader  # noqa: F401
from calmdesk.understanding.lexicons import CUE_NAMES  # noqa: F401

FORMAT_VERSION = 2  # 2: sentence vectors; a format-1 model (n-grams and cues only) still loads
META_FILE = "anger_model.json"
WEIGHTS_FILE = "weights.npz"


def reading_from(text: str, reading: CueReading, proba: np.ndarray) -> AngerReading:
    """The level, score and cues from level probabilities (ANGER_LEVELS order) and the labelling guide's rules.

    The score is the expected level index over the probabilities divided by 3; the
    guide's clearest signals (docs/labelling.md) then bound the level, and the score follows the level.
    """
    proba = np.asarray(proba, dtype=np.float64)
    level = ANGER_LEVELS[int(np.argmax(proba))]
    top = len(ANGER_LEVELS) - 1
    score = float(proba @ np.arange(len(ANGER_LEVELS))) / top
    angry = float(proba[ANGER_LEVELS.index("angry")] + proba[ANGER_LEVELS.index("abusive")])
    adjusted = adjust_level(level, text, reading.fired, angry_probability=angry)
    rank, was = ANGER_LEVELS.index(adjusted.level), ANGER_LEVELS.index(level)
    if rank > was:
        score = max(score, rank / top)
    elif rank < was:
        score = min(score, (rank + 0.5) / top)
    # The cues stay the model's own (CUE_NAMES): callers read them by name; the rule that moved the level
    # is in adjusted.cues, for debugging (calmdesk.understanding.anger_rules.adjust).
    return AngerReading(adjusted.level, round(min(max(score, 0.0), 1.0), 3), reading.fired)


# --- the model ----------------------------------------------------------------------------


class AngerModel:
    """A trained anger reader. Build it with ``train``/``train_from_jsonl`` or ``load``."""

    def __init__(
        self,
        featurizer: _Featurizer,
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[str],
        info: dict[str, Any] | None = None,
    ) -> None:
        self._featurizer = featurizer
        self._coef = np.asarray(coef, dtype=np.float64)
        self._intercept = np.asarray(intercept, dtype=np.float64)
        self.classes: tuple[str, ...] = tuple(classes)
        self.info: dict[str, Any] = dict(info or {})
        self._rank = np.array([ANGER_LEVELS.index(c) for c in self.classes], dtype=np.float64)

    # -- training ---------------------------------------------------------------------------

    @classmethod
    def train(cls, examples: Sequence[tuple[str, str]], seed: int = 0, *, sentence_scale: float = 2.0,
              **options: float) -> "AngerModel":
        """Fit on ``(text, level)`` pairs. Same examples and seed give the same model.

        ``options``: ``C``, ``min_df``, ``dense_scale`` of :meth:`fit`.
        """
        examples = [(str(t), str(level)) for t, level in examples]
        unknown = sorted({level for _, level in examples} - set(ANGER_LEVELS))
        if unknown:
            raise ValueError(f"unknown anger levels {unknown}; expected one of {ANGER_LEVELS}")
        if len({level for _, level in examples}) < 2:
            raise ValueError("training needs examples of at least two anger levels")
        reader = cue_reader()  # the first call imports spaCy: not counted as training time
        started = time.perf_counter()
        texts = [t for t, _ in examples]
        labels = [level for _, level in examples]
        messages = [_message(t, reader.read(t)) for t in texts]
        encoding_started = time.perf_counter()
        vectors = sentence_vectors(texts, remember=True) if sentence_scale else None
        encoding_seconds = time.perf_counter() - encoding_started
        model = cls.fit(messages, vectors, labels, seed, sentence_scale=sentence_scale, **options)
        model.info["training_seconds"] = round(time.perf_counter() - started, 3)
        model.info["of_which_encoding_seconds"] = round(encoding_seconds, 3)
        return model

    @classmethod
    def fit(
        cls,
        messages: Sequence[Any],
        vectors: np.ndarray | None,
        labels: Sequence[str],
        seed: int = 0,
        *,
        C: float = 10.0,
        min_df: int = 2,
        dense_scale: float = 1.0,
        sentence_scale: float = 2.0,
    ) -> "AngerModel":
        """The classifier on messages already read (``_message``) and their vectors.

        ``train`` reads the texts first; the composite reader (:mod:`calmdesk.understanding.anger_gate`)
        reads each text once and fits several readers on the same messages.
        """
        from sklearn.linear_model import LogisticRegression

        started = time.perf_counter()
        featurizer = _Featurizer.fit(messages, min_df=min_df, dense_scale=dense_scale,
                                     sentence_scale=sentence_scale)
        X = featurizer.transform(messages, vectors if sentence_scale else None)
        clf = LogisticRegression(
            C=C, class_weight="balanced", max_iter=5000, random_state=seed, solver="lbfgs", multi_class="multinomial"
        )
        clf.fit(X, list(labels))
        classes = [str(c) for c in clf.classes_]
        coef, intercept = clf.coef_, clf.intercept_
        if coef.shape[0] == 1:  # two levels only: sklearn keeps one row, the softmax needs both
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        info = {
            "seed": seed,
            "C": C,
            "min_df": min_df,
            "sentence_scale": sentence_scale,
            "examples": dict(sorted(Counter(labels).items())),
            "features": featurizer.width,
            "training_seconds": round(time.perf_counter() - started, 3),
        }
        return cls(featurizer, coef, intercept, classes, info)

    @classmethod
    def train_from_jsonl(cls, path: str | Path = DEFAULT_EXAMPLES, seed: int = 0, **kwargs: Any) -> "AngerModel":
        return cls.train(load_examples(path), seed=seed, **kwargs)

    # -- reading ----------------------------------------------------------------------------

    @property
    def uses_sentence_vectors(self) -> bool:
        return bool(self._featurizer.sentence_scale)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, one row per text, columns in ``self.classes`` order."""
        reader = cue_reader()
        texts = [t or "" for t in texts]
        vectors = sentence_vectors(texts) if self.uses_sentence_vectors else None
        X = self._featurizer.transform([_message(t, reader.read(t)) for t in texts], vectors)
        return _softmax(np.asarray(X @ self._coef.T) + self._intercept)

    def predict(self, text: str | None, sentence_vector: np.ndarray | None = None) -> AngerReading:
        """The level, score and cues of one message.

        ``sentence_vector``: the message's all-MiniLM-L6-v2 vector when the caller
        already has it (the Rasa pipeline computes it once for the intent
        classifier); otherwise it is computed here.
        """
        if not text or not text.strip():
            return AngerReading("calm", 0.0)
        reading = cue_reader().read(text)
        vectors = None
        if self.uses_sentence_vectors:
            vectors = (sentence_vectors([text]) if sentence_vector is None
                       else np.asarray(sentence_vector, dtype=np.float64).reshape(1, -1))
        proba = self.level_probabilities([_message(text, reading)], vectors)[0]
        return reading_from(text, reading, proba)

    def level_probabilities(self, messages: Sequence[Any], vectors: np.ndarray | None) -> np.ndarray:
        """Probabilities of messages already read, one row each, columns in ANGER_LEVELS order."""
        X = self._featurizer.transform(messages, vectors if self.uses_sentence_vectors else None)
        proba = _softmax(np.asarray(X @ self._coef.T) + self._intercept)
        out = np.zeros((len(messages), len(ANGER_LEVELS)))
        for j, c in enumerate(self.classes):
            out[:, ANGER_LEVELS.index(c)] = proba[:, j]
        return out

    # -- persistence ------------------------------------------------------------------------

    def save(self, directory: str | Path) -> Path:
        """Write ``anger_model.json`` and ``weights.npz`` into ``directory`` (created if needed)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        names = [None] * len(self._featurizer.vocabulary)
        for name, i in self._featurizer.vocabulary.items():
            names[i] = name
        meta = {
            "format_version": FORMAT_VERSION,
            "kind": "calmdesk.understanding.anger_model.AngerModel",
            "classes": list(self.classes),
            "dense_scale": self._featurizer.dense_scale,
            "sentence_scale": self._featurizer.sentence_scale,
            "sentence_encoder": "all-MiniLM-L6-v2" if self._featurizer.sentence_scale else None,
            "features": names,
            "info": self.info,
        }
        (directory / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        with open(directory / WEIGHTS_FILE, "wb") as f:
            np.savez_compressed(f, idf=self._featurizer.idf, coef=self._coef, intercept=self._intercept)
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> "AngerModel":
        directory = Path(directory)
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        if meta.get("format_version") not in (1, FORMAT_VERSION):
            raise ValueError(f"{directory}: anger model format {meta.get('format_version')}, expected {FORMAT_VERSION}")
        with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as w:
            idf, coef, intercept = w["idf"], w["coef"], w["intercept"]
        vocabulary = {name: i for i, name in enumerate(meta["features"])}
        featurizer = _Featurizer(vocabulary, idf, float(meta["dense_scale"]), float(meta.get("sentence_scale") or 0.0))
        if coef.shape != (len(meta["classes"]), featurizer.width) or idf.shape != (len(vocabulary),):
            raise ValueError(f"{directory}: weights do not match the feature list")
        return cls(featurizer, coef, intercept, meta["classes"], meta.get("info"))


if __name__ == "__main__":
    sys.exit(main())
