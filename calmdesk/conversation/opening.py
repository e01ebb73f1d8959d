"""Whether a message opens the conversation: nothing said before it, by the customer or the bot.

Why: "hello??" as the very first message was met with "Yes, I'm still here with you." (a strangers' probe, round 15),
an answer to a wait that never happened. Nothing said yet, it is a greeting, met with an invitation to say what went
wrong.
"""
from __future__ import annotations

from typing import Any, Iterable


def opens_conversation(events: Iterable[dict[str, Any]]) -> bool:
    """Is the latest customer message the first thing said here (no earlier customer message, no bot message)?"""
    users = 0
    for event in events:
        kind = event.get("event")
        if kind == "bot" and event.get("text"):
            return False
        if kind == "user":
            users += 1
    return users <= 1
