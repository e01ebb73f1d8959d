"""News, with a quoted case, that what was agreed on it has not happened: a chase of that case.

"CD-XPVN6Y any update? still no money in my account", "me again re CD-ABG5GH, courier says returned to sender": the
customer is not asking where it stands (it is "sorted" on paper), they are saying it is not done. Such a message
reopens the case for the team with the news on it, and the customer hears what was agreed and when (actions/followup.py
``chase_case``). Asking for something else with it ("still nothing arrived, i want my money back now") is a failed
remedy told again: that is the complaint path, which offers again as a repeat (actions/complaint.py).
"""
from __future__ import annotations

import re

_NOT_DONE = re.compile("|".join(f"(?:{p})" for p in (
    r"\bstill (?:no|nothing|not|hasn'?t|haven'?t|waiting|havent|hasnt|don'?t|dont|didn'?t|didnt)\b",
    r"\b(?:returned|sent|going|gone|went) back to (?:the )?sender\b", r"\breturn(?:ed)? to sender\b",
    r"\b(?:never|hasn'?t|hasnt|haven'?t|havent|didn'?t|didnt|not) (?:yet )?(?:came|come|arrived|turned up|got (?:it|my|the|any)|"
    r"received|been (?:refunded|paid|delivered|sent))\b", r"\bnothing (?:has )?(?:arrived|come|turned up|happened)\b",
    r"\bno (?:sign of|money|refund|parcel|tracking|replacement|credit)\b")), re.I)
# Something wished for, not only named as what has not come ("still havent been refunded", "no sign of the refund").
_WISHED = re.compile(r"\b(?:i|we) (?:just |really )?(?:want|need|would like|'?d like|'?d rather|would rather)\b|\b(?:give|send) me\b"
                     r"|\binstead\b|\bi'?ll (?:take|have)\b", re.I)


def tells_not_done(text: str, remedy: str | None) -> bool:
    """Does this message (told with a quoted case) say what was agreed has not happened, wishing for nothing else?"""
    return bool(_NOT_DONE.search(text)) and not (remedy and _WISHED.search(text))
