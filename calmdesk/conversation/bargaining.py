"""A wish at the offer that is more than one remedy on offer: never agreed as if it were a plain choice.

A strangers' probe (round 15) saw "can i have both a refund and a replacement?" confirmed as a refund,
"a refund AND compensation for my time" and "money back plus free delivery for a year" confirmed as a refund
with the rest never mentioned, and "200 euro store credit" confirmed as a €10 goodwill credit. A lead answers
such a wish honestly instead:

* two remedies on offer asked for together ("both", "and", "plus") or a question about having both: one of
  them, which? Nothing is agreed;
* one remedy on offer with something the offer does not hold ("compensation for my time" where no goodwill is
  offered, "free delivery for a year"): the remedy is agreed, and the rest is said plainly to be the team's
  to look at, and put on the ticket;
* an amount above what the offer gives ("200 euro store credit" where €10 goodwill is the credit on offer), or
  an amount named for a remedy the offer does not hold: nothing is swapped for something smaller; the wish goes
  on the ticket for the team, and the customer chooses from what can be given now (or asks for a person).

Pure Python over the customer's words and the remedies on offer (policy/remedies.yml): no Rasa.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from calmdesk.desk.remedies import Remedy

# Two remedies joined as one wish ("a refund AND compensation", "money back plus ...", "both a refund and a
# replacement"), not offered as alternatives ("a refund, or a replacement if not", "refund, actually no, a new one").
_JOINED = re.compile(r"\b(?:and|plus|with|as well as|on top of|along with|also|too)\b|[&+]", re.I)
_ALTERNATIVE = re.compile(r"\b(?:or|either|otherwise|if not|else|instead|rather|actually|no wait|sorry|not)\b", re.I)
_BOTH = re.compile(r"\bboth\b|\ball (?:of )?(?:them|those|these|three)\b", re.I)
# "both?", "can i have both", "all of them please": every remedy on offer at once, in a short message.
_ALL_AT_ONCE = re.compile(r"^\W*(?:(?:so|ok(?:ay)?|well|then|and|but|hmm+)\W+)*(?:(?:can|could|may) (?:i|we) (?:not )?"
                          r"(?:just )?(?:have|get|take)|i(?:'d| would)? (?:want|like|take)|give me|why not)?\W*"
                          r"(?:both|all (?:of )?(?:them|those|these|three))\b(?:\W+(?:of them|please|pls|then|tbh|lol))*\W*$",
                          re.I)
# Something free on top, that no remedy kind is: "free delivery for a year", "free shipping for life", "a free gift".
_FREE_EXTRA = re.compile(r"\bfree (?:\w+ ){0,2}?(?:delivery|deliveries|shipping|postage|gift|upgrade|month|months|year|"
                         r"order|orders|membership|subscription|premium|item|items|stuff)\b"
                         r"(?: (?:for|on|with) (?:life|ever|good|(?:a|an|the|my|one|\d+|all)(?: (?!and\b|or\b|please\b|pls\b|too\b|for\b|"
                         r"this\b)\w+){1,2}))?", re.I)
# "compensation for my time", "goodwill for the hassle": the words a wish for the team is said back in.
_FOR_WHAT = re.compile(r"^ (?:for (?:my|the|all (?:my|the|this)|wasting my) \w+(?: \w+)?)", re.I)
# An amount of money or a percentage: "200 euro", "€200", "£50", "50 quid", "30%", "40 percent".
_MONEY = re.compile(r"(?:[€£$]\s?(?P<a>\d+(?:[.,]\d{1,2})?)|(?P<b>\d+(?:[.,]\d{1,2})?)\s?(?:€|£|\$|euros?|eur|pounds?|"
                    r"quid|gbp|dollars?|usd|bucks)\b)", re.I)
_PERCENT = re.compile(r"(?P<a>\d{1,3})\s?(?:%|percent\b|per cent\b)", re.I)
_NEAR_BEFORE, _NEAR_AFTER = 30, 20  # an amount this close to a remedy's name is its amount ("200 euro store credit")


@dataclass(frozen=True)
class Mention:
    """A remedy kind named in the customer's words, and where (start, end) in them."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Bargain:
    """What to do with a wish that is more than one remedy on offer.

    ``between``: the offered kinds asked for together: one of them, which (nothing agreed).
    ``take``: the offered kind that can be agreed now (None: nothing agreed).
    ``beyond``: the rest, in the customer's words, for the team ("free delivery for a year", "200 euro store credit").
    """

    between: tuple[str, ...] = ()
    take: str | None = None
    beyond: str = ""


def amount_near(text: str, mention: Mention) -> tuple[float, str, str] | None:
    """The amount named with a remedy: (value, unit "currency"/"percent", the words from amount to remedy), or None."""
    for pattern, unit in ((_MONEY, "currency"), (_PERCENT, "percent")):
        for match in pattern.finditer(text):
            before = mention.start - match.end()  # (below 0: the name starts inside it, "50% off")
            after = match.start() - mention.end
            if match.start() <= mention.start and before <= _NEAR_BEFORE and not re.search(r"[.!?;]|\bor\b", text[match.end():mention.start]):
                span = text[match.start():mention.end]
            elif 0 <= after <= _NEAR_AFTER and not re.search(r"[.!?;]|\bor\b", text[mention.end:match.start()]):
                span = text[mention.start:match.end()]
            else:
                continue
            value = float((match.group("a") or match.groupdict().get("b") or "0").replace(",", "."))
            return value, unit, " ".join(span.split())
    return None


def extra_wish(text: str, mentions: Sequence[Mention]) -> str:
    """Something free wished for beside a remedy ("money back plus free delivery for a year"), in their words."""
    for match in _FREE_EXTRA.finditer(text):
        if any(m.start < match.end() and match.start() < m.end for m in mentions):
            continue  # "a free express re-delivery": the remedy itself
        if mentions and _JOINED.search(text[mentions[0].end:match.start()] if mentions[0].end <= match.start()
                                       else text[match.end():mentions[0].start]):
            return " ".join(match.group(0).split())
    return ""


def together(text: str, mentions: Sequence[Mention]) -> bool:
    """Are the remedies named wished for together ("both", "X and Y", "X plus Y"), not as alternatives?"""
    if len({m.kind for m in mentions}) < 2:
        return False
    if _BOTH.search(text):
        return True
    between = text[mentions[0].end:mentions[1].start]
    return bool(_JOINED.search(between)) and not _ALTERNATIVE.search(between)


def asks_more(text: str, mentions: Sequence[Mention]) -> bool:
    """Might this wish be more than one remedy on offer (the plan's cue; ``settle`` decides with the policy)?"""
    return (together(text, mentions) or bool(extra_wish(text, mentions)) or bool(_ALL_AT_ONCE.search(text))
            or any(amount_near(text, m) for m in mentions))


def settle(text: str, mentions: Sequence[Mention], offered: Sequence[Remedy]) -> Bargain | None:
    """What a wish at the offer comes to (None: a plain choice of one remedy, for the usual path)."""
    kinds = [r.kind for r in offered]
    if not mentions and _ALL_AT_ONCE.search(text):
        return Bargain(between=tuple(kinds))  # "can i have both?": one of them
    for mention in mentions:
        named = amount_near(text, mention)
        if named is None:
            continue
        value, unit, words = named
        remedy = next((r for r in offered if r.kind == mention.kind), None)
        if remedy is None or remedy.amount is not None and (remedy.unit != unit or value > remedy.amount):
            return Bargain(beyond=words)  # "200 euro store credit" with €10 goodwill on offer: the team's, not swapped
    extra = extra_wish(text, mentions)
    if not together(text, mentions) and not extra:
        return None
    wanted = list(dict.fromkeys(m.kind for m in mentions))
    on_offer = [k for k in wanted if k in kinds]
    if len(on_offer) >= 2:
        return Bargain(between=tuple(on_offer))
    if not on_offer:
        return None  # nothing of it on offer: the usual "that isn't something I can offer" with the options
    rest = [_said(text, m) for m in mentions if m.kind not in kinds]
    if extra:
        rest.append(extra)
    return Bargain(take=on_offer[0], beyond=" and ".join(dict.fromkeys(rest)))


def _said(text: str, mention: Mention) -> str:
    """A remedy's name as the customer said it, with what it is for ("compensation for my time")."""
    tail = _FOR_WHAT.match(text[mention.end:])
    return " ".join((text[mention.start:mention.end] + (tail.group(0) if tail else "")).split()).lower()


_THEIRS = {"my": "your", "me": "you", "mine": "yours", "i": "you", "myself": "yourself", "our": "your", "us": "you"}


def said_back(words: str) -> str:
    """A wish in the customer's words, said back to them ("compensation for my time": "compensation for your time")."""
    return re.sub(r"\b(?:my|me|mine|i|myself|our|us)\b", lambda m: _THEIRS[m.group(0).lower()], words, flags=re.I)
