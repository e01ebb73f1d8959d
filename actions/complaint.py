"""The complaint: acknowledge it, gather the missing details, hear the venting.

Playbook rules 1-4: acknowledge the feeling and the specific problem before
anything else, let the customer vent without losing what was gathered, and
ask only for what is still missing. Every complaint gets a ticket at once, so
nothing is lost if the customer leaves half-way.
"""
from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._support import (
    Speaker,
    anger_of,
    anger_slots,
    recent_anger,
    rising_for_two_turns,
    category,
    complaint_seq,
    engine,
    incident_settings,
    latest_intent,
    latest_text,
    peak_anger,
    save_ticket,
)
from actions.handoff import hand_off
from calmdesk import incidents
from calmdesk.details import NOT_GIVEN, describe_problem, parse_email, parse_order_number
from calmdesk.reflect import reflect_problem
from calmdesk.taxonomy import CATEGORIES, REQUIRED_DETAILS

# "I don't have it", "no idea", "skip": the customer cannot give a detail.
_CANNOT_GIVE = re.compile(r"\b(?:don'?t|do not|dont|can'?t|cannot) (?:have|know|find|remember)|no idea|\bskip\b|not sure", re.I)

# Cleared when a new complaint starts; the email stays (same customer).
_DETAIL_SLOTS = ("order_number", "problem_description", "remedy", "offered_remedies", "offer_situation")


class ActionAcknowledgeComplaint(Action):
    """First reply to a complaint: name the feeling and the problem, apologise, file it."""

    def name(self) -> str:
        return "action_acknowledge_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = latest_text(tracker)
        intent = latest_intent(tracker)
        new_category = intent if intent in CATEGORIES else "other"
        stage = tracker.get_slot("stage")
        is_new = complaint_seq(tracker) == 0 or stage in (None, "wrap_up")

        slots: dict[str, Any] = {"category": new_category, "stage": "details"}
        if is_new:
            slots["complaint_seq"] = float(complaint_seq(tracker) + 1)
            slots["anger_level"] = anger_of(tracker.latest_message)
            # A new complaint starts clean, but keeps what this very message said
            # (and the email: it is the same customer).
            entities = {e.get("entity") for e in (tracker.latest_message or {}).get("entities", [])}
            for name in _DETAIL_SLOTS:
                if name == "order_number" and "order_number" in entities:
                    continue
                slots[name] = None
            slots["ticket_reference"] = None
        else:
            slots["anger_level"] = peak_anger(tracker)
        if not (tracker.get_slot("problem_description") and not is_new):
            slots["problem_description"] = describe_problem(text)

        speaker = Speaker(dispatcher, domain)
        incident = incidents.active_incident(engine(), new_category)
        if incident:
            # A known incident: say so openly first (playbook rule 20), not as if it were news.
            speaker.say("utter_known_incident", incident_message=incident["public_message"])
        else:
            speaker.say(f"utter_acknowledge_{slots['anger_level']}", problem=reflect_problem(text, new_category))
        ticket = save_ticket(tracker, speaker.said, slots=slots)
        slots["ticket_reference"] = ticket["reference"]
        if incident:
            incidents.link_ticket(engine(), ticket["reference"], incident["reference"])
        elif is_new:
            # Many customers with the same fault at once: suggest an incident for
            # staff to confirm (policy/incidents.yml sets how many, how fast).
            settings = incident_settings()
            incidents.detect_incidents(engine(), tickets=settings.detection_tickets, minutes=settings.detection_minutes)
        return [SlotSet(name, value) for name, value in slots.items()]


class ValidateComplaintForm(FormValidationAction):
    """Asks only for the details this category needs, and checks each one."""

    def name(self) -> str:
        return "validate_complaint_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        required = list(REQUIRED_DETAILS[category(tracker)])
        if tracker.get_slot("anger_level") in ("angry", "abusive"):
            # Playbook: fewer questions for an angry customer. What they already
            # wrote goes on the ticket as the description; we don't ask again.
            required.remove("problem_description")
        return required

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        self.speaker = Speaker(dispatcher, domain)
        if latest_intent(tracker) == "nlu_fallback" and anger_of(tracker.latest_message) in ("angry", "abusive"):
            # An outburst the intent classifier did not recognise: hear it (and
            # escalate abuse) instead of calling it a wrong order number.
            return hear_venting(tracker, self.speaker)
        events = await super().run(dispatcher, tracker, domain)
        # requested_slot is bookkeeping (rasa-sdk re-sends it when the slots asked
        # differ from the domain's list), not something the customer said.
        changes = {e["name"]: e["value"] for e in events if e.get("event") == "slot" and e["name"] != "requested_slot"}
        if not changes:
            # Nothing was extracted (a rant, a question): return no events so the
            # form rejects and the rules get to answer the message.
            return events
        anger = anger_slots(tracker)
        changes.update(anger)
        # Keep the ticket current as details arrive: a customer who leaves
        # half-way still leaves a complete record of what they said.
        if tracker.get_slot("ticket_reference"):
            save_ticket(tracker, self.speaker.said, slots=changes)
        return events + [SlotSet(name, value) for name, value in anger.items()]

    def validate_order_number(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        # Read the number from the whole message, not the entity alone: the whole
        # message shows whether "900123" is really the end of a phone number.
        text = latest_text(tracker)
        number = parse_order_number(str(value) if text.startswith("/") else text)
        if number:
            self._note_volunteered(tracker, "order_number", "order number", number)
            return {"order_number": number}
        if tracker.get_slot("requested_slot") == "order_number" and (
            latest_intent(tracker) == "deny" or _CANNOT_GIVE.search(latest_text(tracker))
        ):
            return {"order_number": NOT_GIVEN}
        if not parse_email(latest_text(tracker)):  # an email instead is not a mistake
            self.speaker.say("utter_invalid_order_number")
        return {"order_number": None}

    def validate_customer_email(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        email = parse_email(str(value)) or parse_email(latest_text(tracker))
        if email:
            self._note_volunteered(tracker, "customer_email", "email", email)
            return {"customer_email": email}
        if not parse_order_number(latest_text(tracker)):  # an order number instead is not a mistake
            self.speaker.say("utter_invalid_customer_email")
        return {"customer_email": None}

    def _note_volunteered(self, tracker: Tracker, slot: str, detail: str, value: str) -> None:
        """Confirm a detail given while we were asking for another ("actually it was order 7654321")."""
        if tracker.get_slot("requested_slot") not in (None, slot):
            self.speaker.say("utter_detail_noted", detail=detail, value=value)

    def validate_problem_description(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = " ".join(str(value or "").split())
        if re.search(r"\w", text):
            return {"problem_description": text}
        self.speaker.say("utter_ask_problem_description")
        return {"problem_description": None}


class ActionAcknowledgeVent(Action):
    """A rant is heard, not treated as an error.

    Abuse gets one calm boundary; if it repeats, a person takes over. Anger
    that rose over the last two messages gets an offer of a person (a button
    the customer can tap at any point; the bot carries on otherwise).
    """

    def name(self) -> str:
        return "action_acknowledge_vent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return hear_venting(tracker, Speaker(dispatcher, domain))


def hear_venting(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """Acknowledge a rant; a boundary for abuse, a person if it repeats or anger keeps rising."""
    levels = recent_anger(tracker, turns=10)
    anger = anger_slots(tracker, levels)
    if anger["anger_current"] == "abusive" and levels[:-1].count("abusive") >= 1:
        speaker.say("utter_abuse_handoff")
        return hand_off(tracker, speaker, slots=anger)
    if anger["anger_current"] == "abusive":
        speaker.say("utter_vent_boundary")
    elif complaint_seq(tracker) == 0 or tracker.get_slot("stage") in (None, "wrap_up"):
        speaker.say("utter_vent_ask_what_happened")
    else:
        speaker.say("utter_vent_acknowledge")
    if rising_for_two_turns(levels):
        speaker.say("utter_offer_human_rising")
    if complaint_seq(tracker) and tracker.get_slot("ticket_reference"):
        save_ticket(tracker, speaker.said, slots=anger)
    return [SlotSet(name, value) for name, value in anger.items()]


class ActionUpdateDetails(Action):
    """"Actually it was the other order": a correction after the form is done."""

    def name(self) -> str:
        return "action_update_details"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        speaker = Speaker(dispatcher, domain)
        reference = tracker.get_slot("ticket_reference")
        text = latest_text(tracker)
        number, email = parse_order_number(text), parse_email(text)
        if not reference or not (number or email):
            speaker.say("utter_ask_what_happened")
            return []
        slots: dict[str, Any] = {}
        if number:
            slots["order_number"] = number
            speaker.say("utter_detail_updated", detail="order number", value=number, reference=reference)
        if email:
            slots["customer_email"] = email
            speaker.say("utter_detail_updated", detail="email", value=email, reference=reference)
        save_ticket(tracker, speaker.said, slots=slots)
        return [SlotSet(name, value) for name, value in slots.items()]
