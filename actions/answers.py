"""Questions asked half-way, answered in place ("why do you need my email?", "are you still there?").

The answer depends on where the conversation is (what was being asked, what
was agreed); afterwards the turn goes on where it was (actions/turn.py), so
an interruption never loses the conversation.
"""
from __future__ import annotations

from datetime import datetime, timezone

from rasa_sdk import Tracker
from rasa_sdk.events import EventType

from actions import requests
from actions.handoff import picked_up_by
from actions._support import Speaker, category, engine, policy, save_ticket
from actions.remedies import on_offer
from calmdesk import mail
from calmdesk.conversation.opening import opens_conversation
from calmdesk.conversation.plan import DETAILS, OPEN
from calmdesk.desk.details import is_given
from calmdesk.staff import staffing


def answer(tracker: Tracker, speaker: Speaker, question: str, remedy: str | None = None,
           also: str | None = None) -> list[EventType]:
    """``remedy``: a remedy the question names ("how long does a replacement take?"); ``also``: a second one
    ("... vs a replacement"), answered too."""
    stage, asking = tracker.get_slot("stage"), tracker.get_slot("asking")
    reference = tracker.get_slot("ticket_reference") or "your case"
    if question == "why_needed":
        if asking == "customer_email" and not mail.settings().enabled:  # email off: no "I'll send updates"
            speaker.say("utter_why_customer_email_no_email")
        elif asking in DETAILS:
            speaker.say(f"utter_why_{asking}")
        else:
            speaker.say("utter_why_details")
    elif question == "how_long":
        emailed = _emailed(tracker)
        waiting = picked_up_by(tracker)
        named = _in_situation(tracker, remedy) if remedy and tracker.get_slot("complaint_seq") else None
        agreed = _chosen(tracker)
        if requests.of(tracker) is not None and not named:
            requests.how_long(tracker, speaker)  # "how long will that take?" about a request: its own timeline
        elif named is not None and (agreed is None or agreed.kind != named.kind):
            speaker.say("utter_how_long_remedy", remedy=named.label, timeline=named.timeline_for(emailed))
            second = _in_situation(tracker, also) if also else None
            if second is not None and second.kind != named.kind:
                speaker.say("utter_how_long_remedy", remedy=second.label, timeline=second.timeline_for(emailed))
        elif agreed is not None:
            speaker.say("utter_how_long_agreed", timeline=agreed.timeline_for(emailed), reference=reference)
        elif waiting:
            speaker.say("utter_how_long_person", reference=reference, reply_by=waiting)
        elif stage == "remedy_offered":
            # "how long?", "which one is faster?" while the choice is open: how long each option takes
            for option in on_offer(tracker)[:3]:
                speaker.say("utter_how_long_remedy", remedy=option.label, timeline=option.timeline_for(emailed))
        elif stage == "details":
            speaker.say("utter_how_long_now")
        else:
            speaker.say("utter_how_long")
    elif question == "fix_when":
        waiting = picked_up_by(tracker)
        if waiting:
            speaker.say("utter_how_long_person", reference=reference, reply_by=waiting)
        elif tracker.get_slot("ticket_reference"):
            speaker.say("utter_how_long_fix")
        else:
            speaker.say("utter_how_long_fix_no_ticket")
    elif question == "receipt_needed":
        # The bot never asks for one: the order number (or the email it was ordered with) finds the order.
        speaker.say("utter_receipt_not_needed")
    elif question == "how_contacted":
        waiting = picked_up_by(tracker)
        if waiting:  # "will i get a phone call or just an email?": when, and how they can be reached
            speaker.say("utter_how_long_person", reference=reference, reply_by=waiting)
        if not tracker.get_slot("ticket_reference"):
            return answer(tracker, speaker, "other")
        if is_given(tracker.get_slot("customer_email")) and mail.settings().enabled:
            speaker.say("utter_contact_by_email", reference=reference)
        else:  # nothing to reach them by: ask for an address (a call wished for goes on the case too)
            speaker.say("utter_leave_contact", reference=reference)
    elif question == "email_copy":
        if not mail.settings().enabled:
            speaker.say("utter_email_copy_none", reference=reference)
        elif tracker.get_slot("customer_email") is None and stage == "details":
            speaker.say("utter_email_copy_once_given")  # the address is asked next
        elif _emailed(tracker) and tracker.get_slot("ticket_reference"):
            speaker.say("utter_email_copy_yes", reference=reference)
        else:  # no address, or email is off: nothing will come, so say what to keep instead
            speaker.say("utter_email_copy_none", reference=reference)
    elif question == "refund_where":
        refund = _in_situation(tracker, "refund") if tracker.get_slot("complaint_seq") else None
        if refund is None:
            return answer(tracker, speaker, "other")  # no refund on this case's offer: the team says
        speaker.say("utter_refund_where", timeline=refund.timeline_for(_emailed(tracker)))
    elif question == "hold_on":
        speaker.say("utter_take_your_time")
    elif question == "person_available":
        _say_availability(speaker)
    elif question == "nobody_free":
        waiting = picked_up_by(tracker)
        if waiting:  # "so nobody? great": the letdown owned, and when a person does pick it up
            speaker.say("utter_nobody_free_sorry", reference=reference, reply_by=waiting)
        else:
            _say_availability(speaker)
    elif question == "person_coming":
        waiting = picked_up_by(tracker)
        if waiting:  # "so will someone still call me?": yes, by when, on which case
            speaker.say("utter_how_long_person", reference=reference, reply_by=waiting)
        else:
            _say_availability(speaker)
    elif question == "what_next":
        agreed = _chosen(tracker)
        if agreed is not None:
            speaker.say("utter_what_next_agreed", timeline=agreed.timeline_for(_emailed(tracker)), reference=reference)
        elif stage == "details":
            speaker.say("utter_what_next_details")
        elif stage == "remedy_offered":
            speaker.say("utter_what_next_offer")
        elif tracker.get_slot("ticket_reference"):
            speaker.say("utter_what_next_filed", reference=reference)
        else:
            speaker.say("utter_what_next")
    elif question == "repeat":
        if stage not in ("details", "remedy_offered"):
            last = next((e.get("text") for e in reversed(tracker.events) if e.get("event") == "bot" and e.get("text")),
                        None)
            speaker.say("utter_repeat_last", last=last or "Tell me what went wrong and I'll sort it out.")
        else:
            speaker.say("utter_repeat_intro")
    elif question == "reference":
        # "sorry whats my reference number again?": said back, warmly; nothing filed or reopened.
        if tracker.get_slot("ticket_reference"):
            speaker.say("utter_reference_is", reference=reference)
        else:
            speaker.say("utter_reference_none")
    elif question == "is_bot":
        speaker.say("utter_iamabot")
    elif question == "other":
        # Honest about limits (playbook rule 8): no guessing; it goes to the team on the ticket.
        if tracker.get_slot("ticket_reference") and stage in OPEN:
            speaker.say("utter_question_for_the_team", reference=reference)
        elif tracker.get_slot("ticket_reference") and stage == "wrap_up":
            # Asked after the remedy was agreed ("can the refund go to another card?"): the ticket is open again,
            # so the team sees a question waiting, and it holds the question (the transcript is saved with it).
            speaker.say("utter_question_for_the_team", reference=reference)
            save_ticket(tracker, speaker.said, status="open")
        else:
            speaker.say("utter_question_not_mine")
    elif opens_conversation(tracker.events):  # "hello??" first: nothing to be still here for, so a greeting
        speaker.say("utter_greet")
    else:  # still_there
        speaker.say("utter_still_here")
    return []


def _chosen(tracker: Tracker):
    """The remedy agreed for the current complaint, as the policy words it, or None."""
    kind = tracker.get_slot("remedy")
    if not kind or tracker.get_slot("stage") not in ("wrap_up", None):
        return None
    return _in_situation(tracker, kind)


def _in_situation(tracker: Tracker, kind: str):
    """The remedy of this kind as the policy words it in the situation of the offer (online, recurrent, angry)."""
    situation = tracker.get_slot("offer_situation") or {}
    return policy().remedy(category(tracker), kind, recurrent=bool(situation.get("recurrent")),
                           anger=situation.get("anger", "calm"), online=bool(situation.get("online")),
                           code=bool(situation.get("code")))


def _say_availability(speaker: Speaker) -> None:
    now = datetime.now(timezone.utc)
    try:
        availability = staffing.availability(engine(), now)
    except Exception:  # noqa: BLE001 - an honest vague answer beats a crash
        speaker.say("utter_person_maybe")
        return
    if isinstance(availability, staffing.Available):
        speaker.say("utter_person_available")
    else:
        hours = staffing.current_support_hours()
        speaker.say("utter_person_unavailable", back_at=hours.describe(availability.back_at, now))


def _emailed(tracker: Tracker) -> bool:
    """Will this customer get our emails? While the address is still to be asked, assume they will."""
    address = tracker.get_slot("customer_email")
    if address is None and tracker.get_slot("stage") == "details":
        return True
    return mail.will_email(engine(), address)
