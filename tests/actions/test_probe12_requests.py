"""Requests strangers made (probe round 12), through action_turn: no apology for a fault, no remedy.

"pls remove everything you have on me" got a discount, "cancel it. CANCEL IT." a goodwill credit, a cancellation
called off ("actually no wait dont, keep it") an email asked again and cancel+refund offered, "the second one" of
two duplicate orders left both on the ticket, a request at the rating step "Just a number from 1 to 5", and a
price drop told with a late order lost its own ticket and swapped the late order's number.
"""
from __future__ import annotations

from calmdesk.desk import tickets
from tests.actions.conftest import Chat

NO_FAULT = ("that's on us", "shouldn't have happened", "goodwill", "% off", "credit")


def _no_fault_said(chat: Chat) -> None:
    assert not any(w in " ".join(chat.texts).lower() for w in NO_FAULT), chat.texts


def test_remove_everything_you_have_on_me_is_an_erasure_request(domain, engine):
    chat = Chat(domain)
    said = chat.say("pls remove everything you have on me, done with this shop", "other")
    assert said[0].startswith("utter_request_noted") and "utter_ask_customer_email" in said, said
    _no_fault_said(chat)
    said = chat.say("its q.sam@example.com", "inform")
    assert said == ["utter_request_filed", "utter_anything_else"], said
    assert chat.ticket["description"].startswith("Request (erase data)") and chat.ticket["remedies"] == []


def test_cancel_it_shouted_is_the_cancellation_not_a_fault_with_remedies(domain, engine):
    chat = Chat(domain)
    said = chat.say("membership renewed itself AGAIN. cancel it. CANCEL IT.", "cancellation", anger="angry")
    assert said == ["utter_request_noted_upset", "utter_ask_customer_email"], said
    assert "cancel your subscription" in chat.texts[0]
    _no_fault_said(chat)
    assert chat.ticket["category"] == "cancellation", "a cancellation in the staff queue, not other"


def test_a_cancellation_called_off_closes_the_ticket_and_asks_nothing_more(domain, engine):
    chat = Chat(domain)
    chat.say("need to cancel order 4471-220 asap", "cancellation")
    said = chat.say("actually no wait dont, keep it, ill just send it back if it doesnt fit", "choose_remedy")
    assert said == ["utter_request_withdrawn", "utter_anything_else"], said
    assert "nothing" in chat.texts[0].lower()
    ticket = chat.ticket
    assert ticket["status"] == "closed" and "Withdrawn by the customer" in ticket["description"]
    assert chat.slots["stage"] == "wrap_up" and len(tickets.list_tickets(engine)) == 1


def test_the_second_one_of_two_duplicate_orders_is_cancelled_alone(domain, engine):
    chat = Chat(domain)
    said = chat.say("ordered the same thing twice by accident, can u cancel one of them. 5512901 and 5512902",
                    "cancellation")
    assert said[0] == "utter_request_noted", said
    said = chat.say("the second one. nadia.o@example.com", "inform")
    assert "utter_request_filed" in said and "utter_offer_remedies" not in said, said
    assert chat.ticket["order_number"] == "5512902"


def test_a_request_at_the_rating_step_is_handled_not_scored(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never turned up, order 5540-117, jo.k@example.com", "delivery_problem")
    chat.say("a refund", "choose_remedy")
    said = chat.say("cheers", "thank")
    assert said[0].startswith("utter_ask_satisfaction"), said
    said = chat.say("wait actually one more thing, the receipt has my old address on it can that be fixed",
                    "nlu_fallback", confidence=0.4)
    assert said[0] == "utter_request_noted" and "utter_invalid_satisfaction_score" not in said, said
    assert chat.slots["request"] == "invoice_correction"


def test_a_price_drop_and_a_late_order_are_two_cases_each_with_its_own_order(domain, engine):
    chat = Chat(domain)
    problems = [{"category": "other", "confidence": 1.0, "text": "the kettle i bought last week is now 15 quid cheaper",
                 "request": "price_drop"},
                {"category": "delivery_problem", "confidence": 0.8, "text": "my other order 5502-118 is late"}]
    said = chat.say("two things - the kettle i bought last week is now 15 quid cheaper, and my other order 5502-118 "
                    "is late", "nlu_fallback", problems=problems)
    # Probe 13: the late order (a fault) is heard first; the price drop waits its turn, with its own order.
    assert said[0].startswith("utter_acknowledge") and "utter_more_problems_noted" in said, said
    assert chat.slots["order_number"] == "5502-118"
    said = chat.say("fay.g@example.com", "inform")
    assert any(name.startswith("utter_offer_remedies") for name in said), said
    said = chat.say("a refund", "choose_remedy")
    assert "utter_now_the_next_problem" in said and "utter_ask_order_number" in said, said
    said = chat.say("the kettle was 5502-101", "inform")
    assert "utter_request_filed_at_once" in said or "utter_request_filed" in said, said
    by_seq = {t["complaint_seq"]: (t["category"], t["order_number"]) for t in tickets.list_tickets(engine)}
    assert by_seq == {1: ("delivery_problem", "5502-118"), 2: ("other", "5502-101")}, by_seq


def test_the_filed_request_says_when_in_a_sentence_of_its_own(domain, engine):
    chat = Chat(domain)
    chat.say("sent to my old flat by mistake, order 7730112, can it go to my new place", "delivery_problem")
    chat.say("amira.k@example.com", "inform")
    filed = chat.texts[0]
    assert "yet. We'll email you" in filed and "and the team will" not in filed, filed


def test_a_charge_twice_is_still_a_billing_complaint(domain, engine):
    chat = Chat(domain)
    said = chat.say("you charged me twice for order 5583-011", "billing_problem")
    assert said[0].startswith("utter_acknowledge"), said
    assert chat.slots["request"] is None
