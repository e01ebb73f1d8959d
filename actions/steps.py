"""What each move of the plan does: one step per move name (``STEPS``), carried out by actions/turn.py's ``Turn``.

calmdesk.conversation.plan says *what* to do with a message as a list of moves ("keep_detail", "want_remedy",
"continue"); a step is *how*, for one move: which action module to call (complaint, remedies, requests, handoff,
followup, answers) and what the turn should know afterwards (``handled``: the message was used, so "continue" does
not count it as a miss; ``stop``: handed off or gone, nothing more this turn). Split from actions/turn.py so that
file is only the turn itself: read, plan, run the steps, never fall silent.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from rasa_sdk.events import EventType

from actions import answers, complaint, email_typo, followup, handoff, remedies, requests, reread
from actions._support import anger_slots
from calmdesk.conversation.amends import calmer
from calmdesk.conversation.plan import ASKED_EMAIL_TYPO, OPEN, PERSON_ON_OFFER
from calmdesk.conversation.signals import Signals, heard_with
from calmdesk.desk.details import join_orders
from calmdesk.desk.remedy_matching import match_remedy
from calmdesk.understanding.order_numbers import find_order_numbers

if TYPE_CHECKING:
    from actions.turn import Turn


Step = Callable[..., Awaitable[None]]


async def _start_complaint(turn: Turn, category: str, text: str | None = None) -> None:
    # ``text``: the complaint's own words when a request was told before it in the same message.
    signals = replace(turn.signals, text=text) if text else turn.signals
    turn.apply(complaint.start(turn.tracker, turn.speaker, category, signals))
    turn.handled = True


async def _start_request(turn: Turn, kind: str, aside: bool = False, order: str | None = None,
                         same_order: bool = False) -> None:
    turn.apply(requests.start(turn.tracker, turn.speaker, kind, turn.signals, aside=aside, own_order=order,
                              same_order=same_order))
    turn.handled = True


async def back_to_complaint(turn: Turn) -> None:
    """The request told in the middle of a complaint is filed: the complaint goes on where it was."""
    turn.apply(requests.back_to_complaint(turn.tracker, turn.speaker))
    if turn.tracker.get_slot("stage") == "remedy_offered":
        turn.speaker.say("utter_offer_still_open", options=remedies.options_on_offer(turn.tracker))
    else:
        await _continue(turn)  # the detail it was asking for, or the offer once none is missing


async def _second_complaint(turn: Turn, category: str) -> None:
    first = turn.tracker.get_slot("ticket_reference")
    if first:
        turn.speaker.say("utter_first_complaint_kept", reference=first)
    turn.set(stage="wrap_up")
    await _start_complaint(turn, category)


async def _more_problems(turn: Turn, problems: list[dict], for_person: bool = False) -> None:
    turn.apply(complaint.note_more_problems(turn.tracker, turn.speaker, problems, for_person=for_person))


async def next_problem(turn: Turn) -> None:
    """The first problem is settled: the next one told in the same message, without being asked again."""
    pending = list(turn.tracker.get_slot("pending_problems") or [])
    problem = pending.pop(0)
    turn.set(pending_problems=pending)
    turn.speaker.say("utter_now_the_next_problem")
    # Its own order numbers ("... and my other order 5502-118 is late"), not the first one's.
    orders = tuple(find_order_numbers(problem["text"]))
    signals = Signals(text=problem["text"], intent=problem["category"], category=problem["category"],
                      anger=heard_with(problem, turn.tracker.get_slot("anger_current") or turn.signals.anger),
                      order_numbers=orders)
    if problem.get("request"):  # "... and separately the invoice has my name spelt wrong": a request, not a fault
        turn.apply(requests.start(turn.tracker, turn.speaker, problem["request"], signals))
        turn.set(pending_problems=pending)  # (a request starts with none pending; these were told with it)
    else:
        turn.apply(complaint.start(turn.tracker, turn.speaker, problem["category"], signals))
    if orders:
        turn.set(order_number=join_orders(list(orders)))
    await _continue(turn)


async def _refine_complaint(turn: Turn, category: str) -> None:
    turn.apply(complaint.refine(turn.tracker, turn.speaker, category, turn.signals))
    turn.handled = True


async def _reread_problem(turn: Turn, category: str) -> None:
    turn.apply(reread.reread(turn.tracker, turn.speaker, category, turn.signals))
    turn.handled = True


async def _keep_detail(turn: Turn, detail: str, value: str) -> None:
    turn.apply(complaint.keep_detail(turn.tracker, turn.speaker, detail, value, turn.signals))
    turn.handled = True


async def _email_typo(turn: Turn, meant: bool) -> None:
    turn.apply(email_typo.answered(turn.tracker, turn.speaker, meant))
    turn.handled = True


async def _cannot_give(turn: Turn, detail: str) -> None:
    turn.apply(complaint.go_on_without(turn.tracker, turn.speaker, detail, asked_for=True))
    turn.handled = True


async def _not_visible(turn: Turn, detail: str) -> None:
    turn.apply(complaint.not_visible(turn.tracker, turn.speaker, detail))
    turn.handled = True  # answered: "continue" asks once more (plainly), or goes on without it


async def _want_remedy(turn: Turn, kind: str) -> None:
    turn.apply(remedies.want(turn.tracker, turn.speaker, kind))
    turn.handled = True


async def _accept_default(turn: Turn) -> None:
    turn.apply(remedies.accept_default(turn.tracker, turn.speaker, turn.signals))
    turn.handled = True


async def _decline_remedies(turn: Turn, nothing_wanted: bool = False) -> None:
    turn.apply(remedies.decline(turn.tracker, turn.speaker, nothing_wanted=nothing_wanted))
    turn.handled = True


async def _look_up(turn: Turn, reference: str, chase: bool = False) -> None:
    # ``chase``: news that it is not done ("still no money"). On a case with a remedy agreed, that is what is
    # chased: reopened, its timeline said, and nothing re-offered (the rest of the turn's moves are not run).
    agreed = followup.agreed_case(reference) if chase else None
    if agreed is not None:
        turn.apply(followup.chase_case(turn.tracker, turn.speaker, agreed))
        turn.stop = True
    else:
        turn.apply(followup.look_up(turn.tracker, turn.speaker, reference))
    turn.handled = True


async def _english_only(turn: Turn) -> None:
    turn.speaker.say("utter_english_only")
    turn.handled = True


async def _amends(turn: Turn) -> None:
    # "sorry for swearing, its not your fault": a kind word, and the current anger read down (the peak stays).
    turn.speaker.say("utter_amends_accepted")
    turn.set(anger_current=calmer(turn.tracker.get_slot("anger_current") or turn.signals.anger))
    turn.handled = True


async def _resolved_itself(turn: Turn) -> None:
    turn.apply(complaint.resolved_itself(turn.tracker, turn.speaker))
    turn.stop = True


async def _answer(turn: Turn, question: str, remedy: str | None = None, also: str | None = None) -> None:
    turn.apply(answers.answer(turn.tracker, turn.speaker, question, remedy, also))
    turn.handled = question != "repeat"  # "say that again": continue asks the pending question again
    if question == "hold_on":
        turn.stop = True  # "hang on, brb": nothing asked until they are back


async def _handoff(turn: Turn, urgent: bool = False) -> None:
    # The anger slots including this message: the handoff ticket carries the peak.
    turn.apply(handoff.hand_off(turn.tracker, turn.speaker, slots=anger_slots(turn.tracker), urgent=urgent))
    turn.stop = True


async def _stay_quiet(turn: Turn) -> None:
    turn.stop = True  # a person from the team is talking: nothing said, not even "say that again"


async def _decline_handoff(turn: Turn) -> None:
    turn.apply(handoff.decline(turn.tracker, turn.speaker))
    turn.handled = True


async def _leave(turn: Turn, call_back: bool = False) -> None:
    turn.apply(complaint.leave(turn.tracker, turn.speaker, call_back=call_back))
    turn.stop = True


async def _vent(turn: Turn) -> None:
    turn.apply(complaint.hear_venting(turn.tracker, turn.speaker))
    turn.handled = True  # heard: not a wrong answer to the question pending
    turn.vented = True


async def _thank(turn: Turn) -> None:
    if turn.tracker.get_slot("stage") in OPEN and turn.tracker.get_slot("stage") != "handed_off":
        # nothing done yet: no "glad I could help" (waiting for a person: nothing pending here either)
        turn.speaker.say("utter_youre_welcome_half_way")
    else:
        turn.speaker.say("utter_youre_welcome")
    turn.handled = True


async def _goodbye(turn: Turn) -> None:
    turn.speaker.say("utter_goodbye")
    turn.handled = True


async def _fixed(turn: Turn) -> None:
    turn.speaker.say("utter_glad_fixed")
    turn.set(stage=None)
    turn.handled = True


async def _ask_what_else(turn: Turn) -> None:
    turn.speaker.say("utter_ask_what_else")
    turn.set(stage=None)
    turn.handled = True


async def _not_understood(turn: Turn) -> None:
    turn.apply(handoff.not_understood(turn.tracker, turn.speaker))
    turn.handled = True


async def _continue(turn: Turn) -> None:
    """The next step of the flow: the next missing detail, the offer, or the remedy question."""
    stage = turn.tracker.get_slot("stage")
    if ASKED_EMAIL_TYPO in turn.speaker.said_names():
        return  # "did you mean jane@example.com?" is this turn's one question; the flow goes on after the answer
    if stage == "details":
        # After two asks, only a question answered in its own right waits for the detail once more; a wish, a
        # detail or a rant goes on without it (waiting there left the customer with no question and no offer).
        # A rant met with the offer of a person: that offer is the turn's question, so the detail waits too (no
        # "never mind the order number" they never said, as a fourth message at the worst moment; probe 15).
        person_offered = turn.vented and any(name in PERSON_ON_OFFER for name in turn.speaker.said_names())
        turn.apply(complaint.next_detail(turn.tracker, turn.speaker, missed=not turn.handled,
                                         may_wait="answer" in turn.moves and not turn.vented or person_offered))
        if turn.tracker.get_slot("stage") == "details" and turn.tracker.get_slot("asking") is None:
            if turn.tracker.get_slot("request"):
                turn.apply(requests.file(turn.tracker, turn.speaker))  # a request: when it happens, no remedy
            else:
                turn.apply(remedies.offer(turn.tracker, turn.speaker))
    elif (stage == "remedy_offered" and turn.handled and set(turn.moves) <= {"keep_detail", "email_typo", "answer", "continue"}
          and "utter_how_long_remedy" not in turn.speaker.said_names()):
        # "sorry, my email is jo.b@example.com", "would i have to be home for it?": noted or answered, and the
        # choice still open is said again (after the options' timelines it needs no repeating).
        turn.speaker.say("utter_offer_still_open", options=remedies.options_on_offer(turn.tracker))
    elif stage == "remedy_offered" and (not turn.handled or turn.vented):
        # "the second one", "the last": the offer's own order decides; else ask which. Venting at the offer
        # ("can you at least cover the shipping or something") is heard, and the offer is put again:
        # otherwise the conversation stops there, with the customer's answer still owed.
        chosen = None if turn.signals.scoffed else (
            match_remedy(turn.signals.text, turn.tracker.get_slot("offered_remedies") or [])
            or remedies.quickest_on_offer(turn.tracker, turn.signals.text))  # "whichever is quicker"
        if chosen:
            turn.apply(remedies.accept(turn.tracker, turn.speaker, chosen))
        else:
            turn.apply(remedies.ask_which(turn.tracker, turn.speaker, vented=turn.vented))
    elif stage == "handed_off" and not turn.speaker.said:
        turn.apply(handoff.noted_for_a_person(turn.tracker, turn.speaker))
    elif stage == "rating" and not turn.handled:
        turn.apply(followup.rate(turn.tracker, turn.speaker, turn.signals))


async def _ask_what_happened(turn: Turn) -> None:
    turn.speaker.say("utter_ask_what_happened")
    turn.handled = True


def _plain(run: Callable[..., list[EventType]]) -> Step:
    """A step that is one call into the step modules (with the move's arguments)."""
    async def step(turn: Turn, **args: Any) -> None:
        turn.apply(run(turn, **args))
        turn.handled = True
    return step


STEPS: dict[str, Step] = {
    "start_complaint": _start_complaint,
    "start_request": _start_request,
    "add_to_request": _plain(lambda t: requests.add_note(t.tracker, t.speaker, t.signals.text)),
    "withdraw_request": _plain(lambda t: requests.withdraw(t.tracker, t.speaker, t.signals.text)),
    "second_complaint": _second_complaint,
    "refine_complaint": _refine_complaint,
    "reread_problem": _reread_problem,
    "more_problems": _more_problems,
    "keep_detail": _keep_detail,
    "cannot_give": _cannot_give,
    "not_visible": _not_visible,
    "email_typo": _email_typo,
    "explain_email_typo": _plain(lambda t: email_typo.explain(t.tracker, t.speaker)),
    "email_unconfirmed": _plain(lambda t: email_typo.left_as_typed(t.tracker, t.speaker)),
    "want_remedy": _want_remedy,
    "offer_again": _plain(lambda t: remedies.ask_which(t.tracker, t.speaker, scoffed=True)),
    "bargain": _plain(lambda t: remedies.bargain(t.tracker, t.speaker, t.signals)),
    "accept_default": _accept_default,
    "decline_remedies": _decline_remedies,
    "answer": _answer,
    "handoff": _handoff,
    "decline_handoff": _decline_handoff,
    "take_back": _plain(lambda t, stage: handoff.take_back(t.tracker, t.speaker, stage)),
    "stay_quiet": _stay_quiet,
    "leave": _leave,
    "vent": _vent,
    "not_understood": _not_understood,
    "continue": _continue,
    "thank": _thank,
    "goodbye": _goodbye,
    "ask_what_else": _ask_what_else,
    "fixed": _fixed,
    "handback": _plain(lambda t: handoff.handback(t.tracker, t.speaker)),
    "check_in": _plain(lambda t: followup.check_in(t.tracker, t.speaker)),
    "ask_what_happened": _ask_what_happened,
    "resolved_itself": _resolved_itself,
    "look_up": _look_up,
    "english_only": _english_only,
    "amends": _amends,
    "greet": _plain(lambda t: followup.greet(t.tracker, t.speaker)),
    "rate": _plain(lambda t: followup.rate(t.tracker, t.speaker, t.signals)),
    "start_rating": _plain(lambda t: followup.start_rating(t.tracker, t.speaker)),
}
