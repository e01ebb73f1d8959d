"""After a ticket: the satisfaction score, and when to check in again.

Customers answer "how did I do, 1 to 5?" in many ways ("4", "4/5", "four
stars", "I'd give it a 3"), so the score is read from free text here rather
than demanded in one format. The check-in goes a few days later (playbook
rule 13: follow up, did the fix hold?).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

FOLLOW_UP_AFTER = timedelta(days=3)

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
# A lone digit or number word (not part of "2.5", "honestly", "4839201").
# "one more thing", "two other orders", "one sec" count nothing.
_SCORE = re.compile(r"(?<![\w.])([1-5]|one|two|three|four|five)(?!\w)(?!\.\d)"
                    r"(?!\s+(?:more|things?|others?|of (?:my|the|your|them|those)|days?|times?|orders?|items?|sec|secs|"
                    r"seconds?|minutes?|mins?|moment|problems?|issues?|questions?|last)\b)"
                    r"(?:\s*(?:/|out of|of)\s*(?:5|five))?", re.I)
_OUT_OF_TEN = re.compile(r"\b\d+\s*(?:/|out of)\s*10\b", re.I)


def parse_score(text: str | None) -> int | None:
    """The 1-5 score in ``text``, or None when there is no single clear one."""
    if not text or _OUT_OF_TEN.search(text):
        return None
    found = {(_WORDS.get(m.group(1).lower()) or int(m.group(1))) for m in _SCORE.finditer(text)}
    return found.pop() if len(found) == 1 else None


def follow_up_time(now: datetime | None = None) -> datetime:
    """When to check in with the customer again."""
    return (now or datetime.now(timezone.utc)) + FOLLOW_UP_AFTER
