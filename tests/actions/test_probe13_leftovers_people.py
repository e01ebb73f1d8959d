"""Round-13 strangers' probe, left over, through action_turn: people, leaving, and requests after the first case.

* Nobody online, a person asked for, then "gotta go to work, just call me": the handoff text was said again. Now the
  case is kept for the person, with when, and the wish to be called is on the ticket.
* "do you lot even have humans or is it all robots" first: filed as an outage; "ok so when" only noted. Now the
  ticket says other and "when" is answered with when.
* "my lamp arrived smashed and im absolutely FUMING, also unsubscribe me": the opt-out was acknowledged with "sorry
  it's come to this". Now it is acknowledged as the plain request it is.
* "oh and the invoice has my old surname on it" after the remedy was agreed asked the order number again. Now it is
  filed on the order already given.
"""
from __future__ import annotations

import re

import pytest

from calmdesk.desk import tickets
from tests.actions.conftest import Chat, paused
from tests.actions.test_handoff_availability import nobody_signed_in  # noqa: F401 - a fixture

KETTLE = "the kettle from order 6612-309 leaks all over the counter, can i talk to a real person"
_BY = re.compile(r"by (\d\d:\d\d [^.]*?\(\w+\))")


def _handed_off_with_nobody_in(domain) -> tuple[Chat, str]:
    """A kettle complaint handed to a person nobody could give live; (the chat, by when the person picks it up)."""
    chat = Chat(domain)
    said = chat.say(KETTLE, "product_defect", confidence=0.6)
    assert said[-1] == "utter_handoff_no_agent_no_email", said
    return chat, _BY.search(chat.texts[-1]).group(1)


@pytest.mark.parametrize("text, intent", [("gotta go to work, just call me", "request_human"),
                                          ("im off to work now ring me instead", "nlu_fallback")])
def test_going_to_work_with_a_call_wished_keeps_the_case_for_the_person(domain, engine, nobody_signed_in, text,
                                                                          intent):
    chat, by = _handed_off_with_nobody_in(domain)
    said = chat.say(text, intent, confidence=0.83)
    assert said == ["utter_leave_call_back_noted"], said
    assert by in chat.texts[0] and chat.slots["ticket_reference"] in chat.texts[0]
    assert not paused(chat.events)
    ticket = chat.ticket
    assert ticket["status"] == "awaiting_agent" and ticket["handoff"] is True
    assert "called back" in ticket["description"] and text in ticket["description"]
    assert len(tickets.list_tickets(engine, conversation_id="conversation-1")) == 1


def test_going_without_a_call_wished_is_told_when_the_person_picks_it_up(domain, engine, nobody_signed_in):
    chat, by = _handed_off_with_nobody_in(domain)
    assert chat.say("got to go now sorry", "goodbye", confidence=0.7) == ["utter_leave_person_picks_up"]
    assert by in chat.texts[0]
    assert chat.ticket["status"] == "awaiting_agent" and "called back" not in (chat.ticket["description"] or "")


def test_a_person_asked_for_first_files_no_category_and_so_when_is_answered(domain, engine, nobody_signed_in):
    chat = Chat(domain)
    said = chat.say("do you lot even have humans or is it all robots", "nlu_fallback", confidence=0.4,
                    ranking={"request_human": 0.3, "service_outage": 0.21})
    assert said == ["utter_handoff_no_agent_no_email"], said
    assert chat.ticket["category"] == "other"
    by = _BY.search(chat.texts[0]).group(1)
    said = chat.say("ok so when", "affirm", confidence=0.45, ranking={"service_outage": 0.14})
    assert said == ["utter_how_long_person"], said
    assert by in chat.texts[0] and chat.ticket["category"] == "other"


FUMING = "my lamp arrived smashed and im absolutely FUMING, also unsubscribe me from the emails"
LAMP_AND_OPT_OUT = [{"category": "damaged_or_wrong_item", "confidence": 0.71,
                     "text": "my lamp arrived smashed and im absolutely FUMING"},
                    {"category": "other", "confidence": 1.0, "text": "unsubscribe me from the emails",
                     "request": "marketing_opt_out"}]


def test_a_request_waiting_behind_a_furious_complaint_is_acknowledged_as_a_plain_request(domain, engine):
    chat = Chat(domain)
    said = chat.say(FUMING, "damaged_or_wrong_item", anger="angry", problems=LAMP_AND_OPT_OUT)
    assert said[0] == "utter_acknowledge_angry", said
    chat.say("order 5521-330, email ro.t@example.com", "inform", anger="calm")
    said = chat.say("replacement i suppose", "choose_remedy", anger="frustrated")
    assert "utter_now_the_next_problem" in said and "utter_request_noted" in said, said
    assert "utter_request_noted_upset" not in said
    request = tickets.find_ticket(engine, "conversation-1", 2)
    assert request["anger_level"] == "calm" and request["description"].startswith("Request (marketing opt out)")


def test_an_invoice_correction_after_the_agreed_remedy_takes_the_order_given(domain, engine):
    chat = Chat(domain)
    chat.say("the blender jug came cracked, order 3318-442, pat.w@example.com", "damaged_or_wrong_item")
    chat.say("replacement pls", "choose_remedy")
    said = chat.say("oh and the invoice has my old surname on it, can u fix that", "billing_problem", confidence=0.72)
    assert said[0] == "utter_request_noted" and "utter_ask_order_number" not in said, said
    assert any(name.startswith("utter_request_filed") for name in said), said
    request = tickets.find_ticket(engine, "conversation-1", 2)
    assert request["order_number"] == "3318-442" and request["category"] == "other"
    assert tickets.find_ticket(engine, "conversation-1", 1)["status"] == "resolved"


def test_an_invoice_correction_for_another_order_asks_which(domain, engine):
    chat = Chat(domain)
    chat.say("the blender jug came cracked, order 3318-442, pat.w@example.com", "damaged_or_wrong_item")
    chat.say("replacement pls", "choose_remedy")
    said = chat.say("oh and the invoice for my other order has my old surname on it", "billing_problem",
                    confidence=0.72)
    assert "utter_ask_order_number" in said, said
    assert not tickets.find_ticket(engine, "conversation-1", 2)["order_number"]
