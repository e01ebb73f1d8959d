"""Masking card details and passwords out of what customers type.

Angry customers paste things they should not: "you charged 4111 1111 1111 1111
twice, exp 12/27 cvv 123", "I can't log in, my password is hunter2".  Once a
secret has reached the tracker store, a ticket, a log line or a backup it is
in every copy of them, and no later clean-up finds them all.  So the secret is
masked *at the edge*, in the input channel (``channels/masked.py``), before
Rasa's processor sees the message: the tracker store, the NLU pipeline, the
custom actions, the tickets and every log downstream only ever get the masked
text.  Masking anywhere later (in an action, in the ticket service) would be
too late, because Rasa has already stored and logged the raw message by then.

What is masked, each replaced by a fixed marker (no digits, so masking is
idempotent and the order-number parser never sees part of a card):

* ``card_number`` -> ``[card number removed]``: a run of 13 to 19 digits,
  unbroken or typed in groups separated by single spaces or dashes, that passes
  the Luhn check.  Nothing of the number is kept, not even the last four
  digits: the ticket does not need them (staff find the payment from the order
  and the email), and a ticket that holds no part of a card number is out of
  scope for card-data rules.  A customer who says "the card ending 1111" keeps
  those four digits, because four digits alone are not a card number.
  In a longer run of groups the card-shaped part is taken (4-4-4-4, 4-6-5,
  groups of four with a shorter last group, or one unbroken run), the longest
  first, so no trailing digits of a 17-19 digit card are left behind; the
  other digits in the run are left alone.
* ``card_security_code`` -> ``[card code removed]``: 3 or 4 digits after a
  keyword (cvv, cvc, csc, cid, security code, card verification ...), or right
  after a masked card number.
* ``card_expiry`` -> ``[card expiry removed]``: MM/YY, MM/YYYY, MM-YY or
  MM-YYYY after a keyword (exp, expiry, expires, expiration, valid thru ...),
  or right after a masked card number.  Full dates (12/05/2024) are not expiry
  dates and are never touched.
* ``password`` -> ``[password removed]``: the word or quoted phrase after
  "password is", "password:", "pwd=", "passcode is", "my pin is" ... The words
  around it are kept.  After "is"/"was" a few ordinary words are not taken for
  the secret ("my password is not working", "the pin is wrong").

Everything else is kept verbatim: order numbers (6-10 digits), phone numbers
and digit runs that fail the Luhn check, dates, amounts.  A Luhn-valid run of
13-19 digits is masked even when it is not really a card (about one random
long number in ten passes Luhn); a masked phone number costs little, a leaked
card number a lot.

``mask_pii`` never raises on a ``str``, and masking masked text changes nothing.
This module imports nothing from Rasa.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

CARD_NUMBER = "card_number"
CARD_SECURITY_CODE = "card_security_code"
CARD_EXPIRY = "card_expiry"
PASSWORD = "password"
KINDS: tuple[str, ...] = (CARD_NUMBER, CARD_SECURITY_CODE, CARD_EXPIRY, PASSWORD)

MARKERS: dict[str, str] = {
    CARD_NUMBER: "[card number removed]",
    CARD_SECURITY_CODE: "[card code removed]",
    CARD_EXPIRY: "[card expiry removed]",
    PASSWORD: "[password removed]",
}

CARD_MIN_DIGITS = 13
CARD_MAX_DIGITS = 19
MAX_PASSES = 5


@dataclass(frozen=True)
class Masked:
    """The masked text and what was masked in it (in the order of ``KINDS``, no repeats)."""

    text: str
    kinds: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check on a string of decimal digits."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# ---------------------------------------------------------------- card numbers

# One separator between digit groups: a single space (also no-break and thin
# spaces) or a single dash (also the Unicode hyphens and the en dash).
_SEP = "[ \u00a0\u2009\u202f\\-\u2010\u2011\u2012\u2013]"
# A maximal run of digit groups.  Not preceded or followed by a digit; the run
# is split into card candidates below.
_DIGIT_RUN = re.compile(rf"(?<!\d)\d+(?:{_SEP}\d+)*")
_DIGITS = re.compile(r"\d+")


def _shape_rank(sizes: list[int]) -> int | None:
    """How card-like a grouping is: 0 typical, 1 plausible, None not a card."""
    if len(sizes) == 1:
        return 0
    if all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4:
        return 0  # 4-4-4-4, 4-4-4-1 (13 digits), 4-4-4-4-3 (19 digits) ...
    if sizes[:2] == [4, 6] and len(sizes) == 3 and sizes[2] in (4, 5):
        return 0  # American Express 4-6-5, Diners Club 4-6-4
    if all(size >= 3 for size in sizes[:-1]):
        return 1  # groups of three or more; the last may be short
    return None  # "1 2 3 4 ...", dates like 2024-05-01: not a card


def _card_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every card number in ``text``, in order, not overlapping."""
    spans: list[tuple[int, int]] = []
    for run in _DIGIT_RUN.finditer(text):
        groups = [(run.start() + m.start(), run.start() + m.end(), m.group()) for m in _DIGITS.finditer(run.group())]
        candidates = []
        for first in range(len(groups)):
            count = 0
            for last in range(first, len(groups)):
                size = len(groups[last][2])
                count += size
                if count > CARD_MAX_DIGITS:
                    break
                if count >= CARD_MIN_DIGITS:
                    rank = _shape_rank([len(g[2]) for g in groups[first:last + 1]])
                    if rank is not None and luhn_valid("".join(g[2] for g in groups[first:last + 1])):
                        candidates.append(((rank, -count, first), first, last))
                if size < 3:
                    break  # a short group is only ever the last one of a card
        taken = [False] * len(groups)
        for _, first, last in sorted(candidates):
            if not any(taken[first:last + 1]):
                taken[first:last + 1] = [True] * (last + 1 - first)
                spans.append((groups[first][0], groups[last][1]))
    return sorted(spans)


# ------------------------------------------------- security code and expiry

_MARKER_ALTERNATIVES = "|".join(re.escape(marker) for marker in MARKERS.values())
_CODE_MARKER = re.escape(MARKERS[CARD_SECURITY_CODE])
_EXPIRY_MARKER = re.escape(MARKERS[CARD_EXPIRY])
_CARD_MARKER = re.compile(re.escape(MARKERS[CARD_NUMBER]))

# 3 or 4 digits standing alone: not part of a longer number, a grouped number
# ("1234 5678"), a date or a decimal.
_CODE = r"(?<!\d)(?<!\d[ \-/.,:])\d{3,4}(?!\d)(?![ \-/.,:]\d)"
# MM/YY, MM/YYYY, MM-YY, MM-YYYY (a space around the slash allowed); never
# part of a full date like 12/05/2024, never "10-12 days".
_EXPIRY = (
    r"(?<!\d)(?<![\d][/\-.])(?:0?[1-9]|1[0-2]) ?[/\-] ?(?:19|20)?\d{2}(?!\d)(?![/\-.]\d)"
    r"(?!\s*(?:days?|weeks?|months?|years?|hours?|hrs?|minutes?|mins?)\b)"
)

_CODE_KEYWORD = (
    r"\b(?:cvv2?|cvc2?|cvn|csc|cid|security\s+(?:code|number|digits)"
    r"|card\s+verification(?:\s+(?:code|value|number))?)\b"
)
_EXPIRY_KEYWORD = (
    r"\b(?:exp|expiry|expires|expiring|expired|expiration|valid\s+(?:thru|through|until|till)|good\s+thru)\b"
)
# Between a keyword and its value: punctuation, spaces and a few small words
# ("cvv is 123", "security code: 123", "expiry date is 12/27", "exp. 12/27").
_FILLER = r"(?:[\s:=#()\-.]|(?:is|was|number|no|code|of|date|on|in|at|end|the)\b)*"

_CODE_AFTER_KEYWORD = re.compile(rf"({_CODE_KEYWORD}{_FILLER})({_CODE})", re.IGNORECASE)
_EXPIRY_AFTER_KEYWORD = re.compile(rf"({_EXPIRY_KEYWORD}{_FILLER})({_EXPIRY})", re.IGNORECASE)

# Right after a masked card number, up to two values separated by punctuation,
# "and", or the keywords themselves: "4111 ... 1111 12/27 123", "..., 12/27, cvv 123".
_NEAR_GAP = (
    r"(?:[\s,;:|()/&+\-.]|(?:and|exp|expiry|expires|expiration|date|valid|thru|cvv2?|cvc2?|csc"
    r"|security|code|is)\b)*"
)
_NEAR_ITEM = re.compile(
    rf"({_NEAR_GAP})(?:(?P<expiry>{_EXPIRY})|(?P<code>{_CODE})|(?P<marker>{_CODE_MARKER}|{_EXPIRY_MARKER}))",
    re.IGNORECASE,
)
NEAR_MAX_ITEMS = 2
NEAR_MAX_GAP = 24  # characters between a card number and its code or expiry


def _mask_near_cards(text: str, found: set[str]) -> str:
    replacements: list[tuple[int, int, str]] = []
    for card in _CARD_MARKER.finditer(text):
        position = card.end()
        for _ in range(NEAR_MAX_ITEMS):
            item = _NEAR_ITEM.match(text, position)
            if item is None or len(item.group(1)) > NEAR_MAX_GAP:
                break
            for kind, group in ((CARD_EXPIRY, "expiry"), (CARD_SECURITY_CODE, "code")):
                if item.group(group) is not None:
                    replacements.append((item.start(group), item.end(group), kind))
            position = item.end()
    return _apply(text, replacements, found)


# ---------------------------------------------------------------- passwords

_PASSWORD_KEYWORD = (
    r"\b(?:pass\s?words?|passwd|pwd|pw|pass\s?codes?|pass\s?phrases?|pin(?:\s+(?:code|number))?)\b"
)
# Words that may sit between "is" and the secret ("my password is now x").
_PASSWORD_ADVERBS = ("now", "still", "just", "literally", "currently", "actually")
# "password for my account is x": up to three words between keyword and verb.
_PASSWORD_FOR = r"(?:\s+(?:for|on|to)(?:\s+[^\W\d_]+){1,3}?)?"
_PASSWORD_FOR_COLON = r"(?:\s+(?:for|on)(?:\s+[^\W\d_]+){1,3}?)?"  # not "to": "changed my password to x=y"
_PASSWORD_VERB = (
    rf"(?P<verb>\s+(?:is|was)(?:\s+(?:{'|'.join(_PASSWORD_ADVERBS)}))?(?:[:=])?\s+|\s*['’]s\s+)"
)
_PASSWORD_COLON = r"(?P<colon>\s*[:=]\s*)"
# The secret: a quoted phrase or one word, never running into a marker.
_NOT_A_MARKER = rf"(?!{_MARKER_ALTERNATIVES})"
_PASSWORD_SECRET = (
    rf"(?P<secret>{_NOT_A_MARKER}"
    rf"(?:[\"'“‘`](?:{_NOT_A_MARKER}[^\n\"'”’`]){{1,200}}[\"'”’`]|(?:{_NOT_A_MARKER}\S)+))"
)
_PASSWORD = re.compile(
    rf"{_PASSWORD_KEYWORD}(?:{_PASSWORD_FOR}{_PASSWORD_VERB}|{_PASSWORD_FOR_COLON}{_PASSWORD_COLON}){_PASSWORD_SECRET}",
    re.IGNORECASE,
)
# "I changed my password to hunter2", "reset the pin to 1234".
_PASSWORD_SET_TO = re.compile(
    r"\b(?:chang(?:e|es|ed|ing)|set(?:s|ting)?|reset(?:s|ting)?|updat(?:e|es|ed|ing))\s+"
    rf"(?:(?:my|the|our|your|his|her|their|a|an|new)\s+){{0,2}}{_PASSWORD_KEYWORD}"
    rf"(?P<verb>\s+to(?:[:=])?\s+){_PASSWORD_SECRET}",
    re.IGNORECASE,
)
# After "is"/"was"/"to", these are words about the password, not the password.
NOT_A_SECRET = frozenset(
    """
    a an the not no never wrong incorrect invalid expired too very really being correct right fine ok okay
    broken locked blocked reset changed rejected refused still definitely also and but so working same different
    new old what that this it my your required needed long short weak strong saved stored forgotten lost stolen
    compromised hacked there here empty blank gone in on for to of set sent always apparently supposedly somehow
    just literally already simple easy hard secure like something anything actually currently probably one mine
    case sensitive accepted recognised recognized valid missing unknown useless now log sign get access
    """.split()
) | frozenset(_PASSWORD_ADVERBS)


def _mask_passwords(text: str, found: set[str]) -> str:
    replacements: list[tuple[int, int, str]] = []
    for pattern in (_PASSWORD, _PASSWORD_SET_TO):
        for match in pattern.finditer(text):
            secret = match.group("secret")
            if match.group("verb") is not None and secret.rstrip(".,;:!?").lower() in NOT_A_SECRET:
                continue
            replacements.append((match.start("secret"), match.end("secret"), PASSWORD))
    return _apply(text, replacements, found)


# ---------------------------------------------------------------- the whole


def _apply(text: str, replacements: list[tuple[int, int, str]], found: set[str]) -> str:
    """Replace (start, end, kind) spans, which must not overlap, by their markers."""
    if not replacements:
        return text
    parts = []
    position = 0
    for start, end, kind in sorted(replacements):
        if start < position:
            continue
        parts.append(text[position:start])
        parts.append(MARKERS[kind])
        found.add(kind)
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _mask_after_keyword(text: str, pattern: re.Pattern, kind: str, found: set[str]) -> str:
    return _apply(text, [(m.start(2), m.end(2), kind) for m in pattern.finditer(text)], found)


def mask_pii(text: str) -> Masked:
    """``text`` with card numbers, card codes, expiry dates and passwords replaced by markers.

    Order matters: card numbers first (so a password or code that is a card
    number is masked as one), then codes and expiry dates after their keywords,
    then the ones right after a masked card, then passwords.
    """
    if not isinstance(text, str):
        raise TypeError(f"mask_pii takes a str, not {type(text).__name__}")
    found: set[str] = set()
    masked = text
    # One pass nearly always settles it; passes repeat until nothing changes
    # (masking one thing can expose another), so mask_pii(mask_pii(x)) == mask_pii(x).
    for _ in range(MAX_PASSES):
        before = masked
        masked = _apply(masked, [(start, end, CARD_NUMBER) for start, end in _card_spans(masked)], found)
        masked = _mask_after_keyword(masked, _CODE_AFTER_KEYWORD, CARD_SECURITY_CODE, found)
        masked = _mask_after_keyword(masked, _EXPIRY_AFTER_KEYWORD, CARD_EXPIRY, found)
        masked = _mask_near_cards(masked, found)
        masked = _mask_passwords(masked, found)
        if masked == before:
            break
    return Masked(masked, tuple(kind for kind in KINDS if kind in found))
