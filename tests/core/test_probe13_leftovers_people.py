"""Round-13 strangers' probe, left over: people, leaving and requests after the first case (the Rasa-free part).

* Waiting for a person nobody could give live, "gotta go to work, just call me" was taken for a second request for a
  person (the handoff text said again): it is going, with a wish to be called.
* "do you lot even have humans or is it all robots" as the first message, read as a bot question or not understood
  with a weak outage behind it, filed an outage: a person asked for tells no problem. "ok so when" after it was
  noted, not answered: it asks when.
* A request waiting behind a furious complaint took the complaint's anger: it is heard on its own words.
* "oh and the invoice has my old surname on it" after the remedy was agreed was read as a billing fault and asked the
  order number again: it is an invoice correction, about the order already given.
"""
from __future__ import annotations

import pytest

from calmdesk.conversation.plan import State, plan
from calmdesk.conversation.signals import heard_with, read, request_in
from calmdesk.conversation.wording import CALL_BACK

WAITING = State(stage="handed_off", category="product_defect", complaint_seq=1, order_number="6612-309")
AGREED = State(stage="wrap_up", category="damaged_or_wrong_item", complaint_seq=1, order_number="3318-442",
               customer_email="pat.w@example.com", chosen="replacement")


def parse(text, intent="other", confidence=0.9, ranking=None, anger="calm"):
    ranking = ranking or {}
    return {"text": text, "intent": {"name": intent, "confidence": confidence}, "anger": {"level": anger},
            "intent_ranking": [{"name": name, "confidence": value}
                               for name, value in sorted({intent: confidence, **ranking}.items(), key=lambda kv: -kv[1])]}


def names(moves):
    return [m.name for m in moves]


@pytest.mark.parametrize("text,wish", [
    ("gotta go to work, just call me", True),
    ("im off to work now ring me instead", True),
    ("give me a bell later", True),
    ("id rather have a call back tbh", True),
    ("can someone phone me", True),
    # no wish to be called
    ("you said youd call me yesterday", False),
    ("nobody rang me", False),
    ("pls dont call me", False),
    ("im off to work now", False),
    ("call me a taxi lol", False),
    ("i was promised a callback", False),
])
def test_a_wish_to_be_called(text, wish):
    assert bool(CALL_BACK.search(text)) is wish


@pytest.mark.parametrize("text,intent,call_back", [
    ("gotta go to work, just call me", "request_human", True),
    ("im off to work now ring me instead", "nlu_fallback", True),
    ("got to go now sorry", "goodbye", False),
])
def test_going_while_waiting_for_a_person_is_leaving_not_a_second_handoff(text, intent, call_back):
    moves = plan(WAITING, read(parse(text, intent, 0.83)))
    assert names(moves) == ["leave"], moves
    assert moves[0].args == {"call_back": call_back}


def test_asking_for_a_person_again_while_nobody_is_online_still_hands_off():
    """Not going: "put me through to someone" while waiting is still a request for a person."""
    assert names(plan(WAITING, read(parse("put me through to someone", "request_human"))))[-1] == "handoff"


@pytest.mark.parametrize("text,intent,ranking", [
    ("do you lot even have humans or is it all robots", "nlu_fallback", {"service_outage": 0.21, "request_human": 0.3}),
    ("do you lot even have humans or is it all robots", "bot_challenge", {"service_outage": 0.33}),
    ("do u even have staff or is it just bots", "vent", {"service_outage": 0.31}),
])
def test_a_person_asked_for_with_no_problem_told_reads_no_category(text, intent, ranking):
    signals = read(parse(text, intent, 0.4, ranking))
    assert signals.wants_person and signals.category is None, signals
    assert names(plan(State(), signals)) == ["handoff"]


def test_a_problem_told_with_the_person_keeps_its_category():
    signals = read(parse("the kettle from order 6612-309 leaks all over the counter, can i talk to a real person",
                         "nlu_fallback", 0.4, {"product_defect": 0.34}))
    assert signals.wants_person and signals.category == "product_defect"
    assert names(plan(State(), signals))[0] == "start_complaint"


@pytest.mark.parametrize("text", ["ok so when", "so when", "when then", "ok and when is that", "right so when",
                                  "when?"])
def test_a_bare_when_asks_when(text):
    signals = read(parse(text, "affirm", 0.45, {"service_outage": 0.14}))
    assert signals.question == "how_long", signals
    moves = plan(State(stage="handed_off", category="other", complaint_seq=1), signals)
    assert names(moves) == ["answer", "continue"], moves


@pytest.mark.parametrize("text", ["when i opened it, it was smashed", "so when i log in it just crashes",
                                  "ok when it arrived the box was wet"])
def test_when_telling_what_happened_is_no_question(text):
    assert read(parse(text)).question != "how_long"


@pytest.mark.parametrize("problem,anger,heard", [
    ({"category": "other", "text": "unsubscribe me from the emails", "request": "marketing_opt_out"}, "angry", "calm"),
    ({"category": "other", "text": "STOP SENDING ME EMAILS", "request": "marketing_opt_out"}, "calm", "frustrated"),
    ({"category": "delivery_problem", "text": "and my other order is late"}, "angry", "angry"),
])
def test_a_waiting_request_is_heard_on_its_own_words(problem, anger, heard):
    assert heard_with(problem, anger) == heard


@pytest.mark.parametrize("text", ["oh and the invoice has my old surname on it, can u fix that",
                                  "the receipt still shows my maiden name", "invoice has my previous last name"])
def test_a_name_on_the_invoice_is_a_correction_request(text):
    assert request_in(text) == "invoice_correction"


def test_a_request_after_the_agreed_remedy_takes_the_order_already_given():
    signals = read(parse("oh and the invoice has my old surname on it, can u fix that", "billing_problem", 0.72))
    moves = plan(AGREED, signals)
    assert moves[0].name == "start_request" and moves[0].args == {"kind": "invoice_correction", "same_order": True}


@pytest.mark.parametrize("text", ["and the invoice for my other order has my old surname on it",
                                  "invoice for 7712-498 has my old surname on it"])
def test_a_request_about_another_order_does_not_take_it(text):
    moves = plan(AGREED, read(parse(text, "billing_problem", 0.72)))
    assert moves[0].name == "start_request" and "same_order" not in moves[0].args, moves
