"""Finding the email and the description in what customers actually type (order numbers: test_order_numbers.py)."""
from __future__ import annotations

import pytest

from calmdesk.desk.details import NOT_GIVEN, describe_problem, is_given, parse_email, parse_order_number


@pytest.mark.parametrize(
    "text, expected",
    [
        ("jane@example.com", "jane@example.com"),
        ("Jane.Doe@Example.COM", "jane.doe@example.com"),
        ("it's JANE@EXAMPLE.COM thanks", "jane@example.com"),
        ("<jane@example.com>", "jane@example.com"),
        ("my email is o'brien+orders@mail.co.uk.", "o'brien+orders@mail.co.uk"),
        ("jane@example.com, or john@example.com", "jane@example.com"),
        ("j_smith-99@my-mail.example.org", "j_smith-99@my-mail.example.org"),
        ("John.Smith @ Gmail.com", "john.smith@gmail.com"),  # spaces around the @, as phones type it
        ("its lee @example.co.uk", "lee@example.co.uk"),
        ("jane at gmail dot com", "jane@gmail.com"),  # spelled out, as against spam bots
        ("its jane(at)example(dot)co(dot)uk thanks", "jane@example.co.uk"),
    ],
)
def test_finds_the_email_and_lower_cases_it(text, expected):
    assert parse_email(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "jane@example",  # no dot in the domain
        "jane example.com",
        "jane@@example.com",
        "@example.com",
        "jane@.com",
        "jane@example.c",  # one-letter top level domain
        "jane@ex ample.com",
        "i am at work. sorry",
        "i was at home dot com",
        "meet me at noon.",
        "jane@example..com",
        "I don't have one",
        "",
        None,
    ],
)
def test_refuses_invalid_emails(text):
    assert parse_email(text) is None


@pytest.mark.parametrize(
    "value, given",
    [
        ("4839201", True),
        ("jane@example.com", True),
        (NOT_GIVEN, False),
        ("", False),
        (None, False),
    ],
)
def test_is_given_tells_a_real_detail_from_a_missing_one(value, given):
    assert is_given(value) is given


def test_not_given_is_a_marker_no_real_detail_can_look_like():
    assert parse_order_number(NOT_GIVEN) is None
    assert parse_email(NOT_GIVEN) is None


@pytest.mark.parametrize(
    "text",
    [
        "My TV arrived with a cracked screen",
        "it is broken now",
        "My TV arrived cracked",
        "La télé est cassée",
    ],
)
def test_a_sentence_about_what_happened_is_a_description(text):
    assert describe_problem(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "complaint",
        "hello??",
        "it is broke",  # three words
        "tv is bad.",
        "a b c d e",  # single letters are not words
        "order 4839201 4839201 4839201",  # numbers are not words
        "   ",
        "",
        None,
    ],
)
def test_too_little_is_not_a_description(text):
    assert describe_problem(text) is None


def test_description_keeps_the_customers_words_but_tidies_whitespace():
    assert describe_problem("  my   tv\n is  broken  ") == "my tv is broken"


def test_description_threshold_can_be_changed():
    assert describe_problem("my tv broke", min_words=3) == "my tv broke"
    assert describe_problem("it broke", min_words=3) is None
    assert describe_problem("my tv is broken", min_words=5) is None


def test_a_spelled_underscore_or_dash_is_part_of_the_address():
    # A probe saved "vikram underscore s at outlook dot com" as s@outlook.com: someone else's address.
    assert parse_email("email is vikram underscore s at outlook dot com") == "vikram_s@outlook.com"
    assert parse_email("mary dash jones at example dot com") == "mary-jones@example.com"
