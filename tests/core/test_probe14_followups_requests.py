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


def parsed(text: str, *ranking: tuple[str, float], anger: str = "calm") -> dict:
    return {"text": text, "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking], "anger": {"level": anger}}


def names(moves) -> list[str]:
    return [m.name for m in moves]


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


