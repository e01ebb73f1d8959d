"""One customer message, one action: read everything it says, then act on all of it.

Every customer message runs ``action_turn`` (data/rules/turn.yml). It reads
the message's signals (calmdesk.conversation.signals), asks the plan what to
do (calmdesk.conversation.plan) and carries the moves out in order, with the
steps of actions/steps.py (one per move). The tracker's slots are updated after every step, so a later step sees what an
earlier one set (the handoff files the complaint acknowledged a step before).

One custom-action call per customer turn: the rules and the policy never need
to know where the conversation is, so nothing can loop between them.
"""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import email_typo, handoff
from actions._support import Speaker, engine
from actions.steps import STEPS, back_to_complaint, next_problem
from calmdesk.conversation.plan import ASKED_EMAIL_TYPO, Move, State, plan
from calmdesk.conversation.category_reading import might_concern_an_incident
from calmdesk.conversation.people import staff_joined
from calmdesk.conversation.signals import Signals, read
from calmdesk.desk import incidents
from calmdesk.desk.details import is_given, typo_question_open

logger = logging.getLogger(__name__)


def state_of(tracker: Tracker) -> State:
    slot = tracker.get_slot
    seq = int(slot("complaint_seq") or 0)
    return State(
        stage=slot("stage"),
        asking=slot("asking"),
        asked=dict(slot("asked") or {}),
        category=slot("category") if seq else None,
        complaint_seq=seq,
        order_number=slot("order_number") if is_given(slot("order_number")) else None,
        customer_email=slot("customer_email") if is_given(slot("customer_email")) else None,
        offered=tuple(slot("offered_remedies") or ()),
        chosen=slot("remedy"),
        request=slot("request"),
        said_last=_said_last(tracker) + _typo_still_open(tracker),
        person_joined=slot("stage") == "handed_off" and staff_joined(tracker.events),
    )


def _typo_still_open(tracker: Tracker) -> tuple[str, ...]:
    """"Did you mean ...?" left unanswered one message ago still owns a yes or no (the plan reads it as just asked)."""
    email = tracker.get_slot("customer_email")
    return (ASKED_EMAIL_TYPO,) if typo_question_open(tracker.get_slot("email_suggested"), email,
                                                     _said_last(tracker, replies=2)) else ()


def _said_last(tracker: Tracker, replies: int = 1) -> tuple[str, ...]:
    """The response names of the bot's reply to the customer's previous message (or its last ``replies``)."""
    names: list[str] = []
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == replies + 1:
                break
        elif event.get("event") == "bot" and users >= 1:
            names.append((event.get("metadata") or {}).get("utter_action") or "")
    return tuple(reversed([n for n in names if n]))


class Turn:
    """Carries out the moves of one message; ``events`` is what the action returns."""

    def __init__(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, signals: Signals):
        history = [e.get("text") or "" for e in tracker.events if e.get("event") == "bot"]
        self.speaker = Speaker(dispatcher, domain, history=history)
        self.dispatcher, self.tracker, self.domain, self.signals = dispatcher, tracker, domain, signals
        self.events: list[EventType] = []
        self.handled = False  # did a move use the message (so "continue" must not count it as a miss)?
        self.vented = False   # was the message heard as venting (the offer still needs an answer)?
        self.moves: list[str] = []  # the names of this message's moves
        self.stop = False     # handed off or left: nothing more this turn

    def apply(self, events: list[EventType]) -> None:
        """Keep the events, and show their slot changes to the next step."""
        for event in events:
            self.events.append(event)
            if event.get("event") == "slot":
                self.tracker.slots[event["name"]] = event["value"]
            elif event.get("event") == "pause":
                self.stop = True

    def set(self, **slots: Any) -> None:
        self.apply([SlotSet(name, value) for name, value in slots.items()])

    async def run(self, moves: list[Move]) -> None:
        self.moves = [move.name for move in moves]
        for move in moves:
            if self.stop:
                break
            step = STEPS[move.name]
            await step(self, **move.args)


class ActionTurn(Action):
    """The one custom action every customer message runs."""

    def name(self) -> str:
        return "action_turn"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        state = state_of(tracker)
        message = tracker.latest_message or {}
        # A declared incident is the likeliest explanation of a complaint that may be about it (category_reading.py).
        declared = incidents.open_categories(engine()) if might_concern_an_incident(message) else ()
        signals = read(message, asking=state.asking if state.stage == "details" else None, incidents=declared)
        moves = plan(state, signals)
        if email_typo.puzzled_by_question(tracker, signals, _said_last(tracker)):
            moves = [Move("explain_email_typo")]
        logger.debug("turn %s: %s -> %s", tracker.sender_id, signals, moves)
        turn = Turn(dispatcher, tracker, domain, signals)
        await turn.run(moves)
        settled = turn.tracker.get_slot("stage") == "wrap_up" and turn.tracker.get_slot("asking") != "request_note"
        if settled and turn.tracker.get_slot("parked_complaint") and not turn.stop:
            await back_to_complaint(turn)
        elif settled and turn.tracker.get_slot("pending_problems") and not turn.stop:
            await next_problem(turn)
        if not turn.speaker.said and not turn.stop:
            # Never silent: whatever the plan did, the customer hears something.
            logger.warning("turn %s said nothing for %s; asking to rephrase", tracker.sender_id, moves)
            turn.apply(handoff.not_understood(turn.tracker, turn.speaker))
        if finished_a_complaint(state, turn.tracker, turn.events):
            turn.set(session_finished=True)  # a new Rasa session after this turn (stores/tracker_store.py)
        return turn.events


def finished_a_complaint(before: State, tracker: Tracker, events: list[EventType]) -> bool:
    """This turn closed the complaint's flow (rated, left, fixed, nothing else to add) and no person took over.

    The tracker store then starts a new session, so the turns after it do not
    read, replay and resend the finished complaint's events; every slot is
    carried over, so nothing the bot knows is lost.
    """
    handed_over = any(event.get("event") == "pause" for event in events)
    return (not handed_over and before.stage is not None and tracker.get_slot("stage") is None
            and int(tracker.get_slot("complaint_seq") or 0) > 0)
