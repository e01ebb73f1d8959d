"""What the bot does with one message: an ordered list of moves.

This is the conversation repair of Rasa Pro's CALM (human handoff, corrections,
interruptions, cancelling, skipping a question, clarification, chitchat),
done deterministically: ``calmdesk.conversation.signals`` reads everything a
message carries, and ``plan`` turns those signals and where the conversation
is (``State``) into moves, in a fixed order of precedence:

1. a request for a person always wins (the complaint in the same message is
   still acknowledged and filed, details and a wanted remedy still kept);
   called off while the case waits for one ("never mind, you can do it"), the
   case is taken back; once staff write here, the bot is quiet (people.py);
2. a complaint starts, becomes specific ("refine"), or opens a second ticket;
3. details (order number, email) are always kept; a changed one is a correction;
4. a remedy in words is chosen, changed, declined or remembered for the offer;
5. questions are answered in place; leaving closes kindly;
6. then the flow goes on ("continue"): the next missing detail (each asked at
   most twice), the offer, or nothing when the customer just answered.

Pure Python: no Rasa, no database. ``actions/turn.py`` carries the moves out.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from calmdesk.conversation.amends import HEARD_INSTEAD, makes_amends
from calmdesk.conversation.chase_news import tells_not_done
from calmdesk.conversation.request_wording import SENT_ELSEWHERE
from calmdesk.conversation.problem_told import another_problem, corrects_problem
from calmdesk.conversation.people import ABOUT_PEOPLE, calls_off, problem_beside_question, stage_to_resume
from calmdesk.conversation.request_context import (about_agreed_case, new_problem, picked_order, request_aside,
                                                   same_order, settles_agreed)
from calmdesk.conversation.bargaining import asks_more
from calmdesk.conversation.signals import Signals, remedy_mentions
from calmdesk.conversation.wording import ANOTHER_CASE, CHASE, PROBLEM_WORDS, TICKET_REFERENCE
from calmdesk.desk.details import describe_problem, join_orders, orders_in
from calmdesk.desk.remedy_matching import PARTIAL_REFUND, match_remedy
from calmdesk.taxonomy import CATEGORIES

DETAILS = ("order_number", "customer_email", "problem_description")
SHORT_CHOICE = 6  # words: at the offer, a message this short naming an offered remedy chooses it
# A complaint is being worked on (handed_off: filed for a person who cannot answer live yet).
OPEN = ("details", "remedy_offered", "handoff_offered", "handed_off")


@dataclass
class State:
    """Where the conversation is, read from the slots."""

    stage: str | None = None            # None, details, remedy_offered, wrap_up, handoff_offered, handed_off,
    #                                     rating, check_in
    asking: str | None = None           # the detail (or rating question) the bot asked last
    asked: dict[str, int] = field(default_factory=dict)
    category: str | None = None         # the current complaint's category (None: no complaint yet)
    complaint_seq: int = 0
    order_number: str | None = None
    customer_email: str | None = None
    offered: tuple[str, ...] = ()
    chosen: str | None = None           # the remedy accepted for the current complaint
    request: str | None = None          # the current case is this request, not a complaint (policy/requests.yml)
    said_last: tuple[str, ...] = ()     # the responses of the bot's previous reply
    person_joined: bool = False         # someone from the team has written here since the handoff (people.py)


# "Did you mean jane@example.com?" was the bot's last question (asked once; anything else than yes or no goes on).
ASKED_EMAIL_TYPO = "utter_ask_email_typo"
EXPLAINED_EMAIL_TYPO = "utter_explain_email_typo"  # ...and what looked wrong was said, when asked ("what?")
# A person was just said to be there for the asking: a "yes" now asks for them ("is there a human there?" ... "yes pls").
PERSON_ON_OFFER = ("utter_person_available", "utter_offer_human_rising")


@dataclass(frozen=True)
class Move:
    name: str
    args: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:  # Move('handoff') in test failures
        return f"Move({self.name!r}{', ' if self.args else ''}{', '.join(f'{k}={v!r}' for k, v in self.args.items())})"


def move(name: str, **args: Any) -> Move:
    return Move(name, args)


def plan(state: State, s: Signals) -> list[Move]:
    """The moves for one message, in the order they are carried out."""
    moves = _moves(state, s)
    if makes_amends(s.text) and not any(m.name in ("handoff", "english_only", "stay_quiet") for m in moves):
        # "sorry for swearing, its not your fault": heard first, not vented at or misunderstood (amends.py).
        moves = [move("amends"), *(m for m in moves if m.name not in HEARD_INSTEAD)]
    return moves


def _moves(state: State, s: Signals) -> list[Move]:
    if s.intent == "handback":
        return [move("handback")]
    if s.intent == "EXTERNAL_check_in":
        return [move("check_in")]
    if state.stage == "handed_off" and state.person_joined:
        return [move("stay_quiet")]  # someone from the team has the conversation: the bot does not talk over them
    if calls_off(state, s):
        # "actually never mind, you can do it": out of the queue, on where it was. The message is understood, and
        # about the person: "nah" declines no offer, "forget the manager" is no rant about staff to apologise for.
        resumed = replace(state, stage=stage_to_resume(state))
        heard = replace(s, affirm=False, deny=False, leaving=False)
        return [move("take_back", stage=resumed.stage),
                *(m for m in _moves(resumed, heard) if m.name not in ("not_understood", "vent"))]

    complaint = _complaint(state, s)
    s, complaint = _complaint_first(state, s, complaint)
    details = _details(state, s, complaint)

    if state.stage == "handed_off" and s.leaving and not s.taken_over:
        # Nobody could join and the customer goes ("gotta go to work, just call me"): the person is already asked
        # for, so no second handoff; the case stays with the team (said with when) and a wish to be called goes on it.
        return [*([complaint] if complaint else []), *details, move("leave", call_back=s.call_back)]
    # 1. A person: always, whatever else the message says.
    person_offered = state.stage == "handoff_offered" or any(name in PERSON_ON_OFFER for name in state.said_last)
    asks_when = s.question == "person_coming" and state.stage in ("handed_off", "wrap_up")  # "will someone still call me?"
    # Someone else in their account ("orders i didnt make"): urgent, and nothing a stranger ordered is re-sent; a person.
    taken_over = s.taken_over and state.stage != "handed_off"
    if (s.wants_person and not asks_when) or (person_offered and s.affirm and not s.deny) or taken_over:
        moves = [*([complaint] if complaint else []), *details]
        if complaint and complaint.name == "start_complaint" and s.more_problems and not taken_over:
            # "the sofa came torn ... and you took the payment twice. i want someone senior": the person sees both.
            moves.append(move("more_problems", problems=list(s.more_problems), for_person=True))
        if s.remedy and not taken_over:
            moves.append(move("want_remedy", kind=s.remedy))
        return moves + [move("handoff", **({"urgent": True} if taken_over else {}))]
    if s.other_language:
        return [*details, move("english_only")]  # said plainly, not guessed at (details kept all the same)
    if ASKED_EMAIL_TYPO in state.said_last and s.affirm != s.deny and s.email in (None, state.customer_email) \
            and not complaint and not s.question:
        # "Did you mean jane@example.com?" "yes" / "no, that's right": about the address, not the offer standing.
        return [move("email_typo", meant=s.affirm), move("continue")]
    if state.stage == "handoff_offered" and s.not_understood and not details:
        return [move("not_understood")]  # still not understood: the offer stands (asked again)
    if state.stage == "handoff_offered" and (s.deny or s.question is None and not complaint and not details):
        return [move("decline_handoff"), move("continue")]
    if state.stage == "rating" and not complaint and not s.question and not s.request:
        return [move("rate")]  # ("wait, one more thing, the receipt has my old address on it": a request, below)
    if state.stage == "check_in" and not s.question and not details:
        # "Did the fix hold?" A yes closes it; a no, or the problem told again, brings in a person.
        if s.affirm and not s.deny and not complaint:
            return [move("fixed")]
        if s.deny or complaint or s.vent:
            return [move("handoff")]

    if state.stage == "wrap_up" and state.asking == "request_note" and not s.wants_person and not s.request \
            and s.question is None and not new_problem(s):
        return [move("add_to_request")]  # "new address is 14 Elm Road, Leeds": the answer to the request's question
    wish = SENT_ELSEWHERE.search(s.text) if state.request and state.stage in ("details", "wrap_up") else None
    if wish and not s.request and not s.wants_person and s.question in (None, "other"):
        # "can it go to my work address" about the invoice asked for: on the request (where to is asked after filing),
        # no delivery fault. An email after the wish is where to send it, not the customer's own.
        own = replace(s, email=s.email if s.email and s.text.lower().find(s.email.lower()) < wish.start() else None)
        return [*_details(state, own, None), move("add_to_request"), move("continue")]
    if state.request and s.withdraws and s.request != state.request and state.stage in ("details", "wrap_up") \
            and not s.wants_person and not s.order_numbers:
        # "actually no wait dont, keep it": the request is called off, nothing will change (the ticket says so).
        return [move("withdraw_request"), move("continue")]
    if s.request and not s.wants_person and state.stage in (None, "wrap_up", "rating") and not settles_agreed(state, s):
        # "please delete my account and data": a request, not a complaint (policy/requests.yml); no apology for
        # a fault, no remedy; its details kept and the missing ones asked. A problem told after it waits its turn,
        # with its own order numbers ("the kettle is now 15 quid cheaper, and my other order 5502-118 is late").
        own = tuple(n for n in s.order_numbers if not any(n in p["text"] for p in s.more_problems))
        request = move("start_request", kind=s.request, **({"same_order": True} if same_order(state, s, own) else {}))
        more = [move("more_problems", problems=list(s.more_problems))] if s.more_problems else []
        return [request, *_details(state, replace(s, order_numbers=own), request), *more, move("continue")]
    if s.request and not s.wants_person and request_aside(state, s):
        # "oh and can you stop sending me marketing emails" while the order number is asked, "please delete my
        # account" at the offer: filed as its own request, then back to the complaint where it was (the detail it
        # was asked for, or the offer). Details in the message are the complaint's ("ok 5512345, also ...").
        # "oh and cancel my other order 7712-498" at the offer: that number is the request's, not the complaint's.
        known = orders_in(state.order_number)
        theirs = tuple(n for n in s.order_numbers if n not in known) if known or ANOTHER_CASE.search(s.text) else ()
        own = replace(s, order_numbers=tuple(n for n in s.order_numbers if n not in theirs))
        return [*_details(state, own, move("start_request")),
                move("start_request", kind=s.request, aside=True, **({"order": join_orders(list(theirs))} if theirs else {})),
                move("continue")]

    # "Did you mean jane@gmail.com?" passed by: a remedy named instead ("refund"), or anything but yes or no once it was
    # explained. Not asked a third time: the address stays as typed, said so, and the likely one noted for the team.
    typo_left = (ASKED_EMAIL_TYPO in state.said_last and not s.affirm and not s.deny and not s.question
                 and s.email in (None, state.customer_email) and (s.remedy or EXPLAINED_EMAIL_TYPO in state.said_last))
    unconfirmed = [move("email_unconfirmed")] if typo_left else []
    looked_up: list[Move] = []
    if s.reference and not s.wants_person and state.stage in (None, "wrap_up", "rating"):
        # "ref CD-7QK2LM, any update?": where that case stands, from the ticket itself. Told with a problem
        # ("CD-F02MAJ still nothing arrived, i want my money back"), the problem goes on from that case.
        # With news that it has not happened ("still no money", "returned to sender") and no other remedy asked for:
        # a chase of what was agreed on it, if anything was (actions/steps.py).
        looked_up = [move("look_up", reference=s.reference, **({"chase": True} if tells_not_done(s.text, s.remedy) else {}))]
        if not (complaint and s.category != "other" and describe_problem(TICKET_REFERENCE.sub(" ", s.text))):
            return looked_up  # the reference alone, or with "any update?": a complaint read into it is none

    moves: list[Move] = [*unconfirmed, *looked_up, *([complaint] if complaint else []), *details]
    stage = "details" if complaint and complaint.name == "start_complaint" else state.stage
    if complaint and complaint.name == "start_complaint" and s.more_problems:
        # "my login is broken, and also you charged me twice": one at a time, the second straight after.
        moves.append(move("more_problems", problems=list(s.more_problems)))

    # 3a. "i dont have an order number but my parcel never came": not asked for at all.
    if (complaint and complaint.name == "start_complaint" and s.cannot_give_detail
            and not _gives(s, s.cannot_give_detail)):
        moves.append(move("cannot_give", detail=s.cannot_give_detail))
    # 3b. "I don't have it": go on without the detail being asked; "there's no order number" while the email is asked
    # is about the order number, not the email.
    missing = s.cannot_give_detail or state.asking
    if (stage == "details" and state.asking in ("order_number", "customer_email") and (s.cannot_give or s.cannot_give_detail)
            and not _gives(s, missing) and not s.question and move("cannot_give", detail=missing) not in moves):
        moves.append(move("cannot_give", detail=missing))
    # 3c. "it's the same email as my account, you should have it": said kindly that the bot can't see it; asked once more.
    elif (stage == "details" and state.asking in ("order_number", "customer_email") and s.assumed_known
          and not _gives(s, state.asking) and not complaint):
        moves.append(move("not_visible", detail=state.asking))

    # "never mind, my neighbour just brought it round": nothing left to fix; the ticket is closed, kindly.
    if s.resolved_itself and state.stage in OPEN and not complaint and not s.question and not s.wants_person:
        return moves + [move("resolved_itself")]

    # 4. Remedies in words.
    offer_open = state.offered and not (complaint and complaint.name == "start_complaint")
    bargaining = (state.stage == "remedy_offered" and bool(offer_open) and not complaint and not s.scoffed
                  and s.question in (None, "other") and PARTIAL_REFUND not in s.remedies_named
                  and asks_more(*remedy_mentions(s.text)))
    if s.no_remedy_wanted and offer_open and state.stage == "remedy_offered":
        moves.append(move("decline_remedies", nothing_wanted=True))  # "no need for anything, just an update"
    elif (s.no_remedy_wanted and state.stage == "details" and state.category is not None and not state.request
          and not complaint and not s.remedy and not s.question and not s.order_numbers):
        # "no i dont need anything, just tell your courier" while a detail is asked: thanked and logged for the team,
        # nothing more asked.
        moves.append(move("decline_remedies", nothing_wanted=True))
    elif s.declines_remedies and offer_open:
        moves.append(move("decline_remedies"))
    elif bargaining:
        # "can i have both a refund and a replacement?", "a refund AND compensation for my time", "200 euro store
        # credit": more than one remedy on offer; weighed against the policy, never agreed as a plain choice.
        moves.append(move("bargain"))
    elif (s.remedy and s.question in (None, "why_needed") and not (complaint and complaint.name == "second_complaint")
          and not (state.request and state.stage == "details" and not complaint)):  # a request has no remedy
        # ("how long would a refund take?" asks about the refund; it does not choose it)
        if not complaint and state.category is None or not complaint and state.stage is None and not state.offered:
            # "I want a replacement" with no problem told yet: hear the problem first, keep the wish.
            moves.append(move("start_complaint", category="other"))
        moves.append(move("want_remedy", kind=s.remedy))
    elif stage == "remedy_offered" and not complaint and not s.question:
        if s.scoffed and not s.leaving and s.anger != "abusive":
            moves.append(move("offer_again"))  # "thanks for nothing": a short sorry, the offer once more, a person
        elif s.deny and not s.affirm:
            moves.append(move("decline_remedies"))
        elif s.affirm and not s.deny and not details and not s.vent:
            moves.append(move("accept_default"))
        elif (len(s.text.split()) <= SHORT_CHOICE and not s.vent and not s.scoffed
              and (kind := match_remedy(s.text, state.offered))):
            # "the new code please" (read as a log-in problem for its "code"): the offer's own words choose.
            moves.append(move("want_remedy", kind=kind))

    # 5. Questions, leaving, small talk.
    if s.question in (None, "other") and not complaint and about_agreed_case(state, s):
        # "any news on my refund?": what was agreed, and when; "can the refund go to a different card?": on the ticket
        moves.append(move("answer", question="how_long" if CHASE.search(s.text) else "other"))
    elif s.question and not (s.question == "other" and (complaint or bargaining)):
        # (a complaint asked as a question, "is my order ever coming?", is answered by handling it)
        args = {"question": s.question, "remedy": s.remedy}
        if len(s.remedies_named) > 1:
            args["also"] = s.remedies_named[1]  # "how long does a refund take vs a replacement?"
        moves.append(move("answer", **args))
    if s.leaving and not complaint and not s.question and not details:
        return moves + [move("leave")]
    if not moves:
        moves.extend(_small_talk(state, s))
    elif state.stage is None and any(m.name == "keep_detail" for m in moves) and all(
            m.name == "keep_detail" or m.name == "answer" and m.args["question"] in ABOUT_PEOPLE for m in moves):
        # An order number or email with no problem told yet ("number is 7712309", "is anyone reading this? order
        # 3329-118"): kept, and what went wrong asked.
        moves.append(move("ask_what_happened"))
    if not any(m.name in ("leave", "goodbye") for m in moves):
        moves.append(move("continue"))
    return moves


def _complaint(state: State, s: Signals) -> Move | None:
    """Does this message start a complaint, make the current one specific, or add a second one?"""
    if s.category is None or (s.question and s.question != "other" and s.category_confidence < 0.7
                              and not problem_beside_question(s)):
        return None  # "ok roughly when will that be" is a question, not a new problem
    if s.enquiry and state.stage is None or s.question == "reference" and state.complaint_seq:
        return None  # "do you ship to ireland?" (answered honestly), "whats the case number?" (said): asked, not a problem
    if about_agreed_case(state, s):
        return None  # "will the replacement be the same size?": a question for the team, not a new problem
    if state.stage == "handed_off" and state.category in (None, "other") and s.category in CATEGORIES \
            and s.category != "other" and not s.question:
        # A person was asked for first, nobody could join, then the problem came ("ok well my blender stopped
        # working"): the ticket waiting for the person takes it, instead of a second one they never see.
        return move("refine_complaint", category=s.category)
    working = state.category is not None and state.stage in OPEN
    specific = s.category in CATEGORIES and s.category != "other"
    if not working:
        if state.category is not None and s.has_details and (s.correction or s.category_confidence < 0.7) and not s.also:
            # "use my other email instead": a correction, not a new problem ("actually my other order ... also never
            # arrived" is one: s.also)
            return None
        if state.category is not None and state.stage == "wrap_up" and not s.also:
            # After the remedy: "make it a refund instead" or more about the same problem is not a new ticket.
            if s.remedy or s.category == state.category or s.category == "other":
                return None
        if state.stage == "rating" and s.intent not in CATEGORIES:
            return None
        return move("start_complaint", category=s.category)
    corrected = corrects_problem(state, s)
    if corrected:  # "no its not broken or anything, its the wrong colour": the reading put right, said back
        return move("reread_problem", category=corrected)
    if not specific or s.category == state.category:
        return None
    if state.category == "other":
        return move("refine_complaint", category=s.category)
    told = another_problem(state, s)  # its own case, the real problem at last, or not enough to go on
    return move(f"{told}_complaint", category=s.category) if told else None


def _complaint_first(state: State, s: Signals, complaint: Move | None) -> tuple[Signals, Move | None]:
    """A fault told with a request ("unsub me, and the cushions came ripped"): the fault first, the request after.

    Something went wrong, so it is heard, apologised for and put right before the request is filed: the request
    waits like a second problem (``more_problems``). The order numbers in a waiting request's words are the
    request's, not the complaint's ("the rug came stained, and the lamp 3312-004 dropped by 20 quid"); a fault told
    after the request is the complaint in its own words ("delete my account. also the discount code SAVE15 didnt
    work": the code, which the offer honours, not "delete my account").
    """
    if complaint is None or complaint.name != "start_complaint" or s.wants_person or not s.more_problems:
        return s, complaint
    more = s.more_problems
    if s.request:
        fault = next((p for p in more if p.get("category") == s.category and not p.get("request")), None)
        if state.stage not in (None, "wrap_up", "rating") or complaint.args["category"] in (None, "other") or not fault:
            return s, complaint
        told = {"category": "other", "text": s.request_text or s.text, "request": s.request}
        more = (told, *(p for p in more if p.get("request") or p["category"] != s.category))
        s, complaint = replace(s, request=None), move("start_complaint", **complaint.args, text=fault["text"])
    theirs = " ".join(p["text"] for p in more if p.get("request"))
    return replace(s, more_problems=more, order_numbers=tuple(n for n in s.order_numbers if n not in theirs)), complaint


def _details(state: State, s: Signals, complaint: Move | None) -> list[Move]:
    """Order number and email in the message: always kept; a changed one is a correction."""
    moves = []
    picked = picked_order(state, s)
    if picked:  # "cancel one of them. 5512901 and 5512902" ... "the second one": that order only
        moves.append(move("keep_detail", detail="order_number", value=picked))
    new_complaint = complaint is not None and complaint.name in ("start_complaint", "second_complaint", "start_request")
    known = [] if new_complaint and state.complaint_seq else orders_in(state.order_number)  # not the last case's
    if any(n not in known for n in s.order_numbers):
        if known and s.another_order:  # "oh and order 77121 too": as well, not instead
            orders = known + list(s.order_numbers)
        else:  # the orders of this message; one other number with no "too" is a correction
            orders = list(s.order_numbers)
        moves.append(move("keep_detail", detail="order_number", value=join_orders(orders)))
    if s.email and s.email != state.customer_email:
        moves.append(move("keep_detail", detail="customer_email", value=s.email))
    asking_description = state.stage == "details" and state.asking == "problem_description"
    if (asking_description and not (complaint and complaint.name != "refine_complaint") and not s.question
            and not s.wants_person and not s.leaving and not s.cannot_give and any(c.isalpha() for c in s.text)
            and not (s.vent and s.category is None)):  # more venting ("so done with you lot") is not what happened
        moves.append(move("keep_detail", detail="problem_description", value=s.text))
    return moves


def _gives(s: Signals, detail: str) -> bool:
    return bool(s.order_number) if detail == "order_number" else bool(s.email)


def _small_talk(state: State, s: Signals) -> list[Move]:
    """A message with nothing for the complaint in it."""
    working = state.stage in OPEN
    if s.greeting:
        return [move("greet")]  # news of their incident if there is any, else hello (or "I'm here")
    if state.stage is None and (s.deny or s.thanks) and not s.affirm:
        return [move("goodbye")]  # "no thanks" with nothing open: a kind goodbye, not "say that again"
    if state.stage is None and s.affirm and state.complaint_seq:
        return [move("ask_what_else")]
    # Agreed: venting ("are you even listening") or no fault word ("right ill watch for the email") is no new complaint
    after_agreed = state.stage == "wrap_up" and (s.vent and s.category in (None, "other") or not PROBLEM_WORDS.search(s.text))
    if (not working and not after_agreed and (s.vent or s.not_understood or s.intent in ("choose_remedy", "inform"))
            and describe_problem(s.text)):
        # A rant, or something the NLU could not place, with words in it: most likely a problem.
        # Acknowledge it and file it as "other"; the specifics make it specific later.
        return [move("start_complaint", category="other")]
    if s.vent or working and (s.category is not None or s.not_understood and s.anger in ("angry", "abusive")):
        return [move("vent")]  # more of the same complaint, or an outburst: heard, not a wrong answer
    if state.stage == "wrap_up" and s.affirm and not s.deny and not s.thanks:
        return [move("ask_what_else")]
    if state.stage == "wrap_up" and (s.deny or s.thanks):  # "ok thanks" after "anything else?": no, thanks
        return [move("start_rating")]
    if s.thanks:
        return [move("thank")]
    if s.leaving:
        return [move("goodbye")]
    if working:
        return []  # a miss: "continue" asks again (at most twice), or goes on
    return [move("not_understood")]
