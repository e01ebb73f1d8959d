"""Strangers' probe 15, through action_turn: process questions half-way, and chases of a quoted case.

* "do i need the receipt as well?" filed a VAT-invoice request (a second ticket), and the order number given next
  went onto it; now it is answered (no receipt needed) and the complaint keeps the number.
* "can i keep the broken one or do you need it back", "who pays the return postage" got a vent apology; "what has my
  email got to do with anything" got the email asked again with no reason. Now: on the case for the team, and why.
* "will i get an email confirming all this?", "would the refund go back on my card?", "any news on my refund?" got
  "I'd rather not guess"; now they are answered from what was agreed and the policy. "card please" chooses the refund.
* "CD-... any update? still no money" and "courier says it was returned to sender" got "it's sorted"; now the case
  is open again for the team with the news on it, and the customer hears what was agreed and when.
"""
from __future__ import annotations

import pytest

from calmdesk.desk import tickets
from tests.actions.conftest import Chat, remedy_statuses


def toaster_asking_number(domain) -> Chat:
    chat = Chat(domain)
    said = chat.say("my new toaster only browns one side of the bread", "product_defect")
    assert said[-1].startswith("utter_ask_order_number"), said
    return chat


@pytest.mark.parametrize("text", [
    "do i need the receipt as well? i think i threw it away",
    "do you need my receipt too because its in the bin lol",
    "is a receipt needed? mine got lost",
])
def test_asked_whether_a_receipt_is_needed_nothing_is_filed_and_the_complaint_keeps_the_order(domain, engine, text):
    chat = toaster_asking_number(domain)
    reference = chat.slots["ticket_reference"]
    said = chat.say(text, "request_invoice", confidence=0.6)
    assert said[0] == "utter_receipt_not_needed", said
    assert "utter_request_noted" not in said and said[-1].startswith("utter_ask_order_number"), said
    assert "invoice" not in " ".join(chat.texts).lower()
    chat.say("order number was 77310", "inform")
    assert chat.slots["ticket_reference"] == reference
    assert chat.ticket["order_number"] == "77310" and chat.ticket["category"] == "product_defect"
    assert len(tickets.list_tickets(engine)) == 1, "no request filed"


def at_the_offer(domain, text: str = "the ceramic vase came in 3 pieces, order 2207-554, pia.l@example.com",
                 intent: str = "damaged_or_wrong_item") -> Chat:
    chat = Chat(domain)
    said = chat.say(text, intent)
    assert said[-1].startswith("utter_offer_remedies"), said
    return chat


@pytest.mark.parametrize("text,anger", [
    ("can i just keep the broken one or do you need it back", "calm"),
    ("do you want the smashed vase back or what", "frustrated"),
    ("who pays for posting it back", "frustrated"),
])
def test_a_returns_question_at_the_offer_goes_to_the_team_not_a_vent_apology(domain, engine, text, anger):
    chat = at_the_offer(domain)
    said = chat.say(text, "damaged_or_wrong_item", confidence=0.7, anger=anger)
    assert said[0] == "utter_question_for_the_team", said
    assert "utter_vent_acknowledge" not in said and "utter_ask_which_remedy" not in said, said
    assert said[-1] == "utter_offer_still_open", said
    assert "accepted" not in remedy_statuses(chat.ticket).values()


def test_who_pays_return_postage_while_the_email_is_asked_is_answered_then_the_email(domain, engine):
    chat = Chat(domain)
    said = chat.say("you sent me size 12 boots, i ordered size 8. order 99014-F", "damaged_or_wrong_item")
    assert said[-1].startswith("utter_ask_customer_email"), said
    said = chat.say("who pays for the return postage btw because i am NOT paying for your mistake", "billing_problem",
                    confidence=0.5, anger="frustrated")
    assert said[0] == "utter_question_for_the_team" and "utter_vent_acknowledge" not in said, said
    assert said[-1].startswith("utter_ask_customer_email") and chat.ticket["order_number"] == "99014-F", said


@pytest.mark.parametrize("text", [
    "what has my email got to do with anything, just give me the money back",
    "whats my email got to do with it. i want a refund",
])
def test_what_has_my_email_got_to_do_with_it_is_told_why_and_the_wish_kept(domain, engine, text):
    chat = Chat(domain)
    said = chat.say("your checkout took my money and then said payment failed, order 4410-882", "payment_failed")
    assert said[-1].startswith("utter_ask_customer_email"), said
    said = chat.say(text, "payment_failed", confidence=0.6)
    assert "utter_why_customer_email" in said, said
    chat.say("fine. ed.b@example.com", "inform")
    assert chat.slots["wanted_remedy"] == "refund" or chat.slots["remedy"] == "refund"


def agreed(domain, wish: str = "a new one please") -> Chat:
    chat = at_the_offer(domain, "the desk lamp arrived with the switch hanging off. order 3391-207, ivo.m@example.com",
                        "product_defect")
    said = chat.say(wish, "choose_remedy")
    assert said[0] == "utter_remedy_confirmed", said
    return chat


@pytest.mark.parametrize("text", ["will i get an email confirming all this?", "do i get a confirmation of this",
                                  "will you email me a copy?"])
def test_will_i_get_an_email_after_the_agreement_is_yes(domain, engine, text):
    chat = agreed(domain)
    said = chat.say(text, "other", confidence=0.5)
    assert said == ["utter_email_copy_yes"], said
    assert chat.slots["ticket_reference"] in chat.texts[0]
    assert chat.ticket["status"] == "resolved", "nothing for the team: the case stays sorted"


def test_will_i_get_an_email_with_no_address_says_so(domain, engine):
    chat = Chat(domain)
    chat.say("the kettle lid snapped off, order 5512-001", "product_defect")
    chat.say("i dont have an email", "deny")
    said = chat.say("so will i get a confirmation?", "other", confidence=0.5)
    assert "utter_email_copy_none" in said and "utter_email_copy_yes" not in said, said


@pytest.mark.parametrize("text", ["would the refund go back on my card or is it store credit?",
                                  "where does the money go, my card?", "is the refund back to my bank"])
def test_where_a_refund_goes_is_said_then_card_please_takes_it(domain, engine, text):
    chat = at_the_offer(domain, "charged me for 2 phone cases and only 1 came. order 5512-661, tess.h@example.com",
                        "billing_problem")
    said = chat.say(text, "billing_problem", confidence=0.6)
    assert said[0] == "utter_refund_where", said
    assert "payment method" in chat.texts[0] and "utter_remedy_confirmed" not in said, said
    said = chat.say("card please", "inform", confidence=0.4)
    assert said[0] == "utter_remedy_confirmed", said
    assert remedy_statuses(chat.ticket)["refund"] == "accepted"


@pytest.mark.parametrize("text", ["hi again, its been 5 days, any news on my refund?", "any update on the money?"])
def test_any_news_after_the_refund_was_agreed_gets_its_timeline(domain, engine, text):
    chat = at_the_offer(domain, "i returned the coat 2 weeks ago and never got my money back. order 90021, fay.d@example.com",
                        "refund_request")
    chat.say("yes refund", "choose_remedy")
    said = chat.say(text, "refund_request", confidence=0.6)
    assert said == ["utter_how_long_agreed"], said
    assert "3–5 working days" in chat.texts[0]


@pytest.mark.parametrize("news", ["any update? still no money in my account", "still havent been refunded??"])
def test_a_chase_quoting_the_reference_reopens_the_case_with_the_timeline(domain, engine, news):
    chat = at_the_offer(domain, "you still havent refunded my cancelled order 55091. gil.r@example.com", "refund_request")
    chat.say("refund yes", "choose_remedy")
    reference = chat.slots["ticket_reference"]
    said = chat.say(f"{reference} {news}", "refund_request", confidence=0.5)
    assert said == ["utter_case_reopened", "utter_chase_agreed"], said
    assert "3–5 working days" in chat.texts[1] and "sorted" not in " ".join(chat.texts)
    ticket = tickets.get_ticket(engine, reference)
    assert ticket["status"] == "open" and news in ticket["description"]
    assert len(tickets.list_tickets(engine)) == 1


def test_returned_to_sender_in_the_same_chat_reopens_the_agreed_case(domain, engine):
    chat = at_the_offer(domain, "my parcel 7001-229 is stuck in transit, zed.a@example.com", "delivery_problem")
    chat.say("resend it", "choose_remedy")
    reference = chat.slots["ticket_reference"]
    said = chat.say(f"hi its me again about {reference}, courier now says it was returned to sender??", "delivery_problem",
                    confidence=0.5)
    assert said == ["utter_case_reopened", "utter_chase_agreed"], said
    ticket = tickets.get_ticket(engine, reference)
    assert ticket["status"] == "open" and "returned to sender" in ticket["description"]
    assert ticket["order_number"] == "7001-229" and len(tickets.list_tickets(engine)) == 1


def test_returned_to_sender_in_a_new_chat_reopens_the_case_there(domain, engine):
    first = at_the_offer(domain, "my parcel 7001-229 is stuck in transit, zed.a@example.com", "delivery_problem")
    first.say("resend it", "choose_remedy")
    reference = first.slots["ticket_reference"]
    chat = Chat(domain, sender_id="conversation-2")
    said = chat.say(f"{reference} the courier says it went back to the sender", "other", confidence=0.4)
    assert said[0] == "utter_case_reopened" and "utter_reference_status" not in said, said
    assert "express" in chat.texts[1]
    ticket = tickets.get_ticket(engine, reference)
    assert ticket["status"] == "open" and "went back to the sender" in ticket["description"]
    assert ticket["conversation_id"] == "conversation-2", "the case carries on in the chat the customer is in"
    assert chat.slots["ticket_reference"] == reference and chat.slots["stage"] == "wrap_up"


def test_any_update_with_nothing_new_still_just_says_where_it_stands(domain, engine):
    chat = at_the_offer(domain, "you still havent refunded my cancelled order 55091. gil.r@example.com", "refund_request")
    chat.say("refund yes", "choose_remedy")
    reference = chat.slots["ticket_reference"]
    said = chat.say(f"{reference} any update?", "other", confidence=0.5)
    assert said == ["utter_reference_status"], said
    assert tickets.get_ticket(engine, reference)["status"] == "resolved"


def test_a_chase_read_as_a_problem_in_the_same_chat_is_not_told_sorted_nor_offered_again(domain, engine):
    chat = at_the_offer(domain, "you never refunded my cancelled order 88210, cal.j@example.com", "refund_request")
    chat.say("yes refund", "choose_remedy")
    reference = chat.slots["ticket_reference"]
    said = chat.say(f"{reference} still nothing in my bank, whats going on", "refund_request", confidence=0.9)
    assert said == ["utter_case_reopened", "utter_chase_agreed"], said
    assert "3–5 working days" in chat.texts[1]
    ticket = tickets.get_ticket(engine, reference)
    assert ticket["status"] == "open" and remedy_statuses(ticket)["refund"] == "accepted"


# --- Item 9: asked how they will be contacted while waiting for a person nobody could be

from calmdesk.staff import accounts  # noqa: E402


def waiting_for_a_person(domain, engine, agent_on_duty, text: str) -> Chat:
    accounts.end_session(engine, agent_on_duty)  # nobody online: the handoff files for later
    chat = Chat(domain)
    said = chat.say(text, "request_human")
    assert said[-1].startswith("utter_handoff_no_agent"), said
    return chat


@pytest.mark.parametrize("question", ["will i get a phone call or just an email?", "how do they get hold of me",
                                      "will i be called back?"])
def test_how_they_will_be_reached_with_no_address_says_when_and_asks_for_one(domain, engine, agent_on_duty, question):
    chat = waiting_for_a_person(domain, engine, agent_on_duty,
                                "your driver reversed into my gate delivering order 6612-004 and drove off. i want to talk to someone")
    said = chat.say(question, "other", confidence=0.5)
    assert said == ["utter_how_long_person", "utter_leave_contact"], said
    assert chat.slots["ticket_reference"] in " ".join(chat.texts) and "call" in chat.texts[1]
    said = chat.say("its gil.m@example.com", "inform")
    assert chat.ticket["customer_email"] == "gil.m@example.com" and chat.ticket["status"] == "awaiting_agent"


def test_how_they_will_be_reached_with_an_address_is_by_email(domain, engine, agent_on_duty):
    chat = waiting_for_a_person(domain, engine, agent_on_duty,
                                "my mixer stopped working, order 4410-220, sue.p@example.com. put me through to a human")
    said = chat.say("do i get a call or an email?", "other", confidence=0.5)
    assert said == ["utter_how_long_person", "utter_contact_by_email"], said


# --- Item 11: a kettle cracked at the base, water everywhere

@pytest.mark.parametrize("text", ["the kettle i got has a crack in the base and water goes everywhere when i fill it",
                                  "water pours out the bottom of my new kettle all over the worktop"])
def test_a_kettle_leaking_at_its_base_gets_the_safety_line(domain, engine, text):
    chat = Chat(domain)
    said = chat.say(text, "product_defect", anger="calm")
    assert "utter_safety_first" in said and said[-1].startswith("utter_ask_order_number"), said
