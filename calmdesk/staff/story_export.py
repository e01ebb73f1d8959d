"""Turn a real conversation into a Rasa test story, so designers can keep what customers actually said.

Input is the conversation's tracker as Rasa's HTTP API serves it
(``RasaClient.tracker``: a dict with ``events``); output is YAML text in
Rasa's test story format (``tests/stories/*.yml``) that ``rasa test core
--stories`` and ``rasa data validate`` read.  Plain Python over plain dicts:
no Rasa import here (the core never imports Rasa).

What goes in, step by step:

* ``user:`` the customer's text, with the entities the NLU found written
  inline (``order [4839201](order_number)``), and ``intent:``; a button
  payload or an intent staff triggered (handback) is the intent alone;
* ``action:`` every action the bot ran, except ``action_listen`` (implied
  between turns in a story) and the session start;
* ``slot_was_set`` for slots the actions and the form set, and
  ``active_loop`` when a form starts or stops.

What does not: the words of bot responses (stories name actions, not text),
and the part a person handled.  While the bot was paused for a person,
neither the customer's messages nor the agent's (bot events whose metadata
says ``author_role: agent``) belong to a test of the bot, so they become a
YAML comment saying how many there were.  A new session starts a new story.

Customer text is exported verbatim (card numbers were already masked by the
input channels): treat an export like a ticket transcript.  The story name
is the caller's (the console uses the ticket reference), never the
conversation id, which is a secret.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

SKIPPED_ACTIONS = frozenset({"action_listen", "action_session_start", "action_unlikely_intent"})
EXTERNAL_PREFIX = "EXTERNAL: "  # how Rasa writes the text of a triggered intent


@dataclass
class _Story:
    name: str
    lines: list[str] = field(default_factory=list)
    steps: int = 0

    def step(self, *lines: str) -> None:
        self.lines.extend(lines)
        self.steps += 1

    def comment(self, text: str) -> None:
        self.lines.append(f"      # {text}")


def export_story(tracker: dict[str, Any], name: str = "exported conversation") -> str:
    """The tracker's conversation as test-story YAML (``version`` + ``stories``)."""
    events = tracker.get("events") or []
    stories = [_Story(name)]
    paused = False
    human_part = {"customer": 0, "agent": 0}
    for event in events:
        kind = event.get("event")
        story = stories[-1]
        if kind == "session_started":
            if story.steps:
                stories.append(_Story(f"{name} (session {len(stories) + 1})"))
            continue
        if kind == "pause":
            paused = True
            continue
        if kind == "resume":
            _note_human_part(story, human_part)
            paused = False
            continue
        if kind == "bot":
            if _by_agent(event):
                human_part["agent"] += 1
            continue
        if paused:
            if kind == "user":
                human_part["customer"] += 1
            continue
        if kind == "user":
            _note_human_part(story, human_part)  # an agent wrote while the bot was not paused
            story.step(*_user_step(event))
        elif kind == "action":
            action = event.get("name")
            if action and action not in SKIPPED_ACTIONS:
                story.step(f"      - action: {_scalar(action)}")
        elif kind == "slot":
            story.step("      - slot_was_set:", f"          - {_scalar(event.get('name'))}: {_scalar(event.get('value'))}")
        elif kind == "active_loop":
            story.step(f"      - active_loop: {_scalar(event.get('name'))}")
        elif kind == "restart":
            story.comment("the conversation was restarted here")
    _note_human_part(stories[-1], human_part)

    out = ['version: "3.1"', "stories:"]
    for story in stories:
        if not story.steps:
            continue
        out += [f"  - story: {_scalar(story.name)}", "    steps:", *story.lines]
    if len(out) == 2:
        out[1] = "stories: []"
    return "\n".join(out) + "\n"


def _note_human_part(story: _Story, counts: dict[str, int]) -> None:
    if counts["customer"] or counts["agent"]:
        story.comment(f"a person from the team took over here: {counts['agent']} message(s) from staff, "
                      f"{counts['customer']} from the customer (not part of the bot's story)")
        counts["customer"] = counts["agent"] = 0


def _by_agent(event: dict[str, Any]) -> bool:
    metadata = event.get("metadata") or {}
    return metadata.get("author_role") == "agent" or bool(metadata.get("agent"))


def _user_step(event: dict[str, Any]) -> list[str]:
    parse = event.get("parse_data") or {}
    intent = (parse.get("intent") or {}).get("name") or "nlu_fallback"
    text = event.get("text") or ""
    lines = []
    if text and not text.startswith("/") and not text.startswith(EXTERNAL_PREFIX):
        lines.append(f"      - user: {_scalar(_annotate(text, parse.get('entities') or []))}")
        lines.append(f"        intent: {_scalar(intent)}")
    else:
        lines.append(f"      - intent: {_scalar(intent)}")
    return lines


def _annotate(text: str, entities: list[dict[str, Any]]) -> str:
    """``text`` with each located entity written Rasa's way: ``[value text](entity)``.

    Only entities with a position inside the text that do not overlap are
    written; square brackets the customer typed themselves are left alone.
    """
    spans = []
    for entity in entities:
        start, end, name = entity.get("start"), entity.get("end"), entity.get("entity")
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(name, str)):
            continue
        if 0 <= start < end <= len(text) and not any(s < end and start < e for s, e, _ in spans):
            spans.append((start, end, name))
    for start, end, name in sorted(spans, reverse=True):
        text = f"{text[:start]}[{text[start:end]}]({name}){text[end:]}"
    return text


def _scalar(value: Any) -> str:
    """One YAML scalar on one line: JSON's double-quoted form is valid YAML, and needs no guessing."""
    return json.dumps(value, ensure_ascii=False)
