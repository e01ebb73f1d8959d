"""Per-client flood limits for the chat: one sender typing (or a script firing) too fast must not starve the rest.

Every customer message costs a turn of NLU, dialogue and an action-server
call (tens of milliseconds of CPU on our 2-core reference machine), so one
client sending as fast as it can would queue everyone else behind it.  The
defence is a token bucket per client, checked before any of that work:

- per **sender id** (one conversation): ``CHAT_SENDER_BURST`` messages at once
  (default 12), then ``CHAT_SENDER_PER_MINUTE`` (30: one every two seconds),
  above what a person types, even pasting line by line, but cutting a script
  off after its first burst;
- per **address** (the client's IP): ``CHAT_IP_BURST`` (30) and
  ``CHAT_IP_PER_MINUTE`` (120), so rotating sender ids does not help, while
  an office behind one address (thirty people each writing every fifteen
  seconds) still has room.

A refused message gets a polite answer (``POLITE_TEXT``) and a ``Retry-After``
in seconds; nothing the customer sent earlier is touched.  The same buckets
guard the web app's ``/chat`` routes (``calmdesk.web.limits``) and Rasa's
REST and socket.io channels (``channels.flood``); production's nginx adds the
same per-address limit in front of everything (``calmdesk.operations.production``).

``CHAT_LIMIT_EXEMPT`` lists addresses that are never limited (comma
separated): test harnesses that simulate hundreds of customers from one
loopback address use it; a real deployment normally leaves it empty.
``CHAT_LIMITS=off`` turns the limits off altogether.

Buckets live in the process's memory, at most ``MAX_KEYS`` of them (the
least recently used go first), so a flood of new ids cannot grow memory
without bound.  With several Rasa replicas each keeps its own buckets: the
per-address limit in nginx is the one that holds across them.
"""
from __future__ import annotations

import math
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Mapping

MAX_KEYS = 100_000

# Short, warm, and honest about what happened; varied so a repeat does not read like a wall.
POLITE_TEXTS = (
    "You're sending messages faster than I can read them. Give me a few seconds, then send that last one again. "
    "Nothing you told me before is lost.",
    "I'm still catching up with your messages. Please wait a moment and send that again; everything before it "
    "is safe with me.",
)
POLITE_TEXT = POLITE_TEXTS[0]


@dataclass(frozen=True)
class Rate:
    """``burst`` requests at once, refilled at ``per_minute``."""

    burst: int
    per_minute: float

    def __post_init__(self) -> None:
        if self.burst < 1 or self.per_minute <= 0:
            raise ValueError(f"a rate needs burst >= 1 and per_minute > 0, not {self.burst}/{self.per_minute}")


class Buckets:
    """Token buckets keyed by client, bounded in number; thread-safe (the web app's handlers run in threads)."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS):
        self.rate = rate
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one token of ``key``'s bucket: 0.0 if allowed, else the seconds until one is back."""
        now = self.clock()
        refill = self.rate.per_minute / 60.0
        with self._lock:
            tokens, at = self._buckets.pop(key, (float(self.rate.burst), now))
            tokens = min(float(self.rate.burst), tokens + (now - at) * refill)
            if tokens >= 1.0:
                tokens -= 1.0
                wait = 0.0
            else:
                wait = (1.0 - tokens) / refill
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return wait

    def __len__(self) -> int:
        return len(self._buckets)


@dataclass(frozen=True)
class Verdict:
    """What to do with one message: go ahead, or refuse it and say when to try again."""

    allowed: bool
    retry_after: int = 0  # whole seconds, at least 1 when refused (what Retry-After carries)
    by: str = ""  # "sender" or "address": which limit refused it, for the log

    def body(self, n: int = 0) -> dict:
        """The JSON a refused client gets: an error code, a polite text, and when to retry."""
        return {"error": "too_many_messages", "message": POLITE_TEXTS[n % len(POLITE_TEXTS)],
                "retry_after": self.retry_after}


ALLOWED = Verdict(True)


class FloodLimits:
    """The per-sender and per-address limits of one process (see the module doc)."""

    def __init__(self, sender: Rate, address: Rate, exempt: frozenset[str] = frozenset(), enabled: bool = True,
                 clock: Callable[[], float] = time.monotonic):
        self.senders = Buckets(sender, clock)
        self.addresses = Buckets(address, clock)
        self.exempt = exempt
        self.enabled = enabled

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "FloodLimits":
        """The limits as configured by ``CHAT_*`` variables; a malformed value is a clear error at start-up."""
        env = os.environ if env is None else env

        def number(name: str, default: float) -> float:
            raw = env.get(name, "").strip()
            try:
                return float(raw) if raw else default
            except ValueError:
                raise ValueError(f"{name} must be a number, not {raw!r}") from None

        switch = env.get("CHAT_LIMITS", "on").strip().lower()
        if switch not in ("on", "off", ""):
            raise ValueError(f"CHAT_LIMITS must be 'on' or 'off', not {switch!r}")
        exempt = frozenset(a.strip() for a in env.get("CHAT_LIMIT_EXEMPT", "").split(",") if a.strip())
        return cls(Rate(int(number("CHAT_SENDER_BURST", 12)), number("CHAT_SENDER_PER_MINUTE", 30)),
                   Rate(int(number("CHAT_IP_BURST", 30)), number("CHAT_IP_PER_MINUTE", 120)),
                   exempt=exempt, enabled=switch != "off")

    def check(self, address: str | None, sender: str | None = None) -> Verdict:
        """Count one message from ``address`` (and conversation ``sender``, when known)."""
        if not self.enabled or (address and address in self.exempt):
            return ALLOWED
        if address:
            wait = self.addresses.take(address)
            if wait:
                return Verdict(False, max(1, math.ceil(wait)), "address")
        if sender:
            wait = self.senders.take(sender)
            if wait:
                return Verdict(False, max(1, math.ceil(wait)), "sender")
        return ALLOWED
