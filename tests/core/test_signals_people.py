"""A person asked for in strangers' words, and leaving told apart from explaining (probe round 12, section A).

The conversations are in tests/conversations/probe12_people.yml; the turn through action_turn in
tests/actions/test_people_and_leaving.py.
"""
from __future__ import annotations

import pytest

from calmdesk.conversation.signals import read
from tests.core.test_signals import parse


@pytest.mark.parametrize("text", [
    "can i please talk to an actual employee, this order has been a shambles",
    "is there a grown up there i can speak to",
    "is there a grown-up i can talk to",
    "let me talk to your boss",
    "let me speak to your manager",
    "put a carbon based lifeform on pls",
    "put a real person on",
    "put someone real on please",
    "a real human",
    "an actual person please",
    "i want someone who works there",
    "i want someone senior",
    "get me a human",
    "get me someone with a pulse",
    "can i speak to a member of staff",
])
def test_a_person_asked_for_in_other_words(text):
    assert read(parse(text)).wants_person


@pytest.mark.parametrize("text", [
    "i dont need anything i just want someone to know its not ok",
    "i want someone to hear about this, that's all",
    "someone got into my account",
    "your staff were rude",
    "the person at the door was rude",
    "i'd like my employee discount applied",
    "can you put the money on my account",
    "my boss says i need the invoice by friday",
    "it needs an adult to sign for it",
    "the courier put a card through the door",
])
def test_no_person_asked_for_in_these(text):
    assert not read(parse(text)).wants_person


def test_declining_and_asking_for_a_person_in_one_message():
    signals = read(parse("none of this. put a real person on"))
    assert signals.wants_person and signals.declines_remedies


def test_none_of_this_in_a_complaint_is_no_decline():
    assert not read(parse("none of this would have happened if it was packed properly")).declines_remedies


@pytest.mark.parametrize("text", [
    "actually im at work, ill come back to this later",
    "ugh my bus is here",
    "my train's here, gotta dash",
    "gotta go",
    "brb later",
    "will finish this tonight",
    "i have to go now sorry",
    "ill get back to this after work",
])
def test_leaving_in_other_words(text):
    signals = read(parse(text), asking="customer_email")
    assert signals.leaving and signals.question is None


@pytest.mark.parametrize("text", [
    "like it just says 'something went wrong try again later' been like that since sunday",
    "the app says something went wrong please try again later",
    'error message: "please try again later"',
    "i need to go to the post office to return it",
])
def test_what_the_screen_says_or_an_errand_is_no_leaving(text):
    assert not read(parse(text), asking="customer_email").leaving


def test_brb_alone_is_still_a_pause():
    assert read(parse("hang on brb")).question == "hold_on"


@pytest.mark.parametrize("text", ["so nobody? great", "no one at all?", "so there's nobody? typical", "nobody then"])
def test_nobody_free_is_met_not_vented_at(text):
    assert read(parse(text)).question == "nobody_free"


@pytest.mark.parametrize("text", ["when will they be in then", "when are they back", "when will someone be available"])
def test_when_a_person_will_be_in(text):
    assert read(parse(text)).question == "person_coming"


def test_a_person_asked_for_with_a_vague_problem_is_no_staff_complaint():
    ranking = [{"name": "inform", "confidence": 0.4}, {"name": "staff_complaint", "confidence": 0.27},
               {"name": "delivery_problem", "confidence": 0.02}]
    text = "i want to speak to an actual employee of this company, my order has been a total disaster from start to end"
    assert read(parse(text, "inform", 0.4, ranking)).category == "other"
