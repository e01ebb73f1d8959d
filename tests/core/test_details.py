"""Finding the order number and email in what customers actually type."""
from __future__ import annotations

import pytest

from calmdesk.details import NOT_GIVEN, describe_problem, is_given, parse_email, parse_order_number


@pytest.mark.parametrize(
    "text, expected",
    [
        ("4839201", "4839201"),
        ("it's #4839201, sorry", "4839201"),
        ("My order number is 4839201 and it still hasn't come", "4839201"),
        ("order no. 4839201 placed on 12/05/2024", "4839201"),
        ("#4839201.", "4839201"),
        ("# 4839201", "4839201"),
        ("order 483 9201", "4839201"),
        ("483-9201", "4839201"),
        ("ref A4839201", "4839201"),
        ("order 123456", "123456"),
        ("order 1234567890", "1234567890"),
        ("  4839201  ", "4839201"),
    ],
)
def test_finds_the_order_number_in_what_the_customer_typed(text, expected):
    assert parse_order_number(text) == expected


def test_the_first_order_number_is_taken_when_there_are_two():
    assert parse_order_number("4839201, or maybe 5551234") == "4839201"


@pytest.mark.parametrize(
    "text",
    [
        "12345",  # too short
        "order 483",
        "12345678901",  # too long
        "order 12345678901234",
        "I don't have it",
        "not sure, sorry",
        "I paid 1,234,567",  # commas are amounts, not order numbers
        "48392O1",  # a letter O in the middle
        "",
        None,
    ],
)
def test_refuses_what_is_not_an_order_number(text):
    assert parse_order_number(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "my card is 4111111111111111",
        "card 4111 1111 1111 1111",
        "it was 4111-1111-1111-1111",
        "the card number is 5500 0000 0000 0004, please check",
    ],
)
def test_digits_of_a_card_number_are_never_taken_as_an_order_number(text):
    assert parse_order_number(text) is None


def test_a_card_number_next_to_the_real_order_number_does_not_hide_it():
    assert parse_order_number("card 4111 1111 1111 1111, order 4839201") == "4839201"
    assert parse_order_number("order 4839201, paid with 4111111111111111") == "4839201"


@pytest.mark.parametrize(
    "text",
    [
        "call me on 07700 900123",
        "+44 7700 900123",
    ],
)
def test_phone_numbers_are_not_taken_as_an_order_number(text):
    assert parse_order_number(text) is None


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


@pytest.mark.parametrize(
    "text, expected",
    [
        ("it arrived 2024-05-01 broken", None),  # a date is not an order number
        ("order 4839201 3 weeks ago", "4839201"),  # a following small number is not glued on
        ("order #48-39-201", None),  # short groups look like dates: not joined
        ("my email is 1234567@mail.com", None),  # digits of an email address
    ],
)
def test_dates_trailing_numbers_and_emails_do_not_make_false_order_numbers(text, expected):
    assert parse_order_number(text) == expected
