"""Replay real customers' conversations through the running product and count what went wrong.

The scripted conversation tests (converse.py) check what the designers
thought of; this plays the 520 real conversations of
``../shared/benchmarks/real_openers_dev.jsonl`` (evaluation data: never trained
on) turn by turn over the REST channel, one fresh sender each, and checks four
things that need either no label or only the hand labels of
``tests/replay/labels.jsonl``:

1. ``unanswered_turns``: a turn with an HTTP error, or with no bot reply while
   the conversation is not paused (a silent bot looks broken to a customer);
2. ``loops``: the same reply text 3+ times, or the same detail asked 3+ times;
3. ``ignored_person_requests``: the customer explicitly asked for a person
   (label ``person_turn``) and after that turn the newest ticket is not
   ``handoff: true`` and the conversation is not paused;
4. ``unacknowledged_complaints``: a complaint (label) whose first turn got no
   acknowledging response (``calmdesk.checks.responses.acknowledging``).

Every target is 0. Handoffs, tickets and the ticket category against the
labelled category are reported beside them, for information only. The checks
are pure functions of the bot turns and tickets, so tests/core/test_replay.py
tests them without a stack.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

from calmdesk.checks.client import ChatClient, StackError
from calmdesk.checks.responses import LOOP_LIMIT, acknowledging, asked, normalise

ROOT = Path(__file__).resolve().parents[2]
BENCHMARK = ROOT.parent / "shared" / "benchmarks" / "real_openers_dev.jsonl"
LABELS = ROOT / "tests" / "replay" / "labels.jsonl"

# A first reply to a complaint must include one of these: a response whose name
# starts with "utter_acknowledge" (any anger level) or is the known-incident notice.
# A response whose name starts with one of these asks the customer for a detail.

TARGETS: tuple[tuple[str, str], ...] = (
    ("unanswered_turns", "turns with an HTTP error, or no answer while not handed off"),
    ("loops", "conversations with a loop (a reply said, or a detail asked, 3+ times)"),
    ("ignored_person_requests", "explicit requests for a person not handed off"),
    ("unacknowledged_complaints", "first replies to a complaint with no acknowledgement"),
)

# The fixed sample of tests/e2e/test_replay.py (40 ids, 30 complaints, 7 requests
# for a person by the labels): every 13th id from 0 to 429, plus every third
# conversation with a person_turn (1, 91, 131, 310, 367, 444, 512; 91 is also a
# multiple of 13) in place of the six multiples of 13 from 442 to 507, to keep 40.
E2E_SAMPLE_IDS: tuple[int, ...] = (
    0, 1, 13, 26, 39, 52, 65, 78, 91, 104, 117, 130, 131, 143, 156, 169, 182, 195, 208, 221, 234,
    247, 260, 273, 286, 299, 310, 312, 325, 338, 351, 364, 367, 377, 390, 403, 416, 429, 444, 512,
)


class ReplayInputError(ValueError):
    """The benchmark or the labels cannot be used; the message says which file and why."""


@dataclass(frozen=True)
class Case:
    id: int
    company: str
    turns: tuple[str, ...]
    label: dict[str, Any]


@dataclass
class TurnResult:
    index: int
    text: str
    replies: list[dict] = field(default_factory=list)  # {"text", "response"}
    paused: bool = False
    error: str | None = None
    handoff: bool = False  # the newest ticket after this turn has handoff: true


@dataclass
class CaseResult:
    id: int
    company: str
    sender: str
    label: dict[str, Any]
    turns: list[TurnResult] = field(default_factory=list)
    tickets: list[dict] = field(default_factory=list)  # at the end, newest first: {reference, category, handoff}
    failures: dict[str, list[str]] = field(default_factory=dict)  # target name -> what went wrong
    seconds: float = 0.0

    @property
    def handed_off(self) -> bool:
        return any(t.get("handoff") for t in self.tickets) or any(t.paused for t in self.turns)

    @property
    def ticket_category(self) -> str | None:
        """The category of the first ticket filed (the one for the opening message), if any."""
        return self.tickets[-1].get("category") if self.tickets else None


# --------------------------------------------------------------------------- inputs

def load_cases(benchmark: Path = BENCHMARK, labels: Path = LABELS) -> list[Case]:
    """Every benchmark conversation with its label, in id order; each id must have exactly one label."""
    if not benchmark.exists():
        raise ReplayInputError(f"{benchmark}: not found (the shared benchmarks live next to the project)")
    rows = [json.loads(line) for line in benchmark.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_id = read_labels(labels)
    missing = [r["id"] for r in rows if r["id"] not in by_id]
    if missing:
        raise ReplayInputError(f"{labels}: no label for conversation id(s) {missing[:10]}")
    return sorted((Case(r["id"], r["company"], tuple(r["turns"]), by_id[r["id"]]) for r in rows),
                  key=lambda c: c.id)


def read_labels(path: Path = LABELS) -> dict[int, dict[str, Any]]:
    """The labels by id; a duplicate id or an unreadable line is an error naming the line."""
    if not path.exists():
        raise ReplayInputError(f"{path}: not found")
    labels: dict[int, dict[str, Any]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            label = json.loads(line)
            key = int(label["id"])
        except (ValueError, KeyError, TypeError) as error:
            raise ReplayInputError(f"{path}:{number}: not a label line ({error})") from None
        if key in labels:
            raise ReplayInputError(f"{path}:{number}: id {key} is labelled twice")
        labels[key] = label
    return labels


def select(cases: list[Case], limit: int | None = None, ids: Iterable[int] | None = None) -> list[Case]:
    """The cases with these ids (in id order), then the first ``limit`` of them."""
    if ids is not None:
        wanted = set(ids)
        unknown = wanted - {c.id for c in cases}
        if unknown:
            raise ReplayInputError(f"no conversation with id(s) {sorted(unknown)}")
        cases = [c for c in cases if c.id in wanted]
    return cases[:limit] if limit is not None else cases


# --------------------------------------------------------------------------- checks (pure)

def asked_detail(response: str | None) -> str | None:
    """The detail a response asks for (order_number, customer_email, problem_description), or None."""
    return next(iter(sorted(asked(response) - {"remedy"})), None)


def turn_problem(turn: TurnResult) -> str | None:
    """Target 1 for one turn."""
    if turn.error:
        return f"turn {turn.index}: HTTP error: {turn.error}"
    if not turn.replies and not turn.paused:
        return f"turn {turn.index}: no answer, and the conversation is not handed off"
    return None


def loop_problems(replies: list[dict]) -> list[str]:
    """Target 2: a reply text said, or a detail asked, LOOP_LIMIT or more times in the conversation."""
    problems = []
    texts = Counter(normalise(r.get("text") or "") for r in replies)
    shown: dict[str, str] = {}
    for r in replies:
        shown.setdefault(normalise(r.get("text") or ""), r.get("text") or "")  # quote the first wording
    problems += [f"the bot said {shown[t]!r} {n} times" for t, n in texts.items() if t and n >= LOOP_LIMIT]
    details = Counter(d for d in (asked_detail(r.get("response")) for r in replies) if d)
    problems += [f"the bot asked for {d} {n} times" for d, n in details.items() if n >= LOOP_LIMIT]
    return problems


def person_request_problem(label: dict[str, Any], turns: list[TurnResult]) -> str | None:
    """Target 3: after the labelled turn the newest ticket has handoff: true, or the conversation is paused."""
    index = label.get("person_turn")
    if index is None:
        return None
    if index >= len(turns):
        return f"turn {index} (asks for a person) was not played"
    turn = turns[index]
    if turn.handoff or turn.paused:
        return None
    return f"turn {index} asks for a person; after it no ticket is handed off and the conversation is not paused"


def acknowledgement_problem(label: dict[str, Any], turns: list[TurnResult]) -> str | None:
    """Target 4: a labelled complaint's first turn got an acknowledging response."""
    if not label.get("complaint") or not turns:
        return None
    names = [r.get("response") for r in turns[0].replies]
    if any(map(acknowledging, names)):
        return None
    return "the first reply to a complaint has no acknowledgement (got: " + (
        ", ".join(str(n) for n in names) or "nothing") + ")"


def check(result: CaseResult) -> CaseResult:
    """Fill ``result.failures`` from its turns and label (a target appears only when it failed)."""
    found = {
        "unanswered_turns": [p for p in map(turn_problem, result.turns) if p],
        "loops": loop_problems([r for t in result.turns for r in t.replies]),
        "ignored_person_requests": [p for p in [person_request_problem(result.label, result.turns)] if p],
        "unacknowledged_complaints": [p for p in [acknowledgement_problem(result.label, result.turns)] if p],
    }
    result.failures = {name: problems for name, problems in found.items() if problems}
    return result


# --------------------------------------------------------------------------- figures

def figures(results: list[CaseResult]) -> dict[str, Any]:
    """The four targets (unanswered_turns counts turns; the others count conversations) and the rest."""
    targets = {
        "unanswered_turns": sum(len(r.failures.get("unanswered_turns", [])) for r in results),
        **{name: sum(name in r.failures for r in results) for name, _ in TARGETS[1:]},
    }
    complaints = [r for r in results if r.label.get("complaint")]
    confusion = Counter((r.label.get("category"), r.ticket_category or "(no ticket)") for r in complaints)
    right = sum(r.ticket_category == r.label.get("category") for r in complaints)
    return {
        "targets": targets,
        "conversations": len(results),
        "turns": sum(len(r.turns) for r in results),
        "complaints": len(complaints),
        "person_requests": sum(r.label.get("person_turn") is not None for r in results),
        "handoffs": sum(r.handed_off for r in results),
        "tickets": sum(len(r.tickets) for r in results),
        "conversations_with_a_ticket": sum(bool(r.tickets) for r in results),
        "complaints_with_a_ticket": sum(bool(r.tickets) for r in complaints),
        "category_accuracy_on_complaints": round(right / len(complaints), 3) if complaints else None,
        "ticket_categories": dict(Counter(r.ticket_category or "(no ticket)" for r in results).most_common()),
        "label_vs_ticket_category": [{"label": a, "ticket": b, "count": n} for (a, b), n in confusion.most_common()],
        "failing_conversations": sum(bool(r.failures) for r in results),
    }


def passed(numbers: dict[str, Any]) -> bool:
    return all(value == 0 for value in numbers["targets"].values())


# --------------------------------------------------------------------------- running

def play(client: ChatClient, case: Case) -> CaseResult:
    """Play one conversation turn by turn with a fresh sender; errors are recorded, never raised."""
    result = CaseResult(case.id, case.company, f"replay-{case.id}-{uuid.uuid4().hex}", case.label)
    started = time.monotonic()
    seen = 0
    for index, text in enumerate(case.turns):
        turn = TurnResult(index, text)
        result.turns.append(turn)
        try:
            client.say(result.sender, text)
        except StackError as error:
            turn.error = str(error)
        try:
            tracker = client.tracker(result.sender)
            said = client.bot_turns(result.sender, tracker)
            turn.replies, seen = said[seen:], len(said)
            turn.paused = client.paused(result.sender, tracker)
            tickets = client.tickets(result.sender)
            turn.handoff = bool(tickets and tickets[0].get("handoff"))
            result.tickets = [{k: t.get(k) for k in ("reference", "category", "handoff")} for t in tickets]
        except StackError as error:
            turn.error = turn.error or f"reading the result: {error}"
    result.seconds = round(time.monotonic() - started, 2)
    return check(result)


def run_all(client: ChatClient, cases: list[Case], concurrency: int = 4,
            keep_online: Callable[[], None] | None = None,
            progress: Callable[[CaseResult, int, int], None] | None = None) -> list[CaseResult]:
    """Play every case on a small thread pool; results in the order given.

    ``keep_online`` (default ``client.agent_online``) is called at most every
    30 s: an agent counts as online for 2 minutes after a request, and a
    handoff pauses the bot only when someone is online.
    """
    keep_online = keep_online or client.agent_online
    lock, last = threading.Lock(), [0.0]
    done = [0]

    def one(case: Case) -> CaseResult:
        with lock:
            if time.monotonic() - last[0] > 30:
                keep_online()
                last[0] = time.monotonic()
        result = play(client, case)
        with lock:
            done[0] += 1
            if progress:
                progress(result, done[0], len(cases))
        return result

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        return list(pool.map(one, cases))


# --------------------------------------------------------------------------- report

def render(results: list[CaseResult], numbers: dict[str, Any], title: str = "Replay of real customers") -> str:
    """The Markdown report: targets, other figures, then every failing conversation in full."""
    lines = [f"# {title}", "",
             f"{numbers['conversations']} conversations ({numbers['turns']} turns) of "
             f"`real_openers_dev.jsonl`, labels from `tests/replay/labels.jsonl`; "
             f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.", "",
             "| check | value | target | |", "|---|---:|---:|---|"]
    for name, what in TARGETS:
        value = numbers["targets"][name]
        lines.append(f"| {what} (`{name}`) | {value} | 0 | {'PASS' if value == 0 else 'MISS'} |")
    accuracy = numbers["category_accuracy_on_complaints"]
    lines += ["", "## Other figures (informative)", "",
              f"- conversations handed off: {numbers['handoffs']} (explicit requests for a person: "
              f"{numbers['person_requests']})",
              f"- tickets filed: {numbers['tickets']}, in {numbers['conversations_with_a_ticket']} conversations "
              f"({numbers['complaints_with_a_ticket']} of {numbers['complaints']} complaints)",
              f"- category accuracy on complaints (first ticket vs label; no ticket counts as wrong): "
              f"{'n/a' if accuracy is None else f'{accuracy:.1%}'}",
              "- ticket categories: " + ", ".join(f"{k} {v}" for k, v in numbers["ticket_categories"].items()),
              "", "| label category | ticket category | conversations |", "|---|---|---:|"]
    lines += [f"| {row['label']} | {row['ticket']} | {row['count']} |" for row in numbers["label_vs_ticket_category"]]
    failing = [r for r in results if r.failures]
    lines += ["", f"## Failing conversations ({len(failing)})", ""]
    for result in failing:
        label = result.label
        lines += [f"### id {result.id} ({result.company})", "",
                  f"label: complaint={label.get('complaint')}, category={label.get('category')}, "
                  f"anger={label.get('anger')}, person_turn={label.get('person_turn')}; sender `{result.sender}`", ""]
        lines += [f"- **{name}**: {problem}" for name, problems in result.failures.items() for problem in problems]
        lines.append("")
        for turn in result.turns:
            lines.append(f"{turn.index}. customer: {_quote(turn.text)}")
            for reply in turn.replies:
                lines.append(f"    - bot `{reply.get('response') or '(no response name)'}`: {_quote(reply.get('text'))}")
            if turn.error:
                lines.append(f"    - HTTP error: {turn.error}")
            if turn.paused:
                lines.append("    - (paused: a person has the conversation)")
        tickets = "; ".join(f"{t['reference']} {t['category']}{' handoff' if t['handoff'] else ''}"
                            for t in result.tickets) or "none"
        lines += ["", f"tickets (newest first): {tickets}", ""]
    return "\n".join(lines) + "\n"


def to_json(results: list[CaseResult], numbers: dict[str, Any]) -> dict[str, Any]:
    return {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "targets": {name: {"what": what, "value": numbers["targets"][name], "target": 0} for name, what in TARGETS},
        "figures": {k: v for k, v in numbers.items() if k != "targets"},
        "conversations": [
            {"id": r.id, "company": r.company, "sender": r.sender, "label": r.label, "failures": r.failures,
             "handed_off": r.handed_off, "tickets": r.tickets, "seconds": r.seconds,
             "turns": [asdict(t) for t in r.turns]}
            for r in results
        ],
    }


def write(results: list[CaseResult], numbers: dict[str, Any], report: Path) -> None:
    """results/replay.md and results/replay.json (the JSON next to the Markdown)."""
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(render(results, numbers), encoding="utf-8")
    report.with_suffix(".json").write_text(json.dumps(to_json(results, numbers), indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")


def _quote(text: str | None) -> str:
    return " ".join((text or "").split()) or "(empty)"
