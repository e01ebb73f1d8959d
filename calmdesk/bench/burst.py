"""The outage burst: many customers, one fault, all at once (the playbook's mass incident).

Staff have declared an incident for the service outage. Then ``CUSTOMERS``
simulated customers arrive spread evenly over ``WINDOW_S`` seconds, each an
angry 4-turn complaint about the same outage in their own words: the
complaint, their email, a question ("how long?"), a last word. Each customer
sends the next message as soon as the whole reply is back.

Reported: per-turn p50/p95/p99, errors (as in ``run_load``), and what the
desk holds afterwards, read from the tickets database: one ticket per
customer expected; lost (a customer with no ticket), duplicated (more than
one), linked to the incident.

The same-run baseline: the same arrival schedule against Rasa's starter bot
(``starter_customers``: as many customers over the same window, 4 turns
each, the starter's own kind of messages), so the burst's p95 can be read
against what stock Rasa does with that much traffic on the same machine.
"""
from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass

import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from calmdesk.bench.conversations import STARTER_MESSAGES, Message
from calmdesk.bench.load import _turn
from calmdesk.bench.stats import Turn

CUSTOMERS = 200
WINDOW_S = 30.0
CATEGORY = "service_outage"
PUBLIC_MESSAGE = "Our service is down for many customers since 09:40; engineers are on it and we expect it back by 11:00."

# Each customer's first message is their own (a duration and a consequence of their own), so no
# two are the same text: the parse cannot be answered from a cache of recent texts. The short
# replies after it repeat, as real ones do.
_OPENERS = (
    "your service is DOWN again and I can't get any work done for {minutes} minutes now, {consequence}",
    "the whole site has been out for {minutes} minutes and not a single word from you!! {consequence}",
    "Is your platform down?? Nothing has loaded for {minutes} minutes and {consequence}",
    "your app won't load AT ALL, {minutes} minutes now, third outage this month. {consequence}",
    "everything is offline again, {minutes} minutes and counting. {consequence}",
    "WHY is your service down again?! {minutes} minutes I can't reach my account. {consequence}",
)
_CONSEQUENCES = (
    "I'm losing money every minute", "I have a client call at {hour}", "my shop can't take orders",
    "I'll miss the deadline at {hour}", "what exactly am I paying for?", "this is ridiculous",
    "my whole team is sitting idle", "I need my invoices by {hour}",
)
_QUESTIONS = (
    "how long is this going to take?",
    "when will it be back up??",
    "is anyone actually fixing this?",
)
_LAST = (
    "fine. just fix it",
    "ok, thanks",
    "no, that's all",
)


@dataclass
class BurstCustomer:
    sender: str
    starts_at: float  # seconds after the burst begins
    messages: list[Message]


TURNS_EACH = 4


def arrivals(count: int, window: float) -> list[float]:
    """When each of ``count`` customers arrives: evenly over ``window`` seconds, the first at once."""
    return [number * window / count for number in range(count)]


def customers(count: int = CUSTOMERS, window: float = WINDOW_S, seed: int | None = None) -> list[BurstCustomer]:
    """``count`` customers arriving evenly over ``window`` seconds, each with their own words and email."""
    rng = random.Random(seed)
    crowd = []
    for number, starts_at in enumerate(arrivals(count, window)):
        name = f"burst{rng.randrange(10**8):08d}"
        consequence = rng.choice(_CONSEQUENCES).format(hour=f"{rng.randrange(9, 18)}:{rng.choice(('00', '30'))}")
        opener = rng.choice(_OPENERS).format(minutes=number + 20, consequence=consequence)
        messages = [Message(opener), Message(f"{name}@example.com"), Message(rng.choice(_QUESTIONS)),
                    Message(rng.choice(_LAST))]
        crowd.append(BurstCustomer(f"burst-{uuid.uuid4().hex}", starts_at, messages))
    return crowd


def starter_customers(count: int = CUSTOMERS, window: float = WINDOW_S) -> list[BurstCustomer]:
    """The same arrivals for Rasa's starter bot: each customer one half of the starter's own conversation.

    (The starter's conversation is 8 messages: the first four, "hello there"
    to "are you a bot?", and the last four, "good morning" to "goodbye", are
    each a little conversation of their own; customers take them in turn.)
    """
    halves = [STARTER_MESSAGES[start:start + TURNS_EACH] for start in range(0, len(STARTER_MESSAGES), TURNS_EACH)]
    return [BurstCustomer(f"starter-burst-{uuid.uuid4().hex}", starts_at,
                          [Message(text) for text in halves[number % len(halves)]])
            for number, starts_at in enumerate(arrivals(count, window))]


def run_burst(base_url: str, crowd: list[BurstCustomer], timeout: float = 60.0) -> tuple[list[Turn], float]:
    """Play the burst; return every turn and the wall time."""
    return asyncio.run(_run_burst(base_url, crowd, timeout))


async def _run_burst(base_url: str, crowd: list[BurstCustomer], timeout: float) -> tuple[list[Turn], float]:
    turns: list[Turn] = []
    limits = httpx.Limits(max_connections=len(crowd), max_keepalive_connections=len(crowd))
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits) as client:
        started = time.perf_counter()

        async def customer(number: int, who: BurstCustomer) -> None:
            await asyncio.sleep(max(0.0, who.starts_at - (time.perf_counter() - started)))
            for index, message in enumerate(who.messages, start=1):
                turns.append(await _turn(client, who.sender, number, index, message))

        await asyncio.gather(*(customer(n, who) for n, who in enumerate(crowd)))
        wall = time.perf_counter() - started
    return turns, wall


def tickets_of(engine: Engine, crowd: list[BurstCustomer], incident_reference: str) -> dict[str, int]:
    """What the desk holds for the burst's customers: expected, found, lost, duplicated, linked."""
    from calmdesk.models import Incident, IncidentTicket, Ticket

    senders = [who.sender for who in crowd]
    with engine.connect() as connection:
        per_sender = dict(connection.execute(
            select(Ticket.conversation_id, func.count()).where(Ticket.conversation_id.in_(senders))
            .group_by(Ticket.conversation_id)).all())
        linked = connection.execute(
            select(func.count()).select_from(Ticket).join(IncidentTicket, IncidentTicket.ticket_id == Ticket.id)
            .join(Incident, IncidentTicket.incident_id == Incident.id)
            .where(Ticket.conversation_id.in_(senders), Incident.reference == incident_reference)).scalar_one()
    return {
        "expected": len(senders),
        "found": sum(per_sender.values()),
        "lost": sum(1 for sender in senders if sender not in per_sender),
        "duplicated": sum(count - 1 for count in per_sender.values() if count > 1),
        "linked_to_incident": linked,
    }


def held_for(engine: Engine, crowd: list[BurstCustomer]) -> dict[str, int]:
    """Complaints the holding service kept because no action server answered: how many, how many filed since."""
    from calmdesk.models import HeldComplaint

    senders = [who.sender for who in crowd]
    with engine.connect() as connection:
        held, filed = connection.execute(
            select(func.count(), func.count(HeldComplaint.delivered_at))
            .where(HeldComplaint.conversation_id.in_(senders))).one()
    return {"held": held, "filed_since": filed}
