"""components/typed_commands.py on Rasa's own RegexMessageHandler and Message."""
from __future__ import annotations

import pytest
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.core.domain import Domain
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from components import typed_commands

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [affirm, deny, request_human, choose_remedy, restart, inform, nlu_fallback]
entities: [remedy, email]
""")


@pytest.fixture(scope="module")
def handler():
    typed_commands.install()
    assert typed_commands.installed()
    return RegexMessageHandler()


def _message(text: str) -> Message:
    # What the pipeline left before the handler: the classifier's reading of the words.
    return Message(data={TEXT: text, INTENT: {"name": "nlu_fallback", "confidence": 0.3}})


def test_a_button_payload_is_still_carried_out(handler):
    [tapped] = handler.process([_message('/choose_remedy{"remedy": "refund"}')], DOMAIN)
    assert tapped.get(INTENT)["name"] == "choose_remedy"
    assert [(e["entity"], e["value"]) for e in tapped.get("entities")] == [("remedy", "refund")]


@pytest.mark.parametrize("typed", ["/restart", '/inform{"email": "x@y.z"}', '/choose_remedy{"remedy": "cash"}'])
def test_a_typed_command_keeps_the_pipelines_reading(handler, typed):
    [message] = handler.process([_message(typed)], DOMAIN)
    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert not message.get("entities")
    assert message.get(TEXT) == typed, "stored and filed as the customer wrote it"


def test_a_batch_keeps_its_order(handler):
    texts = ["/restart", "/affirm", "hello", "/deny", "/session_start"]
    read = [m.get(INTENT)["name"] for m in handler.process([_message(t) for t in texts], DOMAIN)]
    assert read == ["nlu_fallback", "affirm", "nlu_fallback", "deny", "nlu_fallback"]
