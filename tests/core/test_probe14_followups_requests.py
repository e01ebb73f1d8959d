"""Strangers' probe 14: follow-ups after the remedy was agreed, requests read as faults, "it's here".

After a refund was agreed, "still annoyed tbh" (which the classifier reads as a staff complaint) opened a second
ticket with a goodwill offer, and "whats my reference number again?" was put to the team and reopened the case.
"pls cancel ORD-55410, found it cheaper elsewhere" and "how do i stop getting 5 emails a day" got an apology for a
fault; "its here lol sorry" while the email was asked got the email asked again. The parses below are what the
trained model gave for these messages (intent ranking, anger level).
"""
from __future__ import annotations

import pytest

from calmdesk.conversation.plan import State, plan
from calmdesk.conversation.signals import read, request_in
from calmdesk.conversation.wording import QUESTIONS
from calmdesk.conversation.wording_repairs import feelings_only, gone_away

AGREED = State(stage="wrap_up", category="billing_problem", complaint_seq=1, order_number="4480-219",
               customer_email="lina.s@example.com", offered=("refund", "store_credit"), chosen="refund")
ASKING_EMAIL = State(stage="details", asking="customer_email", asked={"customer_email": 1}, category="delivery_problem",
                     complaint_seq=1, order_number="7701-230")


def parsed(text: str, *ranking: tuple[str, float], anger: str = "calm") -> dict:
    return {"text": text, "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking], "anger": {"level": anger}}


def names(moves) -> list[str]:
    return [m.name for m in moves]


# --- 4. After the remedy was agreed

@pytest.mark.parametrize("text,ranking", [
    ("still annoyed tbh", [("staff_complaint", 0.4), ("vent", 0.3)]),
    ("honestly im still fuming about it all", [("staff_complaint", 0.5), ("vent", 0.4)]),
    ("meh. not impressed tbh", [("staff_complaint", 0.45), ("other", 0.2)]),
    ("i'm so angry with you lot", [("staff_complaint", 0.7), ("vent", 0.2)]),
])
def test_a_feeling_after_the_agreement_is_venting_not_a_new_complaint(text, ranking):
    s = read(parsed(text, *ranking, anger="frustrated"))
    assert s.category is None and s.vent, s
    assert names(plan(AGREED, s)) == ["vent", "continue"]


@pytest.mark.parametrize("text,feeling", [
    ("still annoyed tbh", True), ("not happy tbh", True), ("ugh. still really cross about all this tbh", True),
    ("i feel really let down", True), ("gutted tbh mate", True),
    # something more than a feeling: a fault, a person, a thing, a question, a detail
    ("still annoyed my parcel was late", False), ("im upset the driver was rude", False),
    ("not happy with the refund", False), ("still annoyed, can i talk to someone", False), ("are you annoyed?", False),
    ("still annoyed 5512-001", False), ("im fine", False),
])
def test_only_a_feeling(text, feeling):
    assert feelings_only(text) is feeling


@pytest.mark.parametrize("text,asks", [
    ("sorry whats my reference number again?", True), ("whats the case number", True),
    ("can you give me the ticket number", True), ("what's my reference?", True), ("whats my ref again", True),
    ("could u send me the case ref again pls", True), ("did you give me a reference number? i didnt catch it", True),
    ("reference number?", True), ("can i get a reference number for this", True), ("remind me of my ref", True),
    # not our case reference
    ("whats my order reference", False), ("what's the tracking number", False), ("what's the case with my order", False),
    ("whats my refund status", False), ("what's the reference number for?", False),
    ("the reference for the return label is wrong", False),
])
def test_asking_for_the_case_reference(text, asks):
    assert bool(QUESTIONS["reference"].search(text)) is asks


@pytest.mark.parametrize("text,ranking", [
    ("sorry whats my reference number again?", [("inform", 0.85)]),
    ("whats the case number", [("inform", 0.86)]),
    ("can you give me the ticket number", [("delivery_problem", 0.64), ("inform", 0.2)]),
    ("what's my reference?", [("vent", 0.75)]),
    ("ok what was the ticket no", [("delivery_problem", 0.8)]),
])
def test_the_reference_asked_after_the_agreement_is_said_not_filed(text, ranking):
    moves = plan(AGREED, read(parsed(text, *ranking)))
    assert names(moves) == ["answer", "continue"] and moves[0].args["question"] == "reference", moves


def test_the_reference_asked_while_a_detail_is_asked_is_answered_and_the_detail_asked_again():
    moves = plan(ASKING_EMAIL, read(parsed("whats my case number btw", ("inform", 0.8)), asking="customer_email"))
    assert names(moves) == ["answer", "continue"] and moves[0].args["question"] == "reference"


@pytest.mark.parametrize("text,ranking", [
    ("right ill keep an eye out for the email then", [("inform", 0.6)]),
    ("whats the case number", [("inform", 0.86)]),
])
def test_words_with_no_fault_after_the_agreement_open_no_complaint(text, ranking):
    moves = plan(AGREED, read(parsed(text, *ranking)))
    assert "start_complaint" not in names(moves), moves


def test_a_new_fault_after_the_agreement_is_still_a_new_complaint():
    s = read(parsed("oh and my other order 5521-330 never arrived either", ("delivery_problem", 0.9)))
    assert names(plan(AGREED, s))[0] == "start_complaint"


# --- 6. Requests, not faults

@pytest.mark.parametrize("text,kind", [
    ("pls cancel ORD-55410, found it cheaper elsewhere", "cancel_order"),
    ("i want to cancel ORD-55412 before it ships", "cancel_order"),
    ("can you cancel #55413 please, dont need it anymore", "cancel_order"),
    ("need to cancel A-55001 asap thanks", "cancel_order"),
    ("cancel order 55411 pls", "cancel_order"),
    ("how do i stop getting 5 emails a day from you people", "marketing_opt_out"),
    ("why am i getting 4 texts a day from you", "marketing_opt_out"),
    ("stop receiving your newsletters how", "marketing_opt_out"),
    # faults: a complaint, not a request
    ("i tried to cancel ORD-55410 but it wont let me", None),
    ("you cancelled ORD-55410 without asking", None),
    ("why did you cancel 55410", None),
    ("my order 5512 never came, cancel ORD-5512", None),
    ("stop getting charged twice", None),
    ("i keep getting emails saying my order shipped but it hasnt", None),
])
def test_cancel_a_number_and_stop_getting_emails_are_requests(text, kind):
    assert request_in(text) == kind


@pytest.mark.parametrize("text,ranking,kind", [
    ("pls cancel ORD-55410, found it cheaper elsewhere", [("cancellation", 0.66), ("billing_problem", 0.19)], "cancel_order"),
    ("i want to cancel ORD-55412 before it ships", [("cancellation", 1.0)], "cancel_order"),
    ("how do i stop getting 5 emails a day from you people", [("cancellation", 0.45), ("staff_complaint", 0.35)],
     "marketing_opt_out"),
])
def test_a_request_first_starts_a_request_not_a_complaint(text, ranking, kind):
    moves = plan(State(), read(parsed(text, *ranking)))
    assert names(moves)[0] == "start_request" and moves[0].args["kind"] == kind, moves
    assert "start_complaint" not in names(moves)


# --- 7. It's here

@pytest.mark.parametrize("text,gone", [
    ("oh wait the doorbell just went, its here lol sorry", True), ("its here now lol", True),
    ("parcel is here sorry", True), ("nvm it came", True), ("theyve landed lol", True),
    ("my order just arrived lol ignore me", True), ("oh its come!! sorry for the fuss", True),
    ("ha the courier just showed up, its here", True),
    # here with a fault, or not here at all
    ("it came broken", False), ("its here but the box is crushed", False), ("it came with a big dent in it", False),
    ("finally arrived, a week late", False), ("tracking says it's arrived", False), ("hope it turns up", False),
    ("it came up with an error", False), ("it says delivered but its not here", False), ("is it here yet?", False),
])
def test_it_is_here(text, gone):
    assert gone_away(text) is gone


@pytest.mark.parametrize("text,ranking", [
    ("oh wait the doorbell just went, its here lol sorry", [("delivery_problem", 0.55), ("product_defect", 0.12)]),
    ("its here now lol", [("nlu_fallback", 0.4), ("goodbye", 0.27), ("delivery_problem", 0.19)]),
    ("parcel is here sorry", [("delivery_problem", 0.95)]),
    ("nvm it came", [("damaged_or_wrong_item", 0.78), ("delivery_problem", 0.14)]),
])
def test_here_while_the_email_is_asked_closes_the_case(text, ranking):
    assert names(plan(ASKING_EMAIL, read(parsed(text, *ranking), asking="customer_email"))) == ["resolved_itself"]


def test_here_but_broken_does_not_close_the_case():
    s = read(parsed("its here but the box is crushed", ("damaged_or_wrong_item", 0.8)), asking="customer_email")
    assert "resolved_itself" not in names(plan(ASKING_EMAIL, s))
