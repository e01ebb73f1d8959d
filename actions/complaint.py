"""The complaint steps: acknowledge it, gather the missing details, hear the venting.

Playbook rules 1-4: acknowledge the feeling and the specific problem before
anything else, let the customer vent without losing what was gathered, and
ask only for what is still missing. Every complaint gets a ticket at once, so
nothing is lost if the customer leaves half-way.
"""
from __future__ import annotations

import re

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions._support import (
    Speaker,
    anger_slots,
    category,
    complaint_seq,
    engine,
    incident_settings,
    latest_text,
    next_seq,
    peak_anger,
    recent_anger,
    rising_for_two_turns,
    save_ticket,
)
from actions import followup, requests
from actions.handoff import hand_off, picked_up_by
from calmdesk import mail
from calmdesk.understanding import order_numbers
from calmdesk.conversation import online
from calmdesk.conversation.wording import ANOTHER_CASE, SAME_ORDER
from calmdesk.conversation.signals import Signals
from calmdesk.desk import incidents, tickets
from calmdesk.desk.details import (MAX_ASKS, NOT_GIVEN, describe_problem, is_given, likely_meant, list_orders, orders_in,
                                   say_orders)
from calmdesk.conversation.problem_told import refined_description
from calmdesk.conversation.reflect import reflect_problem
from calmdesk.conversation.safety import safety_risk
from calmdesk.taxonomy import REQUIRED_DETAILS

# Cleared when a new complaint starts; the email stays (same customer).
_DETAIL_SLOTS = ("order_number", "problem_description", "remedy", "offered_remedies", "offer_situation", "wanted_remedy",
                 "request", "parked_complaint")


# What is cancelled when it is not an order: nothing to ask an order number for.
_NO_ORDER = re.compile(r"\b(?:subscription|membership|member ?ship|plan|premium|account|auto-?renew\w*|direct debit|"
                       r"newsletter|contract)\b", re.I)


def start(tracker: Tracker, speaker: Speaker, category: str, signals: Signals) -> list[EventType]:
    """A new complaint: acknowledge the feeling and the problem, apologise, file the ticket at once.

    Details from an earlier complaint are dropped (the email stays: it is the
    same customer), except its order for a problem that needs one and names
    none or another ("the charger wasn't in the box either": said back, so it
    can be corrected); the ones in this very message are kept by the next step.
    """
    slots: dict[str, Any] = {name: None for name in _DETAIL_SLOTS}
    quoted = tracker.get_slot("quoted_case")  # "CD-7K3M9Q, and the remote is missing too": that case goes on
    chased = followup.chased_case(quoted, category, signals)
    category = chased["category"] if chased else category
    order = tracker.get_slot("order_number")
    if (tracker.get_slot("ticket_reference") is None or quoted) and is_given(order):
        slots["order_number"] = order  # given before any problem was told ("7712309"), or the quoted case's
    same_order = not quoted and _same_order(tracker, category, signals)
    if same_order:  # "oh also the charger wasnt in the box either": the order just talked about
        slots["order_number"] = order
    if _no_order_to_ask(category, signals):
        slots["order_number"] = NOT_GIVEN
    vague = category == "other" and (signals.vent or signals.not_understood)
    slots.update({"category": category, "stage": "details", "complaint_seq": float(next_seq(tracker)),
                  "anger_level": signals.anger, "ticket_reference": None, "asking": None, "asked": {},
                  # A rant is not a description of what happened: the bot asks for that first.
                  # Three words can say it when the category is known ("toaster doesnt heat"), or two naming the
                  # thing and its fault ("parcel missing").
                  "problem_description": None if vague else describe_problem(
                      signals.text, min_words=3 if category != "other" else 4, short_fault=category != "other")})
    if chased:
        # A chase ("still nothing arrived"): that very case, open again for the team, not a new ticket linked to it.
        # What was agreed did not do it: the offer treats it as a repeat (tickets.REOPENED).
        case = tickets.reopen_ticket(engine(), quoted, tracker.sender_id, int(slots["complaint_seq"]), signals.text)
        slots["problem_description"] = case["description"]
    elif quoted:
        # Staff see which case this follows (the customer may not have quoted it in this very message).
        slots["problem_description"] = f"Follow-up to {quoted}: {slots['problem_description'] or signals.text}"
    if quoted:
        slots["quoted_case"] = None
    told = signals.first_problem if category == signals.category else ""
    events = _acknowledge(tracker, speaker, category, signals.text, slots, new=True, said_back=told)
    if chased and chased["status"] in ("open", "awaiting_agent"):
        speaker.say("utter_case_chased", reference=quoted)  # still being worked on: the chase is on it
    elif chased:
        speaker.say("utter_case_reopened", reference=quoted)
    if same_order:
        speaker.say("utter_same_order_kept", value=say_orders(order))  # said, so it can be corrected
    return events


def _same_order(tracker: Tracker, category: str, signals: Signals) -> bool:
    """A second problem that needs an order, told with none, pointing back at the last ("... in the box either")."""
    return (bool(tracker.get_slot("ticket_reference")) and is_given(tracker.get_slot("order_number"))
            and not signals.order_numbers and bool(SAME_ORDER.search(signals.text))
            and not ANOTHER_CASE.search(signals.text) and category in order_numbers.default_policy().required_for)


def _no_order_to_ask(category: str, signals: Signals) -> bool:
    """A membership or subscription cancelled, a fault in our app or site: there is no order number to ask for."""
    if signals.order_numbers:
        return False
    return (category == "cancellation" and bool(_NO_ORDER.search(signals.text))
            or online.is_online(signals.text, category))


def note_more_problems(tracker: Tracker, speaker: Speaker, problems: list[dict], for_person: bool = False) -> list[EventType]:
    """Other problems told in the same message: said back, kept on this ticket, handled next.

    ``for_person``: a person was asked for in the same message; the person takes them all from the ticket, so none
    waits for the bot (it would start on one when the person hands back).
    """
    first = problems[0]
    request = requests.default_requests().get(first.get("request"))  # "...and separately the invoice has my name wrong"
    problem = (f"your request for the team to {request.does}" if request
               else reflect_problem(first["text"], first["category"]))
    if for_person:
        speaker.say("utter_more_problems_for_person", problem=problem)
    else:
        speaker.say("utter_more_problems_noted", problem=problem)
    description = tracker.get_slot("problem_description") or ""
    also = " ".join(f"Also mentioned: {p['text']}." for p in problems)
    pending = [] if for_person else [{key: p[key] for key in ("category", "text", "request") if key in p} for p in problems]
    slots = {"pending_problems": pending, "problem_description": f"{description} {also}".strip()}
    save_ticket(tracker, speaker.said, slots=slots)
    return [SlotSet(name, value) for name, value in slots.items()]


def refine(tracker: Tracker, speaker: Speaker, category: str, signals: Signals) -> list[EventType]:
    """A vague complaint becomes specific: the same ticket takes the real category, and the bot says it back."""
    slots: dict[str, Any] = {"category": category, "stage": "details", "asking": None,
                             "anger_level": peak_anger(tracker)}
    described = describe_problem(signals.text)
    if described or not tracker.get_slot("problem_description"):
        slots["problem_description"] = refined_description(described or signals.text, tracker.get_slot(
            "problem_description"), tracker.get_slot("category"))
    if not tracker.get_slot("order_number") and _no_order_to_ask(category, signals):
        slots["order_number"] = NOT_GIVEN
    return _acknowledge(tracker, speaker, category, signals.text, slots, new=False)


def _acknowledge(tracker: Tracker, speaker: Speaker, category: str, text: str, slots: dict[str, Any],
                 new: bool, said_back: str = "") -> list[EventType]:
    """The feeling and the problem said back (``said_back``: the first problem's own words when several were told,
    "the tap leaks" not "...and i was charged twice"), the safety line on any risk in the whole message, the ticket."""
    incident = incidents.incident_notice(engine(), category)
    if incident:
        # A known incident: say so openly first (playbook rule 20), not as if it were news.
        speaker.say("utter_known_incident", incident_message=incident["public_message"])
    else:
        speaker.say(f"utter_acknowledge_{slots['anger_level']}", problem=reflect_problem(said_back or text, category))
    if new and safety_risk(text):
        speaker.say("utter_safety_first")  # "it sparks when i turn it on": stop using it, before anything else
    ticket = save_ticket(tracker, speaker.said, slots=slots)
    slots["ticket_reference"] = ticket["reference"]
    if incident:
        incidents.link_ticket(engine(), ticket["reference"], incident["reference"])
    elif new:
        # Many customers with the same fault at once: suggest an incident for
        # staff to confirm (policy/incidents.yml sets how many, how fast).
        settings = incident_settings()
        incidents.detect_incidents(engine(), tickets=settings.detection_tickets, minutes=settings.detection_minutes)
    return [SlotSet(name, value) for name, value in slots.items()]


DETAIL_LABELS = {"order_number": "order number", "customer_email": "email", "problem_description": "description"}


def keep_detail(tracker: Tracker, speaker: Speaker, detail: str, value: str, signals: Signals) -> list[EventType]:
    """A detail in any message is kept; a changed one is a correction, confirmed with its new value."""
    slots: dict[str, Any] = {detail: value}
    if tracker.get_slot("asking") == detail:
        slots["asking"] = None
    before = tracker.get_slot(detail)
    reference = tracker.get_slot("ticket_reference")
    orders = orders_in(value) if detail == "order_number" else []
    if len(orders) > 1:
        # Several orders: said back, so the customer hears that none was dropped (and none replaced another).
        speaker.say("utter_detail_noted", detail="orders", value=list_orders(value))
    typo = likely_meant(value) if detail == "customer_email" and not signals.wants_person else None
    if typo and not tracker.get_slot("email_suggested"):
        # "jane@exmaple.com": a confirmation sent there goes nowhere. Asked once; the address typed is kept meanwhile.
        speaker.say("utter_ask_email_typo", value=value, suggestion=typo)
        slots["email_suggested"] = typo
    elif detail != "problem_description":
        if detail == "customer_email" and tracker.get_slot("email_suggested"):
            slots["email_suggested"] = value  # a new address answers "did you mean ...?": no yes is owed any more
        if is_given(before) and before != value and reference:
            speaker.say("utter_detail_updated", detail=DETAIL_LABELS[detail], value=value, reference=reference)
        elif (is_given(before) and before != value or tracker.get_slot("asking") not in (None, detail)
              or reference and tracker.get_slot("stage") != "details"
              or detail == "customer_email" and "@" not in signals.text
              or signals.correction or detail == "order_number" and order_numbers.said_back(value)):
            # Given while something else was asked, after the ticket was filed, spelled out ("sue dot baker at
            # example dot com"), corrected in the same breath ("x@a.com no wait, y@a.com") or in a format with
            # slashes ("ORD/2291/88"): say it back, so a misreading is caught before anything is sent there.
            speaker.say("utter_detail_noted", detail=DETAIL_LABELS[detail], value=value)
    if reference:
        save_ticket(tracker, speaker.said, slots=slots)
    return [SlotSet(name, value) for name, value in slots.items()]


def go_on_without(tracker: Tracker, speaker: Speaker, detail: str, asked_for: bool) -> list[EventType]:
    """No loops: the customer cannot give it (or two asks did not get it), so the bot goes on without it."""
    if asked_for:
        speaker.say("utter_cannot_give_ok", detail=DETAIL_LABELS[detail])
    else:
        speaker.say("utter_detail_skipped", detail=DETAIL_LABELS[detail])
    slots = {detail: NOT_GIVEN, "asking": None}
    if tracker.get_slot("ticket_reference"):
        save_ticket(tracker, speaker.said, slots=slots)
    return [SlotSet(name, value) for name, value in slots.items()]


def not_visible(tracker: Tracker, speaker: Speaker, detail: str) -> list[EventType]:
    """"You should have my email": kindly, the bot cannot see their account; the detail is asked once more (at most
    twice in all), or the conversation goes on without it."""
    speaker.say("utter_detail_not_visible", detail=DETAIL_LABELS[detail])
    return []


def required_details(tracker: Tracker) -> list[str]:
    """What this complaint (or request) still needs, in the order it is asked."""
    request = requests.of(tracker)
    if request is not None:
        return list(request.needs)  # policy/requests.yml: "needs"
    cat = category(tracker)
    required = [d for d in REQUIRED_DETAILS[cat] if d != "order_number"]
    if cat in order_numbers.default_policy().required_for:
        required.insert(0, "order_number")
    if cat == "other":
        # Nothing specific yet: what happened comes first, whatever the anger.
        return ["problem_description", *[d for d in required if d != "problem_description"]]
    if tracker.get_slot("anger_level") in ("angry", "abusive"):
        # Playbook: fewer questions for an angry customer. What they already
        # wrote goes on the ticket as the description; we don't ask again.
        required = [d for d in required if d != "problem_description"]
    return required


def next_detail(tracker: Tracker, speaker: Speaker, missed: bool, may_wait: bool = True) -> list[EventType]:
    """Ask the next missing detail, at most twice each; after that, go on without it.

    ``missed``: the customer's message did not give what was asked (the
    question is then asked with a hint, "it looks like #1001"). ``may_wait``:
    after two asks, a message that was answered in its own right (a question)
    waits for the detail once more; venting does not, or the conversation
    would stop there.
    """
    events: list[EventType] = []
    asked = dict(tracker.get_slot("asked") or {})
    for detail in required_details(tracker):
        value = tracker.get_slot(detail)
        if value:
            continue
        if asked.get(detail, 0) >= MAX_ASKS:
            if not missed and may_wait:
                return events  # asked twice; the customer asked something back: wait, don't ask a third time
            skipped = go_on_without(tracker, speaker, detail, asked_for=False)
            events += skipped
            tracker.slots.update({e["name"]: e["value"] for e in skipped})
            continue
        policy = order_numbers.default_policy()
        if missed and tracker.get_slot("asking") == detail:  # with a hint: "it looks like #1001"
            speaker.say(f"utter_ask_{detail}_again", example=policy.example, where=policy.where)
        elif detail == "customer_email" and not mail.settings().enabled:  # email off: no "I'll send updates there"
            speaker.say("utter_ask_customer_email_no_email")
        else:
            speaker.say(f"utter_ask_{detail}", example=policy.example, where=policy.where)
        asked[detail] = asked.get(detail, 0) + 1
        return events + [SlotSet("asking", detail), SlotSet("asked", asked)]
    return events + [SlotSet("asking", None)]


def resolved_itself(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """"Never mind, it just turned up": glad, the ticket closed with the customer's words on it, nothing more asked."""
    reference = tracker.get_slot("ticket_reference")
    speaker.say("utter_resolved_itself", reference=reference or "your case")
    if reference:
        save_ticket(tracker, speaker.said, status="closed")
    return [SlotSet("stage", None), SlotSet("asking", None)]


def leave(tracker: Tracker, speaker: Speaker, call_back: bool = False) -> list[EventType]:
    """"Forget it": keep what was given on the ticket, say where it stands, close kindly.

    Waiting for a person nobody could give live ("gotta go to work, just call me"): the case stays with the team
    (still awaiting a person) and when they pick it up is said; ``call_back``, a wish to be called, goes on the ticket.
    """
    reference = tracker.get_slot("ticket_reference")
    picked_up = picked_up_by(tracker) if reference and tracker.get_slot("stage") == "handed_off" else None
    if picked_up:
        if call_back:
            speaker.say("utter_leave_call_back_noted", reference=reference, reply_by=picked_up)
        else:
            speaker.say("utter_leave_person_picks_up", reference=reference, reply_by=picked_up)
        told = tracker.get_slot("problem_description") or ""
        slots = {"problem_description": f"{told} Customer asked to be called back: {latest_text(tracker)}".strip()} \
            if call_back else {}
        ticket = save_ticket(tracker, speaker.said, slots=slots)
        mail.confirm(engine(), reference, ticket["description"])  # "a person follows up": in writing, as on leaving
        return [*(SlotSet(name, value) for name, value in slots.items()), SlotSet("stage", None), SlotSet("asking", None)]
    if reference and tracker.get_slot("stage") in ("details", "remedy_offered", "handoff_offered", "handed_off"):
        emailed = mail.will_email(engine(), tracker.get_slot("customer_email"))
        if emailed:
            speaker.say("utter_leave_ticket_kept", reference=reference)
        else:
            speaker.say("utter_leave_ticket_kept_no_email", reference=reference)
        ticket = save_ticket(tracker, speaker.said, status="open")
        mail.confirm(engine(), reference, ticket["description"])  # "our team will follow up by email": in writing
    else:
        speaker.say("utter_goodbye")
    return [SlotSet("stage", None), SlotSet("asking", None)]


def hear_venting(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """A rant is heard, not treated as an error.

    Abuse gets one calm boundary; if it repeats, a person takes over. Anger
    that rose over the last two messages gets an offer of a person (a button
    the customer can tap at any point; the bot carries on otherwise).
    """
    levels = recent_anger(tracker, turns=10)
    anger = anger_slots(tracker, levels)
    if anger["anger_current"] == "abusive" and levels[:-1].count("abusive") >= 1:
        speaker.say("utter_abuse_handoff")
        return hand_off(tracker, speaker, slots=anger)
    agreed = tracker.get_slot("stage") == "wrap_up" and bool(tracker.get_slot("ticket_reference"))
    no_complaint_open = complaint_seq(tracker) == 0 or tracker.get_slot("stage") in (None, "wrap_up") and not agreed
    if anger["anger_current"] == "abusive":
        speaker.say("utter_vent_boundary")
        if no_complaint_open:
            speaker.say("utter_ask_problem_description")
    elif agreed:
        # Upset after it was agreed: heard, where it stands, and a person on offer; no "what happened?" again.
        speaker.say("utter_vent_after_agreed", reference=tracker.get_slot("ticket_reference"))
    elif no_complaint_open:
        speaker.say("utter_ask_problem_description_after_vent")
    else:
        speaker.say("utter_vent_acknowledge")
    if rising_for_two_turns(levels):
        speaker.say("utter_offer_human_rising")
    if complaint_seq(tracker) and tracker.get_slot("ticket_reference"):
        save_ticket(tracker, speaker.said, slots=anger)
    return [SlotSet(name, value) for name, value in anger.items()]
