"""The main problem of a long message, as a Rasa NLU component.

Adds ``"main_problem": {"category", "confidence", "clauses"}`` to the parse
result of messages of 20 words or more, and ``"problems": [{"category",
"confidence", "text"}, ...]`` to a message that tells several ("my login is
broken, and also you charged me twice", "the app keeps logging me out AND you
took the money twice"; a part that is a request, "two things: my parcel never
came, and separately the invoice has my name spelt wrong", carries ``"request"``)
(calmdesk/conversation/main_problem.py explains the clause vote). The category model is trained at ``rasa train`` from the complaint
examples' sentence vectors, which the SentenceEmbeddingFeaturizer before it
already computed; at run time only clauses are encoded: those of long messages,
and the parts of a message that joins problems ("also", or an "and" between two
faults). Other short messages cost nothing.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from calmdesk.conversation.main_problem import CategoryHead, main_problem, separate_problems
from calmdesk.conversation.signals import request_in
from calmdesk.understanding.minilm import shared_model
from calmdesk.taxonomy import CATEGORIES

MAIN_PROBLEM = "main_problem"
PROBLEMS = "problems"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class MainProblemReader(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 4.0}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 head: CategoryHead | None = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._head = head

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "MainProblemReader":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        vectors, labels = [], []
        for example in training_data.intent_examples:
            _, dense = example.get_dense_features(TEXT)
            if example.get(INTENT) in CATEGORIES and dense is not None:
                vectors.append(np.asarray(dense.features).reshape(-1))
                labels.append(example.get(INTENT))
        if len(set(labels)) < 2:
            return self._resource
        self._head = CategoryHead.train(np.vstack(vectors), labels, c=float(self._config["C"]))
        with self._model_storage.write_to(self._resource) as directory:
            self._head.save(directory)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "MainProblemReader":
        try:
            with model_storage.read_from(resource) as directory:
                return cls(config, model_storage, resource, CategoryHead.load(directory))
        except (ValueError, FileNotFoundError):  # never trained (no complaint examples)
            return cls(config, model_storage, resource)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._head is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if text:
                reading = main_problem(text, shared_model().encode, self._head)
                if reading:
                    message.set(MAIN_PROBLEM, reading, add_to_output=True)
                problems = separate_problems(text, shared_model().encode, self._head, request_of=request_in)
                if problems:
                    message.set(PROBLEMS, problems, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
