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

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, ReminderScheduled, SlotSet

from actions._support import Speaker, engine, next_seq, policy, save_ticket
from calmdesk import mail
from calmdesk.conversation.plan import OPEN
from calmdesk.conversation.reflect import reflect_problem
from calmdesk.conversation.signals import Signals
from calmdesk.conversation.wording import chases
from calmdesk.desk import incidents, tickets
from calmdesk.desk.details import is_given
from calmdesk.desk.feedback import follow_up_time
from calmdesk.desk.remedy_matching import PLAIN_NAMES

SKIPPED = "skipped"
_NOTHING = re.compile(r"^\s*(?:no+|nope|nothing|nah|no thanks?|no thank you|that'?s all|all good|skip)\W*$", re.I)


def _ticket(tracker: Tracker) -> dict | None:
    reference = tracker.get_slot("ticket_reference")
    return tickets.get_ticket(engine(), reference) if reference else None


def start_rating(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """"Anything else?" - "no": how did we do, 1 to 5?"""
    if not tracker.get_slot("ticket_reference"):
        speaker.say("utter_goodbye")
        return [SlotSet("stage", None)]
    speaker.say("utter_ask_satisfaction_score")
    return [SlotSet("stage", "rating"), SlotSet("asking", "satisfaction_score"),
            SlotSet("satisfaction_score", None), SlotSet("satisfaction_comment", None)]


def rate(tracker: Tracker, speaker: Speaker, signals: Signals) -> list[EventType]:
    """The score (buttons or words; "no" skips), then an optional comment, then thanks and the check-in."""
    asking = tracker.get_slot("asking")
    text = signals.text
    if asking == "satisfaction_score":
        if signals.score:
            speaker.say("utter_ask_satisfaction_comment")
            return [SlotSet("satisfaction_score", str(signals.score)), SlotSet("asking", "satisfaction_comment")]
        if signals.deny or _NOTHING.match(text) or signals.leaving or signals.thanks:
            return [SlotSet("satisfaction_score", SKIPPED), *record(tracker, speaker, SKIPPED, None)]
        if (tracker.get_slot("asked") or {}).get("satisfaction_score", 0) >= 1:
            return [SlotSet("satisfaction_score", SKIPPED), *record(tracker, speaker, SKIPPED, None)]
        speaker.say("utter_invalid_satisfaction_score")
        return [SlotSet("asked", {**(tracker.get_slot("asked") or {}), "satisfaction_score": 1})]
    comment = " ".join(text.split())
    skipped = not comment or signals.deny or bool(_NOTHING.match(comment))
    return record(tracker, speaker, tracker.get_slot("satisfaction_score"), None if skipped else comment)


def record(tracker: Tracker, speaker: Speaker, score: str | None, comment: str | None) -> list[EventType]:
    """Store the rating, schedule the check-in, say goodbye."""
    ticket = _ticket(tracker)
    events: list[EventType] = [SlotSet("stage", None), SlotSet("asking", None),
                               SlotSet("satisfaction_comment", comment or SKIPPED)]
    if ticket and score and score != SKIPPED:
        tickets.record_satisfaction(engine(), ticket["reference"], int(score), comment)
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


def check_in(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """The scheduled check-in: did the fix hold?"""
    ticket = _ticket(tracker)
    if ticket:
        speaker.say("utter_check_in", reference=ticket["reference"])
    return [SlotSet("stage", "check_in")]


def greet(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """Hello, and for a customer who comes back: what changed in the incident that hit them."""
    ticket = _ticket(tracker)
    if ticket and ticket.get("incident"):
        seen = tracker.get_slot("incident_news_seen_at") or ticket["created_at"]
        news = incidents.updates_since(engine(), ticket["incident"], datetime.fromisoformat(seen))
        if news:
            speaker.say("utter_incident_update", update=news[-1]["message"], reference=ticket["reference"])
            return [SlotSet("incident_news_seen_at", datetime.now(timezone.utc).isoformat())]
    if tracker.get_slot("stage") in OPEN:
        speaker.say("utter_still_here")  # "hi?" half-way: the conversation goes on where it was
    else:
        speaker.say("utter_greet")
    return []


# Where a case stands, in the customer's words (ticket statuses: calmdesk.taxonomy.TICKET_STATUSES).
_STANDING = {"open": "it's open, and the team has everything you told us",
             "awaiting_agent": "it's waiting for a person from our team, who will reply here",
             "resolved": "it's sorted: {remedy} was agreed",
             "closed": "it's closed"}


def look_up(tracker: Tracker, speaker: Speaker, reference: str) -> list[EventType]:
    """"CD-7QK2LM, any update?": where that case stands, read from the ticket, not guessed.

    Only the problem in a few words and the status are said (no email, no order number): whoever holds
    a reference may hear that much; the bot told them to quote it ("nobody will ask you to start over").
    """
    ticket = tickets.get_ticket(engine(), reference)
    if ticket is None:
        speaker.say("utter_reference_unknown", reference=reference)
        return []
    accepted = next((r["kind"] for r in ticket["remedies"] if r["status"] in ("accepted", "fulfilled")), None)
    standing = _STANDING.get(ticket["status"], "it's with our team").format(remedy=PLAIN_NAMES.get(accepted, "a remedy"))
    if ticket["status"] == "resolved" and accepted is None:
        standing = "it's sorted"
    speaker.say("utter_reference_status", reference=ticket["reference"],
                problem=reflect_problem(ticket.get("description"), ticket["category"]), standing=standing)
    # What they add is about this case: its details are known (and not said: a reference shows only the above).
    slots = {"quoted_case": ticket["reference"]}
    for detail in ("order_number", "customer_email"):
        if ticket.get(detail) and not is_given(tracker.get_slot(detail)):
            slots[detail] = ticket[detail]
    return [SlotSet(name, value) for name, value in slots.items()]


def chased_case(quoted: str | None, category: str, signals: Signals) -> dict | None:
    """The quoted case when this message chases it (calmdesk.conversation.wording.chases), else None."""
    old = tickets.get_ticket(engine(), quoted) if quoted else None
    return old if old and chases(old["category"], category, signals.text, signals.category_confidence) else None


def agreed_case(reference: str) -> dict | None:
    """The quoted case if a remedy was agreed on it and nobody is being waited for: news that it has not happened
    ("still no money") is then a chase of what was agreed (``chase_case``). Otherwise the case is looked up, and a
    problem told with it goes on from it (actions/complaint.py)."""
    ticket = tickets.get_ticket(engine(), reference)
    if ticket is None or ticket["status"] == "awaiting_agent":
        return None
    return ticket if any(r["status"] in ("accepted", "fulfilled") for r in ticket["remedies"]) else None


def chase_case(tracker: Tracker, speaker: Speaker, ticket: dict) -> list[EventType]:
    """"CD-XPVN6Y any update? still no money": not "it's sorted". The news goes on the case, which is open again
    for the team (tickets.reopen_ticket); the customer hears that, and what was agreed with its timeline.

    The case carries on in this chat: its reference, number and category become the current ones, at the wrap-up
    (what was agreed stands; the team looks at why it has not happened).
    """
    reference = ticket["reference"]
    ours = ticket["conversation_id"] == tracker.sender_id
    seq = int(ticket["complaint_seq"]) if ours else next_seq(tracker)
    case = tickets.reopen_ticket(engine(), reference, tracker.sender_id, seq, tracker.latest_message.get("text") or "")
    speaker.say("utter_case_reopened", reference=reference)
    agreed = next(r["kind"] for r in ticket["remedies"] if r["status"] in ("accepted", "fulfilled"))
    remedy = next((r for recurrent in (False, True) for anger in ("calm", "angry")
                   if (r := policy().remedy(ticket["category"], agreed, recurrent=recurrent, anger=anger))), None)
    if remedy is not None:
        emailed = mail.will_email(engine(), ticket.get("customer_email"))
        speaker.say("utter_chase_agreed", remedy=PLAIN_NAMES.get(agreed, remedy.label), timeline=remedy.timeline_for(emailed))
    else:
        speaker.say("utter_chase_next")
    slots = {"ticket_reference": reference, "complaint_seq": float(seq), "category": ticket["category"],
             "problem_description": case["description"], "stage": "wrap_up", "remedy": agreed, "quoted_case": None}
    for detail in ("order_number", "customer_email"):
        if ticket.get(detail) and not is_given(tracker.get_slot(detail)):
            slots[detail] = ticket[detail]
    return [SlotSet(name, value) for name, value in slots.items()]
