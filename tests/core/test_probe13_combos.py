"""Strangers' probe 13: a fault and a request told in one message, another order cancelled at the offer, two requests.

"the lamp shade came dented and ur spamming me daily, unsubscribe me" filed only the opt-out: no sorry, no offer. The
fault now comes first (heard, details, offer) and the request waits its turn with its own words and order numbers;
"oh and cancel my other order 4410-221" at the offer no longer renumbers the complaint; "no more promo emails and
also get rid of all my details" files both requests.
"""
from __future__ import annotations

import numpy as np

from calmdesk.conversation.main_problem import CategoryHead, separate_problems
from calmdesk.conversation.plan import State, plan
from calmdesk.conversation.signals import read, request_in

WORDS = {"dented": 0, "stain": 0, "late": 0, "shade": 0, "code": 1, "discount": 1}


def encode(parts):
    """Key words stand in for the sentence encoder: a dimension for faults, one for discount codes."""
    return np.array([[sum(p.lower().count(w) for w, t in WORDS.items() if t == topic) for topic in (0, 1)]
                     for p in parts], dtype=float)


HEAD = CategoryHead.train(np.array([[1, 0], [2, 0], [0, 1], [0, 2], [0, 0], [0, 0]]),
                          ["damaged_or_wrong_item"] * 2 + ["billing_problem"] * 2 + ["other"] * 2)


def names(moves):
    return [m.name for m in moves]


def _split(text):
    return separate_problems(text, encode, HEAD, request_of=request_in)


def test_a_fault_and_a_request_in_one_breath_are_two_things_the_fault_first():
    text = "the lamp shade came dented and ur spamming me daily, unsubscribe me"
    problems = _split(text)
    assert [p.get("request") for p in problems] == [None, "marketing_opt_out"]
    assert problems[0]["category"] == "damaged_or_wrong_item" and "dented" in problems[0]["text"]
    signals = read({"text": text, "intent": {"name": "other", "confidence": 0.5}, "problems": problems})
    assert signals.category == "damaged_or_wrong_item"
    moves = plan(State(), signals)
    assert names(moves) == ["start_complaint", "more_problems", "continue"]
    assert moves[1].args["problems"][0]["request"] == "marketing_opt_out"


def test_a_request_told_first_waits_and_keeps_its_own_order_number():
    text = "delete my account please... but first, order 5530-118 came dented"
    problems = _split(text)
    assert [p.get("request") for p in problems] == ["erase_data", None]
    signals = read({"text": text, "intent": {"name": "other", "confidence": 0.5}, "problems": problems})
    moves = plan(State(), signals)
    assert names(moves) == ["start_complaint", "keep_detail", "more_problems", "continue"]
    assert moves[1].args == {"detail": "order_number", "value": "5530-118"}
    assert moves[2].args["problems"][0]["request"] == "erase_data"
    assert "5530-118" not in moves[2].args["problems"][0]["text"]


def test_a_request_told_after_the_fault_keeps_its_own_order_number():
    text = "the rug came dented, order 1180-220, and the lamp 3312-004 has dropped by 20 quid"
    problems = _split(text)
    assert [p.get("request") for p in problems] == [None, "price_drop"]
    signals = read({"text": text, "intent": {"name": "other", "confidence": 0.5}, "problems": problems})
    moves = plan(State(), signals)
    assert names(moves) == ["start_complaint", "keep_detail", "more_problems", "continue"]
    assert moves[1].args == {"detail": "order_number", "value": "1180-220"}


def test_a_stain_set_apart_from_a_price_drop_is_a_fault_of_its_own():
    text = "the bath mat turned up with a stain, order 7130-221. separately, the lamp i bought has dropped by 20 quid"
    problems = _split(text)
    assert [p.get("request") for p in problems] == [None, "price_drop"], problems
    assert problems[0]["category"] == "damaged_or_wrong_item"


def test_a_complaint_with_its_remedy_named_is_not_split():
    assert _split("my order never came, cancel it") == []
    assert _split("please delete my account, im moving abroad") == []


def test_another_order_cancelled_at_the_offer_is_the_requests_not_the_complaints():
    state = State(stage="remedy_offered", category="damaged_or_wrong_item", complaint_seq=1, order_number="5530-118",
                  customer_email="jo@example.com", offered=("refund", "replacement"))
    signals = read({"text": "oh and cancel my other order 4410-221", "intent": {"name": "cancellation", "confidence": 0.8}})
    assert signals.request == "cancel_order"
    moves = plan(state, signals)
    assert names(moves) == ["start_request", "continue"], moves
    assert moves[0].args == {"kind": "cancel_order", "aside": True, "order": "4410-221"}


def test_two_requests_in_one_message_are_both_kept():
    for text in ("no more promo emails pls and also get rid of all my details", "stop the newsletters and wipe my data"):
        problems = _split(text)
        assert [p["request"] for p in problems] == ["marketing_opt_out", "erase_data"], text
        signals = read({"text": text, "intent": {"name": "other", "confidence": 0.5}, "problems": problems})
        moves = plan(State(), signals)
        assert names(moves) == ["start_request", "more_problems", "continue"]
        assert moves[1].args["problems"][0]["request"] == "erase_data"
