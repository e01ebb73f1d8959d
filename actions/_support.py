"""What every action needs: the database, the policy, the bot's words, the ticket.

Kept private to the actions package. The engine and policy are created on
first use (never at import time) and cached for the life of the action server;
tests call ``reset()`` after pointing DATABASE_URL elsewhere.
"""
from __future__ import annotations

import random
import re
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Iterable

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from calmdesk.understanding.anger import read_anger
from calmdesk.db import make_engine
from calmdesk.desk import tickets
from calmdesk.desk.details import is_given
from calmdesk.desk.incidents import IncidentSettings, load_incident_settings
from calmdesk.desk.remedies import RemedyPolicy, load_policy
from calmdesk.desk.triage import priority_for
from calmdesk.taxonomy import CATEGORIES, anger_rank, anger_trend, max_anger

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=1)
def engine():
    return make_engine()


@lru_cache(maxsize=1)
def policy() -> RemedyPolicy:
    return load_policy()


@lru_cache(maxsize=1)
def incident_settings() -> IncidentSettings:
    return load_incident_settings()


def as_sentence(text: str) -> str:
    """"the money will be back ..." as a sentence of its own: "The money will be back ...."""
    return text[:1].upper() + text[1:] + "."


def reset() -> None:
    """Forget the cached engine, policy and settings (tests point them elsewhere)."""
    engine.cache_clear()
    policy.cache_clear()
    incident_settings.cache_clear()


class Speaker:
    """Says responses from the domain and remembers what was said.

    The bot renders its own words (rather than letting Rasa do it) so that
    each action knows the exact text it sent and can put it on the ticket's
    transcript in the same step. Values filled into a response are data: a
    customer's "{reference}" typed into chat is never interpreted.
    """

    def __init__(self, dispatcher: CollectingDispatcher, domain: dict[str, Any], history: Iterable[str] | None = None):
        self.dispatcher = dispatcher
        self.responses = domain.get("responses", {})
        # Every Speaker of one turn shares what was said (several steps speak in
        # one turn and each saves the transcript), and knows what the bot said
        # earlier in the conversation, so that no line is said three times.
        if not hasattr(dispatcher, "calmdesk_said"):
            dispatcher.calmdesk_said = []  # type: ignore[attr-defined]
            dispatcher.calmdesk_history = list(history or [])  # type: ignore[attr-defined]
        self.said: list[str] = dispatcher.calmdesk_said  # type: ignore[attr-defined]
        self.history: list[str] = dispatcher.calmdesk_history  # type: ignore[attr-defined]

    def say(self, name: str, buttons: list[dict] | None = None, **values: Any) -> str:
        variations = self.responses.get(name)
        if not variations:
            raise KeyError(f"response {name!r} is not in the domain")
        rendered = [(v, self._render(v, values)) for v in variations]
        # The least-said variation: the bot varies its words and never repeats a line a third time.
        said_before = self.history + self.said
        fewest = min(said_before.count(text) for _, text in rendered)
        variation, text = random.choice([(v, t) for v, t in rendered if said_before.count(t) == fewest])
        # utter_action: Rasa's own key for the response name; it lands in the bot
        # event's metadata, where conversation tests and the replay read it.
        self.dispatcher.utter_message(text=text, buttons=buttons or variation.get("buttons") or [], utter_action=name)
        self.said.append(text)
        return text

    def said_names(self) -> list[str]:
        """The response names said so far this turn."""
        return [m.get("utter_action") or "" for m in self.dispatcher.messages]

    @staticmethod
    def _render(variation: dict, values: dict[str, Any]) -> str:
        text = _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), variation.get("text", ""))
        return text[:1].upper() + text[1:]


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def complaint_seq(tracker: Tracker) -> int:
    return int(tracker.get_slot("complaint_seq") or 0)


def next_seq(tracker: Tracker) -> int:
    """The number of the conversation's next ticket: after the current one, and after a request filed in the
    middle of a complaint (actions/requests.py), whose number is above the complaint's."""
    return max(complaint_seq(tracker), int(tracker.get_slot("highest_seq") or 0)) + 1


def category(tracker: Tracker) -> str:
    value = tracker.get_slot("category")
    return value if value in CATEGORIES else "other"


def anger_of(message: dict | None) -> str:
    """The anger level of one parsed user message.

    The NLU pipeline's AngerDetector puts ``"anger"`` on every message; the
    rule-based reading is the fallback (a model without the detector, tests).
    """
    message = message or {}
    reading = message.get("anger") or {}
    return reading.get("level") or read_anger(message.get("text") or "").level


def recent_anger(tracker: Tracker, turns: int = 3) -> list[str]:
    """The anger levels of the customer's latest messages, oldest first."""
    levels = []
    for event in reversed(tracker.events):
        if event.get("event") == "user" and event.get("text"):
            levels.append(anger_of({**(event.get("parse_data") or {}), "text": event.get("text")}))
            if len(levels) == turns:
                break
    return levels[::-1]


def rising_for_two_turns(levels: list[str]) -> bool:
    """Each of the last two messages angrier than the one before (calm -> frustrated -> angry)."""
    return len(levels) >= 3 and anger_rank(levels[-3]) < anger_rank(levels[-2]) < anger_rank(levels[-1])


def anger_slots(tracker: Tracker, levels: list[str] | None = None) -> dict[str, str]:
    """What the conversation keeps about anger: the current level, the peak, the trend.

    ``levels``: the latest messages' levels if the caller already read them.
    """
    levels = recent_anger(tracker) if levels is None else levels
    current = levels[-1] if levels else "calm"
    return {"anger_current": current, "anger_level": max_anger(tracker.get_slot("anger_level"), current),
            "anger_trend": anger_trend(levels)}


def peak_anger(tracker: Tracker) -> str:
    """The complaint's anger peak, including the latest message."""
    return anger_slots(tracker)["anger_level"]


def transcript(tracker: Tracker, said: Iterable[str] = ()) -> list[tickets.TranscriptLine]:
    """The conversation so far as transcript lines, plus what this action just said."""
    lines = []
    for event in tracker.events:
        kind, text = event.get("event"), event.get("text")
        if kind not in ("user", "bot") or not text:
            continue
        at = datetime.fromtimestamp(event.get("timestamp") or 0, tz=timezone.utc)
        if kind == "user":
            sender = "customer"
        else:
            sender = "agent" if (event.get("metadata") or {}).get("agent") else "bot"
        lines.append(tickets.TranscriptLine(sender=sender, text=text, at=at))
    now = datetime.now(timezone.utc)
    lines.extend(tickets.TranscriptLine(sender="bot", text=text, at=now) for text in said)
    return lines


def save_ticket(tracker: Tracker, said: Iterable[str] = (), slots: dict[str, Any] | None = None, **fields: Any) -> dict:
    """Create or update the ticket of the current complaint from the tracker.

    ``slots`` are values this action is about to set (the tracker does not
    show them yet); ``fields`` override ticket fields such as status.
    """
    slots = slots or {}

    def slot(name: str) -> Any:
        return slots[name] if name in slots else tracker.get_slot(name)

    cat = slot("category") if slot("category") in CATEGORIES else "other"
    anger = slot("anger_level") or "calm"
    draft = tickets.TicketDraft(
        conversation_id=tracker.sender_id,
        complaint_seq=max(int(slot("complaint_seq") or 0), 1),
        category=cat,
        anger_level=anger,
        priority=priority_for(cat, anger),
        order_number=slot("order_number") if is_given(slot("order_number")) else None,
        customer_email=slot("customer_email") if is_given(slot("customer_email")) else None,
        description=slot("problem_description"),
        transcript=transcript(tracker, said),
    )
    for key, value in fields.items():
        setattr(draft, key, value)
    return tickets.save_ticket(engine(), draft, summary=True)
