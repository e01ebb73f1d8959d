"""Request steps: a request that is not a complaint, noted, its details gathered, filed with when it happens.

"Please delete my account and data", "stop your marketing emails": nothing
went wrong, so there is no apology for a fault and no remedy offered. What the
team does, what the bot asks first and when it happens are policy/requests.yml
(calmdesk.desk.requests); the ticket (category "other" unless the policy says, e.g. "cancellation") names the request.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions._support import Speaker, as_sentence, engine, latest_text, next_seq, save_ticket
from calmdesk import mail
from calmdesk.conversation.request_wording import question_after_filing
from calmdesk.conversation.signals import Signals
from calmdesk.desk.details import is_given
from calmdesk.desk.requests import Request, default_requests
from calmdesk.taxonomy import anger_rank

# Cleared when a request starts, as for a new complaint; the email stays (same customer).
_CLEARED = ("order_number", "remedy", "offered_remedies", "offer_situation", "wanted_remedy", "pending_problems")
# Where a complaint stands, kept while a request told in the middle of it is handled, then put back.
_PARKED = ("category", "stage", "asking", "asked", "complaint_seq", "order_number", "problem_description", "remedy",
           "offered_remedies", "offer_situation", "wanted_remedy", "ticket_reference", "anger_level", "pending_problems",
           "request")


def of(tracker: Tracker) -> Request | None:
    """The request being handled in this conversation, if the current case is one."""
    kind = tracker.get_slot("request")
    return default_requests().get(kind) if kind else None


def start(tracker: Tracker, speaker: Speaker, kind: str, signals: Signals, aside: bool = False,
          own_order: str | None = None, same_order: bool = False) -> list[EventType]:
    """Say what will be done (no apology for a fault that did not happen) and file it at once.

    ``aside``: told in the middle of a complaint ("oh and stop sending me marketing emails"); the complaint is
    parked and put back once the request is filed (``back_to_complaint``), and its order goes on a request that
    needs one ("and a vat invoice for it"). ``own_order``: the request's own order ("cancel my other order 7712-498"),
    never the complaint's. ``same_order``: told after the last case was settled, about its order ("oh and the invoice
    has my old surname on it"), which a request that needs one takes instead of asking again.
    """
    request = default_requests()[kind]
    slots: dict[str, Any] = {name: None for name in _CLEARED}
    order = tracker.get_slot("order_number")
    if is_given(order) and (tracker.get_slot("ticket_reference") is None
                            or (aside or same_order) and "order_number" in request.needs):
        slots["order_number"] = order  # given before the request ("7712309"), or the complaint's
    if own_order:
        slots["order_number"] = own_order
    slots["parked_complaint"] = {name: tracker.get_slot(name) for name in _PARKED} if aside else None
    slots.update({"category": request.category, "request": kind, "stage": "details", "anger_level": signals.anger,
                  "complaint_seq": float(next_seq(tracker)), "ticket_reference": None, "asking": None,
                  "asked": {}, "problem_description": f"Request ({kind.replace('_', ' ')}): {signals.text}"})
    if anger_rank(signals.anger) >= anger_rank("frustrated"):
        speaker.say("utter_request_noted_upset", request=request.does)  # "3 a day is ridiculous": heard
    else:
        speaker.say("utter_request_noted", request=request.does)
    ticket = save_ticket(tracker, speaker.said, slots=slots)
    slots["ticket_reference"] = ticket["reference"]
    return [SlotSet(name, value) for name, value in slots.items()]


def file(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """Everything needed is there: say when it happens, keep the ticket open for the team, confirm by email."""
    request = of(tracker)
    reference = tracker.get_slot("ticket_reference")
    emailed = mail.will_email(engine(), tracker.get_slot("customer_email"))
    timeline = request.timeline_for(emailed)
    if any(name.startswith("utter_request_noted") for name in speaker.said_names()):
        # Everything was in the first message: what the team does was just said, so only when, and the reference.
        sentence = as_sentence(timeline)
        if emailed:
            speaker.say("utter_request_filed_at_once", timeline_sentence=sentence, reference=reference)
        else:
            speaker.say("utter_request_filed_at_once_no_email", timeline_sentence=sentence, reference=reference)
    elif emailed:
        speaker.say("utter_request_filed", request=request.does, timeline_sentence=as_sentence(timeline), reference=reference)
    else:
        speaker.say("utter_request_filed_no_email", request=request.does, timeline_sentence=as_sentence(timeline),
                    reference=reference)
    # Answered in the message that gave the last detail ("old is r@work.example.com and new is r@home.example.com")
    # as well as in the first: not asked again, and what they said goes on the ticket.
    told, latest = tracker.get_slot("problem_description") or "", latest_text(tracker)
    question = question_after_filing(request, told, latest)
    slots: dict[str, Any] = {}
    if not question and latest and latest not in told and question_after_filing(request, told):
        slots["problem_description"] = f"{told} Customer added: {latest}".strip()
    if question:
        speaker.say("utter_request_ask", question=question)  # "What's the new address?": it goes on the ticket
    elif not _goes_on(tracker):
        speaker.say("utter_anything_else")
    save_ticket(tracker, speaker.said, slots=slots, status="open")
    mail.confirm_request(engine(), reference, request.does, timeline)
    return [*(SlotSet(name, value) for name, value in slots.items()), SlotSet("stage", "wrap_up"),
            SlotSet("asking", "request_note" if question else None)]


def add_note(tracker: Tracker, speaker: Speaker, text: str) -> list[EventType]:
    """The answer to the request's question ("14 Elm Road, Leeds"), or a wish about it ("can it go to my work
    address"): on the ticket, for the team. A wish while its details are asked waits for them (asked next); one after
    filing that needs an answer (where to send it) asks it, once."""
    reference = tracker.get_slot("ticket_reference")
    description = f"{tracker.get_slot('problem_description') or ''} Customer added: {text}".strip()
    speaker.say("utter_request_note_added", reference=reference)
    filed, answering = tracker.get_slot("stage") == "wrap_up", tracker.get_slot("asking") == "request_note"
    question = None if answering or not filed else question_after_filing(of(tracker), text)
    if question:
        speaker.say("utter_request_ask", question=question)
    elif filed and not _goes_on(tracker):
        speaker.say("utter_anything_else")
    save_ticket(tracker, speaker.said, slots={"problem_description": description}, **({"status": "open"} if filed else {}))
    events = [SlotSet("problem_description", description)]
    if filed:
        events.append(SlotSet("asking", "request_note" if question else None))
    return events


def withdraw(tracker: Tracker, speaker: Speaker, text: str) -> list[EventType]:
    """"Actually no wait dont, keep it": the request is called off. Nothing changes, and the ticket is closed with
    the customer's words on it, so the team does not act on it (no email asked for, no "sorry" for a fault)."""
    reference = tracker.get_slot("ticket_reference")
    description = f"{tracker.get_slot('problem_description') or ''} Withdrawn by the customer: {text}".strip()
    if reference:
        speaker.say("utter_request_withdrawn", reference=reference)
        save_ticket(tracker, speaker.said, slots={"problem_description": description}, status="closed")
    else:
        speaker.say("utter_request_withdrawn_unfiled")
    if not _goes_on(tracker):
        speaker.say("utter_anything_else")
    return [SlotSet("problem_description", description), SlotSet("stage", "wrap_up"), SlotSet("asking", None)]


def _goes_on(tracker: Tracker) -> bool:
    """A complaint waits (parked, or told in the same message): the bot goes on to it, no "anything else?"."""
    return bool(tracker.get_slot("parked_complaint") or tracker.get_slot("pending_problems"))


def back_to_complaint(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """The request told in the middle of a complaint is filed: the complaint is where it was, said so.

    Its next tickets are numbered after the request's (``highest_seq``), so the request's ticket is never reused.
    """
    slots: dict[str, Any] = {**tracker.get_slot("parked_complaint"), "parked_complaint": None,
                             "highest_seq": tracker.get_slot("complaint_seq")}
    speaker.say("utter_back_to_complaint")
    return [SlotSet(name, value) for name, value in slots.items()]


def how_long(tracker: Tracker, speaker: Speaker) -> None:
    """"How long will that take?" about the request: its own timeline, never a guess."""
    request = of(tracker)
    emailed = mail.will_email(engine(), tracker.get_slot("customer_email"))
    speaker.say("utter_how_long_request", request=request.does, timeline_sentence=as_sentence(request.timeline_for(emailed)))
