"""Round-14 strangers' probe, item 2 (a person asked for, asked about, called off), through action_turn.

* "order A-55001 never arrived, person please", "i want speak with the responsible": no handoff. Now a person is
  brought in (or, nobody online, the case waits for one); "ok ta" after it, or while the email is asked, is thanks,
  not a bad email address.
* "is anyone from the actual company reading this? my order ... is stuck": the question was ignored. Now it is
  answered (a person on hand, or when the team is back) and the complaint goes on.
* Nobody online, a person asked for, then "actually never mind, you can do it. its rae.k@...": only the email was
  noted and the case kept waiting. Now the bot takes it back (out of the queue) and goes on to the offer. Once
  someone from the team has written in the conversation, the bot says nothing at all.
"""
from __future__ import annotations

import time

import pytest

from calmdesk.desk import tickets
from calmdesk.staff import accounts, console
from tests.actions.conftest import Chat, paused
from tests.actions.test_handoff_availability import nobody_signed_in  # noqa: F401 - a fixture

BLENDER = "the blender leaks from the base, order 5581-902"
OFFERS = ("utter_offer_remedies", "utter_offer_remedies_wanted")


def _waiting_for_a_person(domain, ask: str = "can i speak to someone", intent: str = "request_human") -> Chat:
    """A blender complaint, the email still asked, a person asked for while nobody is online."""
    chat = Chat(domain)
    assert chat.say(BLENDER, "product_defect")[-1] == "utter_ask_customer_email"
    said = chat.say(ask, intent, confidence=0.9)
    assert said == ["utter_handoff_no_agent_no_email"], said
    assert chat.ticket["status"] == "awaiting_agent" and chat.ticket["follow_up_at"]
    return chat


# --- 2a: a person asked for in words the bot did not know


def test_person_please_tacked_on_the_end_hands_off_and_ok_ta_is_thanks(domain, engine, nobody_signed_in):
    chat = Chat(domain)
    said = chat.say("order A-55001 never arrived, person please", "delivery_problem", confidence=0.87)
    assert said[0].startswith("utter_acknowledge") and said[-1] == "utter_handoff_no_agent_no_email", said
    ticket = chat.ticket
    assert ticket["handoff"] is True and ticket["status"] == "awaiting_agent" and ticket["order_number"] == "A-55001"
    said = chat.say("ok ta", "affirm", confidence=0.54)
    assert said == ["utter_youre_welcome"], said


@pytest.mark.parametrize("text, intent", [
    ("i write already 2 mail and nobody answer. i want speak with the responsible", "staff_complaint"),
    ("I want speak with the responsible.", "staff_complaint"),
    ("give me a responsible person", "staff_complaint"),
    ("ok, person pls", "affirm"),
    ("bring me the manager", "vent"),
])
def test_a_person_asked_for_in_non_native_or_clipped_words_is_brought_in(domain, engine, text, intent):
    chat = Chat(domain)
    chat.say("the washing machine i buy from you is make very big noise like helicopter when it spin", "product_defect")
    said = chat.say(text, intent, confidence=0.6)
    assert said == ["utter_handoff_no_email"], said
    assert paused(chat.events) and chat.ticket["handoff"] is True


@pytest.mark.parametrize("text, intent", [("ok ta", "affirm"), ("ta", "nlu_fallback"), ("cheers", "thank")])
def test_thanks_while_the_email_is_asked_is_not_a_bad_email(domain, engine, text, intent):
    chat = Chat(domain)
    chat.say(BLENDER, "product_defect")
    said = chat.say(text, intent, confidence=0.5)
    assert said == ["utter_youre_welcome_half_way", "utter_ask_customer_email"], said


# --- 2b: "is anyone from the company reading this?"


READING = "is anyone from the actual company reading this? my order 3329-117 has been stuck in customs for a month"


def test_is_anyone_reading_is_answered_and_the_complaint_goes_on_with_nobody_online(domain, engine, nobody_signed_in):
    chat = Chat(domain)
    said = chat.say(READING, "delivery_problem", confidence=0.55)
    assert said[0].startswith("utter_acknowledge"), said
    assert "utter_person_unavailable" in said and said[-1] == "utter_ask_customer_email", said
    assert chat.ticket["category"] == "delivery_problem" and chat.ticket["order_number"] == "3329-117"
    assert not chat.ticket["handoff"]


def test_is_anyone_reading_with_an_agent_online_says_a_person_is_on_hand(domain, engine):
    chat = Chat(domain)
    said = chat.say("does anyone from your team even read these? order 3329-118 is stuck", "inform", confidence=0.58,
                    ranking={"other": 0.13, "delivery_problem": 0.1})
    assert said == ["utter_person_available", "utter_ask_what_happened"], said
    assert chat.slots["order_number"] == "3329-118" and not paused(chat.events)


# --- 2c: the person called off


def test_never_mind_you_can_do_it_takes_the_case_back_and_goes_on_to_the_offer(domain, engine, nobody_signed_in):
    chat = _waiting_for_a_person(domain)
    said = chat.say("actually never mind, you can do it. its rae.k@example.com", "inform", confidence=0.84)
    assert said[0] == "utter_handoff_declined" and said[-1] in OFFERS, said
    assert "utter_handoff_no_agent_no_email" not in said
    ticket = chat.ticket
    assert ticket["status"] == "open" and ticket["customer_email"] == "rae.k@example.com"
    assert ticket["follow_up_at"] is None  # nobody will pick it up "by 08:13" now
    assert ticket["reference"] not in {t["reference"] for t in console.queue(engine)}
    assert chat.say("refund please", "choose_remedy")[0] == "utter_remedy_confirmed"


@pytest.mark.parametrize("text, intent", [("nah forget the human, just sort it", "request_human"),
                                          ("no need for a person, you carry on", "request_human"),
                                          ("fine, i'll stay with you", "affirm")])
def test_calling_the_person_off_asks_what_is_still_missing(domain, engine, nobody_signed_in, text, intent):
    chat = _waiting_for_a_person(domain, "get me a human")
    said = chat.say(text, intent, confidence=0.9)
    assert said == ["utter_handoff_declined", "utter_ask_customer_email"], said
    assert chat.slots["stage"] == "details" and chat.ticket["status"] == "open"


def test_calling_the_person_off_at_the_offer_puts_the_offer_again(domain, engine, nobody_signed_in):
    chat = Chat(domain)
    chat.say(f"{BLENDER}, rae.k@example.com", "product_defect")
    assert chat.say("i want a manager", "request_human") == ["utter_handoff_no_agent"]
    said = chat.say("forget the manager, you can sort it", "staff_complaint", confidence=0.52,
                    ranking={"request_human": 0.16})
    assert said == ["utter_handoff_declined", "utter_offer_still_open"], said
    assert chat.slots["stage"] == "remedy_offered"


def test_once_staff_have_joined_the_bot_stays_quiet_and_keeps_the_case_with_them(domain, engine, nobody_signed_in):
    chat = _waiting_for_a_person(domain)
    token = accounts.start_session(engine, "sam.agent")  # Sam signs in later, claims the case and writes
    assert token
    for role, text in (("system", "Sam from our support team has joined the chat."), ("agent", "Hi, Sam here.")):
        chat.history.append({"event": "bot", "timestamp": time.time(), "text": text,
                             "metadata": {"author_role": role, "agent": "sam.agent"}})
    for text, intent in (("actually never mind, you can do it. its rae.k@example.com", "inform"),
                         ("hello??", "greet")):
        assert chat.say(text, intent) == [], text
    assert chat.ticket["status"] == "awaiting_agent" and chat.slots["stage"] == "handed_off"


def test_asking_for_the_person_again_after_calling_them_off_hands_off_again(domain, engine, nobody_signed_in):
    chat = _waiting_for_a_person(domain)
    chat.say("nah forget the human, just sort it", "request_human")
    said = chat.say("actually no, get me a person", "request_human")
    assert said[-1] == "utter_handoff_no_agent_no_email", said
    assert chat.ticket["status"] == "awaiting_agent"
    assert len(tickets.list_tickets(engine, conversation_id="conversation-1")) == 1
