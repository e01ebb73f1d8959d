"""The mistyped email domain ("jo@gmial.com"): the one question about it, answered, explained, or passed by.

actions/complaint.py asks "did you mean jo@gmail.com?" once when an address looks like a slip
(calmdesk.desk.details.likely_meant); these steps take what comes back. A yes fixes the address (on the ticket
too, when one is filed), a no keeps it, "what? my email is fine" hears what looked wrong, and a remedy named
instead leaves the address as typed with the likely one noted for the team: never asked a third time.
"""
from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions._support import Speaker, save_ticket
from actions.complaint import DETAIL_LABELS
from calmdesk.conversation.signals import Signals
from calmdesk.conversation.wording import EMAIL_QUESTIONED
from calmdesk.desk.details import email_slip, unconfirmed_email_note


def answered(tracker: Tracker, speaker: Speaker, meant: bool) -> list[EventType]:
    """"Did you mean jane@example.com?" answered: yes takes the corrected address, no keeps the one typed."""
    typed, value = tracker.get_slot("customer_email"), tracker.get_slot("email_suggested")
    reference = tracker.get_slot("ticket_reference")
    if not meant or not value:
        speaker.say("utter_detail_noted", detail=DETAIL_LABELS["customer_email"], value=typed)
        return [SlotSet("email_suggested", typed)]  # answered: a later yes is not about the address
    if reference:
        speaker.say("utter_detail_updated", detail=DETAIL_LABELS["customer_email"], value=value, reference=reference)
        save_ticket(tracker, speaker.said, slots={"customer_email": value})
    else:
        speaker.say("utter_detail_noted", detail=DETAIL_LABELS["customer_email"], value=value)
    return [SlotSet("customer_email", value)]


def left_as_typed(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """"Did you mean jane@gmail.com?" passed by ("refund"): not asked a third time. The address stays as typed, the
    customer hears so with the likely one, and the team finds it noted on the ticket; the question is closed."""
    typed, meant = tracker.get_slot("customer_email"), tracker.get_slot("email_suggested")
    if not typed or not meant or typed == meant:
        return []
    speaker.say("utter_email_kept_as_typed", value=typed, suggestion=meant)
    description = f"{tracker.get_slot('problem_description') or ''} {unconfirmed_email_note(typed, meant)}".strip()
    slots = {"problem_description": description, "email_suggested": typed}
    if tracker.get_slot("ticket_reference"):
        save_ticket(tracker, speaker.said, slots=slots)
    return [SlotSet(name, value) for name, value in slots.items()]


def puzzled_by_question(tracker: Tracker, signals: Signals, said_last: tuple[str, ...]) -> bool:
    """"what? my email is fine" just after "did you mean ...?": what looked wrong is said, once (it is no question
    to put on the ticket for the team, and the mistyped address would stay)."""
    if "utter_ask_email_typo" not in said_last or signals.email or not EMAIL_QUESTIONED.search(signals.text or ""):
        return False
    typed, meant = tracker.get_slot("customer_email"), tracker.get_slot("email_suggested")
    explained = any((e.get("metadata") or {}).get("utter_action") == "utter_explain_email_typo" for e in tracker.events)
    return bool(typed and meant and typed != meant and not explained)


def explain(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """What looked wrong in the address ("it has .con, not .com"), and "did you mean ...?" put again."""
    typed, meant = tracker.get_slot("customer_email"), tracker.get_slot("email_suggested")
    speaker.say("utter_explain_email_typo", value=typed, suggestion=meant, slip=email_slip(typed, meant))
    return []
