"""Strangers' probe 14, through action_turn: follow-ups after the agreement, requests, "it's here".

* After a refund was agreed, "still annoyed tbh" got an apology for "the way you were treated by our team", a second
  ticket and a goodwill offer; now it is heard on the agreed case (utter_vent_after_agreed), nothing new filed.
* "sorry whats my reference number again?" got "I'd rather not guess on that one. It's on CD-..." and reopened the
  resolved ticket; "whats the case number" filed an "other" complaint with an offer. Now the reference is said.
* "pls cancel ORD-55410, found it cheaper elsewhere" and "how do i stop getting 5 emails a day" got "Sorry about
  trouble cancelling"; now they are requests, said back and filed.
* "oh wait the doorbell just went, its here lol sorry" got the email asked again, "nvm it came" left the ticket
  open; now the case closes kindly.
"""
from __future__ import annotations

import pytest

from calmdesk.desk import tickets
from tests.actions.conftest import Chat

BILLED_TWICE = "paid twice for 4480-219, take one back please"


def agreed(domain) -> Chat:
    chat = Chat(domain)
    chat.say(BILLED_TWICE, "billing_problem")
    chat.say("lina.s@example.com", "inform")
    said = chat.say("yes refund", "choose_remedy")
    assert said[0].startswith("utter_remedy_confirmed"), said
    assert chat.slots["stage"] == "wrap_up" and chat.ticket["status"] == "resolved"
    return chat


def _nothing_new(chat: Chat, engine, reference: str) -> None:
    assert chat.slots["ticket_reference"] == reference
    assert len(tickets.list_tickets(engine)) == 1, "no second ticket"
    assert tickets.get_ticket(engine, reference)["status"] == "resolved", "the agreed case is not reopened"


@pytest.mark.parametrize("text,intent,ranking", [
    ("still annoyed tbh", "staff_complaint", {"vent": 0.3}),
    ("honestly im still fuming about it all", "staff_complaint", {"vent": 0.4}),
])
def test_still_annoyed_after_the_agreement_is_heard_on_the_agreed_case(domain, engine, text, intent, ranking):
    chat = agreed(domain)
    reference = chat.slots["ticket_reference"]
    said = chat.say(text, intent, confidence=0.45, ranking=ranking, anger="frustrated")
    assert said[0] == "utter_vent_after_agreed", said
    assert not any(n.startswith(("utter_acknowledge", "utter_offer_remedies")) for n in said), said
    assert reference in chat.texts[0] and "treated by our team" not in " ".join(chat.texts)
    _nothing_new(chat, engine, reference)


@pytest.mark.parametrize("text,intent,confidence", [
    ("sorry whats my reference number again?", "inform", 0.85),
    ("whats the case number", "inform", 0.86),
    ("can you give me the ticket number", "delivery_problem", 0.64),
    ("what's my reference?", "vent", 0.75),
])
def test_the_reference_asked_after_the_agreement_is_simply_said(domain, engine, text, intent, confidence):
    chat = agreed(domain)
    reference = chat.slots["ticket_reference"]
    said = chat.say(text, intent, confidence=confidence)
    assert said == ["utter_reference_is"], said
    assert reference in chat.texts[0] and "guess" not in chat.texts[0]
    _nothing_new(chat, engine, reference)


def test_the_reference_asked_while_the_email_is_asked_then_the_email_again(domain, engine):
    chat = Chat(domain)
    chat.say("where is my plant pot order 7701-230, its a week late", "delivery_problem")
    said = chat.say("whats my case number btw", "inform", confidence=0.8)
    assert said[0] == "utter_reference_is" and said[-1].startswith("utter_ask_customer_email"), said
    assert chat.slots["ticket_reference"] in chat.texts[0]


def test_the_reference_asked_before_anything_is_logged_says_there_is_none_yet(domain, engine):
    chat = Chat(domain)
    said = chat.say("whats my reference number", "inform", confidence=0.8)
    assert said == ["utter_reference_none"], said
    assert tickets.list_tickets(engine) == []


@pytest.mark.parametrize("text,order", [
    ("pls cancel ORD-55410, found it cheaper elsewhere", "ORD-55410"),
    ("i want to cancel ORD-55412 before it ships", "ORD-55412"),
    ("can you cancel #55413 please, dont need it anymore", "55413"),
])
def test_cancel_an_order_by_its_number_is_a_request(domain, engine, text, order):
    chat = Chat(domain)
    said = chat.say(text, "cancellation", confidence=0.66, ranking={"billing_problem": 0.19})
    assert said[0].startswith("utter_request_noted") and said[-1].startswith("utter_ask_customer_email"), said
    assert not any(n.startswith("utter_acknowledge") for n in said), said
    assert "cancel that order" in chat.texts[0] and "trouble cancelling" not in " ".join(chat.texts)
    assert chat.slots["request"] == "cancel_order" and chat.slots["order_number"] == order
    said = chat.say("jo.p@example.com", "inform")
    assert said[0] == "utter_request_filed", said
    assert chat.ticket["category"] == "cancellation" and chat.ticket["order_number"] == order
    assert chat.ticket["remedies"] == []


def test_stop_getting_five_emails_a_day_is_the_marketing_opt_out(domain, engine):
    chat = Chat(domain)
    said = chat.say("how do i stop getting 5 emails a day from you people", "cancellation", confidence=0.45,
                    ranking={"staff_complaint": 0.35}, anger="frustrated")
    assert said[0].startswith("utter_request_noted"), said
    assert not any(n.startswith(("utter_acknowledge", "utter_ask_order_number")) for n in said), said
    assert "marketing" in chat.texts[0] and chat.slots["request"] == "marketing_opt_out"


@pytest.mark.parametrize("text,intent,ranking", [
    ("oh wait the doorbell just went, its here lol sorry", "delivery_problem", {"product_defect": 0.12}),
    ("its here now lol", "nlu_fallback", {"goodbye": 0.27, "delivery_problem": 0.19}),
    ("parcel is here sorry", "delivery_problem", {}),
    ("nvm it came", "damaged_or_wrong_item", {"delivery_problem": 0.14}),
])
def test_it_turned_up_while_the_email_was_asked_closes_the_case(domain, engine, text, intent, ranking):
    chat = Chat(domain)
    chat.say("where is my plant pot order 7701-230, its a week late", "delivery_problem")
    assert chat.slots["asking"] == "customer_email"
    said = chat.say(text, intent, confidence=0.55, ranking=ranking)
    assert said == ["utter_resolved_itself"], said
    assert chat.slots["ticket_reference"] in chat.texts[0]
    assert chat.ticket["status"] == "closed", "not left open for staff"
    assert chat.slots["stage"] is None and chat.slots["asking"] is None


def test_here_but_broken_keeps_the_case_open(domain, engine):
    chat = Chat(domain)
    chat.say("where is my plant pot order 7701-230, its a week late", "delivery_problem")
    said = chat.say("its here but the box is crushed", "damaged_or_wrong_item", confidence=0.8)
    assert "utter_resolved_itself" not in said, said
    assert chat.ticket["status"] == "open"
