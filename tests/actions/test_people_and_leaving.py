"""A person asked for in strangers' words, "so nobody?", and leaving, through action_turn (probe round 12, A).

The intents are what the classifier gave the probe's messages: none of these was read as request_human, so the
words alone must carry the request (calmdesk/conversation/person_wording.py and wording.LEAVING).
"""
from __future__ import annotations

import pytest

from calmdesk.desk import tickets
from tests.actions.conftest import Chat, paused
from tests.actions.test_handoff_availability import nobody_signed_in  # noqa: F401 - a fixture


def test_an_actual_employee_asked_for_with_nobody_in_is_handed_off_and_told_when(domain, engine, nobody_signed_in):
    chat = Chat(domain)
    said = chat.say("can i speak to an actual employee of this company please, order 5598120 has been a mess "
                    "from start to finish", "inform", confidence=0.4,
                    ranking={"staff_complaint": 0.27, "delivery_problem": 0.02})
    assert said[-1] == "utter_handoff_no_agent_no_email", said
    ticket = chat.ticket
    assert ticket["handoff"] is True and ticket["order_number"] == "5598120"
    assert ticket["category"] != "staff_complaint", "asking for an employee is no complaint about one"
    assert not any("treated" in text for text in chat.texts)
    assert chat.say("when will they be in then", "delivery_problem", confidence=0.48) == ["utter_how_long_person"]
    assert ticket["reference"] in chat.texts[0]
    assert len(tickets.list_tickets(engine, conversation_id="conversation-1")) == 1


@pytest.mark.parametrize("text, intent", [
    ("my parcel went back to the depot three times, is there a grown up i can speak to", "delivery_problem"),
    ("the lamp flickers like a haunted house lol. let me talk to your boss", "product_defect"),
])
def test_a_grown_up_or_the_boss_asked_for_with_the_problem_hands_off_at_once(domain, engine, text, intent):
    chat = Chat(domain)
    said = chat.say(text, intent, confidence=0.7)
    assert said[-1] == "utter_handoff_no_email", said
    assert "utter_ask_order_number" not in said
    assert paused(chat.events) and chat.ticket["category"] == intent


def test_declining_the_offer_and_asking_for_a_person_hands_off_at_once(domain, engine):
    chat = Chat(domain)
    said = chat.say("the speaker rattles at any volume, order 5587-201, noel.b@example.com", "product_defect")
    assert said[-1] == "utter_offer_remedies"
    said = chat.say("none of this. put a carbon based lifeform on pls", "product_defect", confidence=0.77)
    assert said[-1] == "utter_handoff", said
    assert "utter_ask_which_remedy" not in said and paused(chat.events)


def test_wanting_someone_to_know_is_no_handoff(domain, engine):
    chat = Chat(domain)
    chat.say("your chat agent closed the chat on me while i was typing", "staff_complaint")
    said = chat.say("i dont need anything i just want someone to know its not ok", "other", confidence=0.92)
    assert not paused(chat.events) and chat.ticket["handoff"] is False, said


def test_so_nobody_after_nobody_could_join_is_met_with_when(domain, engine, nobody_signed_in):
    chat = Chat(domain)
    chat.say("locked out of my account again and the reset goes to an old number. get me someone with a pulse",
             "account_access")
    reference = chat.slots["ticket_reference"]
    assert chat.say("so nobody? great", "vent", confidence=0.65) == ["utter_nobody_free_sorry"]
    assert reference in chat.texts[0] and "{" not in chat.texts[0]


@pytest.mark.parametrize("text, intent", [
    ("actually im at work, ill come back to this later", "nlu_fallback"),
    ("ugh my bus is here", "vent"),
    ("gotta go, will finish this tonight", "goodbye"),
])
def test_leaving_while_the_email_is_asked_closes_kindly(domain, engine, text, intent):
    chat = Chat(domain)
    chat.say("the hairdryer sparks when i switch it on, order 2209-881", "product_defect")
    assert chat.slots["asking"] == "customer_email"
    said = chat.say(text, intent, confidence=0.5)
    assert said == ["utter_leave_ticket_kept_no_email"], said


def test_what_the_error_says_is_no_leaving(domain, engine):
    chat = Chat(domain)
    chat.say("cant log in", "account_access")
    said = chat.say("it just says 'something went wrong try again later', been like that since sunday",
                    "nlu_fallback", confidence=0.4, ranking={"product_defect": 0.35, "service_outage": 0.33})
    assert not any(name.startswith("utter_leave") for name in said), said
