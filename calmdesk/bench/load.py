"""Driving the bots and watching the servers: the load driver, memory sampling, profiles.

``run_load`` plays conversations over Rasa's REST channel with a fixed number
of simulated customers at once (asyncio + httpx): each customer sends one
message, waits for the whole reply, then sends the next, like a person would
(no think time, so the figures are the server's capacity). Every turn is timed
from request to full reply; a non-200 answer, a timeout, a dropped connection
or an empty reply to a message that needs one is an error.

``RssSampler`` polls the resident memory of whole process trees (psutil) in a
background thread and keeps the peak. ``Profiler`` runs py-spy against a live
server (sampling from outside, so the server runs unmodified) and
``profile_buckets`` sums its collapsed stacks into the parts of a Rasa turn.
"""
from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

import httpx
import psutil

from calmdesk.bench.conversations import Message
from calmdesk.bench.stats import Turn

WEBHOOK = "/webhooks/rest/webhook"


def run_load(base_url: str, conversations: Sequence[Sequence[Message]], concurrency: int,
             timeout: float = 60.0, label: str = "bench") -> tuple[list[Turn], float]:
    """Play every conversation with ``concurrency`` customers at a time; return the turns and the wall time."""
    return asyncio.run(_run_load(base_url, conversations, concurrency, timeout, label))


async def _run_load(base_url, conversations, concurrency, timeout, label):
    queue: asyncio.Queue = asyncio.Queue()
    for number, conversation in enumerate(conversations):
        queue.put_nowait((number, conversation))
    turns: list[Turn] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits) as client:

        async def customer() -> None:
            while not queue.empty():
                number, conversation = queue.get_nowait()
                sender = f"{label}-{uuid.uuid4().hex}"
                for index, message in enumerate(conversation, start=1):
                    turns.append(await _turn(client, sender, number, index, message))

        started = time.perf_counter()
        await asyncio.gather(*(customer() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return turns, wall


async def _turn(client: httpx.AsyncClient, sender: str, number: int, index: int, message: Message) -> Turn:
    started = time.perf_counter()
    error = None
    try:
        response = await client.post(WEBHOOK, json={"sender": sender, "message": message.text})
        if response.status_code != 200:
            error = f"http {response.status_code}"
        elif message.expects_reply and not _has_reply(response.json()):
            error = "empty reply"
    except httpx.TimeoutException:
        error = "timeout"
    except (httpx.HTTPError, ValueError) as failure:  # connection refused or reset, invalid JSON
        error = type(failure).__name__
    return Turn(number, index, time.perf_counter() - started, error)


def _has_reply(body: object) -> bool:
    return isinstance(body, list) and any(
        isinstance(m, dict) and (m.get("text") or m.get("image") or m.get("buttons")) for m in body)


def _tree(pid: int) -> list[psutil.Process]:
    """A process and all its live descendants (none if it is gone)."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _sum_over_tree(pid: int, reading) -> float:
    total = 0.0
    for process in _tree(pid):
        try:
            total += reading(process)
        except psutil.NoSuchProcess:
            pass
    return total


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (0 if it is gone)."""
    return _sum_over_tree(pid, lambda process: process.memory_info().rss) / 2**20


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its live descendants (0 if it is gone)."""
    return _sum_over_tree(pid, lambda process: sum(process.cpu_times()[:2]))


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (every core, every process: ours and anybody else's)."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


class RssSampler:
    """Peak resident memory of named groups of process trees, sampled every ``interval`` seconds."""

    def __init__(self, groups: dict[str, Iterable[int]], interval: float = 0.25):
        self.groups = {name: list(pids) for name, pids in groups.items()}
        self.peak_mb = {name: 0.0 for name in self.groups}
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss-sampler")

    def sample(self) -> dict[str, float]:
        now = {name: sum(tree_rss_mb(pid) for pid in pids) for name, pids in self.groups.items()}
        for name, mb in now.items():
            self.peak_mb[name] = max(self.peak_mb[name], mb)
        return now

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> "RssSampler":
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


class Profiler:
    """``py-spy record`` against a running process until ``stop`` (Ctrl-C makes py-spy write its file)."""

    def __init__(self, pid: int, output: Path, fmt: str = "flamegraph", rate: int = 50):
        self.output = output
        py_spy = Path(sys.executable).with_name("py-spy")
        self.command = [str(py_spy), "record", "--pid", str(pid), "--nonblocking", "--rate", str(rate),
                        "--format", fmt, "--output", str(output)]
        self.popen: subprocess.Popen | None = None

    def __enter__(self) -> "Profiler":
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.popen = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(0.5)  # let it attach before the load starts
        return self

    def __exit__(self, *exc) -> None:
        assert self.popen is not None
        self.popen.send_signal(signal.SIGINT)
        try:
            self.popen.wait(60)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


# The parts of one Rasa turn, recognised by the source files on the sampled
# stack. First match wins, so the specific parts come before "other Rasa".
RASA_PARTS = (
    ("anger detector", ("components/anger.py", "calmdesk/anger")),
    ("sentence encoder + intent classifier", ("calmdesk/understanding/minilm.py", "components/sentence_embeddings.py",
                                              "components/intent_classifier.py")),
    ("TED policy", ("ted_policy.py",)),
    ("UnexpecTED intent policy", ("unexpected_intent_policy.py",)),
    ("rule + memoization policies", ("rule_policy.py", "memoization.py")),
    ("NLU tokenizer, featurizers, extractors", ("nlu/featurizers", "nlu/tokenizers", "nlu/extractors")),
    ("tracker store (load/save)", ("tracker_store.py",)),
    ("remote action calls", ("core/actions/action.py", "utils/endpoints.py", "aiohttp")),
    ("tracker featurization, events", ("core/featurizers", "shared/core/trackers.py", "shared/core/events.py",
                                       "shared/core/generator.py", "core/processor.py")),
    ("other Rasa (graph, channel, agent)", ("/rasa/",)),
    ("HTTP server (sanic)", ("sanic",)),
)

ACTION_SERVER_PARTS = (
    ("SQLAlchemy + database driver (commits, connections)", ("sqlalchemy", "sqlite3", "psycopg")),
    ("calmdesk core (tickets, anger, remedies, ...)", ("calmdesk/",)),
    ("calmdesk actions", ("/actions/",)),
    ("rasa_sdk (tracker, dispatch)", ("rasa_sdk",)),
    ("HTTP server (sanic)", ("sanic",)),
)


# Leaf frames of a server waiting for work. py-spy's --nonblocking mode cannot
# always tell an idle thread from a busy one, so these are dropped explicitly.
IDLE_LEAVES = ("serve (sanic/server/runners.py", "select (selectors.py", "poll (selectors.py")


def read_collapsed(path: Path) -> Counter:
    """py-spy's ``--format raw`` output ("frame;frame;... count" per stack), idle stacks left out."""
    stacks: Counter = Counter()
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit() and not stack.rsplit(";", 1)[-1].startswith(IDLE_LEAVES):
            stacks[stack] += int(count)
    return stacks


def profile_buckets(stacks: Counter, parts: Sequence[tuple[str, tuple[str, ...]]]) -> list[dict]:
    """Share of samples per part (first matching part wins), largest first, plus "other"."""
    counts: Counter = Counter()
    for stack, count in stacks.items():
        name = next((name for name, needles in parts if any(n in stack for n in needles)), "other")
        counts[name] += count
    total = sum(counts.values()) or 1
    return [{"part": name, "samples": n, "share": round(n / total, 3)} for name, n in counts.most_common()]


def top_leaves(stacks: Counter, limit: int = 10) -> list[dict]:
    """The functions most often on top of the stack (where the CPU actually is)."""
    leaves: Counter = Counter()
    for stack, count in stacks.items():
        leaves[stack.rsplit(";", 1)[-1]] += count
    total = sum(leaves.values()) or 1
    return [{"function": f, "share": round(n / total, 3)} for f, n in leaves.most_common(limit)]
