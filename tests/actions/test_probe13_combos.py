"""Probe 13 through action_turn: a fault told with a request, another order cancelled at the offer, two requests.

The fault is heard first (sorry, details, the offer) and the request is filed after it on its own ticket; cancelling
another order at the offer leaves the complaint's order number alone; two requests in one message are both filed.
"""
from __future__ import annotations

from calmdesk.desk import tickets
from tests.actions.conftest import Chat, remedy_statuses

FAULT_AND_OPT_OUT = [{"category": "damaged_or_wrong_item", "confidence": 0.8, "text": "the lamp shade came dented"},
                     {"category": "other", "confidence": 1.0, "text": "ur spamming me daily unsubscribe me",
                      "request": "marketing_opt_out"}]


def test_the_fault_told_with_a_request_is_handled_first_then_the_request(domain, engine):
    chat = Chat(domain)
    said = chat.say("the lamp shade came dented and ur spamming me daily, unsubscribe me", "other",
                    problems=FAULT_AND_OPT_OUT)
    assert said[0].startswith("utter_acknowledge") and "utter_more_problems_noted" in said, said
    assert chat.slots["category"] == "damaged_or_wrong_item" and chat.slots["request"] is None
    chat.say("5530118", "inform")
    said = chat.say("mo.k@example.com", "inform")
    assert any(name.startswith("utter_offer_remedies") for name in said), said
    said = chat.say("refund", "choose_remedy")
    assert "utter_now_the_next_problem" in said and chat.slots["request"] == "marketing_opt_out", said
    assert any(name.startswith("utter_request_filed") for name in said), said
    by_seq = {t["complaint_seq"]: t for t in tickets.list_tickets(engine)}
    assert by_seq[1]["category"] == "damaged_or_wrong_item" and by_seq[1]["order_number"] == "5530118"
    assert remedy_statuses(by_seq[1])["refund"] == "accepted"
    assert by_seq[2]["description"].startswith("Request (marketing opt out)") and not by_seq[2]["order_number"]


def test_cancelling_another_order_at_the_offer_keeps_the_complaints_order(domain, engine):
    chat = Chat(domain)
    chat.say("the lamp shade came dented, order 5530118", "damaged_or_wrong_item")
    said = chat.say("mo.k@example.com", "inform")
    assert any(name.startswith("utter_offer_remedies") for name in said), said
    complaint = chat.slots["ticket_reference"]
    said = chat.say("oh and cancel my other order 4410-221, dont need it now", "cancellation")
    assert "utter_request_noted" in said and "utter_order_number_changed" not in said, said
    assert chat.slots["ticket_reference"] == complaint and chat.slots["order_number"] == "5530118"
    request = tickets.find_ticket(engine, "conversation-1", 2)
    assert request["order_number"] == "4410-221" and request["category"] == "cancellation"
    chat.say("the refund", "choose_remedy")
    first = tickets.find_ticket(engine, "conversation-1", 1)
    assert first["order_number"] == "5530118" and remedy_statuses(first)["refund"] == "accepted"


def test_two_requests_in_one_message_are_both_filed(domain, engine):
    chat = Chat(domain)
    problems = [{"category": "other", "confidence": 1.0, "text": "no more promo emails pls", "request": "marketing_opt_out"},
                {"category": "other", "confidence": 1.0, "text": "get rid of all my details", "request": "erase_data"}]
    said = chat.say("no more promo emails pls and also get rid of all my details", "other", problems=problems)
    assert said[0] == "utter_request_noted" and "utter_more_problems_noted" in said, said
    said = chat.say("mo.k@example.com", "inform")
    assert chat.slots["request"] == "erase_data", said
    kinds = sorted(t["description"].split(")")[0] for t in tickets.list_tickets(engine))
    assert kinds == ["Request (erase data", "Request (marketing opt out"], kinds
