"""Order numbers in the shop's formats (policy/order_numbers.yml), and what is never one."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from calmdesk.understanding.order_numbers import (
    OrderNumberPolicyError, find_order_numbers, load_policy, parse_order_number, parse_policy, said_back,
)


@pytest.mark.parametrize("text, expected", [
    ("#1042", "1042"),
    ("order #1042 still not here", "1042"),
    ("my order 1042", "1042"),
    ("A-20931", "A-20931"),
    ("a-20931 is the order", "A-20931"),
    ("it's 112-4459123-7781234 on amazon", "112-4459123-7781234"),
    ("48213", "48213"),
    ("the number is 48213 i think", "48213"),
    ("4839201", "4839201"),
    ("it's #4839201, sorry", "4839201"),
    ("# 4839201", "4839201"),
    ("order no. 4839201 placed on 12/05/2024", "4839201"),
    ("order 483 9201", "4839201"),
    ("ref A4839201", "A4839201"),
    ("NW88213", "NW88213"),
    ("NG-2024-00412", "NG-2024-00412"),
    ("order RTX4090", "RTX4090"),  # announced, so a letters-and-digits number counts
    ("4839201, or maybe 5551234", "4839201"),  # the first one
    ("card 4111 1111 1111 1111, order 4839201", "4839201"),
    ("order 4839201 3 weeks ago", "4839201"),
])
def test_finds_the_shops_order_numbers_as_customers_type_them(text, expected):
    assert parse_order_number(text) == expected


@pytest.mark.parametrize("text", [
    "call me on 07700 900123", "+44 7700 900123", "my number is 07700900123", "call 555-123-4567",
    "(555) 123-4567",
    "placed on 12/03/2024", "it arrived 2024-05-01 broken", "on 12.3.24",
    "delivered on 14/03", "you say open 24/7", "a 50/50 chance", "ordered in 2024/03", "jeans size 32/34",
    "paid £49.99", "it cost 120 euros", "$35 for shipping", "i paid 1,234,567",
    "SW1A 1AA", "postcode 10115", "zip 90210",
    "waited 40 minutes on the phone", "10 days late", "3 items missing",
    "jane64842@example.com", "my email is 1234567@mail.com",
    "my card is 4111111111111111", "card 4111 1111 1111 1111",
    "at 10:30 this morning",
    "order 483", "order 12345678901234567890123",
    "I don't have it", "", None,
])
def test_never_takes_phones_dates_prices_postcodes_emails_or_cards(text):
    assert parse_order_number(text) is None
    assert parse_order_number(text, asked=True) is None


@pytest.mark.parametrize("text", ["1042", "2024", "RTX4090 arrived broken", "ORD554120"])
def test_an_ambiguous_number_counts_only_when_the_bot_asked_for_it(text):
    assert parse_order_number(text) is None
    assert parse_order_number(text, asked=True) is not None


@pytest.mark.parametrize("text, asked, expected", [
    ("ORD/2291/88", True, "ORD/2291/88"),
    ("ORD/2291/88", False, "ORD/2291/88"),       # letters first: a reference even unasked
    ("#ORD/2291/88", False, "ORD/2291/88"),
    ("its ord/5512/07", True, "ORD/5512/07"),
    ("order 2291/88 never came", False, "2291/88"),
    ("2291/88", True, "2291/88"),
])
def test_a_reference_with_slashes_is_kept_whole_never_a_fragment(text, asked, expected):
    assert find_order_numbers(text, asked=asked) == [expected]


def test_bare_digits_with_a_slash_count_only_when_clearly_meant():
    assert find_order_numbers("2291/88") == []


def test_numbers_listed_with_a_slash_are_each_looked_at():
    assert find_order_numbers("5512/5513", asked=True) == ["5512", "5513"]


def test_a_reference_with_slashes_is_said_back():
    assert said_back("ORD/2291/88") and not said_back("A-20931")


def test_announced_numbers_come_first():
    assert find_order_numbers("it's 5551234 not order 4839201") == ["4839201", "5551234"]


def test_the_default_policy_is_valid_and_names_its_example():
    policy = load_policy()
    assert policy.example == "#1001" and policy.accepts("1001")
    assert "delivery_problem" in policy.required_for and "account_access" not in policy.required_for


def test_another_shop_can_use_its_own_format(tmp_path: Path):
    raw = {"example": "NW-12345", "where": "on your receipt", "formats": [r"nw-\d{5}"],
           "length": {"min": 8, "max": 8}, "min_digits": 5, "required_for": ["delivery_problem"]}
    policy = parse_policy(raw, tmp_path / "p.yml")
    assert parse_order_number("it's nw-12345", policy=policy) == "NW-12345"
    assert parse_order_number("it's 4839201", policy=policy) is None


@pytest.mark.parametrize("change, key", [
    ({"formats": []}, "formats"),
    ({"formats": ["(unclosed"]}, "formats[0]"),
    ({"example": "hello"}, "example"),
    ({"required_for": ["parcels"]}, "required_for"),
    ({"length": {"min": 30, "max": 4}}, "length"),
    ({"colour": "red"}, "colour"),
])
def test_a_wrong_policy_is_refused_naming_the_key(tmp_path: Path, change, key):
    raw = yaml.safe_load((Path(__file__).resolve().parents[2] / "policy" / "order_numbers.yml").read_text())
    raw.update(change)
    with pytest.raises(OrderNumberPolicyError, match=rf"p\.yml: {key.replace('[', '.').replace(']', '.')}"):
        parse_policy(raw, tmp_path / "p.yml")


@pytest.mark.parametrize("text, expected", [("its 4471 823", "4471823"), ("44 10 29 3", "4410293"),
                                            ("order # 5512 334", "5512334")])
def test_asked_for_it_a_number_typed_in_groups_is_one_number(text, expected):
    assert find_order_numbers(text, asked=True) == [expected]
    assert expected not in find_order_numbers(text), "only as the answer to the question"


@pytest.mark.parametrize("text", ["07700 900123", "i have 2 kids and 3 dogs"])
def test_groups_that_are_a_phone_or_words_are_not_joined(text):
    assert find_order_numbers(text, asked=True) == []
