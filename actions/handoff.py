"""Handing the conversation to a person, and taking it back.

Playbook rules 7-8: own the problem even when the bot cannot fix it, and be
honest about limits. A handoff files (or updates) the ticket with everything
known, tells the customer what happens next, and pauses the bot so it stays
quiet while a person talks. Staff hand back by resuming the conversation and
triggering the ``handback`` intent (README: "Handing off to a person, and back").
"""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._support import Speaker, complaint_seq, peak_anger, save_ticket
from calmdesk.taxonomy import PRIORITIES
from calmdesk.triage import priority_for


def hand_off(tracker: Tracker, speaker: Speaker, slots: dict | None = None, **fields) -> list[EventType]:
    """File or update the ticket for a person, tell the customer, and pause the bot.

    ``fields`` are extra ticket fields to save, e.g. ``recurrent=True``.
    """
    anger = peak_anger(tracker)
    slots = {**(slots or {}), "anger_level": anger, "complaint_seq": float(max(complaint_seq(tracker), 1))}
    # The reference is part of what we say, so file the ticket first, then
    # save again with the handoff message on the transcript.
    ticket = save_ticket(tracker, speaker.said, slots=slots, handoff=True, status="awaiting_agent", **fields)
    speaker.say("utter_handoff", reference=ticket["reference"])
    priority = PRIORITIES[max(PRIORITIES.index(priority_for(ticket["category"], anger, ticket["recurrent"])),
                              PRIORITIES.index("high"))]
    save_ticket(tracker, speaker.said, slots=slots, handoff=True, status="awaiting_agent", priority=priority)
    return [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("stage", None),
        SlotSet("ticket_reference", ticket["reference"]),
        *[SlotSet(name, value) for name, value in slots.items()],
        ConversationPaused(),
    ]


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return hand_off(tracker, Speaker(dispatcher, domain))


class ActionDeclineHandoff(Action):
    """"No, keep going": back to where the conversation was."""

    def name(self) -> str:
        return "action_decline_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        Speaker(dispatcher, domain).say("utter_handoff_declined")
        previous = tracker.get_slot("resume_stage")
        if not previous:
            Speaker(dispatcher, domain).say("utter_ask_what_happened")
        return [SlotSet("stage", previous), SlotSet("resume_stage", None)]


class ActionHandback(Action):
    """A person handed the conversation back: the bot picks up politely."""

    def name(self) -> str:
        return "action_handback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        Speaker(dispatcher, domain).say("utter_handback")
        return [SlotSet("stage", "wrap_up")]


class ActionHandleFallback(Action):
    """Not understood: ask to rephrase once; the second time in a row, offer a person."""

    def name(self) -> str:
        return "action_handle_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        speaker = Speaker(dispatcher, domain)
        if _misunderstood_in_a_row(tracker) < 2:
            speaker.say("utter_fallback_rephrase")
            return []
        speaker.say("utter_fallback_offer_human")
        stage = tracker.get_slot("stage")
        # Offered again (a third misunderstanding): keep the stage saved the first time.
        resume = tracker.get_slot("resume_stage") if stage == "handoff_offered" else stage
        return [SlotSet("resume_stage", resume), SlotSet("stage", "handoff_offered")]


def _misunderstood_in_a_row(tracker: Tracker) -> int:
    """How many of the latest customer messages in a row the bot did not understand."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if ((event.get("parse_data") or {}).get("intent") or {}).get("name") != "nlu_fallback":
            break
        count += 1
    return count
