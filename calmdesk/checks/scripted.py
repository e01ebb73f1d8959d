"""The scripted conversations of tests/conversations/*.yml: the format, loaded and checked up front.

A typo in an expectation is an error naming the file, the conversation and
the key, never a silent pass. The format is documented in docs/designers.md
("Conversation tests"); calmdesk.checks.converse plays them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from calmdesk.checks.responses import DETAILS

TURN_KEYS = ("acknowledges", "asks", "not_asks", "hands_off", "quiet", "says", "not_says", "responses",
             "not_responses", "ticket")
TICKET_KEYS = ("category", "order_number", "customer_email", "handoff", "status", "recurrent", "anger_level",
               "remedies", "description_contains", "transcript_contains")
CONVERSATION_KEYS = ("name", "agent_online", "turns", "ticket", "tickets")
ROOT = Path(__file__).resolve().parents[2]


class ConversationFileError(ValueError):
    """A conversation file that cannot be run; the message names the file, conversation and key."""


@dataclass(frozen=True)
class Turn:
    say: str
    expect: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Conversation:
    name: str
    source: str
    turns: tuple[Turn, ...]
    agent_online: bool = True
    ticket: dict[str, Any] | None = None
    tickets: int | None = None


# --------------------------------------------------------------------------
# Loading and validation


def conversation_files(paths: Iterable[str | Path]) -> list[Path]:
    """The .yml/.yaml files named, or inside the folders named, sorted within each folder."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml"))
        elif path.exists():
            files.append(path)
        else:
            raise ConversationFileError(f"{path}: no such file or folder")
    return files


def load(paths: Iterable[str | Path]) -> list[Conversation]:
    """Every conversation in these files or folders, validated; names must be unique across files."""
    conversations: list[Conversation] = []
    seen: dict[str, str] = {}
    for path in conversation_files(paths):
        shown = path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path
        for conversation in load_text(path.read_text(encoding="utf-8"), str(shown)):
            if conversation.name in seen:
                raise ConversationFileError(f"{shown}: conversation {conversation.name!r}: the name is already "
                                            f"used in {seen[conversation.name]} (names must be unique)")
            seen[conversation.name] = str(shown)
            conversations.append(conversation)
    return conversations


def load_text(text: str, source: str = "<text>") -> list[Conversation]:
    """The conversations of one file's text (``source`` names it in errors)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConversationFileError(f"{source}: not valid YAML: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
        raise ConversationFileError(f"{source}: expected a top-level 'conversations:' list")
    if set(data) - {"conversations"}:
        raise ConversationFileError(f"{source}: unknown top-level key(s) {sorted(set(data) - {'conversations'})}")
    return [_conversation(raw, source, index) for index, raw in enumerate(data["conversations"], 1)]


def _conversation(raw: Any, source: str, index: int) -> Conversation:
    where = f"{source}: conversation #{index}"
    if not isinstance(raw, dict):
        raise ConversationFileError(f"{where}: expected a mapping with 'name' and 'turns'")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConversationFileError(f"{where}: 'name' is missing or not text")
    where = f"{source}: conversation {name!r}"
    _known(raw, CONVERSATION_KEYS, where, "conversation key")
    agent_online = raw.get("agent_online", True)
    if not isinstance(agent_online, bool):
        raise ConversationFileError(f"{where}: 'agent_online' must be true or false")
    turns = raw.get("turns")
    if not isinstance(turns, list) or not turns:
        raise ConversationFileError(f"{where}: 'turns' must be a non-empty list")
    count = raw.get("tickets")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
        raise ConversationFileError(f"{where}: 'tickets' must be a whole number (how many tickets at the end)")
    ticket = raw.get("ticket")
    if ticket is not None:
        _ticket_spec(ticket, f"{where}, ticket")
    return Conversation(name.strip(), source, tuple(_turn(t, f"{where}, turn {i}") for i, t in enumerate(turns, 1)),
                        agent_online, ticket, count)


def _turn(raw: Any, where: str) -> Turn:
    if not isinstance(raw, dict):
        raise ConversationFileError(f"{where}: expected a mapping with 'say' and optionally 'expect'")
    _known(raw, ("say", "expect"), where, "turn key")
    if not isinstance(raw.get("say"), str):
        raise ConversationFileError(f"{where}: 'say' is missing or not text (quote it)")
    expect = raw.get("expect") or {}
    if not isinstance(expect, dict):
        raise ConversationFileError(f"{where}: 'expect' must be a mapping")
    _known(expect, TURN_KEYS, where, "expectation key")
    for key in ("acknowledges", "hands_off", "quiet"):
        if key in expect and not isinstance(expect[key], bool):
            raise ConversationFileError(f"{where}: expectation {key!r} must be true or false")
    for key in ("asks", "not_asks"):
        if key in expect:
            for detail in _strings(expect[key], where, key):
                if detail not in DETAILS:
                    raise ConversationFileError(f"{where}: expectation {key!r}: unknown detail {detail!r} "
                                                f"(use {', '.join(DETAILS)})")
    for key in ("says", "not_says"):
        for pattern in _strings(expect.get(key, []), where, key):
            try:
                re.compile(pattern)
            except re.error as error:
                raise ConversationFileError(f"{where}: expectation {key!r}: bad regex {pattern!r}: {error}") from None
    for key in ("responses", "not_responses"):
        _strings(expect.get(key, []), where, key)
    if "ticket" in expect:
        _ticket_spec(expect["ticket"], f"{where}, ticket")
    return Turn(raw["say"], expect)


def _ticket_spec(spec: Any, where: str) -> None:
    if not isinstance(spec, dict):
        raise ConversationFileError(f"{where}: expected a mapping of ticket fields")
    _known(spec, TICKET_KEYS, where, "ticket key")
    for key in ("handoff", "recurrent"):
        if key in spec and not isinstance(spec[key], bool):
            raise ConversationFileError(f"{where}: ticket key {key!r} must be true or false")
    for key in ("category", "status", "anger_level"):
        if key in spec and not isinstance(spec[key], str):
            raise ConversationFileError(f"{where}: ticket key {key!r} must be text")
    for key in ("description_contains", "transcript_contains"):
        if key in spec:
            _strings(spec[key], where, key)
    remedies = spec.get("remedies", {})
    if not isinstance(remedies, dict) or not all(isinstance(v, str) for v in remedies.values()):
        raise ConversationFileError(f"{where}: ticket key 'remedies' must map a kind to a status, "
                                    "e.g. {refund: accepted}")


def _known(mapping: dict, allowed: tuple[str, ...], where: str, what: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise ConversationFileError(f"{where}: unknown {what} {key!r} (known: {', '.join(allowed)})")


def _strings(value: Any, where: str, key: str) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) for v in values):
        raise ConversationFileError(f"{where}: {key!r} must be text or a list of text")
    return values
