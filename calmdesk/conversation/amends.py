"""A customer taking back their own anger: "sorry for swearing, its not your fault".

Why: the apology got no word back, only the next question, and the ticket kept reading the customer as abusive (a
strangers' probe, round 15; the playbook's lead says "no worries at all"). So it is met first with a short kind word,
and the current anger is read down; the peak stays on the ticket for the team (calmdesk/desk/tickets/filing.py).
Not "sorry, my order number is wrong" or "sorry to bother you": only an apology for how they spoke.
"""
from __future__ import annotations

import re

from calmdesk.taxonomy import ANGER_LEVELS, anger_rank

MAKES_AMENDS = re.compile(
    r"\b(?:sorry|apolog\w*|my bad|excuse)\b[^.!?]{0,25}?\b(?:swear\w*|swore|language|cursing|curs\w*|rude\w*"
    r"|shout\w*|yell\w*|caps|snapp?\w*|los(?:t|ing) (?:it|my temper)|temper|rant\w*|outburst|kick\w* off|f-?bombs?)\b"
    r"|\b(?:didn'?t|did not|don'?t) mean to (?:swear|shout|yell|snap|be rude|take it out on you|have a go)\b"
    r"|\b(?:it'?s|its|it is|this is|this isn'?t|not) (?:not )?(?:your|ur|you'?re|youre) fault\b"
    r"|\bnot (?:having a go|angry|mad|shouting) at you\b", re.I)
# An apology for how they spoke reads the customer down to at most this, whatever the last messages were.
AFTER_AMENDS = "frustrated"
# Moves an apology replaces (plan.plan puts it first): it is heard, not vented at, and not misunderstood.
HEARD_INSTEAD = ("vent", "not_understood")


def makes_amends(text: str) -> bool:
    """Does ``text`` apologise for how the customer spoke ("sorry for the language", "its not your fault")?"""
    return bool(MAKES_AMENDS.search(text))


def calmer(current: str | None) -> str:
    """The current anger after an apology for it: lowered to AFTER_AMENDS, never raised."""
    level = current if current in ANGER_LEVELS else "calm"
    return AFTER_AMENDS if anger_rank(level) > anger_rank(AFTER_AMENDS) else level
