"""Probe 13 leftovers through action_turn: a code with an erasure, an invoice to another address, melted candles, an
email question passed by, a quoted case chased.

What a customer notices: the code is handled first as a billing problem with the code honoured, then the erasure on
its own ticket; the invoice request asks where to send it and puts the answer on the request (no apology, no remedy
menu); melted candles get no "keep it unplugged"; "refund" instead of answering "did you mean ...com?" is taken and
the address is not silently left (said, and noted for the team); a chase reopens the case it quotes.
"""
from __future__ import annotations

from calmdesk.desk import tickets
from calmdesk.understanding.anger_rules import adjust
from tests.actions import test_own_words as own_words
from tests.actions.conftest import Chat, remedy_statuses


CODE_AND_ERASURE = [{"category": "payment_failed", "confidence": 0.59,
                     "text": "the discount code SAVE15 didnt work at checkout"},
                    {"category": "other", "confidence": 1.0, "text": "and while youre at it delete my account",
                     "request": "erase_data"}]


def test_a_code_that_did_not_work_comes_first_with_the_code_honoured_then_the_erasure(domain, engine):
    chat = Chat(domain)
    said = chat.say("the discount code SAVE15 didnt work at checkout, and while youre at it delete my account",
                    "payment_failed", confidence=0.5, problems=CODE_AND_ERASURE)
    assert said[0].startswith("utter_acknowledge") and "utter_more_problems_noted" in said, said
    assert "discount code" in chat.texts[0], "said back as the code, not a failed checkout"
    assert chat.slots["category"] == "billing_problem"
    chat.say("3301-552", "inform")
    said = chat.say("jo.p@example.com", "inform")
    assert any(name.startswith("utter_offer_remedies") for name in said), said
    assert chat.slots["offered_remedies"] == ["refund", "discount"], "the code honoured (policy: discount_code)"
    said = chat.say("refund", "choose_remedy")
    assert "utter_now_the_next_problem" in said and chat.slots["request"] == "erase_data", said
    by_seq = {t["complaint_seq"]: t for t in tickets.list_tickets(engine)}
    assert by_seq[1]["category"] == "billing_problem" and remedy_statuses(by_seq[1])["refund"] == "accepted"
    assert by_seq[2]["description"].startswith("Request (erase data)")


def test_an_invoice_to_send_to_a_work_address_asks_where_and_puts_it_on_the_request(domain, engine):
    chat = Chat(domain)
    said = chat.say("can you correct the invoice, it has the wrong company name. also send it to my work address",
                    "billing_problem", confidence=0.65)
    assert said[0] == "utter_request_noted" and not any(n.startswith("utter_acknowledge") for n in said), said
    chat.say("8812-330", "inform")
    said = chat.say("amy.t@example.com", "inform")
    assert "utter_request_filed" in said and said[-1] == "utter_request_ask", said
    assert "address" in chat.texts[-1] and chat.slots["asking"] == "request_note"
    said = chat.say("its Unit 4, 22 Harbour Road, Leeds LS1 4AB", "inform")
    assert said[0] == "utter_request_note_added" and not any(n.startswith("utter_offer") for n in said), said
    [ticket] = tickets.list_tickets(engine)
    assert ticket["category"] == "other" and ticket["description"].startswith("Request (invoice correction)")
    assert "22 Harbour Road" in ticket["description"] and ticket["remedies"] == []


def test_the_wish_told_while_the_order_number_is_asked_is_noted_not_a_delivery_fault(domain, engine):
    chat = Chat(domain)
    chat.say("pls fix my invoice, wrong company name on it", "billing_problem")
    said = chat.say("oh and can it go to my work address", "delivery_problem", confidence=0.45)
    assert said == ["utter_request_note_added", "utter_ask_order_number"], said
    assert chat.slots["category"] == "other" and chat.slots["request"] == "invoice_correction"
    chat.say("8812-330", "inform")
    said = chat.say("amy.t@example.com", "inform")
    assert said[-1] == "utter_request_ask", "where to send it, asked once it is filed"


def test_candles_that_arrived_melted_get_a_calm_hearing_and_no_safety_line(domain, engine):
    text = "the candles arrived melted"
    chat = Chat(domain)
    said = chat.say(text, "damaged_or_wrong_item", anger=adjust("angry", text, angry_probability=0.6).level)
    assert said[0] in ("utter_acknowledge_calm", "utter_acknowledge_frustrated"), said
    assert "utter_safety_first" not in said, said
    sparks = Chat(domain, sender_id="conversation-2")
    assert "utter_safety_first" in sparks.say("the heater plug melted when i switched it on", "product_defect")


def test_refund_instead_of_yes_or_no_takes_the_refund_and_notes_the_likely_email(domain, engine):
    chat = Chat(domain)
    said = chat.say("my lamp came with a cracked base, order 4471-902, email dee.m@gmail.con", "damaged_or_wrong_item")
    assert said[-1] == "utter_ask_email_typo", said
    assert chat.say("what do you mean", "other") == ["utter_explain_email_typo"]
    said = chat.say("refund", "choose_remedy")
    assert said[0] == "utter_email_kept_as_typed" and "dee.m@gmail.com" in chat.texts[0], said
    assert said[-1] == "utter_offer_remedies_wanted", "the refund leads the offer"
    ticket = chat.ticket
    assert ticket["customer_email"] == "dee.m@gmail.con", "nothing the customer did not confirm is changed"
    assert ".con, not .com" in ticket["description"], "the team sees what looked wrong"
    said = chat.say("yes", "affirm")
    assert said[0] == "utter_remedy_confirmed", "the yes is about the refund now, not the address"


def test_a_chase_quoting_a_case_reopens_it_and_says_so(domain, engine):
    first = own_words.offered(domain, "my parcel never arrived, order 4839201", "delivery_problem", "jo@example.com")
    first.say("the express re-delivery please", "choose_remedy")
    reference = first.slots["ticket_reference"]
    later = Chat(domain, sender_id="conversation-2")
    said = later.say(f"{reference.lower()} where is it?? its been a week", "delivery_problem")
    assert "utter_case_reopened" in said and "utter_recurrent" in said, said
    [case] = tickets.list_tickets(engine)
    assert case["reference"] == reference and case["status"] == "open" and case["recurrent"] is True
