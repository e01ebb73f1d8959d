"""Parsing and checking the details a complaint needs: order number and email.

Customers type details inside sentences ("it's #4839201, sorry"), so these
functions find the detail in free text rather than demanding an exact format.
Order numbers follow the shop's own formats (policy/order_numbers.yml, read by
calmdesk.understanding.order_numbers); emails are checked here.
"""
from __future__ import annotations

import re

from calmdesk.understanding.order_numbers import parse_order_number  # noqa: F401  (one place to import details from)

# Pragmatic, not RFC 5322: one @, a dot in the domain, no spaces.
EMAIL_PATTERN = r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_EMAIL = re.compile(EMAIL_PATTERN)
# "jane at gmail dot com" (the dots spelled too), "jane(at)example(dot)co(dot)uk"; "i was at home." is no address.
_SPELLED = re.compile(
    r"\b((?:[A-Za-z0-9_%+'-]+\s*(?:\sdot\s|\(dot\)|\[dot\]|\.)\s*)*[A-Za-z0-9_%+'-]+)\s*(?:(?:\(at\)|\[at\])\s*([A-Za-z0-9-]+(?:\s*(?:\(dot\)|\[dot\]|\sdot\s|\.)\s*[A-Za-z0-9-]+)+)"
    r"|\sat\s+([A-Za-z0-9-]+(?:\s+dot\s+[A-Za-z0-9-]+)+))", re.I)
_SPELLED_SIGN = re.compile(r"\s+(underscore|dash|hyphen)\s+", re.I)
_SPELLED_DOT = re.compile(r"\s*(?:\(dot\)|\[dot\]|\sdot\s|\.)\s*", re.I)
_NOT_A_NAME = {"i", "im", "am", "was", "were", "is", "are", "be", "me", "we", "you", "they", "he", "she", "it", "still"}
_SPACED_AT = re.compile(r"(?<=[A-Za-z0-9._%+'-])[ \t]*@[ \t]*(?=[A-Za-z0-9-]+\.)")

# What a customer says when they cannot give a detail.
NOT_GIVEN = "not_given"
MAX_ASKS = 2  # a detail, or which remedy, is asked at most this often


def still_to_ask(required: list[str], given: dict[str, str | None], asked: dict[str, int]) -> list[str]:
    """The details the bot will still ask for before the offer: missing, and asked fewer than MAX_ASKS times (after
    that it goes on without them). None left: the offer comes in this very reply, so a wish named now leads it
    rather than being "noted for later"."""
    return [d for d in required if not given.get(d) and asked.get(d, 0) < MAX_ASKS]

# Two orders in one complaint ("orders 55123 and 55124 both arrived smashed") are one ticket about both:
# the order number detail holds them joined, as staff see it on the ticket ("55123, 55124").
_ORDERS_JOINED = ", "
MAX_ORDERS_LENGTH = 64  # the ticket's order number column


def orders_in(value: str | None) -> list[str]:
    """The orders a detail holds: none, one, or several joined ("55123, 55124")."""
    return [o for o in value.split(_ORDERS_JOINED) if o] if is_given(value) else []


def join_orders(orders: list[str]) -> str:
    """Several orders as one detail, without repeats; as many as the ticket can hold (the first ones)."""
    joined = ""
    for order in dict.fromkeys(orders):
        longer = f"{joined}{_ORDERS_JOINED}{order}" if joined else order
        if len(longer) > MAX_ORDERS_LENGTH:
            break
        joined = longer
    return joined


def list_orders(value: str) -> str:
    """"55123", "55123 and 55124", "55123, 55124 and 55125": the orders, for a sentence."""
    orders = orders_in(value) or [value]
    return orders[0] if len(orders) == 1 else ", ".join(orders[:-1]) + " and " + orders[-1]


def say_orders(value: str) -> str:
    """"order 55123", or "orders 55123 and 55124", for a sentence."""
    return ("orders " if len(orders_in(value)) > 1 else "order ") + list_orders(value)


def parse_email(text: str | None) -> str | None:
    """The first email address in ``text``, lower-cased, or None."""
    emails = parse_emails(text)
    return emails[0] if emails else None


def parse_emails(text: str | None) -> list[str]:
    """Every email address in ``text``, lower-cased, in the order typed ("x@a.com no wait, y@a.com": both, for
    calmdesk.conversation.wording_repairs.meant to say which is meant)."""
    if not text:
        return []
    # "John.Smith @ Gmail.com": phones and shaky typing put spaces around the @.
    typed = [m.group(0).lower() for m in _EMAIL.finditer(_SPACED_AT.sub("@", text))]
    if typed:
        return list(dict.fromkeys(typed))
    # "jane at gmail dot com", "jane(at)example(dot)co(dot)uk": spelled out against spam bots
    # "vikram underscore s at outlook dot com" is vikram_s@, not s@ (someone else's address)
    text = _SPELLED_SIGN.sub(lambda m: "_" if m.group(1).lower() == "underscore" else "-", text)
    spelled = _SPELLED.search(text)
    if not spelled or spelled.group(1).lower() in _NOT_A_NAME:
        return []
    domain = spelled.group(2) or spelled.group(3)
    name = _SPELLED_DOT.sub(".", f" {spelled.group(1)} ").strip(". ")
    match = _EMAIL.search(name + "@" + _SPELLED_DOT.sub(".", domain))
    return [match.group(0).lower()] if match else []


# Mistyped email domains ("jane@exmaple.com", "bob@gmial.com", "x@gmail.con"): a confirmation sent there goes
# nowhere, so the bot asks once whether the common domain was meant (actions/complaint.py). Only the domains most
# customers use (and example.com, the address every demo and test customer has); a domain one slip away from one of
# them (a letter wrong, missing, extra, or two swapped) is taken for a typo of it. Real domains that close to a
# common one are never "corrected".
COMMON_DOMAINS = ("gmail.com", "googlemail.com", "hotmail.com", "hotmail.co.uk", "outlook.com", "live.com",
                  "live.co.uk", "yahoo.com", "yahoo.co.uk", "icloud.com", "aol.com", "btinternet.com", "example.com")
_REAL_LOOKALIKES = frozenset({"mail.com", "email.com", "ymail.com"})


def _one_slip(typed: str, meant: str) -> bool:
    """Is ``typed`` one slip from ``meant``: a character wrong, missing or extra, or two neighbours swapped?"""
    if typed == meant or abs(len(typed) - len(meant)) > 1:
        return False
    if len(typed) == len(meant):
        diffs = [i for i, (a, b) in enumerate(zip(typed, meant)) if a != b]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and typed[diffs[0]] == meant[diffs[1]] and typed[diffs[1]] == meant[diffs[0]])
    short, long_ = sorted((typed, meant), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def likely_meant(email: str | None) -> str | None:
    """The address with its domain's typo put right ("jane@exmaple.com" -> "jane@example.com"), or None."""
    if not email or "@" not in email:
        return None
    name, _, domain = email.rpartition("@")
    if domain in COMMON_DOMAINS or domain in _REAL_LOOKALIKES:
        return None
    meant = [common for common in COMMON_DOMAINS if _one_slip(domain, common)]
    return f"{name}@{meant[0]}" if len(meant) == 1 else None


def typo_question_open(suggested: str | None, email: str | None, recent: tuple[str, ...]) -> bool:
    """Is "did you mean jane@example.com?" still unanswered? A yes or no in the next two messages is about the
    address, even if the customer first re-sent their order number and the offer came in between (a "yes outlook
    sorry" there accepted a remedy nobody chose, and the mistyped address stayed). Answered, the suggestion is
    set to the address kept, so it is never open again."""
    asked = {"utter_ask_email_typo", "utter_explain_email_typo"}
    return bool(suggested) and suggested != email and bool(asked.intersection(recent))


def email_slip(typed: str, meant: str) -> str:
    """Where a mistyped address differs, said plainly: ".con, not .com" or "outlok, not outlook" (the customer who
    asks "what? my email is fine" hears what looked wrong, not a guess put on the ticket)."""
    got, want = typed.rpartition("@")[2].split("."), meant.rpartition("@")[2].split(".")
    for i, (a, b) in enumerate(zip(got, want)):
        if a != b:
            return f".{a}, not .{b}" if i and i == len(want) - 1 else f"{a}, not {b}"
    return f"{typed}, not {meant}"


def unconfirmed_email_note(typed: str, meant: str) -> str:
    """For the team, on the ticket, when "did you mean ...?" went unanswered: the address is kept as typed (nothing the
    customer did not confirm is changed), and what looked wrong is said. Only the slip, not the addresses: the
    description is reflected back to the customer, and an address's name part could read as an item ("lamp.fan@...")."""
    return f"For the team: the email given may be mistyped ({email_slip(typed, meant)}); the customer went on without confirming."


def is_given(value: str | None) -> bool:
    """True when a detail holds a real value (not missing, not 'not_given')."""
    return bool(value) and value != NOT_GIVEN


# Two words, a thing and what is wrong with it: "parcel missing", "order late", "screen cracked", "wrong item".
_FAULTY = (r"(?:missing|late|lost|broken|broke|damaged|cracked|smashed|shattered|wrong|faulty|defective|stuck|delayed|"
           r"leaking|leaks|dead|torn|ripped|empty|stolen|dented|scratched|stained|crashed|crashing|declined|failed|"
           r"overcharged|expired|mouldy|rotten|gone)")
_THING = r"(?!(?:it|its|this|that|they|them|still|not|very|really|all|just|now|again|so|too)\b)[^\W\d_]{3,}"
_SHORT_FAULT = re.compile(rf"^\W*(?:(?:my|the|our|your)\s+)?(?:{_THING}\s+(?:(?:is|was|has|got|arrived|came|still)\s+)?(?:not\s+)?"
                          rf"{_FAULTY}|(?:{_FAULTY}|no)\s+{_THING})\W*$", re.I)


def describe_problem(text: str | None, min_words: int = 4, short_fault: bool = False) -> str | None:
    """The customer's own words, if they say enough to count as "what happened".

    "My TV arrived with a cracked screen" is a description; "complaint" or
    "hello??" is not, and the bot will ask. ``short_fault``: the kind of problem
    is already known, so two words naming the thing and its fault ("parcel
    missing", "order late") say what happened too; asking again would make the
    customer repeat themselves.
    """
    if not text:
        return None
    cleaned = " ".join(text.split())
    words = re.findall(r"[^\W\d_]{2,}", cleaned)
    return cleaned if len(words) >= min_words or short_fault and _SHORT_FAULT.match(cleaned) else None
