"""Round-14 strangers' probe, item 2: a person asked for, asked about, called off (the Rasa-free part).

* "order A-55001 never arrived, person please" and "i want speak with the responsible" asked for nobody the bot knew
  of; "ok ta" while the email was asked was read as a bad address.
* "is anyone from the actual company reading this?" was no question; told with a weakly read problem, the problem
  was dropped as well.
* "actually never mind, you can do it" or "nah forget the human, just sort it" while waiting for a person nobody
  could give live changed nothing ("human" even asked for one again). Now the case is taken back and goes on where
  it was, unless someone from the team has written in the conversation: then the bot stays quiet.

Through action_turn: tests/actions/test_probe14_people.py; conversations: tests/conversations/probe14_people.yml.
"""
from __future__ import annotations

import pytest

from calmdesk.conversation.people import problem_beside_question, staff_joined, stage_to_resume
from calmdesk.conversation.plan import State, plan
from calmdesk.conversation.signals import read
from calmdesk.understanding.anger_rules import adjust
from tests.core.test_probe13_leftovers_people import names, parse

WAITING = State(stage="handed_off", category="product_defect", complaint_seq=1, order_number="5581-902")
ASKING_EMAIL = State(stage="details", asking="customer_email", category="delivery_problem", complaint_seq=1,
                     order_number="A-55001")


@pytest.mark.parametrize("text", [
    "order A-55001 never arrived, person please",
    "my blender broke - person pls",
    "person please, my parcel never came",
    "i write already 2 mail and nobody answer. i want speak with the responsible",
    "I want speak with the responsible.",
    "i want to speak with the responsible of the shop",
    "who is the responsible here",
    "put me in contact with the responsible",
    "i would like speak with responsible person",
    "give me a responsible person",
    "i want talk with human",
    "a real agent please",
    "pass me to a human",
    "bring me the manager",
    "can i have a human please",
])
def test_a_person_asked_for_in_clipped_or_non_native_words(text):
    assert read(parse(text)).wants_person, text


@pytest.mark.parametrize("text", [
    "the delivery person please ring the bell next time",
    "the person please help",
    "my order never came, please",
    "you are not responsible for this",
    "who is responsible for this mess",
    "i want a responsible answer",
    "can i have the person's name",
])
def test_no_person_asked_for(text):
    assert not read(parse(text)).wants_person, text


@pytest.mark.parametrize("text", ["ok ta", "ta", "cheers", "ta very much"])
def test_ta_is_thanks_and_while_the_email_is_asked_it_is_thanked_not_taken_for_an_address(text):
    signals = read(parse(text, "affirm", 0.54), asking="customer_email")
    assert signals.thanks and not signals.email
    assert names(plan(ASKING_EMAIL, signals)) == ["thank", "continue"]


def test_ta_da_is_no_thanks():
    assert not read(parse("ta da, it works")).thanks


@pytest.mark.parametrize("text", [
    "is anyone from the actual company reading this?",
    "is anybody even reading this",
    "does anyone actually read these messages",
    "is someone from your team seeing this",
    "are any real people reading this chat",
    "is this chat even read by a human",
])
def test_whether_a_person_reads_along_is_asked(text):
    assert read(parse(text)).question == "person_available", text


def test_is_a_human_reading_this_still_asks_whether_this_is_a_bot():
    assert read(parse("is a human reading this", "bot_challenge")).question == "is_bot"


READING = "is anyone from the actual company reading this? my order 3329-117 has been stuck in customs for a month"


@pytest.mark.parametrize("confidence", [0.85, 0.55])
def test_a_problem_told_beside_the_question_is_still_a_complaint_and_the_question_is_answered(confidence):
    signals = read(parse(READING, "delivery_problem", confidence))
    assert problem_beside_question(signals)
    moves = plan(State(), signals)
    assert names(moves) == ["start_complaint", "keep_detail", "answer", "continue"], moves
    assert moves[0].args == {"category": "delivery_problem"} and moves[2].args["question"] == "person_available"


def test_the_question_alone_is_no_problem():
    signals = read(parse("is anyone from the actual company reading this?", "delivery_problem", 0.5))
    assert not problem_beside_question(signals)
    assert names(plan(State(), signals)) == ["answer", "continue"]


@pytest.mark.parametrize("text,intent,ranking", [
    ("is anyone from the actual company reading this? my order 3329-118 is stuck", "inform", {}),
    # read weakly as a damaged item: not apologised for as one, what happened is asked
    ("does anyone from your team even read these? my order 3329-118 is stuck", "nlu_fallback",
     {"damaged_or_wrong_item": 0.24, "other": 0.24}),
])
def test_an_order_number_told_with_the_question_asks_what_happened(text, intent, ranking):
    signals = read(parse(text, intent, 0.58 if intent == "inform" else 0.4, ranking))
    assert not problem_beside_question(signals)
    assert names(plan(State(), signals)) == ["keep_detail", "answer", "ask_what_happened", "continue"]


@pytest.mark.parametrize("text,intent", [
    ("actually never mind, you can do it. its rae.k@example.com", "inform"),
    ("nah forget the human, just sort it", "request_human"),
    ("actually no need for a person, you can carry on. its q.k@example.com", "request_human"),
    ("no, you do it", "deny"),
    ("dont want to wait for them, just sort it", "vent"),
    ("fine, i'll stay with you", "affirm"),
])
def test_calling_the_person_off_while_waiting_takes_the_case_back(text, intent):
    signals = read(parse(text, intent, 0.9))
    assert signals.calls_off_person and not signals.wants_person and not signals.leaving
    moves = plan(WAITING, signals)
    assert moves[0].name == "take_back" and moves[0].args == {"stage": "details"}, moves
    assert names(moves)[-1] == "continue" and "handoff" not in names(moves) and "leave" not in names(moves)
    assert "decline_remedies" not in names(moves)  # "nah" was about the person, not an offer


def test_forget_the_manager_read_as_a_staff_complaint_is_no_rant_at_the_offer():
    at_offer = State(stage="handed_off", category="product_defect", complaint_seq=1, offered=("replacement", "refund"))
    signals = read(parse("forget the manager, you can sort it", "staff_complaint", 0.52, {"request_human": 0.16}))
    assert names(plan(at_offer, signals)) == ["take_back", "continue"]


def test_a_remedy_wished_for_when_calling_the_person_off_is_kept():
    moves = plan(WAITING, read(parse("forget the human, just refund me", "request_human", 0.6)))
    assert names(moves) == ["take_back", "want_remedy", "continue"] and moves[1].args == {"kind": "refund"}


@pytest.mark.parametrize("state,stage", [
    (WAITING, "details"),
    (State(stage="handed_off", category="other", complaint_seq=1), "details"),
    (State(stage="handed_off", category="product_defect", complaint_seq=1, offered=("refund", "replacement")),
     "remedy_offered"),
    (State(stage="handed_off", category="product_defect", complaint_seq=1, offered=("refund",), chosen="refund"),
     "wrap_up"),
])
def test_the_case_goes_back_to_where_it_was(state, stage):
    assert stage_to_resume(state) == stage
    assert plan(state, read(parse("nah forget the human, just sort it", "request_human")))[0].args == {"stage": stage}


@pytest.mark.parametrize("text,intent", [
    ("you cant do it, get me a person", "request_human"),
    ("forget the bot, get me a human", "request_human"),
    ("gotta go, just call me", "goodbye"),
    ("i cant carry on like this", "vent"),
])
def test_no_person_called_off(text, intent):
    signals = read(parse(text, intent, 0.9))
    assert not signals.calls_off_person, text
    assert "take_back" not in names(plan(WAITING, signals))


def test_calling_off_means_nothing_when_no_person_is_waited_for():
    assert "take_back" not in names(plan(ASKING_EMAIL, read(parse("nah forget the human, just sort it", "request_human"))))


STAFF_LINE = {"event": "bot", "text": "Hi, Sam here.", "metadata": {"author_role": "agent", "agent": "sam.agent"}}
HANDED_OFF = {"event": "slot", "name": "stage", "value": "handed_off"}
BOT_LINE = {"event": "bot", "text": "I've added that.", "metadata": {"utter_action": "utter_noted_for_a_person"}}


@pytest.mark.parametrize("events,joined", [
    ([HANDED_OFF, BOT_LINE], False),
    ([HANDED_OFF, STAFF_LINE, BOT_LINE], True),
    ([STAFF_LINE, {"event": "user", "text": "/handback"}, HANDED_OFF], False),  # an earlier person, handed back
])
def test_staff_joined_since_the_handoff(events, joined):
    assert staff_joined(events) is joined


@pytest.mark.parametrize("text,intent", [("actually never mind, you can do it", "inform"), ("hello??", "greet"),
                                         ("get me a human", "request_human")])
def test_once_staff_have_joined_the_bot_stays_quiet(text, intent):
    joined = State(stage="handed_off", category="product_defect", complaint_seq=1, person_joined=True)
    assert names(plan(joined, read(parse(text, intent)))) == ["stay_quiet"]
    assert names(plan(joined, read(parse("/handback", "handback")))) == ["handback"]


@pytest.mark.parametrize("text", ["i want a manager", "forget the manager, you can sort it",
                                  "nah forget the human, just sort it", "i need a supervisor please"])
def test_asking_for_a_person_or_calling_one_off_is_no_abuse(text):
    """Read abusive ("manager" is in the model's threats), "i want a manager" and then "forget the manager" ended in
    the abuse handoff, so the person could not be called off."""
    assert adjust("abusive", text).level in ("calm", "frustrated")


@pytest.mark.parametrize("text", ["you idiots, i want a manager", "forget the manager you clown, just sort it"])
def test_insults_with_it_stay_abusive(text):
    assert adjust("abusive", text).level == "abusive"
