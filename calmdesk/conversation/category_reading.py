"""Which complaint category a message carries, from the whole parse and not only its top intent.

The classifier gives one label; a message often says more. In order:

1. the top intent if it is a category and sure enough, else a clearly
   present specific category from the ranking (a weak top intent still
   keeps its best category), else, for a described problem the classifier
   read as details or could not place, its best category even when weak;
2. in a long message, the main problem (components/main_problem.py's clause
   vote) over a side remark, unless the whole-message reading is sure;
3. "... I want a refund for that" (or "... cant be bothered with refunds"): the problem behind the wish, not
   the wish; "... and i want your manager NOW": the problem, not a staff complaint;
4. while staff have declared an incident, the incident when the message
   plausibly is about it (``explained_by_incident``);
5. the taxonomy words that settle lines the classifier keeps crossing
   (calmdesk.understanding.category_cues.refine_category).

calmdesk.conversation.signals.read calls ``read_category`` and adds the
problems told side by side ("also, ...").
"""
from __future__ import annotations

import re
from typing import Any, Collection

from calmdesk.conversation.main_problem import FAULT_WORDS
from calmdesk.desk.details import describe_problem
from calmdesk.taxonomy import CATEGORIES
from calmdesk.understanding.category_cues import WHERE_IS_IT, incident_words, parcel_not_arrived, refine_category

# How sure the classifier must be of a top intent that is a complaint, and of a
# category that is not the top intent but still clearly present.
TOP_COMPLAINT = 0.4
SIDE_COMPLAINT = 0.3
WEAK = 0.12  # a described problem the classifier read as details or could not place
# ...or as low as this when it names the fault outright ("the jumper shrank after one wash, 5590-117, jj@example.com":
# details read as 0.85 "inform" leave little for any category, but "shrank" is no detail)
FAULT_TOLD = 0.03
MAIN_PROBLEM_VOTE = 0.35  # a long message's clause vote that corrects the category...
SURE = 0.75  # ...unless the whole-message reading is at least this sure
MAIN_PROBLEM_ALONE = 0.45  # the clause vote alone, for a long message with no category otherwise
# While staff have declared an incident for a category, that incident is the likeliest explanation of a new
# complaint: its category counts INCIDENT_PRIOR times as likely as the classifier alone says, when the
# classifier (or the clause vote) gives it at least INCIDENT_EVIDENCE.
INCIDENT_PRIOR = 3.0
INCIDENT_EVIDENCE = 0.2
SPECIFIC = tuple(c for c in CATEGORIES if c != "other")
WHERE_IS_IT_CONFIDENCE = 0.5  # "where is my order?" read as details: a delivery problem, as sure as a side complaint


def read_category(message: dict[str, Any], text: str, incidents: Collection[str] = ()) -> tuple[str | None, float, bool]:
    """(category or None, its confidence, whether a declared incident explains it) for one parsed message."""
    intent = (message.get("intent") or {}).get("name")
    confidence = float((message.get("intent") or {}).get("confidence") or 0.0)
    ranking = message.get("intent_ranking") or []
    category, category_confidence = _category(intent, confidence, ranking, text)
    category, category_confidence = _main_problem(category, category_confidence, message.get("main_problem"))
    category, category_confidence = _behind_the_refund(category, category_confidence, ranking, text)
    category, category_confidence = _not_the_person_asked_for(category, category_confidence, ranking, text)
    by_incident = False
    if incidents:
        explained = explained_by_incident(message, category, category_confidence, incidents)
        if explained is not None:
            category, category_confidence, by_incident = explained[0], explained[1], True
    # A scam report is "other", a crash a product defect, whatever neighbour the classifier leaned to.
    category = refine_category(category, text)
    return category, category_confidence, by_incident and category in incidents


def _category(intent: str | None, confidence: float, ranking: list[dict], text: str) -> tuple[str | None, float]:
    """The complaint category: the top intent if it is one, else a clearly present specific category.

    A message that describes a problem but came out as "giving details" or not
    understood ("my number is +44 ..., the sofa arrived ripped") keeps its best
    category even when it is weak: better a specific ticket than "say that again".
    """
    scores = {r.get("name"): float(r.get("confidence") or 0.0) for r in ranking if r.get("name") in CATEGORIES}
    if intent in CATEGORIES and confidence >= TOP_COMPLAINT:
        return intent, confidence
    best = max(SPECIFIC, key=lambda c: scores.get(c, 0.0))
    if scores.get(best, 0.0) >= SIDE_COMPLAINT:
        return best, scores[best]
    if intent == "nlu_fallback" and ranking:
        # The fallback hides the classifier's own top intent behind it: use it if it was a complaint.
        second = next((r for r in ranking if r.get("name") != "nlu_fallback"), None)
        if second and second.get("name") in SPECIFIC and float(second.get("confidence") or 0) >= SIDE_COMPLAINT:
            return second["name"], float(second["confidence"])
    if intent == "other" and confidence >= TOP_COMPLAINT:
        return intent, confidence
    if intent in ("inform", "nlu_fallback", "other") and describe_problem(text, min_words=5) and (
            scores.get(best, 0) >= WEAK or FAULT_WORDS.search(text) and scores.get(best, 0) >= FAULT_TOLD):
        return best, scores[best]
    if WHERE_IS_IT.search(text) or describe_problem(text, min_words=5) and parcel_not_arrived(text):
        # (...or "hola, mi pedido 55120 never llego, i need help": a parcel that never came, nothing else read)
        return "delivery_problem", WHERE_IS_IT_CONFIDENCE
    return None, 0.0


# "i want to speak to your manager NOW" names staff without complaining about them: with the request for a
# person taken out, no word about how someone behaved is left, so the problem is the next category read.
# Narrower than wording.WANTS_PERSON on purpose: only the person named ("your manager"), not every way of asking
# for contact ("do you have a customer service dept?" beside "you tell me my free trial is ending" stays staff).
_PERSON_REQUEST = re.compile(r"\b(?:speak|talk|chat|put me through|get me|pass me|transfer me|escalate)\b[^.!?]{0,30}?"
                             r"\b(?:manager|supervisor|boss|someone|somebody|person|human|agent|in charge|employee|"
                             r"member of staff|staff member|grown[- ]?up|life ?form)\b"
                             r"(?: (?:of|at|from|in) (?:this|the|your) (?:company|shop|store|place|business))?", re.I)
_ABOUT_STAFF = re.compile(r"\b(?:rude\w*|staff|employees?|driver|courier|agents?|advis[eo]rs?|reps?|told me|treated|attitude|"
                          r"manners?|hung up|shout\w*|yell\w*|ignored me|lied|manager|supervisor|boss|team|someone|person|"
                          r"he|she|they|guy|lady|woman|man)\b", re.I)
NEXT_CATEGORY = 0.1


def _not_the_person_asked_for(category: str | None, confidence: float, ranking: list[dict],
                              text: str) -> tuple[str | None, float]:
    if category != "staff_complaint" or not _PERSON_REQUEST.search(text):
        return category, confidence
    if _ABOUT_STAFF.search(_PERSON_REQUEST.sub(" ", text)):
        return category, confidence
    scores = {r.get("name"): float(r.get("confidence") or 0.0) for r in ranking
              if r.get("name") in SPECIFIC and r.get("name") != "staff_complaint"}
    best = max(scores, key=scores.get, default=None)
    if best and scores[best] >= NEXT_CATEGORY:
        return best, scores[best]
    # "i want to speak to an actual employee, my order has been a total disaster": a problem, but no sign of which;
    # a vague one (made specific later), never an apology for how our team treated them.
    return ("other", confidence) if describe_problem(_PERSON_REQUEST.sub(" ", text), min_words=5) else (None, 0.0)


def incident_evidence(message: dict[str, Any], category: str, *, vote: bool = True) -> float:
    """How likely the classifier finds ``category`` in this message: its intent score, or the clause vote for it."""
    scores = [float(r.get("confidence") or 0.0) for r in message.get("intent_ranking") or []
              if r.get("name") == category]
    top = message.get("intent") or {}
    if top.get("name") == category:
        scores.append(float(top.get("confidence") or 0.0))
    main = message.get("main_problem") or {}
    if vote and main.get("category") == category:
        scores.append(float(main.get("confidence") or 0.0))
    return max(scores, default=0.0)


def might_concern_an_incident(message: dict[str, Any]) -> bool:
    """Could any declared incident explain this message? (If not, nobody need look up which incidents are open.)"""
    return any(incident_evidence(message, c) >= INCIDENT_EVIDENCE for c in SPECIFIC)


def explained_by_incident(message: dict[str, Any], category: str | None, confidence: float,
                          incidents: Collection[str]) -> tuple[str, float] | None:
    """The declared incident's category and its evidence, when the incident plausibly explains the message.

    Staff declaring an incident tells us what the classifier cannot know: many
    customers are hitting that fault right now. So the incident's category
    counts INCIDENT_PRIOR times as likely as the reading says, when the
    reading gives it real probability (INCIDENT_EVIDENCE, in the intent
    ranking or the clause vote): "the site's been out an hour, I'll miss my
    deadline" read as a delivery problem at 0.48 with the outage at 0.34 is
    the outage. A sure reading (SURE) stands, as it does against the clause
    vote (``_main_problem``): "my parcel arrived crushed" or "I can't log in"
    read at 0.9 is not swallowed by the incident, unless the clause vote
    *and* the incident category's own words say otherwise ("the whole site
    has been out for an hour ... I need my invoices" read as delivery at
    0.78). A category with words of its own (the outage: "down", "won't
    load", category_cues.INCIDENT_WORDS) takes only messages that use them:
    "my phone got wet and now it doesn't work" is not the outage. A message
    that carries no complaint competes with its own top intent ("ok,
    thanks" stays thanks). None: the reading stands.

    Measured on the 248 labelled real complaints (tests/eval, first turns):
    with an outage declared, no complaint of another category is taken for
    it; with an incident declared for each category in turn, 26 of 1,773
    correct readings of other categories are (1.5%, none of the outage's),
    and 13 of the 40 misread complaints of the incident's category are put
    right. docs/bench.md, Issue 11.
    """
    if category in incidents:
        return None
    text = " ".join(str(message.get("text") or "").split())
    if category is None:
        if not describe_problem(text, min_words=5):
            return None  # not a complaint in words: nothing for an incident to explain
        rival = float((message.get("intent") or {}).get("confidence") or 0.0)
    else:
        rival = confidence
    found = []
    for incident in incidents:
        told = incident_words(incident, text)
        if incident not in SPECIFIC or told is False:
            continue  # the category has words of its own ("down", "won't load") and the message uses none
        evidence = incident_evidence(message, incident, vote=rival < SURE or bool(told))
        found.append((evidence, incident))
    evidence, incident = max(found, default=(0.0, None))
    if incident is None or evidence < INCIDENT_EVIDENCE or INCIDENT_PRIOR * evidence < rival:
        return None
    return incident, evidence


def _main_problem(category: str | None, confidence: float, main: dict | None) -> tuple[str | None, float]:
    """In a long message the main problem wins over a side remark (components/main_problem.py).

    Only when the whole-message reading is not already sure: the clause vote
    reads each clause with less context, so it corrects, it does not overrule.
    """
    if not main or main.get("category") not in SPECIFIC:
        return category, confidence
    if category is None and float(main.get("confidence") or 0) >= MAIN_PROBLEM_ALONE:
        return main["category"], float(main["confidence"])  # a long message the whole-message reading could not place
    if category not in SPECIFIC:
        return category, confidence
    if main["category"] != category and float(main.get("confidence") or 0) >= MAIN_PROBLEM_VOTE and confidence < SURE:
        return main["category"], float(main["confidence"])
    return category, confidence


# "...the app was down all day, I want a refund for that": the problem is the outage, the refund is the wish.
# Not "my refund still hasn't arrived": that is a refund problem.
WANTS_REFUND = re.compile(r"\b(?:want|need|demand|expect|deserve|would like|i'?d like|give me|owed)\b[^.?!]{0,25}"
                          r"\b(?:refund|money back)\b", re.I)
REFUND_PROBLEM = re.compile(r"\b(?:still|yet|waiting|approved|processed|promised|where(?:'s| is)|when will"
                            r"|never (?:got|received)|hasn'?t|haven'?t|not (?:received|arrived|come|seen|showed?))\b",
                            re.I)


# "...honestly i cant be bothered with refunds, id like a new one": a refund turned down is no refund problem either.
REFUND_TURNED_DOWN = re.compile(r"\b(?:(?:don'?t|do not|dont|won'?t|wont|not going to|rather not)\s+(?:really\s+)?"
                                r"(?:want|wanna|need|fancy)|(?:can'?t|cant|cannot) be bothered|cba|sick of|fed up (?:of|with)|"
                                r"no need for)\b(?:(?!\bwait)[^.!?]){0,30}\brefunds?\b", re.I)


def _behind_the_refund(category: str | None, confidence: float, ranking: list[dict], text: str) -> tuple[str | None, float]:
    if (category != "refund_request" or not (WANTS_REFUND.search(text) or REFUND_TURNED_DOWN.search(text))
            or REFUND_PROBLEM.search(text)):
        return category, confidence
    others = [(float(r.get("confidence") or 0), r.get("name")) for r in ranking
              if r.get("name") in SPECIFIC and r.get("name") != "refund_request"]
    best = max(others, default=(0.0, None))
    # The wish is explicit, so the classifier's best other problem is taken even when weak.
    return (best[1], best[0]) if best[0] >= WEAK / 2 else (category, confidence)
