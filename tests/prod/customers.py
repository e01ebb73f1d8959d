"""Simulated customers: concurrent multi-turn complaints over REST through nginx.

Each customer has a cracked TV screen, gives an email, picks a replacement
and says goodbye: four turns, one ticket.  A turn is *answered* when the bot
replies with at least one message.  A client that gets no answer (a 502 from
nginx because the replica died mid-turn, a 500, a timeout, an empty reply)
waits a moment and sends the same message once more, as a chat widget would;
the tally counts those retries, so the figures say how many turns needed one.
"""
from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

import httpx

SCRIPT = (
    "My TV arrived with a CRACKED SCREEN and nobody cares!!! Order {order}",
    "it's {email}",
    '/choose_remedy{{"remedy": "replacement"}}',
    "no, that's all",
)
RETRY_DELAY_SECONDS = 3.0


@dataclass
class Customer:
    sender: str
    order: str
    email: str
    replies: list[list[str]] = field(default_factory=list)  # the bot's texts, one list per turn

    def message(self, turn: int) -> str:
        return SCRIPT[turn].format(order=self.order, email=self.email)


def new_customers(count: int, label: str) -> list[Customer]:
    customers = []
    for number in range(count):
        tag = uuid.uuid4().hex
        customers.append(Customer(f"prod-{label}-{tag}", str(4839200 + number + 100 * len(label)),
                                  f"{label}.{number}.{tag[:6]}@example.com"))
    return customers


@dataclass
class Tally:
    turns_sent: int = 0
    turns_answered: int = 0
    turns_retried: int = 0
    turns_unanswered: int = 0
    slowest_turn_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def figures(self) -> dict:
        return {"turns_sent": self.turns_sent, "turns_answered": self.turns_answered,
                "turns_retried": self.turns_retried, "turns_unanswered": self.turns_unanswered,
                "slowest_turn_seconds": round(self.slowest_turn_seconds, 1),
                "client_errors_seen": sorted(set(self.errors))[:10]}


def take_turn(say: Callable[[str, str], httpx.Response], customer: Customer, turn: int, tally: Tally) -> list[str]:
    message = customer.message(turn)
    started = time.monotonic()
    with tally._lock:
        tally.turns_sent += 1
    texts: list[str] = []
    for attempt in (1, 2):
        try:
            response = say(customer.sender, message)
            if response.status_code == 200:
                texts = [m.get("text", "") for m in response.json() if m.get("text")]
            else:
                tally.errors.append(f"HTTP {response.status_code}")
        except httpx.HTTPError as error:
            tally.errors.append(type(error).__name__)
        if texts:
            break
        if attempt == 1:
            with tally._lock:
                tally.turns_retried += 1
            time.sleep(RETRY_DELAY_SECONDS)
    with tally._lock:
        if texts:
            tally.turns_answered += 1
        else:
            tally.turns_unanswered += 1
        tally.slowest_turn_seconds = max(tally.slowest_turn_seconds, time.monotonic() - started)
    customer.replies.append(texts)
    return texts


def run_customers(say: Callable[[str, str], httpx.Response], customers: list[Customer], turns: range, tally: Tally,
                  fault: Callable[[], None] | None = None, fault_after_answers: int = 0) -> None:
    """Every customer takes ``turns`` concurrently; ``fault`` runs once ``fault_after_answers`` turns were answered."""
    with ThreadPoolExecutor(max_workers=len(customers)) as pool:
        futures = [pool.submit(lambda c=c: [take_turn(say, c, t, tally) for t in turns]) for c in customers]
        if fault is not None:
            while tally.turns_answered < fault_after_answers and not all(f.done() for f in futures):
                time.sleep(0.1)
            fault()
        for future in futures:
            future.result()
