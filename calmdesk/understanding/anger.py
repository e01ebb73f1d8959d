"""A first, transparent reading of how upset a message sounds.

The reading is a level (calm, frustrated, angry, abusive), a score in 0..1
and the cues that produced it, so staff can see *why* a ticket says "angry".
It is deliberately rule-based and small: a lexicon of cues with weights,
plus shouting (capitals) and repeated punctuation. Abuse means insults aimed
at a person (the bot or staff), which is different from swearing about the
situation ("this is f***ing ridiculous" is angry, "you are useless idiots"
is abusive).

The trained reader is :mod:`calmdesk.understanding.anger_model` (spaCy cues plus a
classifier learnt from data/anger/examples.jsonl); it returns the same
``AngerReading`` and runs inside the Rasa pipeline (components/anger.py).
``read_anger`` stays rule-based: it is one of that model's features and the
fallback where no trained reading is available.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Swear words, including masked forms such as f***, f**k, sh*t, wtf.
_SWEAR = (
    r"f[u*@#$]?[c*]?[k*]+(?:ing|in|ed|er|s)?|f\*+(?:ing|in)?|sh[i*!1]t+\w*|s\*+t|crap\w*|damn\w*|"
    r"bloody|bullsh\w*|b\*+s\w*|wtf|ffs|piss\w*|hell"
)
_PEOPLE = r"(?:you|u|ur|ya|your (?:staff|team|company|agents?|people)|you (?:people|lot|guys)|this (?:stupid |useless )?bot)"
_INSULT = (
    r"idiots?|morons?|stupid|useless|incompetent|clowns?|liars?|thieves|scammers?|pathetic|"
    r"worthless|imbeciles?|dumb|brainless|garbage|trash|jokes?"
)

_CUES: tuple[tuple[str, re.Pattern[str], float], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE), weight)
    for name, pattern, weight in (
        # aimed at a person: abuse
        # "you are useless", "you're all idiots", "are you stupid": a person is called something
        ("insult", rf"\b{_PEOPLE}\s*(?:are|r|is|'re|’re)\s+(?:all\s+|just\s+)?(?:an?\s+|so\s+|such\s+|bunch of\s+|total\s+|complete\s+)*(?:{_INSULT})\b", 1.0),
        ("insult", rf"\b(?:are|r)\s+(?:you|u)\s+(?:all\s+|just\s+)?(?:an?\s+|so\s+|that\s+)*(?:{_INSULT})\b", 1.0),
        # "you idiots", "you useless morons": name-calling directly
        ("insult", r"\b(?:you|u)\s+(?:(?:\w+)\s+)?(?:idiots?|morons?|clowns?|liars?|thieves|scammers?|imbeciles?|muppets?)\b", 1.0),
        ("insult", rf"\b(?:{_SWEAR})\s+(?:you|u|off)\b", 1.0),
        ("insult", rf"\b(?:{_INSULT})\s+(?:bot|staff|people|agents?|company|lot)\b", 0.9),
        ("insult", rf"\b(?:shut up|go to hell|screw you|get lost)\b", 0.9),
        ("threat", r"\b(?:i(?:'ll| will)|gonna|going to)\s+(?:sue|report you|come down there|find you|ruin)\b", 0.8),
        # anger at the situation
        ("swearing", rf"\b(?:{_SWEAR})(?!\w)", 0.5),  # (?!\w), not \b: masked forms end in "*"
        ("strong_word", r"\b(?:furious|livid|outraged|unacceptable|ridiculous|disgusting|disgraceful|appalling|"
                        r"outrageous|joke|worst|scam|rip[- ]?off|sick of|fed up|had enough|no ?(?:one|body) (?:cares|listens|helps)|pissed|useless|terrible|awful|horrible|pathetic)\b", 0.35),
        # frustration
        ("repetition", r"\b(?:again|still|third time|second time|(?:\w+ )?times now|every time|keep(?:s)? happening|yet again)\b", 0.2),
        ("waiting", r"\b(?:waiting|waited|weeks?|days)\b", 0.1),
        ("frustration", r"\b(?:annoyed|annoying|frustrat\w*|disappointed|upset|unhappy|not happy|seriously|come on|not good enough)\b", 0.25),
    )
)

_REPEATED_PUNCT = re.compile(r"[!?]{2,}")
_WORDS = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True)
class AngerReading:
    level: str
    score: float
    cues: tuple[str, ...] = field(default_factory=tuple)


def _shouting(text: str) -> bool:
    """Mostly capitals, or at least two long words in capitals ("CRACKED SCREEN")."""
    words = _WORDS.findall(text)
    upper = [w for w in words if w.isupper()]
    return (len(words) >= 3 and len(upper) / len(words) >= 0.6) or sum(len(w) >= 4 for w in upper) >= 2


def read_anger(text: str | None) -> AngerReading:
    """Read the anger level of one customer message."""
    if not text or not text.strip():
        return AngerReading("calm", 0.0)
    cues: list[str] = []
    score = 0.0
    for name, pattern, weight in _CUES:
        if pattern.search(text) and name not in cues:
            cues.append(name)
            score += weight
    if _shouting(text):
        cues.append("shouting")
        score += 0.3
    if _REPEATED_PUNCT.search(text):
        cues.append("repeated_punctuation")
        score += 0.15
    score = min(score, 1.0)
    if "insult" in cues or "threat" in cues:
        level = "abusive"
    elif score >= 0.5:
        level = "angry"
    elif score >= 0.2:
        level = "frustrated"
    else:
        level = "calm"
    return AngerReading(level, round(score, 2), tuple(cues))

