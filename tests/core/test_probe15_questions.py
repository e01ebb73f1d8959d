"""Strangers' probe 15: process questions half-way read as questions, and chases of a quoted case read as chases.

"do i need the receipt as well?" was read as a VAT-invoice request; "can i keep the broken one or do you need it
back" and "who pays for the return postage btw" were no questions (a fault word, no "?", no "who"); "what has my
email got to do with anything" was no "why"; "will i get an email", "would the refund go back on my card?" and "any
news on my refund?" went to the team; "card please" chose nothing; "CD-... still no money" was a status look-up.
"""
from __future__ import annotations

import pytest

from calmdesk.conversation.plan import State, plan
from calmdesk.conversation.signals import read


def parsed(text: str, intent: str = "other", confidence: float = 0.5, anger: str = "calm") -> dict:
    return {"text": text, "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence}], "anger": {"level": anger}}


def names(moves) -> list[str]:
    return [m.name for m in moves]


ASKING_NUMBER = State(stage="details", asking="order_number", asked={"order_number": 1}, category="product_defect",
                      complaint_seq=1)
ASKING_EMAIL = State(stage="details", asking="customer_email", asked={"customer_email": 1},
                     category="damaged_or_wrong_item", complaint_seq=1, order_number="99014-F")
OFFER = State(stage="remedy_offered", category="billing_problem", complaint_seq=1, order_number="5512-661",
              customer_email="tess.h@example.com", offered=("refund", "store_credit"))
AGREED = State(stage="wrap_up", category="refund_request", complaint_seq=1, order_number="90021",
               customer_email="fay.d@example.com", offered=("refund", "store_credit"), chosen="refund")


@pytest.mark.parametrize("text", [
    "do i need the receipt as well? i think i threw it away",
    "do you need my receipt too",
    "is a receipt needed",
    "will i have to show proof of purchase?",
    "what if i dont have the receipt, no receipt ok?",
])
def test_whether_a_receipt_is_needed_is_a_question_not_an_invoice_request(text):
    s = read(parsed(text, "request_invoice", 0.6), asking="order_number")
    assert s.question == "receipt_needed" and s.request is None
    assert names(plan(ASKING_NUMBER, s)) == ["answer", "continue"]


@pytest.mark.parametrize("text", ["can i get a vat invoice for order 4410", "i need a receipt for my expenses please",
                                  "please send me a copy of the receipt"])
def test_asking_for_an_invoice_or_receipt_is_still_a_request(text):
    s = read(parsed(text, "request_invoice", 0.9))
    assert s.request == "invoice" and s.question != "receipt_needed"


@pytest.mark.parametrize("text,anger", [
    ("can i just keep the broken one or do you need it back", "calm"),
    ("who pays for the return postage btw because i am NOT paying for your mistake", "frustrated"),
    ("do i have to send the faulty one back", "calm"),
    ("do you want them back", "calm"),
])
def test_a_returns_question_is_asked_whatever_fault_word_or_anger_is_in_it(text, anger):
    s = read(parsed(text, "damaged_or_wrong_item", 0.6, anger))
    assert s.question == "other" and s.remedy is None
    moves = plan(ASKING_EMAIL, s)
    assert "vent" not in names(moves) and move_question(moves) == "other"


def move_question(moves) -> str | None:
    return next((m.args["question"] for m in moves if m.name == "answer"), None)


@pytest.mark.parametrize("text", ["can i keep it and get some money back",
                                  "wait, could i keep it and have a bit of money back instead? its only small"])
def test_keeping_it_for_some_money_back_is_no_question_but_a_partial_refund(text):
    s = read(parsed(text, "choose_remedy", 0.7))
    assert s.question is None and s.remedy is not None


@pytest.mark.parametrize("text", ["what has my email got to do with anything, just give me the money back",
                                  "whats my email got to do with it, refund me",
                                  "what does my order number have to do with anything? refund please"])
def test_what_has_my_email_got_to_do_with_it_asks_why_and_keeps_the_wish(text):
    s = read(parsed(text, "payment_failed", 0.6), asking="customer_email")
    assert s.question == "why_needed" and s.remedy == "refund"
    moves = plan(ASKING_EMAIL, s)
    assert names(moves)[:2] == ["want_remedy", "answer"] and move_question(moves) == "why_needed"


@pytest.mark.parametrize("text,question", [
    ("will i get an email confirming all this?", "email_copy"),
    ("do i get a confirmation?", "email_copy"),
    ("will you send me a copy", "email_copy"),
    ("would the refund go back on my card or is it store credit?", "refund_where"),
    ("where does the money go", "refund_where"),
    ("is it back to my card?", "refund_where"),
])
def test_email_and_refund_questions_are_their_own_and_choose_nothing(text, question):
    s = read(parsed(text, "other", 0.5))
    assert s.question == question
    assert "want_remedy" not in names(plan(OFFER, s)) and move_question(plan(OFFER, s)) == question


@pytest.mark.parametrize("text", ["card please", "to my card pls", "back on the card", "ok card then"])
def test_card_please_at_the_offer_chooses_the_refund(text):
    s = read(parsed(text, "inform", 0.4))
    assert s.remedy == "refund"
    assert ("want_remedy", "refund") in [(m.name, m.args.get("kind")) for m in plan(OFFER, s)]


@pytest.mark.parametrize("text", ["my card got charged twice", "the card reader said declined", "credit card"])
def test_a_card_in_a_complaint_is_no_refund_chosen(text):
    assert read(parsed(text, "billing_problem", 0.8)).remedy != "refund"


@pytest.mark.parametrize("text", ["hi again, its been 5 days, any news on my refund?", "any update on the money?",
                                  "still waiting on it, whats happening?"])
def test_news_asked_after_the_refund_was_agreed_is_its_timeline(text):
    s = read(parsed(text, "refund_request", 0.6))
    assert move_question(plan(AGREED, s)) == "how_long"


def test_another_question_after_the_agreement_still_goes_to_the_team():
    s = read(parsed("can the refund go to a different card?", "other", 0.5))
    assert move_question(plan(AGREED, s)) == "other"


@pytest.mark.parametrize("text", ["CD-XPVN6Y any update? still no money in my account",
                                  "hi its me again about CD-ABG5GH, courier now says it was returned to sender??",
                                  "CD-ABG5GH never arrived", "ref CD-ABG5GH no sign of the refund"])
def test_a_quoted_case_with_news_that_it_is_not_done_is_chased(text):
    s = read(parsed(text, "other", 0.4))
    assert [(m.name, m.args.get("chase")) for m in plan(AGREED, s)] == [("look_up", True)]


@pytest.mark.parametrize("text", ["CD-XPVN6Y any update?", "CD-XPVN6Y", "whats happening with CD-XPVN6Y"])
def test_a_quoted_case_with_no_news_is_only_looked_up(text):
    s = read(parsed(text, "other", 0.4))
    assert [(m.name, m.args.get("chase")) for m in plan(State(), s)] == [("look_up", None)]


def test_a_chase_read_as_a_problem_keeps_the_chase_for_the_look_up_to_decide():
    s = read(parsed("CD-XPVN6Y still nothing in my bank, whats going on", "refund_request", 0.9))
    moves = plan(State(), s)
    assert (moves[0].name, moves[0].args.get("chase")) == ("look_up", True) and "start_complaint" in names(moves)


def test_a_chase_asking_for_another_remedy_is_no_chase_of_what_was_agreed():
    s = read(parsed("CD-XPVN6Y still nothing arrived. i want my money back now", "delivery_problem", 0.9))
    assert plan(State(), s)[0].args.get("chase") is None


@pytest.mark.parametrize("text,question", [
    ("will i get a phone call or just an email?", "how_contacted"), ("how do they get hold of me", "how_contacted"),
    ("email or phone call?", "how_contacted"), ("will i be called back", "how_contacted"),
])
def test_how_they_will_be_reached_is_a_question_of_its_own(text, question):
    s = read(parsed(text, "other", 0.5))
    assert s.question == question and not s.wants_person
    moves = plan(State(stage="handed_off", category="delivery_problem", complaint_seq=1), s)
    assert "handoff" not in names(moves) and move_question(moves) == question


@pytest.mark.parametrize("text", ["the kettle i got has a crack in the base and water goes everywhere when i fill it",
                                  "kettle is cracked at the bottom and leaks all over the counter",
                                  "the coffee machine leaks from underneath"])
def test_an_electric_appliance_leaking_at_its_base_is_a_safety_risk(text):
    from calmdesk.conversation.safety import safety_risk
    assert safety_risk(text)


@pytest.mark.parametrize("text", ["the kettle leaks a bit from the spout", "the kettle lid is cracked",
                                  "the vase has a crack in the base", "the teapot drips from the bottom"])
def test_a_leak_or_crack_away_from_any_electrics_is_none(text):
    from calmdesk.conversation.safety import safety_risk
    assert not safety_risk(text)
