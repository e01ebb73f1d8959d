"""A request told in the middle of a complaint, and a second thing told apart, through action_turn.

Strangers' probe: "delete my account" after the remedy menu, and "oh and can you stop sending me
marketing emails" while the order number was asked, were heard as venting and the offer repeated; "two things: my
parcel never came, and separately the invoice has my name spelt wrong" dropped the invoice. The request is said
back and filed as its own ticket, then the complaint goes on where it was; the second thing is handled after.
"""
from __future__ import annotations

from calmdesk.desk import tickets
from tests.actions.conftest import Chat, remedy_statuses


def _at_the_offer(chat: Chat) -> None:
    chat.say("my parcel never came, order 5512345", "delivery_problem")
    said = chat.say("jo.b@example.com", "inform")
    assert any(name.startswith("utter_offer_remedies") for name in said), said


def test_a_deletion_asked_at_the_offer_is_filed_and_the_offer_put_again(domain, engine):
    chat = Chat(domain)
    _at_the_offer(chat)
    complaint = chat.slots["ticket_reference"]
    said = chat.say("oh and delete my account and my data pls", "cancellation")
    assert said == ["utter_request_noted", "utter_request_filed_at_once", "utter_back_to_complaint",
                    "utter_offer_still_open"], said
    assert "delete the personal data" in chat.texts[0] and "sorry" not in chat.texts[0].lower()
    assert chat.slots["ticket_reference"] == complaint and chat.slots["stage"] == "remedy_offered"
    request = tickets.find_ticket(engine, "conversation-1", 2)
    assert request["description"].startswith("Request (erase data)") and request["customer_email"] == "jo.b@example.com"
    said = chat.say("refund please", "choose_remedy")
    assert remedy_statuses(chat.ticket)["refund"] == "accepted" and chat.ticket["reference"] == complaint


def test_an_opt_out_while_the_order_number_is_asked_comes_back_to_the_order_number(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never came and i want to know why", "delivery_problem")
    assert chat.slots["asking"] == "order_number"
    said = chat.say("oh and can you stop sending me marketing emails", "nlu_fallback")
    assert said == ["utter_request_noted", "utter_ask_customer_email"], said  # the request needs the email first
    said = chat.say("jo.b@example.com", "inform")
    assert said == ["utter_request_filed", "utter_back_to_complaint", "utter_ask_order_number"], said
    assert chat.slots["category"] == "delivery_problem" and chat.slots["request"] is None
    said = chat.say("5512345", "inform")
    assert not any(name.startswith("utter_ask_customer_email") for name in said), "the email was given already"
    assert chat.ticket["order_number"] == "5512345" and chat.ticket["customer_email"] == "jo.b@example.com"
    assert len(tickets.list_tickets(engine)) == 2


def test_a_choice_at_the_offer_is_still_a_choice(domain, engine):
    chat = Chat(domain)
    _at_the_offer(chat)
    chat.say("cancel my order and refund me", "cancellation")
    assert chat.slots["request"] is None and remedy_statuses(chat.ticket).get("refund") == "accepted"
    assert len(tickets.list_tickets(engine)) == 1


def test_the_next_complaint_after_an_aside_request_gets_a_ticket_of_its_own(domain, engine):
    chat = Chat(domain)
    _at_the_offer(chat)
    chat.say("oh and unsubscribe me from the newsletter", "other")
    chat.say("the refund", "choose_remedy")
    chat.say("yes", "affirm")
    said = chat.say("also my other order 7712309 arrived smashed", "damaged_or_wrong_item")
    assert said[0].startswith("utter_acknowledge"), said
    by_seq = {t["complaint_seq"]: t["category"] for t in tickets.list_tickets(engine)}
    assert by_seq == {1: "delivery_problem", 2: "other", 3: "damaged_or_wrong_item"}, "the request's ticket is kept"


def test_two_things_told_apart_the_invoice_is_a_request_handled_after(domain, engine):
    chat = Chat(domain)
    problems = [{"category": "delivery_problem", "confidence": 0.93, "text": "my parcel never came"},
                {"category": "other", "confidence": 1.0, "text": "the invoice has my name spelt wrong",
                 "request": "invoice_correction"}]
    said = chat.say("two things: my parcel never came, and separately the invoice has my name spelt wrong",
                    "nlu_fallback", problems=problems)
    assert said[0].startswith("utter_acknowledge") and "utter_more_problems_noted" in said, said
    assert "correct the invoice" in chat.texts[said.index("utter_more_problems_noted")]
    chat.say("5512345", "inform")
    chat.say("jo.b@example.com", "inform")
    said = chat.say("a refund", "choose_remedy")
    assert "utter_now_the_next_problem" in said and "utter_request_noted" in said, said
    assert "utter_anything_else" not in said[:said.index("utter_now_the_next_problem")]
    assert chat.slots["request"] == "invoice_correction" and chat.slots["stage"] == "details"
    said = chat.say("same order, 5512345", "inform")
    assert "utter_request_filed" in said and chat.ticket["description"].startswith("Request (invoice correction)")
    assert len(tickets.list_tickets(engine)) == 2
