"""After the ticket: ask how we did, schedule a check-in, and bring news to returning customers.

Playbook rules 11-13 and 20: keep the customer updated until the problem is
solved, follow up a few days later, and be open about a known incident. The
check-in is a Rasa reminder (it fires in this session while the server runs)
and a ``follow_up_at`` on the ticket, which staff see in the API whether or
not the reminder ever fires.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, ReminderScheduled, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._support import Speaker, engine, latest_intent, latest_text, save_ticket
from calmdesk import incidents, tickets
from calmdesk.feedback import follow_up_time, parse_score

SKIPPED = "skipped"
_NOTHING = re.compile(r"^\s*(?:no+|nope|nothing|nah|no thanks?|no thank you|that'?s all|all good|skip)\W*$", re.I)


def _ticket(tracker: Tracker) -> dict | None:
    reference = tracker.get_slot("ticket_reference")
    return tickets.get_ticket(engine(), reference) if reference else None


class ValidateSatisfactionForm(FormValidationAction):
    """Score 1-5 (buttons or words), then an optional comment; "no" skips."""

    def name(self) -> str:
        return "validate_satisfaction_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        if tracker.get_slot("satisfaction_score") == SKIPPED:
            return ["satisfaction_score"]
        return ["satisfaction_score", "satisfaction_comment"]

    def validate_satisfaction_score(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        score = parse_score(str(value)) or parse_score(latest_text(tracker))
        if score:
            return {"satisfaction_score": str(score)}
        if latest_intent(tracker) == "deny" or _NOTHING.match(latest_text(tracker)):
            return {"satisfaction_score": SKIPPED}
        Speaker(dispatcher, domain).say("utter_invalid_satisfaction_score")
        return {"satisfaction_score": None}

    def validate_satisfaction_comment(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        text = " ".join(str(value or "").split())
        if not text or latest_intent(tracker) == "deny" or _NOTHING.match(text):
            return {"satisfaction_comment": SKIPPED}
        return {"satisfaction_comment": text}


class ActionRecordSatisfaction(Action):
    """Store the rating, schedule the check-in, say goodbye."""

    def name(self) -> str:
        return "action_record_satisfaction"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        speaker = Speaker(dispatcher, domain)
        ticket = _ticket(tracker)
        score = tracker.get_slot("satisfaction_score")
        events: list[EventType] = [SlotSet("stage", None)]
        if ticket and score and score != SKIPPED:
            comment = tracker.get_slot("satisfaction_comment")
            tickets.record_satisfaction(engine(), ticket["reference"], int(score),
                                        None if comment in (None, SKIPPED) else comment)
        if ticket:
            when = follow_up_time()
            tickets.schedule_follow_up(engine(), ticket["reference"], when)
            events.append(ReminderScheduled("EXTERNAL_check_in", trigger_date_time=when, name="check_in",
                                            kill_on_user_message=False))
            speaker.say("utter_feedback_thanks")
            save_ticket(tracker, speaker.said)  # the rating exchange belongs on the transcript too
        else:
            speaker.say("utter_goodbye")
        return events


class ActionCheckIn(Action):
    """The scheduled check-in: did the fix hold?"""

    def name(self) -> str:
        return "action_check_in"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ticket = _ticket(tracker)
        if ticket:
            Speaker(dispatcher, domain).say("utter_check_in", reference=ticket["reference"])
        return []


class ActionGreet(Action):
    """Hello, and for a customer who comes back: what changed in the incident that hit them."""

    def name(self) -> str:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        speaker = Speaker(dispatcher, domain)
        ticket = _ticket(tracker)
        if ticket and ticket.get("incident"):
            seen = tracker.get_slot("incident_news_seen_at") or ticket["created_at"]
            news = incidents.updates_since(engine(), ticket["incident"], datetime.fromisoformat(seen))
            if news:
                speaker.say("utter_incident_update", update=news[-1]["message"], reference=ticket["reference"])
                return [SlotSet("incident_news_seen_at", datetime.now(timezone.utc).isoformat())]
        speaker.say("utter_greet")
        return []
