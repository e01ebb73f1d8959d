"""What staff do with a handed-off conversation: the queue, claiming, internal notes, resolving.

A ticket waits for a person when the bot handed it off (``handoff`` true,
status ``awaiting_agent``).  It stays in the queue, showing who holds it,
until it is resolved.  The queue puts the most urgent first (``urgent`` >
``high`` > ``normal`` > ``low``, see ``taxonomy.PRIORITIES``), then the
longest waiting (oldest ticket).

Claiming is a compare-and-set on ``tickets.claimed_by``: when two people
click "claim" at once, one wins and the other is told who did.  Only the
holder may reply or resolve; nobody else can quietly take over a chat.

The ticket fields themselves still belong to ``calmdesk.desk.tickets``; this
module writes only ``claimed_by``/``claimed_at``, the status change to
``resolved``, and the notes.  It also reads Rasa tracker events (passed in as
plain dicts, no Rasa import) to tell how the customer's anger moved and to
turn the conversation into transcript lines for the console.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from calmdesk.desk.tickets import NotFoundError, earlier_tickets, get_ticket
from calmdesk.desk.tickets.store import _ticket_by_reference_or_raise
from calmdesk.models import Ticket, TicketNote, utcnow
from calmdesk.taxonomy import PRIORITIES, anger_rank, anger_trend

WAITING_STATUS = "awaiting_agent"
MAX_NOTE = 4000


class NotHolder(Exception):
    """Someone else holds the conversation (or, for a reply, nobody has claimed it yet)."""

    def __init__(self, reference: str, holder: str | None):
        self.holder = holder
        super().__init__(
            f"{reference} is held by {holder}" if holder else f"claim {reference} first"
        )


class NotWaiting(ValueError):
    """The ticket is not waiting for a person (never handed off, or already resolved)."""


# --------------------------------------------------------------------------
# The queue


def queue(engine: Engine, now: datetime | None = None) -> list[dict[str, Any]]:
    """Conversations waiting for a person or with one now: most urgent first, then longest waiting."""
    now = now or utcnow()
    query = (
        select(Ticket)
        .options(selectinload(Ticket.remedies))
        .where(Ticket.handoff.is_(True), Ticket.status == WAITING_STATUS)
    )
    with Session(engine) as session:
        rows = list(session.scalars(query))
        rows.sort(key=lambda t: (-_priority_rank(t.priority), t.created_at, t.id))
        return [_queue_entry(ticket, now) for ticket in rows]


def _priority_rank(priority: str) -> int:
    return PRIORITIES.index(priority) if priority in PRIORITIES else 0


def _queue_entry(ticket: Ticket, now: datetime) -> dict[str, Any]:
    return {
        "reference": ticket.reference,
        "conversation_id": ticket.conversation_id,
        "category": ticket.category,
        "priority": ticket.priority,
        "status": ticket.status,
        "anger_level": ticket.anger_level,  # the peak
        "recurrent": bool(ticket.recurrent),
        "remedies": [{"kind": r.kind, "status": r.status} for r in ticket.remedies],
        "claimed_by": ticket.claimed_by,
        "claimed_at": _iso(ticket.claimed_at),
        "created_at": _iso(ticket.created_at),
        "waiting_seconds": max(int((now - ticket.created_at).total_seconds()), 0),
    }


# --------------------------------------------------------------------------
# Claim and resolve


def claim(engine: Engine, reference: str, username: str) -> dict[str, Any]:
    """``username`` takes the conversation.  Claiming one's own again changes nothing (``newly_claimed`` False).

    NotFoundError for an unknown ticket, NotWaiting if it is not waiting for a
    person, NotHolder if somebody else got there first.
    """
    _check_username(username)
    with Session(engine) as session, session.begin():
        ticket = _ticket_by_reference_or_raise(session, reference)
        if not ticket.handoff or ticket.status != WAITING_STATUS:
            raise NotWaiting(f"{ticket.reference} is not waiting for a person (status {ticket.status})")
        if ticket.claimed_by == username:
            return {**held(ticket), "newly_claimed": False}
        now = utcnow()
        won = session.execute(
            update(Ticket)
            .where(Ticket.id == ticket.id, Ticket.claimed_by.is_(None))
            .values(claimed_by=username, claimed_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won != 1:
            session.refresh(ticket)
            raise NotHolder(ticket.reference, ticket.claimed_by)
        # The UPDATE bypassed the session, so the loaded ticket still shows it unclaimed.
        return {**held(ticket), "claimed_by": username, "claimed_at": _iso(now), "newly_claimed": True}


def check_holder(engine: Engine, reference: str, username: str) -> dict[str, Any]:
    """The ticket's claim if ``username`` holds the (still waiting) conversation; NotHolder otherwise."""
    with Session(engine) as session:
        ticket = _ticket_by_reference_or_raise(session, reference)
        if ticket.status != WAITING_STATUS:
            raise NotWaiting(f"{ticket.reference} is {ticket.status}, nobody holds it any more")
        if ticket.claimed_by != username:
            raise NotHolder(ticket.reference, ticket.claimed_by)
        return held(ticket)


def resolve(engine: Engine, reference: str, username: str) -> dict[str, Any]:
    """The holder is done: the ticket becomes ``resolved`` (and leaves the queue)."""
    with Session(engine) as session, session.begin():
        ticket = _ticket_by_reference_or_raise(session, reference)
        if ticket.status != WAITING_STATUS:
            raise NotWaiting(f"{ticket.reference} is {ticket.status}, not waiting for a person")
        now = utcnow()
        done = session.execute(
            update(Ticket)
            .where(Ticket.id == ticket.id, Ticket.status == WAITING_STATUS, Ticket.claimed_by == username)
            .values(status="resolved", updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if done != 1:
            session.refresh(ticket)
            raise NotHolder(ticket.reference, ticket.claimed_by)
        return {**held(ticket), "status": "resolved"}


def held(ticket: Ticket) -> dict[str, Any]:
    return {"reference": ticket.reference, "conversation_id": ticket.conversation_id,
            "claimed_by": ticket.claimed_by, "claimed_at": _iso(ticket.claimed_at), "status": ticket.status}


# --------------------------------------------------------------------------
# Notes and the conversation summary


def add_note(engine: Engine, reference: str, author: str, text: str) -> dict[str, Any]:
    """An internal note on the ticket (never shown to the customer)."""
    _check_username(author)
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a note needs some text")
    if len(text) > MAX_NOTE:
        raise ValueError(f"a note is at most {MAX_NOTE} characters (this one has {len(text)})")
    with Session(engine) as session, session.begin():
        ticket = _ticket_by_reference_or_raise(session, reference)
        note = TicketNote(ticket_id=ticket.id, author=author, text=text.strip().replace("\x00", "\ufffd"),
                          created_at=utcnow())
        session.add(note)
        session.flush()
        return _note_to_dict(note)


def notes(engine: Engine, reference: str) -> list[dict[str, Any]]:
    """The ticket's notes, oldest first."""
    with Session(engine) as session:
        ticket = _ticket_by_reference_or_raise(session, reference)
        query = select(TicketNote).where(TicketNote.ticket_id == ticket.id).order_by(TicketNote.id)
        return [_note_to_dict(note) for note in session.scalars(query)]


def conversation(engine: Engine, reference: str) -> dict[str, Any]:
    """Everything the console shows beside the transcript: the ticket, who holds it, notes, earlier tickets."""
    ticket = get_ticket(engine, reference)
    if ticket is None:
        raise NotFoundError(f"no ticket with reference {reference!r}")
    with Session(engine) as session:
        row = _ticket_by_reference_or_raise(session, reference)
        claim_info = held(row)
    earlier = []
    if ticket["customer_email"]:
        earlier = [
            {key: t[key] for key in ("reference", "category", "status", "created_at", "anger_level")}
            for t in earlier_tickets(engine, ticket["customer_email"], within_days=None,
                                     exclude_conversation_id=ticket["conversation_id"])
        ]
    ticket.pop("transcript", None)  # the console reads the live transcript from Rasa
    return {"ticket": ticket, "claimed_by": claim_info["claimed_by"], "claimed_at": claim_info["claimed_at"],
            "notes": notes(engine, reference), "earlier_tickets": earlier}


# --------------------------------------------------------------------------
# Reading Rasa tracker events (plain dicts)


def anger_summary(events: Iterable[dict[str, Any]], peak: str | None = None) -> dict[str, Any]:
    """How the customer's anger moved: the first reading, the peak, the latest, and the trend.

    ``peak`` is the ticket's stored peak (it also covers earlier sessions).
    A customer message carries its reading under ``parse_data.anger.level``.
    """
    levels = [level for level in (_anger_of(event) for event in events if event.get("event") == "user") if level]
    start = levels[0] if levels else None
    latest = levels[-1] if levels else None
    known = [level for level in (*levels, peak) if level]
    top = max(known, key=anger_rank) if known else None
    return {"start": start, "peak": top, "latest": latest, "trend": anger_trend(levels)}


def _anger_of(event: dict[str, Any]) -> str | None:
    anger = (event.get("parse_data") or {}).get("anger") or {}
    level = anger.get("level") if isinstance(anger, dict) else None
    return level if isinstance(level, str) else None


def transcript_lines(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The conversation as lines: ``role`` user / bot / agent / system, ``text``, ``at``, ``author``.

    A person's replies and the chat's own notices are bot events whose
    metadata says ``author_role`` (the console appends them that way).
    """
    lines = []
    for event in events:
        kind, text = event.get("event"), event.get("text")
        if kind not in ("user", "bot") or not isinstance(text, str) or not text:
            continue
        metadata = event.get("metadata") or {}
        if kind == "user":
            role, author = "user", None
        elif metadata.get("author_role") in ("agent", "system"):
            role, author = metadata["author_role"], metadata.get("agent")
        else:
            role, author = "bot", None
        stamp = event.get("timestamp")
        at = datetime.fromtimestamp(stamp, tz=timezone.utc).isoformat() if isinstance(stamp, (int, float)) else None
        lines.append({"role": role, "text": text, "at": at, "author": author})
    # In time order, not event order: a person's reply is appended to the
    # tracker over HTTP and can land after a customer message it preceded.
    lines.sort(key=lambda line: line["at"] or "")
    return lines


def is_paused(events: Iterable[dict[str, Any]]) -> bool:
    """Whether the bot is paused (handed off and not yet resumed) after these events."""
    paused = False
    for event in events:
        if event.get("event") == "pause":
            paused = True
        elif event.get("event") in ("resume", "restart"):
            paused = False
    return paused


# --------------------------------------------------------------------------
# Helpers




def _note_to_dict(note: TicketNote) -> dict[str, Any]:
    return {"id": note.id, "author": note.author, "text": note.text, "created_at": _iso(note.created_at)}


def _check_username(username: object) -> None:
    if not isinstance(username, str) or not username.strip() or len(username) > 128:
        raise ValueError(f"a staff username is needed, not {username!r}")


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).isoformat() if moment else None
