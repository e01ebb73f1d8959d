"""Rasa carries out only the commands our buttons send; a typed "/restart" is read as words.

Why this exists
---------------
Rasa's NLU ends with ``RegexMessageHandler``: any message starting with "/" is
taken as an intent with entities, whatever the channel, and the classifiers'
reading is thrown away. A customer who types "/restart" wipes their own
conversation, '/inform{"email": "x@y.z"}' sets an entity without being read,
"/handback" looks like staff handing the chat back. The fuzzer (make fuzz)
found 181 such turns that Rasa carried out without a word.

What it does
------------
``install()`` wraps ``RegexMessageHandler.process`` so that it unpacks only
the payloads our buttons send (calmdesk.conversation.buttons); any other "/..."
keeps the reading the pipeline gave its text (usually the fallback, so the bot
asks again), is stored as the customer wrote it, and is filed on the ticket as
words.

Where it is installed
---------------------
``channels/masked.py`` calls ``install()`` beside components/rasa_speedups.py:
``rasa run`` imports it for credentials.yml, so every channel of the server is
guarded, and training (which reads "/intent" in stories) is untouched.
tests/test_typed_commands.py runs the patched handler on Rasa messages.
"""
from __future__ import annotations

from typing import Any, List, Optional

from calmdesk.conversation.buttons import is_typed_command

rasa_original = None


def process(self: Any, messages: List[Any], domain: Optional[Any] = None) -> List[Any]:
    """Rasa's ``RegexMessageHandler.process`` for button payloads; typed commands stay as the pipeline read them."""
    from rasa.shared.nlu.constants import TEXT

    typed = [is_typed_command(message.get(TEXT) or "") for message in messages]
    unpacked = iter(rasa_original(self, [m for m, words in zip(messages, typed) if not words], domain))
    return [message if words else next(unpacked) for message, words in zip(messages, typed)]


def installed() -> bool:
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler

    return RegexMessageHandler.process is process


def install() -> bool:
    """Guard Rasa's command syntax in this process; True once the guard is active."""
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler

    global rasa_original
    if RegexMessageHandler.process is not process:
        rasa_original = RegexMessageHandler.process
        RegexMessageHandler.process = process
    return True
