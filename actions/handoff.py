"""Handing the conversation to a person, and taking it back.

Playbook rules 7-8: own the problem even when the bot cannot fix it, and be
honest about limits. A handoff files (or updates) the ticket with everything
known, tells the customer what happens next, and pauses the bot so it stays
quiet while a person talks. Staff hand back by resuming the conversation and
triggering the ``handback`` intent (README: "Handing off to a person, and back").

When nobody can take it now (outside support hours, or no agent signed in:
``calmdesk.staff.staffing``), the bot says so and when a person will pick it up,
files the ticket with that time as its follow-up, and does not pause. Either
way the team's webhook is queued (``calmdesk.staff.webhooks``).
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet

from actions._support import Speaker, complaint_seq, engine, latest_text, peak_anger, save_ticket
from calmdesk import mail
from calmdesk.conversation.wording_repairs import told_repeat
from calmdesk.desk import tickets
from calmdesk.desk.triage import priority_for
from calmdesk.staff import staffing, webhooks
from calmdesk.taxonomy import PRIORITIES

logger = logging.getLogger(__name__)


def hand_off(tracker: Tracker, speaker: Speaker, slots: dict | None = None, urgent: bool = False,
             **fields) -> list[EventType]:
    """File or update the ticket for a person, tell the customer, and pause the bot if a person can take it now.

    ``fields`` are extra ticket fields to save, e.g. ``recurrent=True``. A repeat the customer tells of ("locked out
    AGAIN") is flagged here too, not only at the offer a handoff never reaches. ``urgent``: first in the queue
    (someone else in the customer's account).
    """
    anger = peak_anger(tracker)
    slots = {**(slots or {}), "anger_level": anger, "complaint_seq": float(max(complaint_seq(tracker), 1))}
    if "recurrent" not in fields and complaint_seq(tracker) and told_repeat(
            f"{tracker.get_slot('problem_description') or ''} {latest_text(tracker)}"):
        fields["recurrent"] = True
    # The reference is part of what we say, so file the ticket first, then
    # save again with the handoff message on the transcript.
    ticket = save_ticket(tracker, speaker.said, slots=slots, handoff=True, status="awaiting_agent", **fields)
    now = datetime.now(timezone.utc)
    answer = _availability(now)
    if isinstance(answer, staffing.Unavailable):
        _say_unavailable(speaker, answer, ticket, now)
    else:
        if mail.will_email(engine(), ticket.get("customer_email")):  # "if it takes longer, we'll email you"
            speaker.say("utter_handoff", reference=ticket["reference"])
        else:
            speaker.say("utter_handoff_no_email", reference=ticket["reference"])
    priority = PRIORITIES[max(PRIORITIES.index(priority_for(ticket["category"], anger, ticket["recurrent"])),
                              PRIORITIES.index("urgent" if urgent else "high"))]
    ticket = save_ticket(tracker, speaker.said, slots=slots, handoff=True, status="awaiting_agent", priority=priority)
    if isinstance(answer, staffing.Unavailable):
        tickets.schedule_follow_up(engine(), ticket["reference"], answer.reply_by)
    _queue_webhook(ticket["reference"], answer.reason)
    return [
        SlotSet("asking", None),
        # Nobody can answer live: the complaint stays open for the person, so what the
        # customer adds goes on the same ticket (not a new one).
        SlotSet("stage", "handed_off" if isinstance(answer, staffing.Unavailable) else None),
        SlotSet("ticket_reference", ticket["reference"]),
        *[SlotSet(name, value) for name, value in slots.items()],
        # Nobody can answer now: the bot stays available instead of going quiet.
        *([ConversationPaused()] if isinstance(answer, staffing.Available) else []),
    ]


def _availability(now: datetime) -> staffing.Availability:
    """Can a person take it now?  If that cannot be told (a broken hours file), hand over as before."""
    try:
        return staffing.availability(engine(), now)
    except Exception:  # noqa: BLE001 - the handoff itself must not fail on this
        logger.exception("could not tell whether a person is available; handing over as usual")
        return staffing.Available()


def _say_unavailable(speaker: Speaker, answer: staffing.Unavailable, ticket: dict, now: datetime) -> None:
    hours = staffing.current_support_hours()
    reference = ticket["reference"]
    back_at, reply_by = hours.describe(answer.back_at, now), hours.describe(answer.reply_by, now)
    emailed = mail.will_email(engine(), ticket.get("customer_email"))  # promise an email only if one can be sent
    if answer.reason == "closed" and emailed:
        speaker.say("utter_handoff_closed", reference=reference, back_at=back_at, reply_by=reply_by)
    elif answer.reason == "closed":
        speaker.say("utter_handoff_closed_no_email", reference=reference, back_at=back_at, reply_by=reply_by)
    elif emailed:
        speaker.say("utter_handoff_no_agent", reference=reference, back_at=back_at, reply_by=reply_by)
    else:
        speaker.say("utter_handoff_no_agent_no_email", reference=reference, back_at=back_at, reply_by=reply_by)


def _queue_webhook(reference: str, availability: str) -> None:
    """Tell the team's own tools; the ticket is already safe, so a failure here is logged, not raised."""
    try:
        webhooks.enqueue_handoff(engine(), reference, availability=availability)
    except Exception:  # noqa: BLE001
        logger.exception("could not queue the handoff webhook for %s", reference)


def decline(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """"No, keep going": back to where the conversation was."""
    speaker.say("utter_handoff_declined")
    previous = tracker.get_slot("resume_stage")
    if not previous:
        speaker.say("utter_ask_what_happened")
    elif previous == "remedy_offered":
        from actions.remedies import options_on_offer  # remedies hands off too: import here, not at the top

        speaker.say("utter_offer_still_open", options=options_on_offer(tracker))
    return [SlotSet("stage", previous), SlotSet("resume_stage", None)]


def take_back(tracker: Tracker, speaker: Speaker, stage: str) -> list[EventType]:
    """"Actually never mind, you can do it" while the case waits for a person nobody could give live.

    The bot has the case again: it leaves the team's queue (open, no longer awaiting a person, no pick-up time), and
    the conversation goes back to ``stage``, where it was before the person was asked for (people.stage_to_resume).
    """
    speaker.say("utter_handoff_declined")
    reference = tracker.get_slot("ticket_reference")
    if reference:
        save_ticket(tracker, speaker.said, status="open")
        tickets.schedule_follow_up(engine(), reference, None)  # nobody picks it up "by 08:13" any more
    if stage == "remedy_offered":
        from actions.remedies import options_on_offer  # remedies hands off too: import here, not at the top

        speaker.say("utter_offer_still_open", options=options_on_offer(tracker))
    elif stage == "wrap_up":
        speaker.say("utter_anything_else")
    return [SlotSet("stage", stage), SlotSet("asking", None), SlotSet("resume_stage", None)]


def noted_for_a_person(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """More from a customer whose case waits for a person: it is on the ticket, and they hear so."""
    reference = tracker.get_slot("ticket_reference")
    if reference:
        save_ticket(tracker, speaker.said)
        speaker.say("utter_noted_for_a_person", reference=reference)
    return []


def picked_up_by(tracker: Tracker) -> str | None:
    """When a person will pick up the handed-off ticket ("11:00 Monday (GMT)"), if that is what we wait for.

    Said wherever the customer waits for nobody who could join: asked when, let down, or going.
    """
    reference = tracker.get_slot("ticket_reference")
    ticket = tickets.get_ticket(engine(), reference) if reference else None
    if not ticket or not ticket.get("handoff") or not ticket.get("follow_up_at"):
        return None
    now = datetime.now(timezone.utc)
    return staffing.current_support_hours().describe(datetime.fromisoformat(ticket["follow_up_at"]), now)


def handback(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """A person handed the conversation back: the bot picks up politely."""
    speaker.say("utter_handback")
    return [SlotSet("stage", "wrap_up"), SlotSet("asking", None)]


def not_understood(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """Not understood: ask to rephrase once; the second time in a row, offer a person."""
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
        if not _misunderstood(event.get("parse_data") or {}):
            break
        count += 1
    return count


def _misunderstood(parse: dict) -> bool:
    """A message the bot could do nothing with: the classifier's fallback, or no intent it acts on alone."""
    return ((parse.get("intent") or {}).get("name")) in ("nlu_fallback", None)
