"""Masking card numbers, card codes, expiry dates and passwords (calmdesk/privacy.py).

Property-based: generated Luhn-valid card numbers (13-19 digits, plain, in
groups of four with spaces or dashes) inside random text never survive;
generated numbers that fail Luhn, order numbers and phone numbers are left
alone; masking is idempotent and never raises.  Then examples of what
customers actually type, and of what must not be masked.
"""
from __future__ import annotations

import asyncio
import dataclasses
import re

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from calmdesk.privacy import (
    CARD_EXPIRY,
    CARD_NUMBER,
    CARD_SECURITY_CODE,
    KINDS,
    MARKERS,
    NOT_A_SECRET,
    PASSWORD,
    Masked,
    luhn_valid,
    mask_pii,
)

CARD = MARKERS[CARD_NUMBER]
CODE = MARKERS[CARD_SECURITY_CODE]
EXPIRY = MARKERS[CARD_EXPIRY]
SECRET = MARKERS[PASSWORD]

DIGITS = re.compile(r"\d")


def check_digit(prefix: str) -> str:
    """The digit that makes ``prefix + digit`` pass the Luhn check."""
    for digit in "0123456789":
        if luhn_valid(prefix + digit):
            return digit
    raise AssertionError("some check digit always works")


def formatted(digits: str, style: str) -> str:
    if style == "plain":
        return digits
    groups = [digits[i:i + 4] for i in range(0, len(digits), 4)]
    return (" " if style == "spaces" else "-").join(groups)


STYLES = st.sampled_from(["plain", "spaces", "dashes"])


@st.composite
def card_numbers(draw) -> str:
    """A Luhn-valid card number of 13 to 19 digits: a random 12-18 digit prefix and its check digit."""
    prefix = draw(st.text(alphabet="0123456789", min_size=12, max_size=18))
    return prefix + check_digit(prefix)


@st.composite
def non_luhn_numbers(draw, min_size: int = 13, max_size: int = 19) -> str:
    prefix = draw(st.text(alphabet="0123456789", min_size=min_size - 1, max_size=max_size - 1))
    wrong = (int(check_digit(prefix)) + draw(st.integers(1, 9))) % 10
    return prefix + str(wrong)


# Surrounding text: letters, spaces and punctuation, no digits (so it cannot
# join a digit run next to the card) and no letters of password keywords'
# shape in a way that matters (passwords are checked separately below).
SAFE_ALPHABET = "abcdefghjklmnoqrtuvxyzABCDEFGHJKLMNOQRTUVXYZ .,;:!?'\"()-_/#@&*\n\téàüß😡"
surrounding = st.text(alphabet=SAFE_ALPHABET, max_size=40)


def has_password_keyword(text: str) -> bool:
    """Could ``text`` hold a password keyword? (A superset: any 'pass', 'pw' or 'pin'.)"""
    # Case-insensitive matching also equates long s with s and dotless/dotted i with i.
    folded = text.translate({0x17F: "s", 0x131: "i", 0x130: "i"}).lower()
    return any(word in folded for word in ("pass", "pw", "pin"))


# ---------------------------------------------------------------- properties


@given(card=card_numbers(), style=STYLES, before=surrounding, after=surrounding)
@example(card="4111111111111111", style="spaces", before="my card ", after=" was charged twice")
@example(card="0000000000000", style="dashes", before="", after="")
def test_a_card_number_never_survives(card, style, before, after):
    text = before + formatted(card, style) + after
    result = mask_pii(text)
    assert CARD_NUMBER in result.kinds
    assert not DIGITS.search(result.text), "no digit of the card is left"
    assert result.text == before + CARD + after, "everything around the card is kept verbatim"


@given(cards=st.lists(st.tuples(card_numbers(), STYLES), min_size=2, max_size=4), joiner=st.sampled_from([
    " and ", ", ", " or maybe ", "\n", " / "]))
def test_several_card_numbers_are_all_masked(cards, joiner):
    text = joiner.join(formatted(card, style) for card, style in cards)
    result = mask_pii(text)
    assert not DIGITS.search(result.text)
    assert result.text == joiner.join([CARD] * len(cards))
    assert result.kinds == (CARD_NUMBER,)


@given(number=non_luhn_numbers(), before=surrounding, after=surrounding)
def test_an_unbroken_number_that_fails_luhn_is_left_alone(number, before, after):
    assume(not has_password_keyword(before + after))
    text = before + number + after
    assert mask_pii(text) == Masked(text, ())


@given(number=non_luhn_numbers(13, 16), style=st.sampled_from(["spaces", "dashes"]), before=surrounding,
       after=surrounding)
def test_a_grouped_number_that_fails_luhn_is_left_alone(number, style, before, after):
    # Up to 16 digits in groups of four there is no shorter card-sized part to find.
    assume(not has_password_keyword(before + after))
    text = before + formatted(number, style) + after
    assert mask_pii(text) == Masked(text, ())


@given(number=st.text(alphabet="0123456789", min_size=20, max_size=60), before=surrounding, after=surrounding)
def test_unbroken_runs_longer_than_a_card_are_left_alone(number, before, after):
    assume(not has_password_keyword(before + after))
    text = before + number + after
    assert mask_pii(text) == Masked(text, ())


@given(
    order=st.text(alphabet="0123456789", min_size=6, max_size=10),
    template=st.sampled_from([
        "order {}", "My order number is {} and it still hasn't come", "it's #{}, sorry", "{}", "ref A{}",
        "order {} placed on 12/05/2024", "I've been waiting 3 weeks for {}!!!",
    ]),
)
def test_order_numbers_are_left_alone(order, template):
    text = template.format(order)
    assert mask_pii(text) == Masked(text, ())


@given(
    phone=st.from_regex(r"\A(07\d{3} \d{6}|\+44 7\d{3} \d{6}|\+1 \(\d{3}\) \d{3}-\d{4}|0\d{2,4} \d{3} \d{4})\Z"),
    template=st.sampled_from(["call me on {}", "{}", "my number is {}, evenings only"]),
)
def test_phone_numbers_are_left_alone(phone, template):
    text = template.format(phone)
    assert mask_pii(text) == Masked(text, ())


# Text built from the pieces masking reacts to, to reach its corners.
PIECES = st.sampled_from([
    "4111 1111 1111 1111", "4111111111111111", "3782 822463 10005", "4111-1111-1111-1111", "1234", "123", "12",
    "12/27", "01/2029", "12/05/2024", "2024-05-01", "4839201", " ", "  ", "-", "/", ":", "=", ",", ".", "\n", "'",
    '"', "cvv", "cvc", "security code", "exp", "expiry", "expires", "valid thru", "is", "was", "now", "and",
    "password", "pwd", "pin", "passcode", "my", "to", "changed", "for", "account", "hunter2", "not", "wrong",
    CARD, CODE, EXPIRY, SECRET, "[", "]", "removed",
])
piece_text = st.lists(PIECES, max_size=25).map("".join) | st.lists(PIECES, max_size=25).map(" ".join)


@given(text=st.text() | piece_text | st.builds(lambda a, c, b: a + c + b, st.text(max_size=20), card_numbers(),
                                                st.text(max_size=20)))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_masking_is_idempotent(text):
    once = mask_pii(text)
    twice = mask_pii(once.text)
    assert twice.text == once.text
    assert twice.kinds == ()


@given(text=st.text())
@settings(max_examples=400)
def test_any_text_is_handled_and_text_without_digits_or_password_words_is_unchanged(text):
    result = mask_pii(text)
    assert isinstance(result, Masked)
    assert set(result.kinds) <= set(KINDS)
    if not DIGITS.search(text) and not has_password_keyword(text):
        assert result == Masked(text, ())


@given(text=piece_text)
def test_kinds_are_named_once_in_a_fixed_order_and_say_what_was_masked(text):
    result = mask_pii(text)
    assert list(result.kinds) == [kind for kind in KINDS if kind in result.kinds]
    for kind in result.kinds:
        assert MARKERS[kind] in result.text


SECRET_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*_+=.,?~<>|ßé€😡"


@given(secret=st.text(alphabet=SECRET_ALPHABET, min_size=1, max_size=30),
       template=st.sampled_from(["my password is {}", "password: {}", "pwd={}", "passcode is {} ok",
                                 "Password:\n{}", "my pin is {}", "PIN: {}", "I changed my password to {} yesterday"]))
@example(secret="hunter2", template="my password is {}")
def test_a_password_never_survives(secret, template):
    assume(secret.rstrip(".,;:!?").lower() not in NOT_A_SECRET)
    text = template.format(secret)
    result = mask_pii(text)
    if CARD_NUMBER in result.kinds:  # a long Luhn-valid run of digits is a card number, password or not
        assert CARD in result.text
    else:
        assert result == Masked(template.format(SECRET), (PASSWORD,))


# ---------------------------------------------------------------- examples


def test_the_masked_result_is_a_frozen_dataclass():
    result = mask_pii("my pin is 1234")
    assert result == Masked("my pin is [password removed]", ("password",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "1234"  # type: ignore[misc]


def test_the_complaint_from_the_issue():
    result = mask_pii("my card 4111 1111 1111 1111 exp 12/27 cvv 123 was charged twice")
    assert result.text == f"my card {CARD} exp {EXPIRY} cvv {CODE} was charged twice"
    assert result.kinds == (CARD_NUMBER, CARD_SECURITY_CODE, CARD_EXPIRY)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("cvv 123", f"cvv {CODE}"),
        ("CVC: 1234", f"CVC: {CODE}"),
        ("the cvv2 was 123.", f"the cvv2 was {CODE}."),
        ("security code is 987", f"security code is {CODE}"),
        ("Security code: 987, expiry 03/28", f"Security code: {CODE}, expiry {EXPIRY}"),
        ("card verification value 321", f"card verification value {CODE}"),
        ("amex 3782 822463 10005 cid 1234", f"amex {CARD} cid {CODE}"),
        ("4111 1111 1111 1111 123", f"{CARD} {CODE}"),
        ("4111111111111111, 123", f"{CARD}, {CODE}"),
        ("4111-1111-1111-1111 12/27 123", f"{CARD} {EXPIRY} {CODE}"),
        ("4111 1111 1111 1111, 12/27, cvv 123 please refund", f"{CARD}, {EXPIRY}, cvv {CODE} please refund"),
        ("4111 1111 1111 1111 and 12/2027", f"{CARD} and {EXPIRY}"),
    ],
)
def test_card_codes_next_to_a_keyword_or_a_card_are_masked(text, expected):
    result = mask_pii(text)
    assert result.text == expected
    assert CARD_SECURITY_CODE in result.kinds or CARD_EXPIRY in result.kinds


@pytest.mark.parametrize(
    "text, expected",
    [
        ("exp 12/27", f"exp {EXPIRY}"),
        ("exp. 1/27", f"exp. {EXPIRY}"),
        ("expiry 12/2027", f"expiry {EXPIRY}"),
        ("expires 01-29", f"expires {EXPIRY}"),
        ("expiry date: 03/28", f"expiry date: {EXPIRY}"),
        ("valid thru 12 / 27", f"valid thru {EXPIRY}"),
        ("Expiration 11-2030", f"Expiration {EXPIRY}"),
    ],
)
def test_expiry_dates_after_a_keyword_are_masked(text, expected):
    assert mask_pii(text) == Masked(expected, (CARD_EXPIRY,))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my password is hunter2", "my password is [password removed]"),
        ("password: x", "password: [password removed]"),
        ("pwd=s3cr3t&user=me", "pwd=[password removed]"),
        ("passcode is 1234", "passcode is [password removed]"),
        ("my pin is 1234", "my pin is [password removed]"),
        ("My PIN number is 9876, please help", "My PIN number is [password removed] please help"),
        ("pin code: 0000", "pin code: [password removed]"),
        ("Password = Tr0ub4dor&3 and it says wrong", "Password = [password removed] and it says wrong"),
        ("my password was hunter2 and now I'm locked out", "my password was [password removed] and now I'm locked out"),
        ("my password is now Summer2024!", "my password is now [password removed]"),
        ("password is: hunter2", "password is: [password removed]"),
        ("the password for my account is hunter2", "the password for my account is [password removed]"),
        ('my password is "correct horse battery staple" ok', "my password is [password removed] ok"),
        ("I changed my password to Secr3t! yesterday", "I changed my password to [password removed] yesterday"),
        ("Password:\nhunter2", "Password:\n[password removed]"),
        ("user jane, pw: letmein", "user jane, pw: [password removed]"),
    ],
)
def test_passwords_are_masked_and_the_words_around_them_kept(text, expected):
    assert mask_pii(text) == Masked(expected, (PASSWORD,))


def test_a_card_number_given_as_a_password_is_masked_as_a_card():
    assert mask_pii("pin: 4111111111111111") == Masked(f"pin: {CARD}", (CARD_NUMBER,))


@pytest.mark.parametrize(
    "text",
    [
        "order 4839201",
        "#4839201",
        "order 483 9201",
        "order 4839201 and 5551234",
        "call 07700 900123",
        "+44 7700 900123",
        "+1 (555) 123-4567",
        "I waited 3 weeks",
        "a 3-4 week delay",
        "delivered on 12/05/2024",
        "ordered 2024-05-01, promised 2024-05-03",
        "2024-05-01 2024-06-01",
        "on 05/01 I called",
        "it cost £123.45 and then £12.99",
        "the card ending 1111 was charged",
        "1 2 3 4 5 6 7 8 9 10 11 12 13",
        "1234 5678",
        "tracking 92748902711539543476",
        "4111 1111 1111 1112",  # a typo: fails Luhn
        "I can't log in, the password reset email never comes",
        "I forgot my password",
        "my password is not working",
        "my password is wrong apparently",
        "the pin is wrong",
        "what is the cvv?",
        "my subscription expires 12/05/2024",
        "expires in 10-12 days",
        "it has a security code",
        "password",
        "[card number removed] and [password removed]",
    ],
)
def test_what_is_not_a_secret_is_left_alone(text):
    assert mask_pii(text) == Masked(text, ())


def test_long_and_odd_input_is_handled():
    text = "my order is late " * 600 + "4111 1111 1111 1111"
    assert mask_pii(text).text == "my order is late " * 600 + CARD
    for odd in ["", "   ", "😡😡😡🤬", "\u202e\u200b\u0007 \u0001", "1 " * 5000, "4" * 10000, "-" * 5000 + "1",
                "password: " * 2000, "cvv " * 3000 + "123", "٤١١١١١١١١١١١١١١١"]:
        mask_pii(odd)


def test_card_numbers_in_other_digit_scripts_are_masked():
    # Arabic-Indic and fullwidth digits are digits too.
    assert mask_pii("٤١١١١١١١١١١١١١١١").kinds == (CARD_NUMBER,)
    assert mask_pii("４１１１ １１１１ １１１１ １１１１").text == CARD


# ------------------------------------------- the input channels (channels/masked.py)


def test_the_channels_keep_rasa_names_and_mask_the_message_before_rasa_sees_it():
    pytest.importorskip("rasa")
    from rasa.core.channels.channel import UserMessage

    from channels.masked import MaskedRestInput, MaskedSocketIOInput, masking

    assert MaskedRestInput.name() == "rest"
    assert MaskedSocketIOInput.name() == "socketio"
    socketio = MaskedSocketIOInput.from_credentials({"session_persistence": True, "user_message_evt": "user_uttered"})
    assert isinstance(socketio, MaskedSocketIOInput) and socketio.session_persistence

    seen: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        seen.append(message)

    wrapped = masking(on_new_message)
    asyncio.run(wrapped(UserMessage("my card 4111 1111 1111 1111 exp 12/27", metadata={"page": "/help"})))
    asyncio.run(wrapped(UserMessage("my order 4839201 is late")))
    asyncio.run(wrapped(UserMessage(None)))
    assert seen[0].text == f"my card {CARD} exp {EXPIRY}"
    assert seen[0].metadata == {"page": "/help", "masked": [CARD_NUMBER, CARD_EXPIRY]}
    assert seen[1].text == "my order 4839201 is late" and seen[1].metadata is None
    assert seen[2].text is None
