"""The main problem of a long message: clauses vote, asides count for less."""
from __future__ import annotations

import numpy as np
import pytest

from calmdesk.conversation.main_problem import (
    ASIDE_WEIGHT, CategoryHead, clause_weights, clauses, main_problem, separate_problems,
)

WORDS = {"late": 0, "parcel": 0, "courier": 0, "rude": 1, "laughed": 1, "useless": 1, "charged": 2, "twice": 2}


def encode(parts):
    """A stand-in for the sentence encoder: one dimension per topic, from key words."""
    vectors = np.zeros((len(parts), 3))
    for row, part in enumerate(parts):
        for word, topic in WORDS.items():
            vectors[row, topic] += part.lower().count(word)
    return vectors


@pytest.fixture(scope="module")
def head() -> CategoryHead:
    vectors = np.array([[1, 0, 0], [2, 0, 0], [0, 1, 0], [0, 2, 0], [0, 0, 1], [0, 0, 2], [0, 0, 0], [0, 0, 0]])
    labels = ["delivery_problem"] * 2 + ["staff_complaint"] * 2 + ["billing_problem"] * 2 + ["other"] * 2
    return CategoryHead.train(vectors, labels)


def test_a_long_message_is_cut_into_clauses():
    text = "my parcel is 10 days late now and when i finally got through the guy was useless. not happy at all"
    assert clauses(text) == ["my parcel is 10 days late now", "when i finally got through the guy was useless.",
                             "not happy at all"]


def test_asides_and_what_is_set_aside_count_less():
    parts = ["the app is slow by the way", "that aside you charged me twice for one order"]
    assert list(clause_weights(parts)) == [ASIDE_WEIGHT, 1.0]
    parts = ["the parcel was slow to come", "that aside you charged me twice"]
    assert list(clause_weights(parts)) == [ASIDE_WEIGHT, 1.0]


def test_a_wish_after_a_comma_and_a_clause_of_details_count_less():
    """"..., i want a refund for that. im on x@example.com": what went wrong is the first clause."""
    parts = clauses("your parcel has been stuck for a week and the courier never came, i want a refund for that. "
                    "im on greta.l@example.com")
    assert parts == ["your parcel has been stuck for a week and the courier never came", "i want a refund for that.",
                     "im on greta.l@example.com"]
    assert list(clause_weights(parts)) == [1.0, ASIDE_WEIGHT, ASIDE_WEIGHT]


def test_the_main_problem_wins_over_a_vivid_side_remark(head):
    text = ("my parcel is ten days late, the courier never came and the parcel is still not here, "
            "and when i rang the woman was rude")
    assert main_problem(text, encode, head)["category"] == "delivery_problem"


def test_an_aside_does_not_win_even_when_it_comes_first(head):
    text = ("your staff were rude and laughed at me by the way, but that aside you have charged me twice "
            "for one order and i want it sorted")
    assert main_problem(text, encode, head)["category"] == "billing_problem"


def test_short_messages_are_left_to_the_whole_message_reading(head):
    assert main_problem("my parcel is late and the driver was rude", encode, head) is None


def test_a_vague_clause_never_wins_over_a_specific_one(head):
    text = "this is honestly the worst experience of my whole life with any shop, and the courier is late again now"
    assert main_problem(text, encode, head)["category"] == "delivery_problem"


def test_the_head_saves_and_loads(head, tmp_path):
    head.save(tmp_path)
    again = CategoryHead.load(tmp_path)
    assert again.classes == head.classes
    assert np.allclose(again.probabilities(np.eye(3)), head.probabilities(np.eye(3)))


def test_a_wish_is_not_the_problem():
    parts = ["three weeks late and still not here", "just put the money on my account as credit"]
    assert list(clause_weights(parts)) == [1.0, ASIDE_WEIGHT]


@pytest.mark.parametrize("joined", [", and also", " AND"])  # "also", or a plain "and" when each side states a fault
def test_two_problems_joined_are_told_apart(head, joined):
    problems = separate_problems(f"the parcel is late again{joined} you charged me twice for it", encode, head)
    assert [(p["category"], p["text"]) for p in problems] == [
        ("delivery_problem", "the parcel is late again"), ("billing_problem", "you charged me twice for it")]


def test_one_problem_told_twice_is_one(head):
    assert separate_problems("the parcel is late, also the courier is late every time", encode, head) == []
    assert separate_problems("my parcel is late and the driver was rude", encode, head) == []


def test_a_pasted_essay_is_read_by_its_first_clauses_only(head):
    """100 KB of text must not cost a turn thousands of sentence encodings (one sender could stall a replica)."""
    from calmdesk.conversation.main_problem import MAX_PARTS

    encoded: list[int] = []

    def counting(parts):
        encoded.append(len(parts))
        return encode(parts)

    essay = "my parcel is ten days late, the courier never came. " * 30 + "and also i was charged twice, " * 4000
    reading = main_problem(essay, counting, head)
    separate_problems(essay, counting, head)
    assert reading["category"] == "delivery_problem", "the problem told first, not the thousands of lines after"
    assert reading["clauses"] == MAX_PARTS and max(encoded) <= MAX_PARTS


def test_a_plain_and_joins_one_problem_when_one_side_states_no_fault(head):
    # "the parcel arrived" is context, not a fault, however sure the reading of its words
    assert separate_problems("the parcel arrived on monday and you charged me twice for it", encode, head) == []


def test_a_plain_and_joins_one_story_when_the_categories_belong_together(head):
    assert separate_problems("my parcel is late again and the driver was rude to me", encode, head) == []


def test_an_and_that_goes_on_about_the_customer_or_past_the_first_sentence_is_one_story(head):
    # "and i ..." tells what the first fault cost them; a later sentence is the rest of the story
    assert separate_problems("the parcel is late again and i couldn't use my delivery pass", encode, head) == []
    assert separate_problems("the parcel is late again and i had to stay in all day twice for it", encode, head) == []
    assert separate_problems("the parcel is late again. And the courier charged me twice", encode, head) == []
