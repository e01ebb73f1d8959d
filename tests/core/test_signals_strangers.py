"""Signals in the words of customers who do not write like our examples (tests/conversations/strangers.yml)."""
from __future__ import annotations

import pytest

from calmdesk.conversation.signals import read
from tests.core.test_signals import parse


@pytest.mark.parametrize("text", [
    "none of that helps tbh, is there anyone real i can speak to",
    "is there anybody i can talk to",
    "can i talk to anybody please",
    "i need to speak to someone real",
])
def test_a_person_asked_for_with_anyone_or_somebody(text):
    assert read(parse(text)).wants_person


@pytest.mark.parametrize("text", [
    "i couldnt talk to anyone real on the phone",
    "is there anyone there",
])
def test_no_person_request_in_a_complaint_or_a_question(text):
    assert not read(parse(text)).wants_person


@pytest.mark.parametrize("text, kind", [
    ("i dont want store credit i want my actual money back", "refund"),
    ("not a voucher, a refund", "refund"),
    ("i want my money back not points or whatever", "refund"),
    ("no replacement thanks, just give me the money back", "refund"),
    ("just send the thing again pls", "expedited_reship"),
    ("can you send my parcel out again", "expedited_reship"),
    ("just knock something off the price and we'll call it even", "discount"),
    ("a partial refund would be fair", "discount"),
    ("whatever is fastest", "expedited_reship"),
    ("actually no, forget the refund, just send a new one", "replacement"),
    ("scrap the voucher, money back please", "refund"),
])
def test_the_remedy_wanted_not_the_one_turned_down(text, kind):
    assert read(parse(text)).remedy == kind


def test_a_remedy_only_turned_down_is_no_wish():
    assert read(parse("i dont want a refund, i want it to work")).remedy is None


@pytest.mark.parametrize("text", [
    "i'd rather not give my email",
    "i prefer not to share that",
    "not giving you my email, sorry",
    "i dont want to give my email out",
])
def test_a_refusal_to_give_a_detail_is_read_like_not_having_it(text):
    assert read(parse(text), asking="customer_email").cannot_give


@pytest.mark.parametrize("text", ["i'd rather not wait another week", "i gave it to you already"])
def test_other_refusals_are_not_a_missing_detail(text):
    assert not read(parse(text), asking="customer_email").cannot_give


@pytest.mark.parametrize("text", [
    "ok. how long until its fixed?",
    "when will the site be back up",
    "how much longer till it's working",
    "when will you fix it",
])
def test_asking_when_the_fault_will_be_fixed(text):
    assert read(parse(text)).question == "fix_when"
