"""The customer puts the bot's reading of their problem right: said back as they put it, the ticket corrected.

"no its not broken or anything, its the wrong colour" is not more venting: an apology would say the bot did not
listen again. Thanks for the correction, the problem said back in their words, the ticket's description (and category,
if it changed) corrected, then on where it was; nothing already given is asked again
(calmdesk.conversation.problem_told decides that it is a correction and what it says).
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions._support import Speaker, save_ticket
from calmdesk.conversation.problem_told import reread_description
from calmdesk.conversation.reflect import reflect_problem
from calmdesk.conversation.signals import Signals


def reread(tracker: Tracker, speaker: Speaker, category: str, signals: Signals) -> list[EventType]:
    description = reread_description(signals.text, tracker.get_slot("problem_description"))
    speaker.say("utter_problem_reread", problem=reflect_problem(description, category))
    # Back to the details: the offer (if one was made) is made again for the problem as it really is.
    slots: dict[str, Any] = {"problem_description": description, "category": category, "stage": "details",
                             "asking": None}
    save_ticket(tracker, speaker.said, slots=slots)
    return [SlotSet(name, value) for name, value in slots.items()]
