"""The intent classifier (components/intent_classifier.py): learns, ranks, survives a save and load.

Real features: the same featurizers as config.yml (word and character counts,
MiniLM sentence vectors) on a handful of examples per intent.
"""
from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.intent_classifier import SentenceIntentClassifier
from components.sentence_embeddings import SentenceEmbeddingFeaturizer

EXAMPLES = {
    "delivery_problem": ["where is my parcel", "my order never arrived", "the courier has not delivered it",
                         "tracking has not moved in a week", "still waiting for my package"],
    "refund_request": ["i want my money back", "refund please", "where is my refund",
                       "when do i get the money for my return", "give me a refund"],
    "greet": ["hi", "hello there", "good morning", "hey", "hiya"],
}


@pytest.fixture()
def pipeline(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(graph_schema=None, node_name="test")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    words = CountVectorsFeaturizer.create(CountVectorsFeaturizer.get_default_config(), storage,
                                          Resource("words"), context)
    sentences = SentenceEmbeddingFeaturizer.create(SentenceEmbeddingFeaturizer.get_default_config(), storage,
                                                   Resource("minilm"), context)

    def featurize(data: TrainingData, train: bool = False) -> TrainingData:
        tokenizer.process_training_data(data)
        if train:
            words.train(data)
        words.process_training_data(data)
        sentences.process_training_data(data)
        return data

    return storage, context, featurize


def _training_data() -> TrainingData:
    return TrainingData(training_examples=[Message(data={"text": t, "intent": intent})
                                           for intent, texts in EXAMPLES.items() for t in texts])


def test_it_names_the_intent_of_a_paraphrase_and_ranks_the_rest(pipeline):
    storage, context, featurize = pipeline
    classifier = SentenceIntentClassifier.create(SentenceIntentClassifier.get_default_config(), storage,
                                                 Resource("intents"), context)
    classifier.train(featurize(_training_data(), train=True))
    messages = featurize(TrainingData(training_examples=[
        Message(data={"text": "the package has not shown up yet"}),
        Message(data={"text": "can i have my money returned"}),
    ])).training_examples
    classifier.process(messages)
    assert [m.get("intent")["name"] for m in messages] == ["delivery_problem", "refund_request"]
    ranking = messages[0].get("intent_ranking")
    assert [r["name"] for r in ranking][0] == "delivery_problem" and len(ranking) == 3
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6


def test_a_saved_classifier_loads_and_reads_the_same(pipeline):
    storage, context, featurize = pipeline
    resource = Resource("intents")
    config = SentenceIntentClassifier.get_default_config()
    trained = SentenceIntentClassifier.create(config, storage, resource, context)
    trained.train(featurize(_training_data(), train=True))
    loaded = SentenceIntentClassifier.load(config, storage, resource, context)
    message = featurize(TrainingData(training_examples=[Message(data={"text": "hello!"})])).training_examples
    assert loaded.classes == trained.classes
    assert (loaded.probabilities(message) == trained.probabilities(message)).all()


def test_untrained_it_leaves_messages_alone(pipeline, tmp_path):
    storage, context, featurize = pipeline
    never_trained = SentenceIntentClassifier.load(SentenceIntentClassifier.get_default_config(), storage,
                                                  Resource("missing"), context)
    message = Message(data={"text": "hello"})
    never_trained.process([message])
    assert message.get("intent") is None


def _with_neighbours(pipeline, weight: float, resource: str = "intents") -> SentenceIntentClassifier:
    storage, context, featurize = pipeline
    config = {**SentenceIntentClassifier.get_default_config(), "neighbours_weight": weight}
    classifier = SentenceIntentClassifier.create(config, storage, Resource(resource), context)
    classifier.train(featurize(_training_data(), train=True))
    return classifier


def test_a_short_message_worded_like_an_example_is_read_more_surely_with_its_neighbours(pipeline):
    """A customer who writes nearly what an example says gets the intent with more confidence (fewer re-prompts)."""
    featurize = pipeline[2]
    plain, blended = _with_neighbours(pipeline, 0.0, "plain"), _with_neighbours(pipeline, 0.3, "blended")
    message = featurize(TrainingData(training_examples=[Message(data={"text": "my order still never arrived"})]))
    before = dict(zip(plain.classes, plain.probabilities(message.training_examples)[0]))
    after = dict(zip(blended.classes, blended.probabilities(message.training_examples)[0]))
    assert max(after, key=after.get) == "delivery_problem"
    assert after["delivery_problem"] > before["delivery_problem"]
    assert abs(sum(after.values()) - 1.0) < 1e-6


def test_a_long_story_and_a_greeting_are_left_to_the_regression_and_neighbours_survive_a_save(pipeline):
    storage, context, featurize = pipeline
    plain, blended = _with_neighbours(pipeline, 0.0, "plain"), _with_neighbours(pipeline, 0.3, "blended")
    story = ("hello there, i ordered a lamp three weeks ago and the tracking page has said out for delivery "
             "ever since, nobody has come and i am still waiting for my package")
    long_message = featurize(TrainingData(training_examples=[Message(data={"text": story})])).training_examples
    assert (blended.probabilities(long_message) == plain.probabilities(long_message)).all()
    # A reply that is not a complaint ("hello!", a greeting) is read exactly as without neighbours.
    hello = featurize(TrainingData(training_examples=[Message(data={"text": "hello!"})])).training_examples
    assert (blended.probabilities(hello) == plain.probabilities(hello)).all()
    loaded = SentenceIntentClassifier.load(blended.config, storage, Resource("blended"), context)
    short = featurize(TrainingData(training_examples=[Message(data={"text": "refund me please"})])).training_examples
    assert (loaded.probabilities(short) == blended.probabilities(short)).all()
