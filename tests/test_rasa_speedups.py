"""The cached action-response check behaves exactly like Rasa's own, and the Rasa server gets it.

Each reply is given to Rasa's original ``RemoteAction._validate_action_result``
and to ours: both accept it, or both raise the same ``ValidationError`` with the
same message, path and failing keyword.
"""
from __future__ import annotations

import logging

import pytest
import rasa
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet

from components import rasa_speedups

VALID_REPLIES = [
    {},
    {"events": [], "responses": []},
    # What our form validation actions send back: slots, the loop, a message with buttons.
    {
        "events": [SlotSet("order_number", "A12345"), SlotSet("requested_slot", "email"), ActiveLoop("complaint_form")],
        "responses": [{"text": "Thanks. Which email did you order with?", "buttons": [{"title": "Skip", "payload": "/deny"}],
                       "elements": [], "custom": {}, "template": None, "response": None, "image": None,
                       "attachment": None}],
    },
    {"events": [FollowupAction("action_listen"), {"event": "bot", "text": "Hi", "timestamp": None}]},
]

INVALID_REPLIES = [
    [],  # not an object
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "value": "missing its name"}]},
    {"events": [{"event": "slot", "name": 5, "value": 1}]},
    {"events": [{"event": "bot", "text": "Hi", "timestamp": "soon"}]},
    {"responses": ["not an object"]},
    {"events": [SlotSet("email", "a@b.example")], "responses": [3]},
]


def outcome(validate, reply):
    """What a validate function does with ``reply``: its return value, or the error it raises."""
    try:
        return ("returned", validate(RemoteAction("action_x", None), reply))
    except ValidationError as error:
        return ("raised", type(error), str(error), error.message, list(error.path), error.validator)


@pytest.fixture(scope="module")
def original():
    assert rasa_speedups.install()
    assert rasa_speedups.rasa_original is not None
    return rasa_speedups.rasa_original


@pytest.mark.parametrize("reply", VALID_REPLIES)
def test_a_valid_reply_is_accepted_like_rasa_does(original, reply):
    assert outcome(original, reply) == ("returned", True)
    assert outcome(rasa_speedups.validate_action_result, reply) == ("returned", True)


@pytest.mark.parametrize("reply", INVALID_REPLIES)
def test_an_invalid_reply_raises_the_same_error_as_rasa(original, reply):
    ours = outcome(rasa_speedups.validate_action_result, reply)
    assert ours[0] == "raised"
    assert ours == outcome(original, reply)
    assert "Failed to validate Action server response from API" in ours[3]


def test_the_validator_is_built_once():
    assert rasa_speedups.action_response_validator() is rasa_speedups.action_response_validator()


def test_importing_the_channels_installs_it_in_the_rasa_server():
    # `rasa run` imports channels.masked for credentials.yml: that is where the patch comes from.
    import channels.masked  # noqa: F401

    assert rasa_speedups.installed()
    assert RemoteAction("action_x", None)._validate_action_result({"events": []}) is True


def test_another_rasa_version_is_left_alone_with_a_warning(original, monkeypatch, caplog):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", original)
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with caplog.at_level(logging.WARNING, logger="components.rasa_speedups"):
        assert rasa_speedups.install() is False
    assert RemoteAction._validate_action_result is original
    assert "NOT installed" in caplog.text and "3.7.0" in caplog.text
