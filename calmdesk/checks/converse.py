"""Conversation tests: scripted customers against the real running stack.

``rasa test`` replays stories without running our custom actions, and most of
what matters here (the acknowledgement, the ticket, the handoff) happens in
them. So these tests send each customer message to the running product and
check what the bot did (response names from the tracker, reply texts) and the
ticket the staff API serves. The format is in docs/designers.md
("Conversation tests"); files live in tests/conversations/*.yml.
Loading and validating the files: calmdesk/checks/scripted.py.
"""
from __future__ import annotations

import json
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from calmdesk.checks.client import ChatClient, StackError
from calmdesk.checks.responses import DETAILS, LOOP_LIMIT, acknowledging, asked, normalise
from calmdesk.checks.scripted import (  # noqa: F401  (the runner's public names, as before)
    Conversation, ConversationFileError, Turn, conversation_files, load, load_text,
)


# --------------------------------------------------------------------------
# Checking (pure functions of what the bot said and the tickets)


def check_turn(expect: dict, replies: list[dict], paused: bool, tickets: list[dict],
               agent_online: bool = True) -> list[str]:
    """What is wrong with one turn. ``replies``: this turn's ``{"text", "response"}``; ``tickets``: newest first."""
    names = [r.get("response") for r in replies]
    texts = [r.get("text") or "" for r in replies]
    problems: list[str] = []
    if "acknowledges" in expect and any(map(acknowledging, names)) != expect["acknowledges"]:
        problems.append("expected an acknowledgement (utter_acknowledge*/utter_known_incident)" if expect["acknowledges"]
                        else "expected no acknowledgement, but the bot acknowledged")
    asked_now = set().union(*map(asked, names)) if names else set()
    for detail in _as_list(expect.get("asks")):
        if detail not in asked_now:
            problems.append(f"expected the bot to ask for {detail}")
    for detail in _as_list(expect.get("not_asks")):
        if detail in asked_now:
            problems.append(f"expected the bot NOT to ask for {detail}, but it did")
    if expect.get("hands_off") is True:
        if not tickets or tickets[0].get("handoff") is not True:
            problems.append("expected a handoff: the newest ticket should have handoff: true"
                            + ("" if tickets else " (there is no ticket)"))
        if agent_online and not paused:
            problems.append("expected a handoff: the conversation should be paused (an agent is online)")
    elif expect.get("hands_off") is False:
        if paused:
            problems.append("expected no handoff, but the conversation is paused")
        if any(t.get("handoff") is True for t in tickets):
            problems.append("expected no handoff, but a ticket has handoff: true")
    if expect.get("quiet") is True and replies:
        problems.append("expected the bot to stay quiet")
    elif expect.get("quiet") is False and not replies:
        problems.append("expected the bot to say something")
    elif not replies and not paused and expect.get("quiet") is not True:
        problems.append("the bot said nothing, and the conversation is not paused")
    for pattern in _as_list(expect.get("says")):
        if not any(re.search(pattern, t, re.IGNORECASE) for t in texts):
            problems.append(f"expected a reply matching /{pattern}/")
    for pattern in _as_list(expect.get("not_says")):
        if any(re.search(pattern, t, re.IGNORECASE) for t in texts):
            problems.append(f"expected no reply matching /{pattern}/")
    for name in _as_list(expect.get("responses")):
        if name not in names:
            problems.append(f"expected response {name}")
    for name in _as_list(expect.get("not_responses")):
        if name in names:
            problems.append(f"expected no response {name}, but it was said")
    if "ticket" in expect:
        problems += check_ticket(expect["ticket"], tickets[0] if tickets else None)
    return problems


def check_ticket(spec: dict, ticket: dict | None) -> list[str]:
    """What differs between the expected fields and the newest ticket."""
    if ticket is None:
        return ["expected a ticket, but the conversation has none"]
    problems = []
    for key in ("category", "order_number", "customer_email", "handoff", "status", "recurrent", "anger_level"):
        if key in spec:
            want, got = spec[key], ticket.get(key)
            same = got is None if want is None else (got == want if isinstance(want, bool) else str(got) == str(want))
            if not same:
                problems.append(f"ticket {key}: expected {want!r}, got {got!r}")
    on_ticket = {r.get("kind"): r.get("status") for r in ticket.get("remedies") or []}
    for kind, status in (spec.get("remedies") or {}).items():
        if on_ticket.get(kind) != status:
            problems.append(f"ticket remedy {kind}: expected {status!r}, got "
                            + (repr(on_ticket[kind]) if kind in on_ticket else "not on the ticket"))
    description = (ticket.get("description") or "").lower()
    for part in _as_list(spec.get("description_contains")):
        if part.lower() not in description:
            problems.append(f"ticket description should contain {part!r}; it is {ticket.get('description')!r}")
    lines = [(line.get("text") or "").lower() for line in ticket.get("transcript") or []]
    for part in _as_list(spec.get("transcript_contains")):
        if not any(part.lower() in line for line in lines):
            problems.append(f"no transcript line contains {part!r}")
    return problems


def check_repeats(turns: list[list[dict]]) -> list[str]:
    """Loops across the whole conversation (replies per turn): the same reply, or question, 3+ times."""
    problems = []
    texts: dict[str, list[tuple[int, str]]] = {}
    questions: dict[str, list[int]] = {d: [] for d in DETAILS}
    for number, replies in enumerate(turns, 1):
        for reply in replies:
            texts.setdefault(normalise(reply.get("text") or ""), []).append((number, reply.get("text") or ""))
            for detail in asked(reply.get("response")):
                questions[detail].append(number)
    for key, said in texts.items():
        if key and len(said) >= LOOP_LIMIT:
            problems.append(f"the bot said {said[0][1]!r} {len(said)} times (turns {_numbers(n for n, _ in said)})")
    for detail, numbers in questions.items():
        if len(numbers) >= LOOP_LIMIT:
            problems.append(f"the bot asked for {detail} {len(numbers)} times (turns {_numbers(numbers)})")
    return problems


def _numbers(numbers: Iterable[int]) -> str:
    return ", ".join(map(str, numbers))


def _as_list(value: Any) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


# --------------------------------------------------------------------------
# Running against a stack


@dataclass
class TurnResult:
    index: int
    say: str
    expect: dict
    replies: list[dict] = field(default_factory=list)
    paused: bool = False
    ticket: dict | None = None  # the newest ticket after this turn (summary)
    problems: list[str] = field(default_factory=list)


@dataclass
class ConversationResult:
    name: str
    source: str
    sender: str
    agent_online: bool
    turns: list[TurnResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # conversation-level: final ticket, loops, errors
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.problems and not any(t.problems for t in self.turns)


def run_conversation(client: ChatClient, conversation: Conversation) -> ConversationResult:
    """Play one conversation with a fresh sender id; never raises for a failing bot (it is in the result)."""
    result = ConversationResult(conversation.name, conversation.source, f"conv-{uuid.uuid4().hex}",
                                conversation.agent_online)
    started = time.monotonic()
    tickets: list[dict] = []
    try:
        client.agent_online() if conversation.agent_online else client.nobody_online()
        refreshed = time.monotonic()
        seen = 0
        for index, turn in enumerate(conversation.turns, 1):
            if conversation.agent_online and time.monotonic() - refreshed > 60:
                client.agent_online()  # "online" lapses after 2 minutes without a request
                refreshed = time.monotonic()
            text = with_reference(turn.say, tickets)
            step = TurnResult(index, text, turn.expect)
            result.turns.append(step)
            try:
                client.say(result.sender, text)
                tracker = client.tracker(result.sender)
                said = client.bot_turns(result.sender, tracker)
                step.replies, seen = said[seen:], len(said)
                step.paused = client.paused(result.sender, tracker)
                tickets = client.tickets(result.sender)
            except StackError as error:
                step.problems.append(f"HTTP error: {error}")
                left = len(conversation.turns) - index
                if left:
                    result.problems.append(f"stopped after the HTTP error in turn {index} ({left} turn(s) not run)")
                return result
            step.ticket = _summary(tickets[0]) if tickets else None
            step.problems = check_turn(turn.expect, step.replies, step.paused, tickets, conversation.agent_online)
        if conversation.ticket is not None:
            result.problems += [f"final {p}" for p in check_ticket(conversation.ticket, tickets[0] if tickets else None)]
        if conversation.tickets is not None and len(tickets) != conversation.tickets:
            result.problems.append(f"expected {conversation.tickets} ticket(s) at the end, got {len(tickets)}")
        result.problems += check_repeats([t.replies for t in result.turns])
    except Exception as error:  # noqa: BLE001 - a broken run is a failed conversation, not a crash
        result.problems.append(f"error: {type(error).__name__}: {error}")
    finally:
        if not conversation.agent_online:
            try:
                client.agent_online()
            except StackError:
                pass
        result.seconds = time.monotonic() - started
    return result


def with_reference(say: str, tickets: list[dict]) -> str:
    """``say`` with "{reference}" as the newest ticket's reference so far: a customer quoting their case back
    ("{reference} still nothing arrived"); the reference is random, so a script cannot spell it out."""
    return say.replace("{reference}", tickets[0]["reference"]) if tickets and "{reference}" in say else say


def run_all(client: ChatClient, conversations: list[Conversation], workers: int = 3) -> list[ConversationResult]:
    """Run everything; results in the order given.

    Who is online is global to the stack, so conversations with an agent
    online run concurrently and those with nobody online run one at a time
    afterwards.
    """
    online = [c for c in conversations if c.agent_online]
    results: dict[int, ConversationResult] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for conversation, result in zip(online, pool.map(lambda c: run_conversation(client, c), online)):
            results[id(conversation)] = result
    for conversation in conversations:
        if not conversation.agent_online:
            results[id(conversation)] = run_conversation(client, conversation)
    return [results[id(c)] for c in conversations]


def _summary(ticket: dict) -> dict:
    keys = ("reference", "category", "anger_level", "status", "handoff", "recurrent", "order_number",
            "customer_email")
    return {**{k: ticket.get(k) for k in keys},
            "remedies": {r.get("kind"): r.get("status") for r in ticket.get("remedies") or []}}


# --------------------------------------------------------------------------
# Reports


def render_one(result: ConversationResult) -> str:
    """A conversation's transcript with every failed expectation under the turn it belongs to."""
    online = "" if result.agent_online else ", nobody online"
    lines = [f"### {'PASS' if result.passed else 'FAIL'}: {result.name}",
             f"`{result.source}`, sender `{result.sender}`{online}, {result.seconds:.1f} s", ""]
    for turn in result.turns:
        mark = "FAILED " if turn.problems else ""
        lines.append(f"- {mark}turn {turn.index}, customer: {turn.say!r}")
        for reply in turn.replies:
            lines.append(f"  - bot [{reply.get('response') or '?'}]: {reply.get('text')!r}")
        if not turn.replies:
            lines.append("  - bot: (nothing)" + (" — the conversation is paused" if turn.paused else ""))
        if turn.problems:
            if turn.expect:
                lines.append(f"  - expected: `{json.dumps(turn.expect, ensure_ascii=False)}`")
            lines += [f"  - **{p}**" for p in turn.problems]
            lines.append(f"  - paused: {turn.paused}; newest ticket: `{json.dumps(turn.ticket, ensure_ascii=False)}`")
    for problem in result.problems:
        lines.append(f"- **{problem}**")
    return "\n".join(lines) + "\n"


def render(results: list[ConversationResult]) -> str:
    failed = [r for r in results if not r.passed]
    lines = ["# Conversation tests", "",
             f"{len(results) - len(failed)} of {len(results)} conversations passed.", ""]
    lines += [f"- {'PASS' if r.passed else 'FAIL'} {r.name} ({r.source}, {len(r.turns)} turns)" for r in results]
    return "\n".join(lines) + "\n\n" + "\n".join(render_one(r) for r in failed)


def to_json(results: list[ConversationResult]) -> dict:
    return {"passed": sum(r.passed for r in results), "failed": sum(not r.passed for r in results),
            "conversations": [{**asdict(r), "passed": r.passed} for r in results]}
