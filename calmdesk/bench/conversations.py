"""What the simulated customers say: realistic scripts with the same length for both bots.

calmdesk gets de-escalation conversations taken from the end-to-end tests: an
angry complaint with an order number, a rant mid-form, a mistyped then a
correct email, a remedy choice, the satisfaction rating and a comment. Each
conversation uses its own order number and email, as different customers
would (the same email three times would be a repeat complaint, handed to a
person, and the bot would rightly go quiet).

The starter bot (``rasa init``) knows only greetings, moods and "are you a
bot?", so its customers say those, with the same number of turns.

The long conversation (turn 5 against turn 60) repeats an 11-turn episode:
55 = 5 × 11, so turn 5 and turn 60 are the same step of the episode and only
the conversation's length differs between them.
"""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

TURNS_PER_CONVERSATION = 8


@dataclass(frozen=True)
class Message:
    text: str
    expects_reply: bool = True  # an empty answer to this message counts as an error


_OURS = (
    (
        "My TV arrived with a CRACKED SCREEN and nobody cares!!! Order {order}",
        "this is ridiculous, I've been waiting for WEEKS",
        "{name} at example dot com",
        "it's {email}",
        '/choose_remedy{{"remedy": "replacement"}}',
        "no, that's all",
        "4",
        "quick and kind, thanks",
    ),
    (
        "my parcel never arrived, order {order}, this is ridiculous",
        "I've been waiting for two weeks and nobody answers",
        "{email}",
        '/choose_remedy{{"remedy": "expedited_reship"}}',
        "no, that's all",
        "5",
        "no",
        "thanks, bye",
    ),
    (
        "I was charged twice for order {order}!!",
        "this is the second time this happens, unbelievable",
        "{email}",
        "yes",
        "no, that's all",
        "3",
        "you could answer faster",
        "thanks",
    ),
)

STARTER_MESSAGES = (
    "hello there",
    "I am very sad, extremely unhappy today",
    "yes, that helped",
    "are you a bot?",
    "good morning",
    "I am great, perfect",
    "am I talking to a human?",
    "goodbye",
)

# One complaint from greeting to goodbye; every message gets an answer.
_EPISODE = (
    "hi",
    "my parcel never arrived, order {order}, this is ridiculous",
    "this is ridiculous, I've been waiting for WEEKS",
    "{email}",
    '/choose_remedy{{"remedy": "refund"}}',
    "no, that's all",
    "4",
    "quick and kind, thanks",
    "thanks",
    "one more thing",
    "bye",
)
EPISODE_LENGTH = len(_EPISODE)


def _customer(rng: random.Random) -> dict[str, str]:
    name = f"bench{rng.randrange(10**8):08d}"
    return {"name": name, "email": f"{name}@example.com", "order": str(rng.randrange(10**6, 10**7))}


def ours(count: int, seed: int | None = None) -> list[list[Message]]:
    """``count`` calmdesk conversations of TURNS_PER_CONVERSATION turns, cycling through the scripts.

    Unseeded by default, so every run (and every phase) has customers of its own.
    """
    rng = random.Random(seed)
    conversations = []
    for script in itertools.islice(itertools.cycle(_OURS), count):
        fields = _customer(rng)
        conversations.append([Message(text.format(**fields)) for text in script])
    return conversations


def starter(count: int) -> list[list[Message]]:
    return [[Message(text) for text in STARTER_MESSAGES] for _ in range(count)]


def long_conversation(turns: int, seed: int | None = None) -> list[Message]:
    """One conversation of ``turns`` turns: the episode repeated, with a new order and email each time."""
    rng = random.Random(seed)
    messages: list[Message] = []
    while len(messages) < turns:
        fields = _customer(rng)
        messages += [Message(text.format(**fields)) for text in _EPISODE]
    return messages[:turns]
