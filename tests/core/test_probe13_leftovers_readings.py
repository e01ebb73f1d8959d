"""Strangers' probe 13, leftovers: readings that sent the bot the wrong way (the Rasa-free part).

"the discount code SAVE15 didnt work at checkout, and while youre at it delete my account" was a failed payment, and
"delete my account. also the discount code SAVE15 didnt work" filed only the erasure; "can you correct the invoice ...
also send it to my work address" became a delivery fault once "address" came up; "the candles arrived melted" was read
as danger, so angry, with "keep it unplugged"; "did you mean ...com?" passed by with "refund" left the mistyped
address on the ticket unremarked; a chase of a quoted case filed a new ticket.
"""
from __future__ import annotations

import numpy as np
import pytest

from calmdesk.conversation.main_problem import CategoryHead, separate_problems
from calmdesk.conversation.plan import ASKED_EMAIL_TYPO, EXPLAINED_EMAIL_TYPO, State, plan
from calmdesk.conversation.request_wording import question_after_filing, wants_it_elsewhere
from calmdesk.conversation.signals import read, request_in
from calmdesk.conversation.wording import chases
from calmdesk.desk.details import unconfirmed_email_note
from calmdesk.desk.requests import load_requests
from calmdesk.understanding.anger_rules import adjust, danger


# A reader that leans, unsure, to a failed payment for anything (the sentence encoder stands aside).
HEAD = CategoryHead.train(np.array([[0, 1], [0, 2], [1, 0], [2, 0], [0, 0], [0, 0]]),
                          ["payment_failed"] * 2 + ["delivery_problem"] * 2 + ["other"] * 2)


def names(moves):
    return [m.name for m in moves]


def parsed(text, intent="other", confidence=0.6, **more):
    return {"text": text, "intent": {"name": intent, "confidence": confidence}, "anger": {"level": "calm"}, **more}


# 1. A discount code that did not come off, told with a request: the code is the billing problem, first.
@pytest.mark.parametrize("fault, asked, kind", [
    ("the discount code SAVE15 didnt work at checkout", "and while youre at it delete my account", "erase_data"),
    ("voucher code WINTER20 wont apply on the payment page", "also pls stop the marketing emails", "marketing_opt_out"),
])
def test_a_code_told_with_a_request_is_the_billing_problem_and_the_request_waits(fault, asked, kind):
    problems = [{"category": "payment_failed", "confidence": 0.59, "text": fault},  # what the clause reader said
                {"category": "other", "confidence": 1.0, "text": asked, "request": kind}]
    signals = read(parsed(f"{fault}, {asked}", "payment_failed", 0.5, problems=problems))
    assert signals.category == "billing_problem"
    assert [p.get("request") for p in signals.more_problems] == [kind]
    moves = plan(State(), signals)
    assert names(moves)[:2] == ["start_complaint", "more_problems"]
    assert moves[0].args["category"] == "billing_problem"


@pytest.mark.parametrize("text", ["delete my account. also the discount code SAVE15 didnt work",
                                  "ur promo code WELCOME10 said invalid when i went to pay... oh and take me off ur "
                                  "mailing list"])
def test_a_code_told_apart_from_a_request_is_a_problem_of_its_own_and_comes_first(text):
    # A reader unsure of the code's clause (a lean to a failed payment): the words say a code was turned down.
    problems = separate_problems(text, lambda parts: np.array([[0.0, 0.3] for _ in parts]), HEAD, request_of=request_in)
    assert sorted(bool(p.get("request")) for p in problems) == [False, True], problems
    moves = plan(State(), read(parsed(text, "nlu_fallback", 0.4, problems=problems)))
    assert names(moves)[:2] == ["start_complaint", "more_problems"] and moves[0].args["category"] == "billing_problem"
    if text.startswith("delete"):  # told after the request: the complaint in its own words (the code, honoured)
        assert moves[0].args["text"] == "the discount code SAVE15 didnt work"


def test_a_request_told_with_a_fault_keeps_its_own_category():
    problems = [{"category": "damaged_or_wrong_item", "confidence": 0.8, "text": "the mug came chipped"},
                {"category": "other", "confidence": 1.0, "text": "the promo code didnt work either so delete my account",
                 "request": "erase_data"}]
    signals = read(parsed("the mug came chipped, the promo code didnt work either so delete my account",
                          problems=problems))
    assert signals.more_problems[0]["category"] == "other"


# 2. An invoice wished sent elsewhere: a wish about the request, asked where once it is filed; no delivery fault.
INVOICE = State(stage="details", category="other", request="invoice_correction", asking="order_number", complaint_seq=1)


@pytest.mark.parametrize("text, asks", [
    ("can you correct the invoice, it has the wrong company name. also send it to my work address", True),
    ("invoice has our old company name, pls email the corrected one to our accounts team", True),
    ("fix the name on the invoice and post it to my office", True),
    ("send it to my work address: 22 Harbour Road, Leeds", False),  # said where: nothing to ask
    ("also email it to my work email pat@acme.example.com", False),
    ("can you correct the invoice, it has the wrong company name", False),  # nowhere else
])
def test_where_to_send_an_invoice_is_asked_after_filing_only_when_not_said(text, asks):
    request = load_requests()["invoice_correction"]
    assert wants_it_elsewhere(text) is asks
    assert (question_after_filing(request, text) == request.ask_where) is asks
    assert question_after_filing(load_requests()["erase_data"], text) is None  # nothing is sent for it


@pytest.mark.parametrize("state", [INVOICE, State(stage="wrap_up", category="other", request="invoice_correction",
                                                  complaint_seq=1, order_number="8812-330")])
@pytest.mark.parametrize("text", ["can it go to my work address", "send it to my work address please"])
def test_a_wish_where_to_send_it_is_put_on_the_request_not_read_as_a_delivery_fault(state, text):
    moves = plan(state, read(parsed(text, "delivery_problem", 0.45), asking=state.asking))
    assert names(moves) == ["add_to_request", "continue"]


def test_an_email_after_the_wish_is_where_to_send_it_not_the_customers_own():
    moves = plan(INVOICE, read(parsed("8812-330 and email it to my work email pat@acme.example.com", "inform", 0.9),
                               asking="order_number"))
    assert names(moves) == ["keep_detail", "add_to_request", "continue"]
    assert moves[0].args == {"detail": "order_number", "value": "8812-330"}


def test_the_accounts_email_given_next_is_not_where_to_send_it_but_an_address_is():
    request = load_requests()["invoice_correction"]
    told = "Request (invoice correction): fix the invoice and send it to my work address"
    assert question_after_filing(request, told, "amy.t@example.com") == request.ask_where
    assert question_after_filing(request, told, "amy.t@example.com, work is 22 Harbour Road Leeds") is None


# 3. An item that came melted is a damaged item told plainly, not danger.
@pytest.mark.parametrize("text", ["the candles arrived melted", "my chocolates came all melted",
                                  "the lipstick was melted in the parcel", "candles were melted when they arrived"])
def test_an_item_that_came_melted_is_no_danger_and_no_anger(text):
    assert not danger(text)
    assert adjust("angry", text, angry_probability=0.6).level in ("calm", "frustrated")
    assert adjust("calm", text).level == "calm"


@pytest.mark.parametrize("text", ["the plug melted when i switched it on", "the charger cable is melting",
                                  "it arrived melted and now it sparks when plugged in"])
def test_melting_in_use_is_still_danger(text):
    assert danger(text)
    assert adjust("calm", text).level == "angry"


@pytest.mark.parametrize("text", ["the candles arrived MELTED!!!", "the candles arrived melted, absolutely disgraceful",
                                  "the vase arrived SMASHED!!!"])
def test_anger_told_about_a_damaged_item_stays_angry(text):
    assert adjust("calm", text).level == "angry"


# 4. "Did you mean ...com?" passed by: not asked a third time, not dropped either.
TYPO = dict(stage="details", category="damaged_or_wrong_item", complaint_seq=1, order_number="4471-902",
            customer_email="dee.m@gmail.con")


@pytest.mark.parametrize("said_last, text, intent", [
    ((EXPLAINED_EMAIL_TYPO, ASKED_EMAIL_TYPO), "refund", "choose_remedy"),
    ((ASKED_EMAIL_TYPO,), "just refund me", "choose_remedy"),
    ((EXPLAINED_EMAIL_TYPO, ASKED_EMAIL_TYPO), "i just want a replacement sent", "choose_remedy"),
])
def test_a_remedy_named_instead_keeps_the_address_as_typed_and_notes_the_likely_one(said_last, text, intent):
    moves = plan(State(**TYPO, said_last=said_last), read(parsed(text, intent, 0.9)))
    assert names(moves)[0] == "email_unconfirmed" and "want_remedy" in names(moves), moves


def test_once_explained_anything_but_yes_or_no_goes_on_without_asking_again():
    moves = plan(State(**TYPO, said_last=(EXPLAINED_EMAIL_TYPO, ASKED_EMAIL_TYPO)),
                 read(parsed("just get the lamp sorted pls", "inform", 0.7)))
    assert names(moves)[0] == "email_unconfirmed", moves


@pytest.mark.parametrize("text, intent", [("4471-902", "inform"), ("yes", "affirm"), ("no thats right", "deny")])
def test_the_question_asked_once_still_owns_a_yes_or_no_after_a_resent_number(text, intent):
    moves = plan(State(**TYPO, said_last=(ASKED_EMAIL_TYPO,)), read(parsed(text, intent, 0.95)))
    assert "email_unconfirmed" not in names(moves), moves


def test_the_note_for_the_team_says_what_looked_wrong_without_the_address():
    note = unconfirmed_email_note("lamp.fan@gmail.con", "lamp.fan@gmail.com")
    assert ".con, not .com" in note and "lamp" not in note  # the description is said back: no item read from it


# 5. A chase of a quoted case is that case (its reopening is tested in tests/desk/tickets/test_aftercare.py).
@pytest.mark.parametrize("case, category, text, confidence, chased", [
    ("delivery_problem", "payment_failed", "CD-F02MAJ still nothing arrived, i want my money back", 0.6, True),
    ("delivery_problem", "delivery_problem", "CD-F02MAJ the parcel never came", 0.9, True),
    ("delivery_problem", "damaged_or_wrong_item", "the remote was missing from the box as well", 0.9, False),
])
def test_a_chase_is_told_apart_from_a_new_problem_about_the_same_case(case, category, text, confidence, chased):
    assert chases(case, category, text, confidence) is chased
