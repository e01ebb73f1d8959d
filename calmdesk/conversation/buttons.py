"""The buttons the bot offers, and nothing else, may speak Rasa's command syntax.

Rasa reads any message that starts with "/" as a command: "/restart" wipes the
conversation, "/session_start" opens a new session, '/inform{"email": ...}'
sets an entity, "/handback" fakes a staff hand-back. A tapped button sends its
payload that way ("/affirm", '/choose_remedy{"remedy": "refund"}'), so the
syntax must stay for buttons; but a customer who *types* a command is writing
text, and text is data, never an instruction.

This module names the payloads our buttons send (domain/responses.yml and the
remedy buttons of actions/remedies.py; tests/test_data_consistency.py checks
every button there is one of them). ``button_payload`` reads one; anything else
that starts with "/" is the customer's words: components/typed_commands.py
keeps Rasa from carrying it out, and calmdesk.conversation.signals reads it as
text.
"""
from __future__ import annotations

import json
import re

from calmdesk.taxonomy import REMEDY_KINDS

# Button intents that carry no entities, and the one that carries a remedy.
PLAIN = frozenset({"affirm", "deny", "request_human"})
CHOOSE_REMEDY = "choose_remedy"

_PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$", re.S)


def button_payload(text: str) -> tuple[str, str | None] | None:
    """(intent, remedy) when ``text`` is exactly a payload one of our buttons sends, else None.

    "/affirm" -> ("affirm", None); '/choose_remedy{"remedy": "refund"}' ->
    ("choose_remedy", "refund"); "/restart", "/affirm{"x": 1}", '/choose_remedy{"remedy": "cash"}'
    and "/ affirm" -> None.
    """
    match = _PAYLOAD.match(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    intent, entities = match.group(1), match.group(2)
    if intent in PLAIN and entities is None:
        return intent, None
    if intent != CHOOSE_REMEDY or entities is None:
        return None
    try:
        fields = json.loads(entities)
    except ValueError:
        return None
    if isinstance(fields, dict) and set(fields) == {"remedy"} and fields["remedy"] in REMEDY_KINDS:
        return intent, fields["remedy"]
    return None


def is_typed_command(text: str) -> bool:
    """True for text in Rasa's command syntax that no button of ours sends: the customer typed it."""
    return isinstance(text, str) and text.strip().startswith("/") and button_payload(text) is None
