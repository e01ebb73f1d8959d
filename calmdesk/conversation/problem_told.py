"""A problem told while a complaint is already open: the same one put right, the real one at last, or another one.

Why: the first reading of a complaint is often not the last word. People correct how the bot said it back ("no its
not broken or anything, its the wrong colour"), vent about the contact before the problem itself ("40 minutes on
your phone line and then it hung up on me" ... "parcel 5530-221 never arrived"), or bring a second order with a
second fault ("and the second one, A-1190, came snapped"). Dropping what they say next, or pinning it on the first
reading's ticket, tells them they were not heard (a strangers' probe, round 15, items 2 and 6).

Pure Python over ``Signals`` and the plan's ``State``; ``calmdesk.conversation.plan`` turns the answers into moves.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from calmdesk.conversation.reflect import item_named, names_the_fault
from calmdesk.conversation.signals import Signals
from calmdesk.conversation.wording import ANOTHER_CASE, PROBLEM_WORDS
from calmdesk.desk.details import describe_problem, orders_in
from calmdesk.taxonomy import CATEGORIES

if TYPE_CHECKING:
    from calmdesk.conversation.plan import State

# The customer puts the bot's reading right: "no its not broken or anything, its the wrong colour", "no, not charged
# twice, you charged the wrong amount", "well not late exactly, tracking says delivered", "it wasnt damaged as such,
# just the wrong size", "thats not what i said, it never came". (Not "not happy", "not good enough": no reading denied.)
_NOT = r"(?:not|isn'?t|isnt|wasn'?t|wasnt|aren'?t|arent|weren'?t|werent|never said|didn'?t say|didnt say)"
_HEDGE = r"(?:exactly|really|as such|per se|or anything|or whatever|though)"
# ...not a feeling ("im not happy, it came broken", "no not good enough"): no reading denied
_FEELING = r"(?! (?:good|great|happy|pleased|impressed|amused|angry|upset|joking|kidding|ok|okay|fine|acceptable|sure|yet|fair|right|funny|on|ideal|the point|my fault)\b)"
PROBLEM_CORRECTED = re.compile(
    rf"^\W*(?:(?:no|nah|nope|well|erm|um|hmm|actually|sorry)\b\W*)*(?:it'?s |its |it is |it was |it |they'?re |theyre |they |i was |"
    rf"i |you |that'?s |thats )?{_NOT}\b(?: \w+){{1,3}},? {_HEDGE}\b"
    rf"|^\W*(?:well\W+)?(?:it'?s|its|it is|it was|it|they'?re|theyre|they|i was|i'?m|im|i) {_NOT}{_FEELING} (?:\w+ ){{0,2}}\w+(?=,? (?:it|its|it'?s|it was|they|theyre|they'?re|the|you|but|just)\b)"
    rf"|^\W*(?:no|nah|nope)\b\W+(?:(?:it'?s|its|it is|it was|they'?re|theyre|i|that'?s|thats) )?"
    rf"(?:{_NOT}|never)\b{_FEELING}"
    r"|\bthat'?s not what i (?:said|meant)\b|\bthats not what i (?:said|meant)\b|\byou(?:'ve| have)? (?:got|misread|misunderstood) (?:it|me)\b",
    re.I)
# Where what is denied ends and what is meant begins: "not broken or anything, | its the wrong colour".
_MEANT_FROM = re.compile(r"[,.;:!?]+\s*|\s(?=(?:but|its|it'?s|it is|it was|they|you|i|the|just|tracking)\s)", re.I)
_JOINER = re.compile(r"^\W*(?:but|just|rather|instead)\b\W*", re.I)


def corrected_words(text: str) -> str | None:
    """What the customer says the problem is, once the reading they deny is taken out ("its the wrong colour. i
    ordered navy and got bright red"), or None when nothing is put in its place ("no its not broken")."""
    denial = PROBLEM_CORRECTED.search(text)
    if denial is None:
        return None
    meant = _MEANT_FROM.search(text, denial.end())
    rest = _JOINER.sub("", text[meant.end():] if meant else "").strip()
    return rest if rest and (describe_problem(rest) or PROBLEM_WORDS.search(rest)) else None


def corrects_problem(state: State, s: Signals) -> str | None:
    """The category of the problem as put right, when this message corrects the open complaint's reading; else None.

    Only a complaint still being worked on here (details or the offer), never a request; the message reads as a
    complaint ("no, not the refund, i want it to actually work" at the offer is about the remedy), and is not a
    question or a person asked for. The category is the message's own when it reads as a specific problem, else the one open.
    """
    if (state.category is None or state.request or state.stage not in ("details", "remedy_offered")
            or s.intent not in CATEGORIES or s.category is None or s.wants_person or s.question or s.also or corrected_words(s.text) is None):
        return None
    return s.category if s.category in CATEGORIES and s.category != "other" else state.category


def another_problem(state: State, s: Signals) -> str | None:
    """A different specific problem told while a specific complaint is open: "second" (its own case), "refine" (the
    real problem at last, the same case), or None (not enough to go on; the open complaint goes on).

    - "also ...", "another thing": a second problem, its own case;
    - another order with its own fault ("and the second one, A-1190, came snapped", while A-1102 is the open case's):
      two problems on two orders, two cases; the first keeps its order;
    - asked what happened, the answer shows it is another kind of problem than first thought;
    - the whole story with its details after a first reading that had none ("40 minutes on hold and it hung up on
      me" ... "parcel 5530-221 never arrived, p.nair@..."; "I PAID EXTRA FOR NEXT DAY" ... "order N-33019, turned up
      4 days later"): that is the case; the first words stay on it (complaint.refine).
    """
    complaint_told = s.intent in CATEGORIES and not s.question and names_the_fault(s.text, s.category)
    if s.also and s.intent in CATEGORIES:
        return "second"
    known = orders_in(state.order_number)
    if (known and complaint_told and not s.correction and s.category_confidence >= 0.6
            and any(n not in known for n in s.order_numbers)):
        return "second"
    if (state.stage == "details" and state.asking == "problem_description" and s.intent == s.category
            and s.category_confidence >= 0.6 and not s.remedy):
        return "refine"
    if (state.stage == "details" and not known and s.has_details and complaint_told and s.category_confidence >= 0.4
            and not ANOTHER_CASE.search(s.text) and not s.another_order and describe_problem(s.text)):
        return "refine"
    return None


def reread_description(text: str, earlier: str | None) -> str:
    """What goes on the ticket once the customer has put the reading right: their corrected words only (the reading
    they denied, "not charged twice", would be said back again), with the thing named earlier when these words name
    none ("dress: its the wrong colour. i ordered navy and got bright red")."""
    words = corrected_words(text) or text
    item = item_named(earlier or "") if item_named(words) is None else None
    return f"{item}: {words}" if item else words


def refined_description(told: str, earlier: str | None, earlier_category: str | None) -> str:
    """The description once the real problem is told after a specific first reading ("it hung up on me" ... "parcel
    5530-221 never arrived"): the real problem, and the first words kept for the team, so nothing told is lost. After
    a vague first one ("WHAT A JOKE") the rant is no description: the real problem only."""
    if earlier and earlier_category not in (None, "other") and earlier.strip() not in told:
        return f"{told} Said first: {earlier.strip()}"  # (not said back: reflect._NOT_THIS_PROBLEM)
    return told
