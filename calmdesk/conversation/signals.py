"""Everything one customer message carries, not only its top intent.

Customers put two things in one message ("I was billed twice, put me through
to a person"), name the remedy they want in their own words ("honestly I just
want the delivery charge back"), or ask a question half-way ("why do you need
my email?"). The intent classifier gives one label; this module reads the
rest: the complaint category (from the whole intent ranking, so a weak top
intent still keeps its best category), a request for a person, a wanted
remedy, details, "I can't give that", a correction, a question about the
process, leaving, "also, ...".

It is plain Python over the parse result Rasa sends to the action server
(text, intent, intent_ranking, anger), deterministic and cheap, so a designer
can read the patterns (calmdesk/conversation/wording.py) and a test can pin each one. calmdesk.conversation.plan
decides what the bot does with them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Collection

from calmdesk.conversation.bargaining import Mention
from calmdesk.conversation.buttons import button_payload
from calmdesk.conversation.category_reading import SPECIFIC, TOP_COMPLAINT, read_category
from calmdesk.conversation.wording import (AFFIRM, ALSO, ANGRY_FACES_ONLY, ANOTHER_ORDER, ASKS_FOR_REMEDY, BOUGHT, CANNOT_GIVE, CORRECTION, DECLINE_REMEDIES, DENY,
                                          FAILED_AFTER, FULL_REFUND, SOME_MONEY_BACK,
                                          CALL_BACK, CARRY_ON, GREETING, LEAVING, NAMED_MISSING, NOBODY_CALLED, NOT_PERSON, ORDINAL, OUTRIGHT_PERSON, OTHER_QUESTION, PROBLEM_WORDS,
                                          NO_REMEDY_WANTED, QUESTIONS, REMEDY_WORDS, SAME_PROBLEM,
                                          SCOFF, THANKS, TICKET_REFERENCE, WANTS_PERSON, is_enquiry)
from calmdesk.conversation.language import other_language
from calmdesk.conversation.process_questions import PROCESS_QUESTIONS
from calmdesk.conversation.request_wording import FAULT_NOT_REQUEST, REQUESTS, WITHDRAWN
from calmdesk.conversation.wording_repairs import (ASSUMED_KNOWN, FOUND_IT, ONLY_NUMBER, RECEIVED_AFTER, TAKEN_OVER, feelings_only,
                                                  gone_away, meant)
from calmdesk.desk.details import describe_problem, parse_emails
from calmdesk.desk.feedback import parse_score
from calmdesk.desk.remedy_matching import PARTIAL_REFUND, turned_down
from calmdesk.understanding.category_cues import refine_category
from calmdesk.understanding.order_numbers import find_order_numbers


@dataclass(frozen=True)
class Signals:
    """What one customer message says, every part of it."""

    text: str
    intent: str | None = None
    confidence: float = 0.0
    category: str | None = None        # the complaint's category, "other" for a vague one, None: no complaint
    category_confidence: float = 0.0
    wants_person: bool = False
    calls_off_person: bool = False     # "nah forget the human", "never mind, you can do it": no person after all
    remedy: str | None = None          # a remedy kind the customer names or describes
    remedies_named: tuple[str, ...] = ()  # every remedy named, in order ("a refund vs a replacement")
    declines_remedies: bool = False    # "none of those"
    no_remedy_wanted: bool = False     # "no need for anything, I just wanted an update"
    resolved_itself: bool = False      # "never mind, my neighbour just brought it round"
    scoffed: bool = False              # "20 quid store credit, how generous": an offer scoffed at, not chosen
    reference: str | None = None       # a ticket reference quoted ("CD-7QK2LM, any update?"), upper-cased
    other_language: bool = False       # written in another language ("mi pedido no ha llegado todavía")
    order_numbers: tuple[str, ...] = ()
    email: str | None = None
    cannot_give: bool = False
    cannot_give_detail: str | None = None  # the detail said to be missing, by name ("i dont have an order number")
    correction: bool = False
    request: str | None = None         # a request that is not a complaint (policy/requests.yml): "erase_data", ...
    request_text: str = ""             # the request's own words when told with a problem ("unsub me", not the fault)
    withdraws: bool = False            # a request called off: "actually no wait dont, keep it", "scrap that"
    another_order: bool = False        # an order named as well as, not instead of, the one given ("and 77121 too")
    question: str | None = None        # a key of QUESTIONS
    leaving: bool = False
    also: bool = False
    enquiry: bool = False              # a general question with nothing of the customer's in it ("do you ship to ireland?")
    greeting: bool = False
    thanks: bool = False
    affirm: bool = False
    deny: bool = False
    vent: bool = False
    not_understood: bool = False
    anger: str = "calm"
    score: int | None = None
    more_problems: tuple[dict, ...] = ()  # other problems told in the same message: {"category", "text"}
    first_problem: str = ""            # ...and the first one's own words ("the tap leaks"), said back without the others'
    by_incident: bool = False          # the category is a declared incident's, which the message plausibly is
    taken_over: bool = False           # someone else in their account ("orders i didnt make"): urgent, for a person
    call_back: bool = False            # "just call me", "ring me instead": they would rather be called than wait here
    assumed_known: bool = False        # "you should have my email": they think we can see it (we can't)

    @property
    def order_number(self) -> str | None:
        return self.order_numbers[0] if self.order_numbers else None

    @property
    def has_details(self) -> bool:
        return bool(self.order_numbers or self.email)


def read(message: dict[str, Any], *, asking: str | None = None, incidents: Collection[str] = ()) -> Signals:
    """Every signal in one parsed message (the ``latest_message`` Rasa sends).

    ``asking``: the detail the bot just asked for, so that a bare "1042" or
    "no idea" is read as the answer to it. ``incidents``: the categories staff
    have declared an (open) incident for; a complaint that plausibly is one of
    them is read as it (calmdesk.conversation.category_reading).
    """
    text = " ".join(str(message.get("text") or "").split())
    intent = (message.get("intent") or {}).get("name")
    confidence = float((message.get("intent") or {}).get("confidence") or 0.0)
    category, category_confidence, by_incident = read_category(message, text, incidents)
    told = [p for p in message.get("problems") or [] if isinstance(p, dict)]
    # Each problem told is read by the taxonomy's words too ("the headphones never turned up": the delivery, though
    # the whole message, read as one, was a faulty product).
    read_as = {p.get("category") for p in told if not p.get("request")}
    problems = [p if p.get("request") else {**p, "category": refine_category(p.get("category"), str(p.get("text") or ""))}
                for p in told]
    problems = [p for p in problems if p.get("category") in SPECIFIC or p.get("request") in REQUESTS]
    complaints = [p for p in problems if not p.get("request")]
    if complaints and (category in (None, "other") or category in {p["category"] for p in complaints} | read_as
                       or len(complaints) < len(problems)):
        # Several problems told: the first one told comes first (a request told apart from it says nothing of its
        # category: "... and separately stop your marketing emails" is no cancellation).
        category, category_confidence = complaints[0]["category"], float(complaints[0].get("confidence") or 0)
    first_problem = str(complaints[0].get("text") or "") if complaints and len(problems) > 1 \
        and complaints[0]["category"] == category else ""
    # A request told with a problem ("two things: my parcel never came, and separately the invoice has my name spelt
    # wrong") takes its turn in the order told: first, it is this message's request; later, it waits like a problem.
    told_request = problems[0].get("request") if problems else None
    more = tuple({"category": p["category"], "text": str(p.get("text") or ""),
                  **({"request": p["request"]} if p.get("request") else {})} for p in problems
                 if (p["request"] != told_request if p.get("request") else told_request or p["category"] != category))
    buttons = button_payload(text)
    if buttons is not None:  # "/choose_remedy{"remedy": "refund"}", "/affirm": a tapped button says exactly one thing
        return Signals(text=text, intent=buttons[0], confidence=1.0, remedy=buttons[1], affirm=buttons[0] == "affirm",
                       deny=buttons[0] == "deny", wants_person=buttons[0] == "request_human",
                       anger=_anger(message))
    # Emails and links are details, not words: "repeat-orders@example.com" asks nothing.
    words = _MASK.sub(" ", text)
    named = _remedies(words)
    # "CD-123456" is a ticket, not an order number
    order_numbers = tuple(find_order_numbers(TICKET_REFERENCE.sub(" ", text), asked=asking == "order_number"))
    # "wait no its A-5521 not A-5512", "5512 sorry i mean 5521": the one replaced is no second order.
    kept = tuple(meant(text, order_numbers))
    # "not jo@work.example.com, its jo@home.example.com", "jo@a.com - no sorry thats my old one, use jo@b.com"
    emails = parse_emails(text)
    right = meant(text, emails)
    replaced = len(kept) < len(order_numbers) or len(right) < len(emails)
    order_numbers, email = kept, (right[0] if right else None)
    feeling = feelings_only(words)
    if feeling:  # "still annoyed tbh": venting, whatever category the classifier leaned to (a staff complaint, often)
        category, category_confidence = None, 0.0
    taken_over = bool(TAKEN_OVER.search(words))
    if taken_over:  # "someone got into my account and ordered stuff": the account, not the deliveries
        category, category_confidence = "account_access", max(category_confidence, 0.8)
    question = next((name for name, pattern in QUESTIONS.items() if pattern.search(words)), None)
    if question is None:  # "do i need the receipt?", "who pays the return postage": asked, fault words or none
        question = next((name for name, pattern in PROCESS_QUESTIONS.items() if pattern.search(words)), None)
        if question == "for_the_team":  # only the team can say; keeping it for some money back is a remedy wished
            question = None if named else "other"
    if intent == "bot_challenge" and question is None:
        question = "is_bot"
    if question is None and asking and re.match(r"^\W*(?:why|how come|what for|for what)\W*$", words, re.I):
        question = "why_needed"  # a bare "why" while a detail is asked: why it is needed
    anger = _anger(message)
    # An upset question ("are you going to get on this?") is a complaint, not an enquiry.
    if (question is None and anger == "calm" and OTHER_QUESTION.search(words) and not PROBLEM_WORDS.search(words)
            and len(words.split()) >= 3
            and intent not in ("affirm", "deny", "greet", "thank", "goodbye", "request_human", "vent")
            and not (intent == "choose_remedy" and ORDINAL.search(words) and len(words.split()) <= 5)
            and not named and not AFFIRM.search(words) and not DENY.search(words)):
        question = "other"
    elif (question is None and OTHER_QUESTION.search(words) and "?" in words and named
          and not ASKS_FOR_REMEDY.search(words) and intent not in ("request_human", "affirm", "deny")):
        question = "other"  # "would i have to be home for the replacement?": about a remedy, not choosing it
    wants_person = (intent == "request_human" and confidence >= 0.5) or bool(WANTS_PERSON.search(words))
    wants_person = (wants_person and not NOT_PERSON.search(words)
                    and (not NOBODY_CALLED.search(words) or bool(OUTRIGHT_PERSON.search(words))))
    carry_on = bool(CARRY_ON.search(words))  # "never mind, you can do it": the bot goes on, nobody is going
    leaving = not carry_on and (is_leaving(words) or (intent == "goodbye" and confidence >= 0.6
                                                      and not _REPORTED.search(words)))
    if leaving and question == "other" and "?" not in words:
        question = None  # "will finish this tonight": said, not asked
    if wants_person and question in ("person_available", "other"):
        question = None  # "is there a person I can talk to" asks for one
    # The earliest mention wins ("a refund, or a replacement if not"), unless the customer corrects themselves
    # ("a refund... actually no wait, a replacement"): then the first one named after the correction.
    remedy = _after_correction(words, named) or (named[0] if named else None)
    scoffed = bool(SCOFF.search(words))  # "20 quid store credit, how generous": scoffed at, not chosen
    if (wants_person and category_confidence < TOP_COMPLAINT and not PROBLEM_WORDS.search(_NOT_GOOD_AT.sub(" ", words))
            and (intent == "request_human" or intent not in SPECIFIC and category in SPECIFIC
                 and not describe_problem(WANTS_PERSON.sub(" ", words), min_words=4))):
        # "is there a number i can call?", "do you lot even have humans or is it all robots" (read as a bot question
        # or not understood, a weak outage behind it): a person asked for, no problem told.
        category, category_confidence = None, 0.0
    return Signals(
        text=text, intent=intent, confidence=confidence,
        category=category, category_confidence=category_confidence,
        wants_person=wants_person,
        calls_off_person=not wants_person and (carry_on or bool(NOT_PERSON.search(words))),
        remedy=None if scoffed else remedy,
        remedies_named=() if scoffed else named,
        declines_remedies=declines_all(words),
        no_remedy_wanted=bool(NO_REMEDY_WANTED.search(words)),
        # "found it 5512-0098": the number found, not the parcel
        resolved_itself=bool(gone_away(FOUND_IT.sub(" ", words))
                             or FOUND_IT.search(words) and not (order_numbers or email)),
        scoffed=scoffed,
        other_language=other_language(words),
        reference=("CD-" + (m.group(1) or m.group(2)).upper() if (m := TICKET_REFERENCE.search(text)) else None),
        order_numbers=order_numbers,
        email=email,
        cannot_give_detail=next((d for d, pattern in NAMED_MISSING.items() if pattern.search(words)), None),
        cannot_give=bool(CANNOT_GIVE.search(words)) or (asking is not None and intent == "deny" and not remedy)
        or (asking == "order_number" and bool(ONLY_NUMBER.search(words)) and not order_numbers),
        correction=bool(CORRECTION.search(words)) or replaced,
        # "do i need the receipt as well?" asks whether to send one, not for one to be sent
        request=None if question == "receipt_needed" else told_request if problems else request_in(words),
        request_text=str(problems[0].get("text") or "") if told_request else "",
        withdraws=bool(WITHDRAWN.search(words)),
        another_order=bool(ANOTHER_ORDER.search(words)) and not CORRECTION.search(words),
        question=question,
        leaving=leaving,
        also=bool(ALSO.search(words)) and not SAME_PROBLEM.search(words),
        enquiry=question == "other" and is_enquiry(words) and not (email or order_numbers),
        greeting=bool(GREETING.search(words)) or intent == "greet",
        thanks=(bool(THANKS.search(words)) or intent == "thank") and not scoffed,  # "thanks for nothing"
        affirm=bool(AFFIRM.search(words)) or (intent == "affirm" and confidence >= 0.8),
        deny=bool(DENY.search(words)) or intent == "deny",
        vent=intent == "vent" or scoffed or feeling or bool(ANGRY_FACES_ONLY.match(text)),
        not_understood=intent == "nlu_fallback",
        anger=anger,
        score=parse_score(text),
        more_problems=more,
        first_problem=first_problem if more else "",
        by_incident=by_incident and category in incidents,
        taken_over=taken_over,
        call_back=bool(CALL_BACK.search(words)),
        assumed_known=bool(ASSUMED_KNOWN.search(words)) and not (email or order_numbers),
    )


# "i cant log in to check on it or change the address": what they cannot do is the complaint, not a request.
_CANNOT_BEFORE = re.compile(r"\b(?:can'?t|cannot|cant|unable to|not able to|won'?t let me|doesn'?t let me|couldn'?t)\b[^.!?]{0,40}$",
                            re.I)


# What an error message or the app says is quoted, not said to us: "it just says 'something went wrong try again
# later'", "the screen shows please try again later". ("you said you'd call, forget it" still leaves: "said" is no
# screen.)
_REPORTED = re.compile(r"\b(?:says?|saying|reads|shows?|showing|displays?|pops? up(?: with)?|popped up(?: with)?|comes? up "
                       r"with|came up with|error(?: message)?|message)\b[^.!?]{0,60}$", re.I)
_QUOTES = re.compile(r"[\"“”‘’]|(?<!\w)'|'(?!\w)")


def is_leaving(text: str) -> bool:
    """The customer is going ("ugh my bus is here", "ill come back to this later"), not quoting what they see."""
    for match in LEAVING.finditer(text):
        before = text[:match.start()]
        if len(_QUOTES.findall(before)) % 2 or _REPORTED.search(before):
            continue
        return True
    return False


def request_in(text: str) -> str | None:
    """The request that is not a complaint in ``text`` ("delete my data", "a vat invoice"), if any."""
    for kind, pattern in REQUESTS.items():
        match = pattern.search(text)
        fault = FAULT_NOT_REQUEST.get(kind)
        if match and fault is not None and fault.search(text):
            return None  # "my order never came, cancel it and refund me": a complaint with its remedy named
        if match and not _CANNOT_BEFORE.search(text[max(0, match.start() - 60):match.start()]):
            return kind
    return None


def heard_with(problem: dict, anger: str) -> str:
    """How upset a problem told earlier sounds when its turn comes (``anger``: the conversation's level now).

    A request waiting behind a complaint ("my lamp arrived smashed and im FUMING, also unsubscribe me") is read on
    its own words: the fury was the fault's, and a calm opt-out met with "sorry it's come to this" sounds as if the
    bot heard anger that was never there. A fault told in the same breath keeps the conversation's level.
    """
    return _anger({"text": problem.get("text")}) if problem.get("request") else anger


def _remedies(text: str) -> tuple[str, ...]:
    """Every remedy named in ``text``, in the order named.

    A remedy turned down ("not a voucher") or one the customer bought ("i paid for express delivery and it took
    9 days") is not wished for. Part of the money back ("refund half and i'll keep it") is a partial refund, not
    the full refund its words name (remedy_matching.PARTIAL_REFUND).
    """
    named = tuple(kind for _, kind in _remedies_at(text))
    partial = next((m for m in SOME_MONEY_BACK.finditer(text) if not turned_down(text, m.start())), None)
    if partial is None or FULL_REFUND.search(text):
        return named
    money = [kind for kind in named if kind in ("refund", "discount")]
    at = named.index(money[0]) if money else len(named)
    rest = [kind for kind in named if kind not in money]
    return (*rest[:at], PARTIAL_REFUND, *rest[at:])


def remedy_mentions(text: str) -> tuple[str, tuple[Mention, ...]]:
    """The message's words (emails and links masked, as read) and every remedy wished for in them, where
    (calmdesk.conversation.bargaining weighs what they come to)."""
    words = _MASK.sub(" ", " ".join(text.split()))
    return words, tuple(Mention(kind, start, end) for start, kind, end in _remedies_at(words, ends=True))


def _remedies_at(text: str, ends: bool = False) -> list[tuple]:
    """(where, kind) of every remedy wished for in ``text``, in the order named (see _remedies); with ``ends``,
    (where, kind, where it ends)."""
    found = [(m.start(), kind, m.end()) for kind, pattern in REMEDY_WORDS.items()
             if (m := next((m for m in pattern.finditer(text)
                            if not turned_down(text, m.start()) and not BOUGHT.search(text[max(0, m.start() - 40):m.start()])
                            and not FAILED_AFTER.search(text[m.end():m.end() + 40])  # "the express one never came"
                            and not RECEIVED_AFTER.search(text[m.end():m.end() + 40])),  # "the replacement you sent"
                           None))]
    return sorted(found) if ends else [(start, kind) for start, kind, _ in sorted(found)]


# Said with a remedy, it is wished for: "none of those, i just want a charger that works", "neither, refund pls".
_WISHED_BEFORE = re.compile(r"\b(?:want|need|like|prefer|rather|take|give|send|have|get|just|only|please|pls)\b", re.I)
_WISHED_AFTER = re.compile(r"\b(?:please|pls|plz|instead|would do|is fine|will do)\b", re.I)


def declines_all(text: str) -> bool:
    """"None of those": every remedy turned down; not when the one wished for is named after it ("none of those, i
    just want one that works": the replacement, as a working one is; "none of those, a refund takes too long" still
    declines)."""
    decline = DECLINE_REMEDIES.search(text)
    if decline is None:
        return False
    rest = text[decline.end():]
    # (the words before the remedy and its first word: "just want my money back" is named from "just")
    return not any(_WISHED_BEFORE.search(rest[:at] + " ".join(rest[at:].split()[:1]))
                   or _WISHED_AFTER.search(re.split(r"[.!?,;]", rest[at:])[0]) for at, _ in _remedies_at(rest))


def _after_correction(text: str, named: tuple[str, ...]) -> str | None:
    """"I want a refund... actually no wait, a replacement": the remedy named after the correction, if any."""
    correction = CORRECTION.search(text)
    if correction is None or len(named) < 2:
        return None
    return next((kind for at, kind in _remedies_at(text) if at > correction.start()), None)




_NOT_GOOD_AT = re.compile(r"\bnot (?:great|good|very good|the best|much of a \w+) (?:with|at)\b", re.I)
_MASK = re.compile(r"\S+@\S+|(?:https?://|www\.)\S+")


def _anger(message: dict[str, Any]) -> str:
    from calmdesk.understanding.anger import read_anger

    level = (message.get("anger") or {}).get("level")
    return level or read_anger(str(message.get("text") or "")).level
