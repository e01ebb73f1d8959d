"""A quoted ticket reference carries the case on (a probe of the running product, 6 Dec 2026).

The bot tells customers to quote their reference "and nobody will ask you to
start over". A probe quoted one with something to add ("CD-F02MAJ still nothing
arrived, i want my money back now") and was asked for the order number again,
on a new ticket that did not say which case it followed; a bare "CD-1KD0QM"
opened a complaint read into the reference. A chase then filed a new ticket linked
to the old one (probe 13): now it reopens that very case.
"""
from __future__ import annotations

from calmdesk.desk import tickets
from tests.actions import test_own_words as own_words
from tests.actions.conftest import Chat


def agreed_case(domain) -> str:
    first = own_words.offered(domain, "my parcel never arrived, order 4839201", "delivery_problem", "jo@example.com")
    first.say("refund", "choose_remedy")
    return first.slots["ticket_reference"]


def test_a_chase_told_with_the_reference_reopens_that_case_and_asks_nothing_already_on_it(domain, engine):
    reference = agreed_case(domain)
    later = Chat(domain, sender_id="conversation-2")
    said = later.say(f"{reference} still nothing arrived. i want my money back now", "delivery_problem")
    assert said[0] == "utter_reference_status", said
    assert "utter_case_reopened" in said and any(reference in text for text in later.texts[1:]), later.texts
    assert "utter_ask_order_number" not in said and "utter_ask_customer_email" not in said, said
    assert said[-1].startswith("utter_offer_remedies"), said
    [case] = tickets.list_tickets(engine)  # the same case, not a new ticket linked to it
    assert later.ticket["reference"] == reference and case["status"] == "open"
    assert case["order_number"] == "4839201" and case["customer_email"] == "jo@example.com"
    assert case["conversation_id"] == "conversation-2", "the team's replies reach the chat the customer is in"
    lines = [line["text"] for line in tickets.get_ticket(engine, reference)["transcript"]]
    assert lines[0].startswith("my parcel never arrived") and any("still nothing arrived" in t for t in lines), lines
    assert "4839201" not in " ".join(later.texts[:1]) and "jo@example.com" not in " ".join(later.texts)


def test_something_added_after_the_reference_follows_that_case(domain, engine):
    reference = agreed_case(domain)
    later = Chat(domain, sender_id="conversation-2")
    assert later.say(f"hi its about {reference}", "other") == ["utter_reference_status"]
    said = later.say("the remote was missing from the box as well", "damaged_or_wrong_item")
    assert "utter_ask_order_number" not in said, said
    assert later.ticket["order_number"] == "4839201"
    assert later.ticket["description"].startswith(f"Follow-up to {reference}:")


def test_a_bare_reference_opens_no_complaint(domain, engine):
    reference = agreed_case(domain)
    later = Chat(domain, sender_id="conversation-2")
    assert later.say(reference, "product_defect", confidence=0.6) == ["utter_reference_status"]
    assert later.ticket is None


def test_an_unknown_reference_with_a_problem_is_said_so_and_the_problem_is_filed(domain, engine):
    chat = Chat(domain)
    said = chat.say("re: ticket #CD-ZZZZZZ nobody ever replied and the chair leg is still broken", "damaged_or_wrong_item")
    assert said[0] == "utter_reference_unknown", said
    assert chat.ticket is not None and chat.ticket["category"] == "damaged_or_wrong_item"
    assert len(tickets.list_tickets(engine)) == 1


def test_a_chase_takes_the_quoted_case_category_and_is_treated_as_a_repeat(domain, engine):
    reference = agreed_case(domain)
    later = Chat(domain, sender_id="conversation-2")
    said = later.say(f"{reference} still nothing arrived. i want my money back now", "payment_failed", confidence=0.6)
    assert "utter_recurrent" in said, said  # what was agreed did not do it: said openly, escalated
    ticket = later.ticket
    assert ticket["reference"] == reference
    assert ticket["category"] == "delivery_problem" and ticket["recurrent"] is True
    assert ticket["description"].startswith("my parcel never arrived"), "the case's own story first"
    assert f"{tickets.REOPENED} {reference} still nothing arrived" in ticket["description"], "the chase noted on it"
    assert later.slots["offered_remedies"][0] == "refund"


def test_a_chase_of_a_case_still_open_is_added_to_it(domain, engine):
    first = own_words.offered(domain, "my parcel never arrived, order 4839201", "delivery_problem", "jo@example.com")
    reference = first.slots["ticket_reference"]  # offered, nothing agreed yet: still open
    later = Chat(domain, sender_id="conversation-2")
    said = later.say(f"{reference} its been 5 days and still nothing", "delivery_problem")
    assert "utter_case_chased" in said and "utter_case_reopened" not in said, said
    assert len(tickets.list_tickets(engine)) == 1 and later.ticket["reference"] == reference
