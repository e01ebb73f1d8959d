"""The anger detector as a Rasa NLU component.

Every parse result, and so every user message in the tracker, carries
``"anger": {"level": ..., "score": 0..1, "cues": [...]}``. The model itself is
``calmdesk.understanding.anger_model.AngerModel`` (spaCy matchers plus a small classifier);
this component only trains it at ``rasa train`` time from the project's own
labelled examples, stores it inside the Rasa model, and runs it on each message,
reusing the sentence vector the pipeline's featurizer computed for the intents.

Rasa caches trained components by their inputs, and the examples file is not a
Rasa input, so ``fingerprint_addon`` adds the file's hash: editing the examples
retrains the detector.
"""
from __future__ import annotations

import hashlib
import json
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

from calmdesk.understanding.anger_model import SENTENCE_DIM, AngerModel

ANGER = "anger"


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
        return {"examples": "data/anger/examples.jsonl"}

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        # Rasa may call this with only part of the config (its cache check), so
        # fall back to the default path rather than assume the key is there.
        path = Path(config.get("examples") or cls.get_default_config()["examples"])
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: AngerModel | None = None) -> None:
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
        self._model = AngerModel.train(_read_examples(Path(path)))
        with self._model_storage.write_to(self._resource) as directory:
            self._model.save(directory)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "AngerDetector":
        with model_storage.read_from(resource) as directory:
            return cls(config, model_storage, resource, AngerModel.load(directory))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            reading = self._model.predict(message.get(TEXT) or "", _sentence_vector(message))
            message.set(ANGER, {"level": reading.level, "score": reading.score, "cues": list(reading.cues)},
                        add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
