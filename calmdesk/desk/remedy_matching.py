"""Which offered remedy a customer picks when they type rather than press a button.

"the credit please" picks store credit, "goodwill credit" picks goodwill (the
longest name wins), "the first one" picks the first offered. The remedies on
offer come from the remedy policy (calmdesk.desk.remedies).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

# How customers name a remedy when they type rather than press a button.
_NAMES: dict[str, re.Pattern[str]] = {
    kind: re.compile(pattern, re.I)
    for kind, pattern in {
        "refund": r"refund|money back|reimburs\w*|pay me back|honou?r\w*|the difference (?:back|refunded)|cash|"
                  r"the money(?! (?:on|off|in|into|to)\b)|money return\w*",
        "replacement": r"replace\w*|new one|another one|exchange|swap|(?:one|an? \w+) that (?:actually |really )?works|"
                       r"a working one",
        "discount": r"discount|% off|percent off|money off|off (?:my|the) next \w+|price reduction|partial refund|"
                    r"knock(?:ed|ing)? (?:\w+ ){0,3}off|off the (?:price|bill|total|cost)|(?:new|another|fresh|working) (?:\w+ )?code",
        "store_credit": r"store credit|credit|voucher|gift ?card",
        "expedited_reship": r"express|re-?deliver\w*|resend|re-?ship|send (?:\w+ ){0,2}again|faster|fastest|quickest|"
                            r"soonest|asap",
        # ("the credit" where the offer's credit is the goodwill one: the offer's own word; not "store credit")
        "goodwill": r"goodwill\w*(?: credit| gesture| payment)?|compensation|gesture|(?<!store )(?<!store-)\bcredit\b(?! ?cards?)",
    }.items()
}
_ORDINALS = (
    re.compile(r"\b(?:first|1st|top)\b|^\s*1\s*$", re.I),
    re.compile(r"\b(?:second|2nd|middle)\b|^\s*2\s*$", re.I),
    re.compile(r"\b(?:third|3rd)\b|^\s*3\s*$", re.I),
)
_LAST = re.compile(r"\b(?:last|final)\b", re.I)

# "i dont want store credit, i want my money back": a remedy named only to turn it down is not chosen.
_TURNED_DOWN = re.compile(r"\b(?:don'?t|do not|dont|doesn'?t|not|no|never|without|instead of|rather than|"
                          r"forget(?: about)?|scrap|cancel|never ?mind|what (?:good|use) is)\s+"
                          r"(?:(?:want|need|like|interested in|bother with|care (?:about|for)|a|an|the|any|more|some|your)\s+"
                          r"|[£€$]?\d+(?:[.,]\d+)?\s*){0,3}$"  # "i dont want 15% off": the amount is part of the name
                          # "i dont want to faff about with refunds", "cant be bothered with a voucher", "sick of
                          # replacements", "rather not have store credit": the hassle of it turned down
                          r"|\b(?:(?:don'?t|do not|dont|won'?t|wont|not going to|rather not)\s+(?:really\s+)?(?:(?:want|wanna|"
                          r"fancy|have time)\s+)?(?:to\s+)?|(?:(?:can'?t|cant|cannot) be bothered|cba)\s+(?:to\s+)?)"
                          r"(?:(?:faff|mess|muck|fiddle|fuss|deal|bother|hassle|wait|go|play|have|get|take)\w*"
                          r"(?:\s+(?:about|around|on))?\s+)?(?:(?:with|for|through|on|about)\s+)?(?:(?:a|an|the|any|more|another|your)\s+)?$"
                          r"|\b(?:sick (?:and tired )?of|fed up (?:of|with)|tired of|had enough of|the last thing i want is)\s+"
                          r"(?:(?:a|an|the|any|more|your|all (?:the|these|those))\s+)?$",
                          re.I)

# Part of the money back, keeping the thing ("a partial refund is fine, i'll keep it"): no kind of its own. Where the
# policy offers the money-off remedy (discount) it is that; where not, how much is a person's decision
# (actions/remedies.py), and never the full refund on offer.
PARTIAL_REFUND = "partial_refund"

# How a remedy kind is said to the customer in a sentence ("you asked for a refund"); shared by the offer and the
# follow-up, which both name what was agreed.
PLAIN_NAMES = {"refund": "a refund", "replacement": "a replacement", "discount": "a discount",
               "store_credit": "store credit", "expedited_reship": "an express re-delivery",
               "goodwill": "a goodwill payment", PARTIAL_REFUND: "a partial refund"}

# Two kinds a customer names interchangeably: asked for one when only the other is on offer, they mean that one
# ("send it again" for a broken item is the replacement; "send me a new one" for a lost parcel, the re-delivery;
# "some compensation" where store credit is the credit on offer). Store credit named outright is not swapped for a
# goodwill credit (often smaller): it is said not to be on offer, with the options (probe 15: "200 euro store
# credit" was confirmed as a €10 goodwill credit).
_ALSO_CALLED = {"goodwill": ("store_credit",),
                "expedited_reship": ("replacement",), "replacement": ("expedited_reship",),
                PARTIAL_REFUND: ("discount",)}


def turned_down(text: str, start: int) -> bool:
    """Is the remedy named at ``text[start:]`` turned down by the words just before it ("not points", "no voucher")?"""
    return bool(_TURNED_DOWN.search(text[max(0, start - 40):start]))


def closest_offered(kind: str, offered: Sequence[str]) -> str:
    """``kind`` if it is on offer, else the offered kind customers mean by it ("send it again"), else ``kind``."""
    if kind in offered:
        return kind
    return next((k for k in offered if k in _ALSO_CALLED.get(kind, ())), kind)


def match_remedy(text: str | None, offered: Sequence[str]) -> str | None:
    """Which of the offered remedy kinds a typed answer picks, if it is clear.

    "the credit please" picks store credit; "goodwill credit" picks goodwill
    (the longest name wins); "the first one" picks the first offered.
    """
    if not text:
        return None
    best, best_length = None, 0
    for kind in offered:
        pattern = _NAMES.get(kind)
        match = next((m for m in pattern.finditer(text) if not turned_down(text, m.start())), None) if pattern else None
        if match and len(match.group(0)) > best_length:
            best, best_length = kind, len(match.group(0))
    if best:
        return best
    if _LAST.search(text) and offered:
        return offered[-1]
    for position, ordinal in enumerate(_ORDINALS[: len(offered)]):
        if ordinal.search(text):
            return offered[position]
    return None


# "whichever is quicker", "the fastest one please": the choice left to how soon each arrives (not "which is quicker?",
# a question, nor "i paid for the fastest delivery")
QUICKEST = re.compile(r"\b(?:whichever|which ever|whatever|the one that)(?: one)?(?:'?s| is| gets here| arrives| comes)? "
                      r"(?:the )?(?:quick|fast|soon)(?:er|est)\b|\b(?:the )?(?:quickest|fastest|soonest) (?:one|option)\b", re.I)
_WITHIN = ((re.compile(r"\bwithin the hour\b|\bright away\b|\bstraight away\b", re.I), 1.0),
           (re.compile(r"\btomorrow\b", re.I), 24.0))
_HOURS = re.compile(r"\b(\d+)\s*hours?\b", re.I)
_DAYS = re.compile(r"\b(?:\d+\s*[–-]\s*)?(\d+) (?:working |business )?days?\b", re.I)


def hours_until(timeline: str) -> float | None:
    """How soon a policy timeline says the remedy arrives, in hours ("within 3–5 working days": 120), or None."""
    for pattern, hours in _WITHIN:
        if pattern.search(timeline):
            return hours
    if match := _HOURS.search(timeline):
        return float(match.group(1))
    if match := _DAYS.search(timeline):
        return 24.0 * int(match.group(1))
    return None


def quickest(timelines: Sequence[tuple[str, str]]) -> str | None:
    """The kind whose (kind, timeline) arrives soonest; the first offered on a tie; None when no timeline says."""
    known = [(hours, n, kind) for n, (kind, timeline) in enumerate(timelines) if (hours := hours_until(timeline)) is not None]
    return min(known)[2] if known else None
