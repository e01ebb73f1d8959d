"""A request told in the middle of a complaint, and two things told apart in one message (strangers' probe).

"delete my account" at the remedy offer, or "oh and can you stop sending me marketing emails" while the
order number was asked, was heard as venting and the offer repeated; "two things: my parcel never came, and
separately the invoice has my name spelt wrong" lost the invoice.
"""
from __future__ import annotations

import pytest

from calmdesk.conversation.main_problem import separate_problems
from calmdesk.conversation.plan import State, plan
from calmdesk.conversation.signals import Signals, read, request_in
from tests.core.test_main_problem import encode, head  # noqa: F401  (a stand-in encoder and its head, a fixture)

DETAILS = State(stage="details", asking="order_number", asked={"order_number": 1}, category="delivery_problem",
                complaint_seq=1, customer_email="a@example.com")
OFFER = State(stage="remedy_offered", category="delivery_problem", complaint_seq=1, order_number="5512345",
              customer_email="a@example.com", offered=("expedited_reship", "refund", "store_credit"))


def names(moves):
    return [m.name for m in moves]


@pytest.mark.parametrize("state, text", [
    (OFFER, "ugh ok and can u wipe my account while ur at it"),
    (OFFER, "actualy forget all that, just delete my account and all my data pls"),
    (DETAILS, "oh and can you stop sending me marketing emails"),
    (DETAILS, "hang on b4 i look for it, unsubscribe me from your newsletter its like 3 a day"),
    (OFFER, "also can i get a vat invoice for it, for my work expenses"),
    (DETAILS, "sorry one more thing - i need to change the email on my account to jo.new@example.com"),
])
def test_a_request_in_the_middle_of_a_complaint_is_filed_aside_and_the_complaint_goes_on(state, text):
    signals = read({"text": text, "intent": {"name": "other", "confidence": 0.5}})
    assert signals.request, text
    moves = plan(state, signals)
    request = next(m for m in moves if m.name == "start_request")
    assert request.args == {"kind": signals.request, "aside": True}
    assert names(moves)[-1] == "continue" and "vent" not in names(moves)


def test_details_in_the_same_message_are_the_complaints_kept_before_the_request():
    signals = read({"text": "ok its 5512345, also pls stop sending me promo emails",
                    "intent": {"name": "inform", "confidence": 0.5}}, asking="order_number")
    moves = plan(DETAILS, signals)
    assert names(moves) == ["keep_detail", "start_request", "continue"]
    assert moves[0].args == {"detail": "order_number", "value": "5512345"}


@pytest.mark.parametrize("text, remedy", [
    ("cancel my order and refund me", "refund"),
    ("just refund me", "refund"),
    ("cancel the order i dont want it anymore, money back pls", "refund"),
])
def test_a_choice_at_the_offer_is_not_taken_for_a_request(text, remedy):
    moves = plan(OFFER, Signals(text=text, intent="cancellation", category="cancellation", remedy=remedy,
                                request=request_in(text)))
    assert "start_request" not in names(moves)
    assert ("want_remedy", {"kind": remedy}) in [(m.name, m.args) for m in moves]


def test_cancelling_the_order_complained_about_stays_with_the_complaint():
    text = "just cancel the order, i dont need it anymore"
    assert request_in(text) == "cancel_order"
    assert "start_request" not in names(plan(DETAILS, Signals(text=text, request="cancel_order")))
    other = "separately pls cancel my other order 7712309, ordered the wrong size"
    assert ("start_request", {"kind": "cancel_order", "aside": True, "order": "7712309"}) in [  # its own order
        (m.name, m.args) for m in plan(OFFER, Signals(text=other, request="cancel_order", order_numbers=("7712309",)))]


def test_a_rant_still_waiting_for_what_happened_is_not_parked():
    vague = State(stage="details", asking="problem_description", category="other", complaint_seq=1)
    assert "start_request" not in names(plan(vague, Signals(text="just delete my account", request="erase_data")))


def test_a_request_being_handled_is_not_parked_under_itself():
    handling = State(stage="details", asking="customer_email", category="other", complaint_seq=1, request="invoice")
    assert "start_request" not in names(plan(handling, Signals(text="unsubscribe me", request="marketing_opt_out")))


# -- two things told apart ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "two things: my parcel never came, and separately the invoice has my name spelt wrong",
    "2 issues - my parcel never arrived. also unrelated, the invoice has my name spelt wrong",
    "my parcel never came!! on a different note the name on my invoice is wrong",
    "my parcel never came, another thing the invoice has my company name spelt wrong",
    "parcel never came. secondly can u fix the address on my invoice its the old one",
])
def test_a_request_told_apart_from_a_problem_is_taken_in_the_order_told(head, text):
    problems = separate_problems(text, encode, head, request_of=request_in)
    assert [(p["category"], p.get("request")) for p in problems] == [
        ("delivery_problem", None), ("other", "invoice_correction")], problems


@pytest.mark.parametrize("text", [
    "two things. my parcel never came, you charged me twice for the last one",
    "a couple of issues: i was charged twice at checkout and separately my parcel never came",
])
def test_two_problems_after_a_count_or_a_cue_are_two(head, text):
    problems = separate_problems(text, encode, head, request_of=request_in)
    assert {p["category"] for p in problems} == {"delivery_problem", "billing_problem"}, problems


def test_a_fragment_with_no_fault_in_it_is_no_second_problem(head):
    assert separate_problems("i have had my parcel and separately i wanted to say thanks", encode, head) == []


def test_the_request_told_second_waits_and_the_problem_told_first_leads():
    text = "two things: my parcel never came, and separately the invoice has my name spelt wrong"
    problems = [{"category": "delivery_problem", "confidence": 0.93, "text": "my parcel never came"},
                {"category": "other", "confidence": 1.0, "text": "the invoice has my name spelt wrong",
                 "request": "invoice_correction"}]
    signals = read({"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.4}, "problems": problems})
    assert signals.request is None and signals.category == "delivery_problem"
    assert signals.more_problems == ({"category": "other", "text": "the invoice has my name spelt wrong",
                                      "request": "invoice_correction"},)
    assert names(plan(State(), signals)) == ["start_complaint", "more_problems", "continue"]


def test_a_request_told_first_waits_and_the_fault_leads():
    """Probe 13: the fault is heard and put right first; the request is filed after it (its own ticket)."""
    problems = [{"category": "other", "confidence": 1.0, "text": "pls stop sending me marketing emails",
                 "request": "marketing_opt_out"},
                {"category": "delivery_problem", "confidence": 0.9, "text": "my parcel never came"}]
    signals = read({"text": "2 things, pls stop sending me marketing emails and separately my parcel never came",
                    "intent": {"name": "other", "confidence": 0.5}, "problems": problems})
    assert signals.request == "marketing_opt_out"
    assert signals.more_problems == ({"category": "delivery_problem", "text": "my parcel never came"},)
    moves = plan(State(), signals)
    assert names(moves) == ["start_complaint", "more_problems", "continue"]
    assert moves[0].args == {"category": "delivery_problem", "text": "my parcel never came"}  # in its own words
    assert [p.get("request") for p in moves[1].args["problems"]] == ["marketing_opt_out"]


@pytest.mark.parametrize("text, kind", [
    ("the invoice has my name spelt wrong", "invoice_correction"),
    ("can you correct the company name on my receipt", "invoice_correction"),
    ("i need a vat invoice for order 5512345", "invoice"),
    ("the invoice charged me twice for delivery", None),  # a fault in the charge is a complaint
])
def test_an_invoice_with_wrong_details_is_a_correction_request(text, kind):
    assert request_in(text) == kind
