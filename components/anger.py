"""The anger detector as a Rasa NLU component.

Every parse result, and so every user message in the tracker, carries
``"anger": {"level": ..., "score": 0..1, "cues": [...]}``. The reader itself is
``calmdesk.understanding.anger_gate.CompositeAngerReader``: our support reader
(``AngerModel``, trained on data/anger), a chatter reader that has also seen GoEmotions,
and a gate that sends only text unlike ours (data/anger, data/nlu) to the chatter reader.
This component trains it at ``rasa train`` time, stores it inside the Rasa model, and
runs it on each message, reusing the sentence vector the pipeline's featurizer computed
for the intents.

When ../shared/benchmarks/anger_goemotions_train.jsonl is not on this machine the
support reader is trained alone (a warning says so): the product still trains anywhere.

Rasa caches trained components by their inputs, and the examples and GoEmotions files
are not Rasa inputs, so ``fingerprint_addon`` adds their hashes: editing either retrains
the detector.
"""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from calmdesk.understanding.anger_gate import CompositeAngerReader, load_reader
from calmdesk.understanding.anger_model import SENTENCE_DIM, AngerModel
from calmdesk.understanding.goemotions import load_goemotions_training
from calmdesk.understanding.leakage import GOEMOTIONS_TRAIN

ANGER = "anger"
logger = logging.getLogger(__name__)


def _sentence_vector(message: Message) -> Optional[np.ndarray]:
    """The MiniLM vector the pipeline's SentenceEmbeddingFeaturizer already put on the message, if any.

    Reusing it saves encoding every message twice; when it is missing (or another
    dense featurizer changed its width) the anger model encodes the text itself.
    """
    _, sentence = message.get_dense_features(TEXT)
    if sentence is None:
        return None
    vector = np.asarray(sentence.features).reshape(-1)
    return vector if vector.shape == (SENTENCE_DIM,) else None


def _read_examples(path: Path) -> list[tuple[str, str]]:
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                item = json.loads(line)
                examples.append((item["text"], item["level"]))
            except (ValueError, KeyError) as error:
                raise ValueError(f"{path}:{number}: not a {{\"text\", \"level\"}} line ({error})") from None
    return examples


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class AngerDetector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # goemotions: None is ../shared/benchmarks/anger_goemotions_train.jsonl beside the repo.
        return {"examples": "data/anger/examples.jsonl", "goemotions": None}

    @classmethod
    def _goemotions_path(cls, config: Dict[Text, Any]) -> Path:
        return Path(config.get("goemotions") or GOEMOTIONS_TRAIN)

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        # Rasa may call this with only part of the config (its cache check), so
        # fall back to the default paths rather than assume the keys are there.
        path = Path(config.get("examples") or cls.get_default_config()["examples"])
        if not path.exists():
            return None
        digest = hashlib.sha256(path.read_bytes())
        goemotions = cls._goemotions_path(config)
        digest.update(hashlib.sha256(goemotions.read_bytes()).digest() if goemotions.exists() else b"no goemotions")
        return digest.hexdigest()

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: AngerModel | CompositeAngerReader | None = None) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "AngerDetector":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        path = self._config.get("examples") or self.get_default_config()["examples"]
        examples = _read_examples(Path(path))
        goemotions = self._goemotions_path(self._config)
        if goemotions.exists():
            our_texts = [m.get(TEXT) for m in training_data.intent_examples if m.get(TEXT)]
            self._model = CompositeAngerReader.train(examples, load_goemotions_training(goemotions), our_texts)
        else:
            logger.warning("%s is not on this machine: the anger detector is trained on %s alone, so it reads "
                           "everyday chatter less well (issue 13). Put the GoEmotions train split there and "
                           "retrain to get the full reader.", goemotions, path)
            self._model = AngerModel.train(examples)
        with self._model_storage.write_to(self._resource) as directory:
            self._model.save(directory)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "AngerDetector":
        with model_storage.read_from(resource) as directory:
            return cls(config, model_storage, resource, load_reader(directory))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            reading = self._model.predict(message.get(TEXT) or "", _sentence_vector(message))
            message.set(ANGER, {"level": reading.level, "score": reading.score, "cues": list(reading.cues)},
                        add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
