"""Parsing and checking the details a complaint needs: order number and email.

Customers type details inside sentences ("it's #4839201, sorry"), so these
functions find the detail in free text rather than demanding an exact format.
The formats are deliberately simple and live here in one place.
"""
from __future__ import annotations

import re

# Order numbers are 6 to 10 digits, sometimes written with a leading '#'.
# The look-arounds refuse digit runs that are part of something longer (a card
# number, a phone number, an email address like 1234567@mail.com).
ORDER_NUMBER_PATTERN = r"(?<!\d)#?(\d{6,10})(?![\d@])"
_ORDER_NUMBER = re.compile(ORDER_NUMBER_PATTERN)
# "483 9201", "483-9201": a number typed in groups. Only groups of three or
# more digits are joined (so "07700 900123" becomes one too-long phone number),
# never short groups (so "2024-05-01" and "4839201 3 weeks" stay apart).
_GROUPED = re.compile(r"(?<=\d{3})[ -](?=\d{3})")
# International phone numbers ("+44 7700 900123") are never order numbers.
_PHONE = re.compile(r"\+\d[\d ()-]{7,}\d")

# Pragmatic, not RFC 5322: one @, a dot in the domain, no spaces.
EMAIL_PATTERN = r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_EMAIL = re.compile(EMAIL_PATTERN)

# What a customer says when they cannot give a detail.
NOT_GIVEN = "not_given"


def parse_order_number(text: str | None) -> str | None:
    """The order number in ``text`` (digits only), or None if there is none."""
    if not text:
        return None
    # Email addresses go first: "a064842f@example.com" holds six digits in a row.
    match = _ORDER_NUMBER.search(_GROUPED.sub("", _PHONE.sub(" ", _EMAIL.sub(" ", text))))
    return match.group(1) if match else None


def parse_email(text: str | None) -> str | None:
    """The first email address in ``text``, lower-cased, or None."""
    if not text:
        return None
    match = _EMAIL.search(text)
    return match.group(0).lower() if match else None


def is_given(value: str | None) -> bool:
    """True when a detail holds a real value (not missing, not 'not_given')."""
    return bool(value) and value != NOT_GIVEN


def describe_problem(text: str | None, min_words: int = 4) -> str | None:
    """The customer's own words, if they say enough to count as "what happened".

    "My TV arrived with a cracked screen" is a description; "complaint" or
    "hello??" is not, and the bot will ask.
    """
    if not text:
        return None
    cleaned = " ".join(text.split())
    words = re.findall(r"[^\W\d_]{2,}", cleaned)
    return cleaned if len(words) >= min_words else None
