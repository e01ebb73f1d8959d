"""Remedies: offer what the policy allows, record what the customer chose.

Playbook rules 4, 10-12: repeat the core of the complaint, offer a fair
remedy, and confirm what will happen and when. Offers and answers are
recorded on the ticket with who decided.
"""
from __future__ import annotations

import json

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._support import (
    Speaker, category, engine, intent_confidence, latest_intent, latest_text, peak_anger, policy, save_ticket,
)
from actions.handoff import hand_off
from calmdesk import tickets
from calmdesk.details import is_given
from calmdesk.reflect import reflect_problem
from calmdesk.remedies import Remedy, match_remedy
from calmdesk.triage import priority_for


def _options(remedies: list[Remedy] | tuple[Remedy, ...]) -> str:
    """'a, b or c' from the remedies' labels."""
    labels = [r.label for r in remedies]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def _buttons(remedies: list[Remedy] | tuple[Remedy, ...]) -> list[dict[str, str]]:
    return [
        {"title": r.label[:1].upper() + r.label[1:], "payload": "/choose_remedy" + json.dumps({"remedy": r.kind})}
        for r in remedies
    ]


def _first_complaint_text(tracker: Tracker) -> str:
    """The message that opened the current complaint (for reflecting it back)."""
    description = tracker.get_slot("problem_description")
    return description or latest_text(tracker)


# How sure the NLU must be of a bare "yes" before it accepts the default remedy.
# Measured on the trained model: "yes", "ok", "sure", "fine", "go ahead" come
# out at 0.91-1.00; hesitations ("hmm", "uh", "?", "maybe", "let me think") at
# 0.43-0.67. Below this, the bot asks which remedy instead of choosing one.
SURE_YES = 0.8
# The third time the same problem comes back, a person takes it.
RECURRENCES_BEFORE_A_PERSON = 2


def _times_before(tracker: Tracker, cat: str) -> int:
    """How often this customer had the same problem recently (tickets.RECURRENCE_DAYS; other conversations)."""
    email = tracker.get_slot("customer_email")
    if not is_given(email):
        return 0
    return len(tickets.earlier_tickets(engine(), email, category=cat,
                                       exclude_conversation_id=tracker.sender_id))


class ActionOfferRemedies(Action):
    """After the details: restate the problem and offer what the policy allows."""

    def name(self) -> str:
        return "action_offer_remedies"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        cat = category(tracker)
        anger = peak_anger(tracker)
        speaker = Speaker(dispatcher, domain)
        times_before = _times_before(tracker, cat)
        recurrent = times_before >= 1
        if recurrent:
            # Playbook rule 17: a repeat erodes trust; say it openly and escalate.
            speaker.say("utter_recurrent")
        if times_before >= RECURRENCES_BEFORE_A_PERSON:
            return hand_off(tracker, speaker, slots={"anger_level": anger}, recurrent=True)
        offers = policy().offers_for(cat, recurrent=recurrent, anger=anger)
        order = tracker.get_slot("order_number")
        summary = reflect_problem(_first_complaint_text(tracker), cat)
        if is_given(order):
            summary += f" on order {order}"
        speaker.say("utter_offer_remedies", buttons=_buttons(offers), summary=summary, options=_options(offers))
        ticket = save_ticket(tracker, speaker.said, slots={"anger_level": anger}, recurrent=recurrent,
                             priority=priority_for(cat, anger, recurrent))
        tickets.offer_remedies(
            engine(),
            ticket["reference"],
            [tickets.RemedyOffer(kind=r.kind, amount=r.amount, unit=r.unit) for r in offers],
            actor="bot",
        )
        return [
            SlotSet("offered_remedies", [r.kind for r in offers]),
            SlotSet("offer_situation", {"recurrent": recurrent, "anger": anger}),
            SlotSet("stage", "remedy_offered"),
            SlotSet("anger_level", anger),
        ]


class ActionRecordRemedy(Action):
    """The customer picks a remedy (button, words or a plain "yes"), or declines them all."""

    def name(self) -> str:
        return "action_record_remedy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        speaker = Speaker(dispatcher, domain)
        reference = tracker.get_slot("ticket_reference")
        offered: list[str] = tracker.get_slot("offered_remedies") or []
        if not reference or not offered:
            speaker.say("utter_no_offer_yet")
            return [SlotSet("stage", None)]
        cat = category(tracker)
        # The same policy variant as when the offer was made (anger may have changed since).
        situation = tracker.get_slot("offer_situation") or {}
        offers = policy().offers_for(cat, recurrent=bool(situation.get("recurrent")), anger=situation.get("anger", "calm"))
        remedies = [r for r in offers if r.kind in offered]

        intent = latest_intent(tracker)
        if intent == "deny":
            for kind in offered:
                tickets.set_remedy_status(engine(), reference, kind, "declined", actor="customer")
            speaker.say("utter_remedy_declined", reference=reference)
            speaker.say("utter_anything_else")
            save_ticket(tracker, speaker.said, status="open")
            return [SlotSet("stage", "wrap_up")]

        entity = tracker.get_slot("remedy")
        chosen = entity if entity in offered else match_remedy(latest_text(tracker), offered)
        if chosen is None and intent == "affirm" and intent_confidence(tracker) >= SURE_YES:
            # A plain "yes" takes the policy's default (it comes first); a
            # "yes, the refund" takes the one the customer named. A hesitant
            # "hmm" or "?" can come out as a weak affirm: ask, don't assume.
            chosen = offered[0]
        remedy = next((r for r in remedies if r.kind == chosen), None)
        if remedy is None:
            speaker.say("utter_ask_which_remedy", buttons=_buttons(remedies), options=_options(remedies))
            return [SlotSet("remedy", None), SlotSet("stage", "remedy_offered")]

        tickets.set_remedy_status(engine(), reference, remedy.kind, "accepted", actor="customer")
        for kind in offered:
            if kind != remedy.kind:
                tickets.set_remedy_status(engine(), reference, kind, "declined", actor="customer")
        speaker.say(
            "utter_remedy_confirmed",
            remedy=remedy.label,
            timeline=remedy.timeline,
            timeline_sentence=remedy.timeline[:1].upper() + remedy.timeline[1:] + ".",
            reference=reference,
        )
        speaker.say("utter_anything_else")
        save_ticket(tracker, speaker.said, status="resolved")
        return [SlotSet("remedy", remedy.kind), SlotSet("stage", "wrap_up")]
