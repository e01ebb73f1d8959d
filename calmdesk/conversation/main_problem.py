"""The main problem of a long message, not its side remarks.

"My parcel is ten days late, and when I finally got through on the phone the
guy was useless" is a delivery problem that mentions staff; "the app is slow by
the way, but that aside you charged me twice" is a billing problem. A classifier
that reads the whole message at once weighs every clause equally, so a vivid
side remark can win. Here a long message is cut into its clauses, each clause
is placed in a category by a small model over its sentence vector (the same
MiniLM vector the intent classifier uses), and the clauses vote: a clause
marked as an aside ("by the way", "no complaints there", the part before "that
aside") counts for less, and so does a wish ("just give me my money back"):
it says what the customer wants, not what went wrong.

Plain NumPy; the Rasa component that trains and runs it is components/main_problem.py.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from calmdesk.understanding.category_cues import code_not_taken

MIN_WORDS = 20        # shorter messages say one thing; the whole-message reading stands
SEPARATE = 0.6        # a clause this sure of its own category is a problem of its own
ASIDE_WEIGHT = 0.25   # how much a clause marked as an aside counts
_SPLIT = re.compile(r"(?<=[.!?;])\s+|\s*,?\s+(?:but|however|although|though|whereas|except)\s+"
                    r"|,\s+(?:and|so|well|then|plus)\s+|\s+and (?=(?:when|then|after|to make|on top|now)\b)|\s+-+\s+"
                    # "..., i want a refund for that": the wish is a clause of its own (it counts as an aside, WISH)
                    r"|,\s+(?=(?:i (?:want|need)|i'?d (?:like|rather|prefer)|i would (?:like|rather|prefer)|give me|just "
                    r"(?:give|put|send|refund))\b)", re.I)
ASIDE = re.compile(r"\b(?:by the way|btw|no complaints?|no problem there|(?:was|were|is|are) (?:fine|ok|okay|great|perfect|"
                   r"all good)|to be fair|not that it matters|side note|as an aside|apart from that|i know you can'?t)\b",
                   re.I)
# What the customer wants, not what went wrong ("just put the money on my account"): counts as an aside.
WISH = re.compile(r"^\W*(?:(?:just|please|so|and|then|now|honestly)\s+)*(?:give|put|send|refund|credit|replace|i want|i need"
                  r"|i'?d (?:like|rather|prefer)|i would (?:like|rather|prefer)|can i (?:get|have)|all i want)\b", re.I)
# Said at the start of a clause, these set the clause BEFORE them aside.
SETS_ASIDE_BEFORE = re.compile(r"^\W*(?:that aside|anyway|anyways|besides that|but the (?:real|main|bigger) "
                               r"(?:problem|issue|thing)|the (?:real|main|bigger) (?:problem|issue|thing)|more importantly|"
                               r"what (?:really )?(?:bothers|annoys|matters))", re.I)


def clauses(text: str) -> list[str]:
    """The clauses of a message worth reading on their own (three words or more)."""
    return [part.strip() for part in _SPLIT.split(text) if part and len(part.split()) >= 3]


# A clause that only gives details ("im on greta.l@example.com", "order 5532107 btw") says nothing of the problem.
_DETAIL = re.compile(r"\S+@\S+|#?\d[\d\s-]*|\b(?:my|im|i'?m|on|is|it'?s|email|e-mail|address|order|number|no|ref"
                     r"|reference|account|the|and|btw|here|details?)\b|[^\w\s]", re.I)


def details_only(part: str) -> bool:
    return not _DETAIL.sub(" ", part).strip()


def clause_weights(parts: Sequence[str]) -> np.ndarray:
    weights = np.array([ASIDE_WEIGHT if ASIDE.search(p) or WISH.search(p) or details_only(p) else 1.0 for p in parts])
    for index, part in enumerate(parts[1:], start=1):
        if SETS_ASIDE_BEFORE.search(part):
            weights[index - 1] = min(weights[index - 1], ASIDE_WEIGHT)
    return weights


@dataclass
class CategoryHead:
    """Logistic regression from a sentence vector to a complaint category."""

    classes: list[str]
    coef: np.ndarray
    intercept: np.ndarray

    @classmethod
    def train(cls, vectors: np.ndarray, labels: Sequence[str], c: float = 4.0) -> "CategoryHead":
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=c, max_iter=3000, random_state=1).fit(vectors, list(labels))
        return cls([str(x) for x in model.classes_], model.coef_, model.intercept_)

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        scores = np.asarray(vectors) @ self.coef.T + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def save(self, directory: Path) -> None:
        (directory / "main_problem.json").write_text(json.dumps({"classes": self.classes}))
        np.savez_compressed(directory / "main_problem.npz", coef=self.coef, intercept=self.intercept)

    @classmethod
    def load(cls, directory: Path) -> "CategoryHead":
        classes = json.loads((directory / "main_problem.json").read_text())["classes"]
        with np.load(directory / "main_problem.npz", allow_pickle=False) as weights:
            return cls(classes, weights["coef"], weights["intercept"])


# Only the first clauses of a message are read for its main problem and its separate problems. A
# customer states the problem early; a pasted 100 KB text has thousands of clauses, and encoding them
# all took 11 s of one turn (the fuzzer, calmdesk/checks/fuzz.py) and would let one sender stall a replica.
MAX_PARTS = 24

# "my login is broken and also you charged me twice": two problems in one message.
# "separately", "secondly", "on a different note", "also unrelated": the customer says outright that what follows
# is another matter (TOLD_APART), so its part is taken at a lower certainty.
_APART = (r"(?:also,? )?(?:unrelated(?:ly)?|separately|on (?:an? |another )?(?:different|separate|unrelated|other) note)"
          r"|secondly|(?:second|2nd) (?:thing|issue|problem)|(?:and )?another thing")
_ALSO = re.compile(r"(?:^\W*|\s*(?:[,.;!?]\s*|\s+))(?:and\s+)?(?:" + _APART + r"|also|plus|on top of (?:that|this)|as well as that|oh and)"
                   r"\b[\s,:-]*", re.I)
# "two things: ...", "2 issues - ...": a lead that counts the problems, not a problem (taken off before splitting).
_COUNT_LEAD = re.compile(r"^\W*(?:(?:hi|hello|hey|ok|so|i(?:'?ve| have)?|got|there(?:'?s| are| is))\W+)*(?:two|2|a couple of"
                         r"|couple of?|a few|few|three|3) (?:things|issues|problems|questions|points)"
                         r"(?: here| to \w+| with (?:my|your|the|an?|this) \w+)?\s*[,.:;!-]+\s*", re.I)
# After a count lead, the things counted are told apart by a sentence end, a comma or an "and" before a new subject.
_COUNTED = re.compile(r"(?<=[.;!?])\s+|\s*[,;]\s*(?:and\s+)?|\s+and\s+(?=(?:the|my|your|you|u|ur|i|it)\b)", re.I)
TOLD_APART = re.compile(r"\b(?:" + _APART + r")\b", re.I)
APART_SEPARATE = 0.3  # a part the customer set apart ("separately ...") that states a fault is its own problem this sure


# "the app keeps logging me out AND you took the money twice": a plain "and" joins two problems only
# when each side states a fault of its own (PROBLEM_WORDS: "the parcel arrived and the vase was smashed"
# is one), the sides are read as different categories (AND_SEPARATE: the words of one clause are fewer,
# so the reading is less sure than for a whole message), and the two categories are not parts of one
# story (ONE_STORY: "my parcel is late and the driver was rude" is one delivery complaint).
# The "and" must start a new subject that is not the customer ("... and you took", "... and the app",
# "... and my card"): after "and i couldn't use my pass" the customer tells what the first fault cost them. The
# customer starts a second problem only as the one a fault of its own happened to (VICTIM: "and i was charged twice",
# "AND i cant reset my password"): money taken or an account shut, not a consequence of the first fault.
VICTIM = (r"i (?:was|got|have been|'?ve been|am being|'?m being|keep getting) (?:\w+ )?(?:charged|billed|debited|overcharged"
          r"|locked out|logged out|hacked|banned|suspended)|i (?:can'?t|cannot|cant|couldn'?t|could not|am unable to"
          r"|'?m unable to) (?:\w+ )?(?:log ?in|log on|sign ?in|reset (?:my |the )?password|get into my account|change my password)")
_AND = re.compile(r"\s*,?\s+(?:and|&)\s+(?:then\s+|now\s+|on top\s+)?(?=(?:you|your|u|ur|the|my|this|that|they|their|someone|somebody)\b|"
                  + VICTIM + r")", re.I)
_FIRST_SENTENCE = re.compile(r"^.*?(?:[.!?](?=\s|$)|$)", re.S)
AND_SEPARATE = 0.3
PROBLEM_WORDS = re.compile(
    r"n'?t\b|\b(?:not|never|no longer|cannot|keeps?|kept|again|still|twice|double\w*|wrong|missing|late|lost|stuck"
    r"|broken|broke|crash\w*|freez\w*|fail\w*|error\w*|declin\w*|refus\w*|reject\w*|overcharg\w*|charged|took"
    r"|logg\w* (?:me|us) out|locked|hacked|damaged|smashed|cracked|crushed|rude|ignor\w*|down|gone|disappeared"
    r"|blank|leak\w*|torn|ripped|snapped|(?:a|big|huge) (?:tear|hole|rip|crack|dent|stain))\b",
    re.I)
# "cannot believe this", "not happy": the feeling about a fault, which states none itself.
_FEELING = re.compile(r"\b(?:can'?t|cannot|cant|couldn'?t|could not) believe\b|\bnot (?:happy|impressed|amused|pleased"
                      r"|ok(?:ay)?|acceptable|good enough|fair|on)\b", re.I)


def states_fault(part: str) -> bool:
    """Does ``part`` state a fault (PROBLEM_WORDS), not only a feeling about one (_FEELING)?"""
    return bool(PROBLEM_WORDS.search(_FEELING.sub(" ", part)))


ONE_STORY = {frozenset(pair) for pair in (
    ("delivery_problem", "staff_complaint"), ("delivery_problem", "damaged_or_wrong_item"),
    ("delivery_problem", "refund_request"), ("delivery_problem", "cancellation"),
    ("damaged_or_wrong_item", "refund_request"), ("damaged_or_wrong_item", "product_defect"),
    ("payment_failed", "cancellation"), ("payment_failed", "billing_problem"), ("billing_problem", "refund_request"),
    ("product_defect", "refund_request"), ("service_outage", "product_defect"), ("service_outage", "account_access"),
    ("cancellation", "refund_request"), ("cancellation", "billing_problem"),
)}


def _specific(head: CategoryHead, probabilities: np.ndarray, ignore: Sequence[str]) -> tuple[str, float]:
    best = max((i for i in range(len(head.classes)) if head.classes[i] not in ignore), key=lambda i: probabilities[i])
    return head.classes[best], float(probabilities[best])


def separate_problems(text: str, encode: Callable[[list[str]], np.ndarray], head: CategoryHead,
                      ignore: Sequence[str] = ("other",),
                      request_of: Callable[[str], str | None] = lambda part: None) -> list[dict]:
    """Each problem of a message that joins several with "also", "separately", ... in the order told.

    ``[{"category", "confidence", "text"}]`` for every part sure of a specific
    category (SEPARATE, or APART_SEPARATE when the customer set the parts apart:
    "two things: ...", "separately", "secondly"), one per category; a part that
    is a request, not a complaint ("the invoice has my name spelt wrong", by
    ``request_of``), is ``{"category": "other", "request": kind, ...}``; [] when
    the message tells one thing. Failing that, two faults joined by a plain
    "and" (``_and_problems``).
    """
    lead = _COUNT_LEAD.match(text)
    told_apart = bool(lead or TOLD_APART.search(text))
    text = text[lead.end():] if lead else text
    parts = [p.strip(" ,.;") for p in _ALSO.split(text) if p and len(p.split()) >= 3][:MAX_PARTS]
    if len(parts) < 2 and lead:  # "2 issues: the app keeps crashing, my refund never came"
        parts = [p.strip(" ,.;") for p in _COUNTED.split(text) if p and len(p.split()) >= 3][:MAX_PARTS]
    if len(parts) < 2:
        return _request_and_problem(text, encode, head, ignore, request_of) or _and_problems(text, encode, head, ignore)
    found: list[dict] = []
    kinds = [request_of(part) for part in parts]
    lone_request = any(kind in LONE_REQUESTS for kind in kinds)
    for part, request, probabilities in zip(parts, kinds, head.probabilities(encode(parts))):
        category, confidence = _specific(head, probabilities, ignore)
        sure = (confidence >= SEPARATE or told_apart and confidence >= APART_SEPARATE and (
            PROBLEM_WORDS.search(part) or FAULT_WORDS.search(part))  # "separately": "the rug came with a stain"
            # "delete my account. also the discount code SAVE15 didnt work": a fault named outright beside a request
            or lone_request and confidence >= FAULT_SEPARATE and names_fault(part))
        if request and request not in {f.get("request") for f in found}:
            found.append({"category": "other", "confidence": 1.0, "text": part, "request": request})
        elif not request and sure and category not in {f["category"] for f in found}:
            found.append({"category": category, "confidence": round(confidence, 4), "text": part})
    return found if len(found) >= 2 else []


# "the cushions came ripped and youre spamming me... unsub me": a fault and a request told in one breath, with no
# "also" between them. Cut finer (sentence ends, an ellipsis, commas, a plain "and"), the request's clauses are the
# request's (and their order numbers), and a clause that names a fault (FAULT_WORDS, narrower than PROBLEM_WORDS) is a
# complaint of its own. Only for requests that tell no story of their own (LONE_REQUESTS): "placed the same order
# twice, cancel one", "renewed AGAIN, cancel it", "the receipt doesn't show the VAT number" are the request's reason.
_FINE = re.compile(r"(?<=[.!?;])\s+|\s*(?:\.{2,}|…)\s*(?:(?:and|&)\s+)?|\s*,\s*|\s+(?:and|&)\s+", re.I)
FAULT_WORDS = re.compile(r"\b(?:ripped|torn|stain\w*|dented|scratched|cracked|chipped|smashed|shattered|broken|damaged"
                         r"|faulty|defective|leak\w*|melted|ruined|dead|late|missing|lost|never (?:came|arrived|turned up)"
                         r"|shrank|shrunk|faded|frayed|snapped|fell apart|came apart|split|peeling|rusted|warped"
                         r"|did nothing|(?:didn'?t|doesn'?t|does not|did not|won'?t) work|stopped working|wrong (?:size|colou?r"
                         r"|item|thing)|charged (?:me )?(?:twice|double))\b", re.I)
LONE_REQUESTS = ("marketing_opt_out", "erase_data", "price_drop", "change_email")
FAULT_SEPARATE = 0.15  # the fault is named outright ("did nothing", "ripped"): its category need only lead, not be sure


def names_fault(part: str) -> bool:
    """Does ``part`` name a fault outright: FAULT_WORDS, or a discount code that did not come off ("the promo code
    WELCOME10 said invalid": category_cues.code_not_taken, which also makes it the billing problem)?"""
    return bool(FAULT_WORDS.search(part) or code_not_taken(part))


def _request_and_problem(text: str, encode: Callable[[list[str]], np.ndarray], head: CategoryHead,
                         ignore: Sequence[str], request_of: Callable[[str], str | None]) -> list[dict]:
    """A request and a fault (or two requests) told together without "also": both, in the order told; else []."""
    parts = [p.strip(" ,.;!?") for p in _FINE.split(text) if p and p.strip(" ,.;!?")][:MAX_PARTS]
    kinds = [request_of(p) for p in parts]
    asked = [k for k in kinds if k]
    if any(k not in LONE_REQUESTS for k in asked):
        return []
    faults = [p for p, k in zip(parts, kinds) if not k and len(p.split()) >= 3 and names_fault(p)
              and not details_only(p)]
    if not asked or request_of(text) is None:
        return []  # ("my order never came, cancel it": the whole message is a complaint with its remedy named)
    if not faults:  # "stop emailing me offers and delete my data": two requests, each filed on its own
        kinds_told = list(dict.fromkeys(asked))
        return [{"category": "other", "confidence": 1.0, "request": kind,
                 "text": " ".join(p for p, k in zip(parts, kinds) if k == kind)} for kind in kinds_told] \
            if len(kinds_told) >= 2 else []
    category, confidence = _specific(head, head.probabilities(encode([" ".join(faults)]))[0], ignore)
    if confidence < FAULT_SEPARATE:
        return []
    asked_text = " ".join(p for p, k in zip(parts, kinds) if k == asked[0])
    fault = {"category": category, "confidence": round(confidence, 4), "text": ", ".join(faults)}
    request = {"category": "other", "confidence": 1.0, "text": asked_text, "request": asked[0]}
    return [fault, request] if kinds.index(asked[0]) > parts.index(faults[0]) else [request, fault]


def _and_problems(text: str, encode: Callable[[list[str]], np.ndarray], head: CategoryHead,
                  ignore: Sequence[str]) -> list[dict]:
    """Two problems joined by one plain "and" in the first sentence (see _AND, PROBLEM_WORDS, AND_SEPARATE,
    ONE_STORY); else []. Later sentences are the rest of the story: a wish, details, more feeling."""
    first = _FIRST_SENTENCE.match(text.strip())
    parts = [p.strip(" ,.;!?") for p in _AND.split(first.group(0) if first else text)]
    if len(parts) != 2 or any(len(p.split()) < 3 or not states_fault(p) for p in parts):
        return []
    parts = [_fault_told(p) for p in parts]
    found = []
    for part, probabilities in zip(parts, head.probabilities(encode(parts))):
        category, confidence = _specific(head, probabilities, ignore)
        if confidence < AND_SEPARATE:
            return []
        found.append({"category": category, "confidence": round(confidence, 4), "text": part})
    categories = frozenset(f["category"] for f in found)
    return found if len(categories) == 2 and categories not in ONE_STORY else []


# "the sofa has a tear in it, and i rang for two days with no luck, and then i checked my bank": cut at commas,
# the clause that states the fault is the problem said back and read for its category, not the whole run-on.
_CLAUSE = re.compile(r"\s*,\s*(?:(?:and|then|so)\s+)*", re.I)


def _fault_told(part: str) -> str:
    """The first clause of ``part`` that states a fault, or the whole part when no clause alone does."""
    return next((c for c in _CLAUSE.split(part) if len(c.split()) >= 3 and states_fault(c)), part)


def main_problem(text: str, encode: Callable[[list[str]], np.ndarray], head: CategoryHead,
                 ignore: Sequence[str] = ("other",)) -> dict | None:
    """``{"category", "confidence", "clauses"}`` for a long message, or None for a short one.

    ``encode`` turns clauses into sentence vectors; ``ignore``: classes that are
    not a specific problem (a vague clause never wins over a specific one).
    """
    if len(text.split()) < MIN_WORDS:
        return None
    parts = clauses(text)[:MAX_PARTS]
    if len(parts) < 2:
        return None
    weights = clause_weights(parts)
    probabilities = head.probabilities(encode(parts))
    votes = (weights[:, None] * probabilities).sum(axis=0) / weights.sum()
    ranked = [i for i in np.argsort(-votes) if head.classes[i] not in ignore]
    if not ranked:
        return None
    best = ranked[0]
    return {"category": head.classes[best], "confidence": round(float(votes[best]), 4), "clauses": len(parts)}
