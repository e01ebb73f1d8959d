"""What a response name says the bot did: acknowledged, asked for a detail, offered a remedy.

One reading for the conversation tests and the replay: every message the
custom action says carries its response name (``utter_action`` in the bot
event's metadata), so these checks never depend on the wording, which
designers change freely.
"""
from __future__ import annotations

import re

DETAILS = ("order_number", "customer_email", "problem_description", "remedy")
ACKNOWLEDGING = "utter_acknowledge"  # a prefix: one response per anger level, and any added later
OFFERING = ("utter_offer_remedies", "utter_ask_which_remedy")  # prefixes: asking which remedy
LOOP_LIMIT = 3  # the same reply, or the same question, this many times in one conversation is a loop


def acknowledging(response: str | None) -> bool:
    """The bot acknowledged a complaint (feeling, problem, apology) or named a known incident."""
    return (response or "").startswith(ACKNOWLEDGING) or response == "utter_known_incident"


def asked(response: str | None) -> set[str]:
    """Which details a response asks for: ``utter_ask_<detail>...``, and ``remedy`` for an offer."""
    name = response or ""
    found = {d for d in DETAILS if d != "remedy" and name.startswith(f"utter_ask_{d}")}
    if name.startswith(OFFERING):
        found.add("remedy")
    return found


def normalise(text: str) -> str:
    """A reply text compared for repeats: lower case, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())
