"""Requests that are not complaints, through action_turn (a probe of the running product, 6 Dec 2026).

"please delete my account and all my data" was met with "I'm sorry about
trouble cancelling" and a refund offered; a VAT invoice with "a charge that
isn't right"; a new delivery address was taken for venting. A request is said
back as what the team will do, only its missing details are asked, and it is
filed with when it happens: no apology for a fault, no remedy.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.desk import tickets
from calmdesk.models.outbox import EmailMessage
from tests.actions.conftest import Chat


def test_a_data_deletion_request_with_its_email_is_filed_at_once_without_a_remedy(domain, engine):
    chat = Chat(domain)
    said = chat.say("hi, please delete my account and all my data. gdpr. email is t.berg@example.de", "cancellation")
    assert said == ["utter_request_noted", "utter_request_filed_at_once", "utter_anything_else"], said
    assert "delete the personal data" in chat.texts[0] and "30 days" in chat.texts[1]
    assert not any(w in " ".join(chat.texts).lower() for w in ("sorry", "refund", "credit")), chat.texts
    ticket = chat.ticket
    assert ticket["category"] == "other" and ticket["status"] == "open" and ticket["remedies"] == []
    assert ticket["description"].startswith("Request (erase data):")
    assert chat.slots["stage"] == "wrap_up"
    with Session(engine) as session:
        email = session.scalars(select(EmailMessage)).one()
    assert email.to_address == "t.berg@example.de" and "your request" in email.subject


def test_only_the_missing_detail_is_asked_and_an_upset_request_is_heard(domain, engine):
    chat = Chat(domain)
    said = chat.say("how do i stop getting your marketing emails?? 3 a day is ridiculous", "other", anger="angry")
    assert said == ["utter_request_noted_upset", "utter_ask_customer_email"], said
    said = chat.say("mike.r@example.co.uk", "inform")
    assert said == ["utter_request_filed", "utter_anything_else"], said
    assert "marketing" in chat.texts[0]


def test_the_new_address_is_asked_after_filing_and_put_on_the_ticket(domain, engine):
    chat = Chat(domain)
    chat.say("can i change the delivery address on order 4471902? i moved last week", "delivery_problem")
    said = chat.say("priya.s@example.com", "inform")
    assert said == ["utter_request_filed", "utter_request_ask"], said
    said = chat.say("new address is 14 Elm Road, Leeds LS6 2AB", "delivery_problem")
    assert said == ["utter_request_note_added", "utter_anything_else"], said
    assert "14 Elm Road" in chat.ticket["description"] and chat.ticket["category"] == "other"
    assert len(tickets.list_tickets(engine)) == 1, "the address is no new complaint"


def test_how_long_is_the_request_own_timeline_and_thanks_ends_it(domain, engine):
    chat = Chat(domain)
    chat.say("i need a vat invoice for order NW-88213, accounts@hartley.example.com", "billing_problem")
    assert chat.say("how long will that take?", "ask_how_long") == ["utter_how_long_request"]
    assert "1 working day" in chat.texts[0]
    said = chat.say("ok thanks", "thank")
    assert said and said[0].startswith("utter_ask_satisfaction"), said


def test_a_complaint_after_a_request_is_a_complaint_again(domain, engine):
    chat = Chat(domain)
    chat.say("please take me off your newsletter, jo@example.com", "other")
    said = chat.say("also my last parcel never arrived, order 4839201", "delivery_problem")
    assert said[0].startswith("utter_acknowledge"), said
    assert chat.slots["request"] is None and chat.ticket["category"] == "delivery_problem"
