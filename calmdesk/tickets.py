"""The ticket service: filing, updating and reading tickets and their remedies.

The bot (through Rasa custom actions) and the staff API both go through these
functions; nothing else writes ticket rows.  Each function takes an Engine,
does one unit of work in its own session and transaction, and returns plain
dicts (the exact shape the staff API serves), so callers never hold ORM
objects or sessions.

Rasa may run an action twice (a retry, a restarted action server), so writes
are idempotent: a ticket is keyed by ``(conversation_id, complaint_seq)`` and
saving the same draft again updates that ticket instead of filing another.
Two processes can still race between "look it up" and "insert it"; the
database's UNIQUE constraints catch that, and the whole unit of work is
simply run again, which then finds the row the other process wrote.

Input is checked before the database is touched: an unknown category,
status, sender, remedy kind ... raises ValueError naming the bad value and the
allowed ones.  A reference that does not exist raises NotFoundError.

After the complaint: a customer's earlier tickets (``earlier_tickets``: the
same category within 90 days makes a new ticket recurrent), their
satisfaction score, and a check-in date staff can list
(``list_tickets(follow_up_due_before=...)``).  Links to mass incidents are
made in ``calmdesk.incidents``; a ticket dict shows its incident's reference.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql import Select

from calmdesk import references
from calmdesk.db import is_transient
from calmdesk.models import (
    REMEDY_UNITS,
    SATISFACTION_SCORES,
    Customer,
    IncidentTicket,
    Remedy,
    RemedyEvent,
    Satisfaction,
    Ticket,
    TranscriptEntry,
    utcnow,
)
from calmdesk.taxonomy import (
    ANGER_LEVELS,
    CATEGORIES,
    PRIORITIES,
    REMEDY_KINDS,
    REMEDY_STATUSES,
    TICKET_STATUSES,
    TRANSCRIPT_SENDERS,
    max_anger,
)

# "CD-" + 6 characters of Crockford base32 (no I, L, O, U: easy to read aloud).
REFERENCE_PREFIX = "CD-"  # "CD-7K3M9Q": see calmdesk/references.py

# Which remedy status may follow which.  Setting the current status again is a no-op.
# Until a remedy is fulfilled the customer may change their mind (accept one
# they declined, decline one they accepted); every change is a RemedyEvent.
REMEDY_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "offered": ("accepted", "declined"),
    "accepted": ("declined", "fulfilled"),
    "declined": ("accepted",),
    "fulfilled": (),
}

MAX_LIST_LIMIT = 500
MAX_ATTEMPTS = 5  # a unit of work is re-run this often after losing a race

# Column widths (see models.py); longer values are refused, not truncated.
MAX_CONVERSATION_ID = 255
MAX_ORDER_NUMBER = 64
MAX_EMAIL = 320
MAX_ACTOR = 128
MAX_AMOUNT = 9_999_999_999.99  # Numeric(12, 2)

RECURRENCE_DAYS = 90  # the same category again within this many days makes a ticket recurrent


class NotFoundError(LookupError):
    """The ticket (or the remedy on it, or the incident) named by the caller does not exist."""


@dataclass(frozen=True)
class TranscriptLine:
    sender: str  # one of TRANSCRIPT_SENDERS
    text: str
    at: datetime  # timezone-aware


@dataclass(frozen=True)
class RemedyOffer:
    kind: str  # one of REMEDY_KINDS
    amount: float | None = None
    unit: str | None = None  # "percent" or "currency"


@dataclass
class TicketDraft:
    """What the bot knows about a complaint so far; ``save_ticket`` files or updates it."""

    conversation_id: str
    complaint_seq: int = 1
    category: str = "other"
    anger_level: str = "calm"
    priority: str = "normal"  # on update the stored priority is never lowered
    status: str | None = None  # None: a new ticket is "open", a stored one keeps its status
    handoff: bool = False
    recurrent: bool = False
    order_number: str | None = None
    customer_email: str | None = None
    description: str | None = None
    transcript: list[TranscriptLine] | None = None  # None: keep stored transcript; a list: replace it whole


# --------------------------------------------------------------------------
# Public functions


def save_ticket(engine: Engine, draft: TicketDraft, *, summary: bool = False) -> dict[str, Any]:
    """File the ticket for ``(conversation_id, complaint_seq)``, or update it if it exists.

    On update: the anger level keeps its peak, a handoff stays handed off,
    and fields that are None in the draft keep their stored value.
    ``summary``: return only the ticket's own fields, not its remedies,
    transcript, incident and satisfaction - what a turn needs, without
    reading all of that back after every save.
    """
    _validate_draft(draft)

    def work(session: Session) -> dict[str, Any]:
        ticket = _ticket_by_key(session, draft.conversation_id, draft.complaint_seq)
        if ticket is None:
            ticket = Ticket(
                reference=_unused_reference(session),
                conversation_id=draft.conversation_id,
                complaint_seq=draft.complaint_seq,
                created_at=utcnow(),
            )
            session.add(ticket)
        _apply_draft(session, ticket, draft)
        session.flush()
        return _ticket_summary(ticket) if summary else _ticket_to_dict(ticket)

    return _run(engine, work)


def offer_remedies(
    engine: Engine, reference: str, offers: list[RemedyOffer], actor: str = "bot"
) -> dict[str, Any]:
    """Offer each remedy kind on the ticket once; kinds already on it are left as they are."""
    for offer in offers:
        _validate_offer(offer)
    _validate_actor(actor)

    def work(session: Session) -> dict[str, Any]:
        ticket = _ticket_by_reference_or_raise(session, reference)
        present = {remedy.kind for remedy in ticket.remedies}
        now = utcnow()
        for offer in offers:
            if offer.kind in present:
                continue
            remedy = Remedy(
                kind=offer.kind,
                amount=offer.amount,
                unit=offer.unit,
                status="offered",
                created_at=now,
                updated_at=now,
            )
            remedy.events.append(RemedyEvent(status="offered", actor=actor, at=now))
            ticket.remedies.append(remedy)
            ticket.updated_at = now
            present.add(offer.kind)
        session.flush()
        return _ticket_to_dict(ticket)

    return _run(engine, work)


def set_remedy_status(engine: Engine, reference: str, kind: str, status: str, actor: str) -> dict[str, Any]:
    """Move one remedy to ``status`` and record who did it.

    Allowed: offered -> accepted | declined, accepted -> fulfilled.  Asking
    for the current status again changes nothing; anything else raises ValueError.
    """
    _check_choice("remedy kind", kind, REMEDY_KINDS)
    _check_choice("remedy status", status, REMEDY_STATUSES)
    _validate_actor(actor)

    def work(session: Session) -> dict[str, Any]:
        ticket = _ticket_by_reference_or_raise(session, reference)
        remedy = next((r for r in ticket.remedies if r.kind == kind), None)
        if remedy is None:
            offered = ", ".join(r.kind for r in ticket.remedies) or "none"
            raise NotFoundError(f"ticket {ticket.reference} has no {kind!r} remedy (offered: {offered})")
        if remedy.status == status:
            return _ticket_to_dict(ticket)
        allowed = REMEDY_TRANSITIONS[remedy.status]
        if status not in allowed:
            next_steps = ", ".join(allowed) if allowed else "nothing (it is final)"
            raise ValueError(
                f"cannot change the {kind} remedy on {ticket.reference} from {remedy.status!r} "
                f"to {status!r}; from {remedy.status!r} it can only go to: {next_steps}"
            )
        # Compare-and-set: only change it if nobody else did since we read it.
        now = utcnow()
        changed = session.execute(
            update(Remedy)
            .where(Remedy.id == remedy.id, Remedy.status == remedy.status)
            .values(status=status, updated_at=now)
        ).rowcount
        if changed != 1:
            raise _LostRace()
        remedy.events.append(RemedyEvent(status=status, actor=actor, at=now))
        ticket.updated_at = now
        session.flush()
        return _ticket_to_dict(ticket)

    return _run(engine, work)


def get_ticket(engine: Engine, reference: str) -> dict[str, Any] | None:
    """The ticket with this reference (case-insensitive), or None."""
    reference = _normalise_reference(reference)
    if reference is None:
        return None
    with Session(engine) as session, session.begin():
        ticket = _ticket_by_reference(session, reference)
        return _ticket_to_dict(ticket) if ticket else None


def find_ticket(engine: Engine, conversation_id: str, complaint_seq: int = 1) -> dict[str, Any] | None:
    """The ticket for this complaint of this conversation, or None."""
    _validate_conversation_id(conversation_id)
    _validate_complaint_seq(complaint_seq)
    with Session(engine) as session, session.begin():
        ticket = _ticket_by_key(session, conversation_id, complaint_seq)
        return _ticket_to_dict(ticket) if ticket else None


def list_tickets(
    engine: Engine,
    *,
    conversation_id: str | None = None,
    status: str | None = None,
    category: str | None = None,
    follow_up_due_before: datetime | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Tickets matching all the given filters, newest first, at most ``limit`` (1..500).

    With ``follow_up_due_before``: only tickets whose check-in (``follow_up_at``)
    is at or before that moment, soonest check-in first.
    """
    if conversation_id is not None:
        _validate_conversation_id(conversation_id)
    if status is not None:
        _check_choice("status", status, TICKET_STATUSES)
    if category is not None:
        _check_choice("category", category, CATEGORIES)
    if follow_up_due_before is not None:
        _validate_moment("follow_up_due_before", follow_up_due_before)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIST_LIMIT:
        raise ValueError(f"limit must be a whole number from 1 to {MAX_LIST_LIMIT}, not {limit!r}")

    query = select(Ticket).options(*_TICKET_LOADS).limit(limit)
    if follow_up_due_before is not None:
        query = query.where(Ticket.follow_up_at <= follow_up_due_before).order_by(
            Ticket.follow_up_at.asc(), Ticket.id.asc()
        )
    else:
        query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc())
    if conversation_id is not None:
        query = query.where(Ticket.conversation_id == conversation_id)
    if status is not None:
        query = query.where(Ticket.status == status)
    if category is not None:
        query = query.where(Ticket.category == category)

    with Session(engine) as session, session.begin():
        return [_ticket_to_dict(ticket) for ticket in session.scalars(query)]


def earlier_tickets(
    engine: Engine,
    customer_email: str,
    *,
    category: str | None = None,
    within_days: int | None = RECURRENCE_DAYS,
    now: datetime | None = None,
    exclude_conversation_id: str | None = None,
) -> list[dict[str, Any]]:
    """The customer's tickets filed in the ``within_days`` days up to ``now``, newest first.

    The customer is found by email, case-insensitively (through their
    Customer row, so tickets filed under "Ann@Example.com" count for
    "ann@example.com").  ``category`` keeps only that category: a non-empty
    answer for the complaint's own category means the new ticket is
    recurrent.  ``exclude_conversation_id`` leaves out the conversation
    asking (its own ticket is not an *earlier* one).  A window of exactly
    ``within_days`` days still counts; ``within_days=None`` means no limit.
    """
    query = _earlier_query(customer_email, category=category, within_days=within_days, now=now,
                           exclude_conversation_id=exclude_conversation_id)
    query = query.options(*_TICKET_LOADS).order_by(Ticket.created_at.desc(), Ticket.id.desc())
    with Session(engine) as session, session.begin():
        return [_ticket_to_dict(ticket) for ticket in session.scalars(query)]


def count_earlier_tickets(engine: Engine, customer_email: str, **filters: Any) -> int:
    """How many tickets ``earlier_tickets`` would return with the same ``filters``, without reading them.

    A turn only needs the number (is this a recurrence?); reading every
    earlier ticket with its transcript made a regular customer's turns slower
    with each ticket they had filed.
    """
    query = _earlier_query(customer_email, **filters)
    with Session(engine) as session, session.begin():
        return session.scalar(select(func.count()).select_from(query.with_only_columns(Ticket.id).subquery()))


def _earlier_query(customer_email: str, *, category: str | None = None, within_days: int | None = RECURRENCE_DAYS,
                   now: datetime | None = None, exclude_conversation_id: str | None = None) -> Select:
    _check_short_string("customer_email", customer_email, MAX_EMAIL)
    email = _normalise_email(customer_email)
    if email is None:
        raise ValueError("customer_email must not be empty")
    if category is not None:
        _check_choice("category", category, CATEGORIES)
    if within_days is not None and (
        isinstance(within_days, bool) or not isinstance(within_days, int) or within_days < 1
    ):
        raise ValueError(f"within_days must be a whole number of at least 1 (or None), not {within_days!r}")
    if now is None:
        now = utcnow()
    _validate_moment("now", now)
    if exclude_conversation_id is not None:
        _validate_conversation_id(exclude_conversation_id)

    query = (
        select(Ticket)
        .join(Customer, Ticket.customer_id == Customer.id)
        .where(Customer.email == email, Ticket.created_at <= now)
    )
    if within_days is not None:
        query = query.where(Ticket.created_at >= now - timedelta(days=within_days))
    if category is not None:
        query = query.where(Ticket.category == category)
    if exclude_conversation_id is not None:
        query = query.where(Ticket.conversation_id != exclude_conversation_id)
    return query


def record_satisfaction(
    engine: Engine, reference: str, score: int, comment: str | None = None
) -> dict[str, Any]:
    """Store the customer's satisfaction with the ticket: a whole number 1..5 and an optional comment.

    A ticket has one answer; recording again replaces it (score, comment and time).
    The comment is kept verbatim; an empty one counts as no comment.
    """
    if isinstance(score, bool) or not isinstance(score, int) or score not in SATISFACTION_SCORES:
        allowed = ", ".join(str(value) for value in SATISFACTION_SCORES)
        raise ValueError(f"unknown satisfaction score {score!r}; allowed: {allowed}")
    if comment is not None and not isinstance(comment, str):
        raise ValueError(f"comment must be a string (or None), not {comment!r}")
    stored_comment = _storable_text(comment) if comment is not None and comment.strip() else None

    def work(session: Session) -> dict[str, Any]:
        ticket = _ticket_by_reference_or_raise(session, reference)
        now = utcnow()
        if ticket.satisfaction is None:
            ticket.satisfaction = Satisfaction(score=score, comment=stored_comment, at=now)
        else:
            ticket.satisfaction.score = score
            ticket.satisfaction.comment = stored_comment
            ticket.satisfaction.at = now
        ticket.updated_at = now
        session.flush()
        return _ticket_to_dict(ticket)

    return _run(engine, work)


def schedule_follow_up(engine: Engine, reference: str, when: datetime | None) -> dict[str, Any]:
    """Set when staff should check in with the customer (a timezone-aware time); None cancels it."""
    if when is not None:
        _validate_moment("when", when)

    def work(session: Session) -> dict[str, Any]:
        ticket = _ticket_by_reference_or_raise(session, reference)
        ticket.follow_up_at = when
        ticket.updated_at = utcnow()
        session.flush()
        return _ticket_to_dict(ticket)

    return _run(engine, work)


# --------------------------------------------------------------------------
# Serialisation: the one place a Ticket becomes the dict callers and the API see.


def _ticket_summary(ticket: Ticket) -> dict[str, Any]:
    """The ticket's own fields, without what hangs off it (remedies, transcript, incident, satisfaction)."""
    return {
        "reference": ticket.reference,
        "conversation_id": ticket.conversation_id,
        "complaint_seq": ticket.complaint_seq,
        "category": ticket.category,
        "anger_level": ticket.anger_level,
        "priority": ticket.priority,
        "status": ticket.status,
        "handoff": ticket.handoff,
        "recurrent": ticket.recurrent,
        "order_number": ticket.order_number,
        "customer_email": ticket.customer_email,
        "description": ticket.description,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
    }


def _ticket_to_dict(ticket: Ticket) -> dict[str, Any]:
    return {
        **_ticket_summary(ticket),
        "remedies": [
            {
                "kind": r.kind, "amount": r.amount, "unit": r.unit, "status": r.status,
                # Who moved the remedy to which status, and when.
                "history": [{"status": e.status, "actor": e.actor, "at": _iso(e.at)}
                            for e in sorted(r.events, key=lambda e: (e.at, e.id or 0))],
            }
            for r in ticket.remedies
        ],
        "transcript": [
            {"sender": entry.sender, "text": entry.text, "at": _iso(entry.at)} for entry in ticket.transcript
        ],
        "incident": ticket.incident_link.incident.reference if ticket.incident_link else None,
        "follow_up_at": _iso(ticket.follow_up_at) if ticket.follow_up_at else None,
        "satisfaction": _satisfaction_to_dict(ticket.satisfaction) if ticket.satisfaction else None,
    }


def _satisfaction_to_dict(satisfaction: Satisfaction) -> dict[str, Any]:
    return {"score": satisfaction.score, "comment": satisfaction.comment, "at": _iso(satisfaction.at)}


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


# Everything _ticket_to_dict reads, loaded up front when listing many tickets.
_TICKET_LOADS = (
    selectinload(Ticket.remedies).selectinload(Remedy.events),
    selectinload(Ticket.transcript),
    selectinload(Ticket.incident_link).selectinload(IncidentTicket.incident),
    selectinload(Ticket.satisfaction),
)


# --------------------------------------------------------------------------
# Units of work and queries

T = TypeVar("T")


class _LostRace(Exception):
    """Another process changed the row between our read and our write: run again."""


def _run(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a fresh session and transaction; re-run it if it lost a race.

    An IntegrityError here means another process inserted the same ticket,
    customer or remedy first (or, very rarely, a reference collided).  The
    failed transaction is rolled back and the next attempt re-reads the
    database, so it takes the "already exists" path.  A lost connection (a
    PostgreSQL restart: ``db.is_transient``) is retried too, after a short
    wait, so a complaint filed during the restart is not lost.
    """
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with Session(engine) as session, session.begin():
                return work(session)
        except (IntegrityError, _LostRace):
            if attempt == MAX_ATTEMPTS:
                raise
        except DBAPIError as error:  # the database restarted under us: wait for it, then re-run
            if attempt == MAX_ATTEMPTS or not is_transient(error):
                raise
            time.sleep(min(0.5 * 2 ** (attempt - 1), 4.0))
    raise AssertionError("unreachable")


def _ticket_by_key(session: Session, conversation_id: str, complaint_seq: int) -> Ticket | None:
    return session.scalars(
        select(Ticket).where(Ticket.conversation_id == conversation_id, Ticket.complaint_seq == complaint_seq)
    ).first()


def _ticket_by_reference(session: Session, reference: str) -> Ticket | None:
    return session.scalars(select(Ticket).where(Ticket.reference == reference)).first()


def _ticket_by_reference_or_raise(session: Session, reference: str) -> Ticket:
    normalised = _normalise_reference(reference)
    ticket = _ticket_by_reference(session, normalised) if normalised else None
    if ticket is None:
        raise NotFoundError(f"no ticket with reference {reference!r}")
    return ticket


def _normalise_reference(reference: object) -> str | None:
    return references.normalise(reference, REFERENCE_PREFIX)


def _new_reference() -> str:
    return references.new(REFERENCE_PREFIX)


def _unused_reference(session: Session) -> str:
    """A fresh reference not yet in the database (the UNIQUE constraint backs this up)."""
    while True:
        reference = _new_reference()
        if _ticket_by_reference(session, reference) is None:
            return reference


def _customer_for(session: Session, email: str) -> Customer:
    """The customer with this (already lowercased) email, created if new."""
    customer = session.scalars(select(Customer).where(Customer.email == email)).first()
    if customer is None:
        customer = Customer(email=email, created_at=utcnow())
        session.add(customer)
    return customer


def _apply_draft(session: Session, ticket: Ticket, draft: TicketDraft) -> None:
    """Copy the draft onto a new or stored ticket, following the update rules."""
    ticket.category = draft.category
    stored_priority = PRIORITIES.index(ticket.priority) if ticket.priority in PRIORITIES else 0
    ticket.priority = PRIORITIES[max(stored_priority, PRIORITIES.index(draft.priority))]
    ticket.status = draft.status or ticket.status or "open"
    ticket.recurrent = bool(ticket.recurrent) or draft.recurrent  # once recurrent, stays recurrent
    ticket.anger_level = max_anger(ticket.anger_level, draft.anger_level)  # peak, never lowered
    ticket.handoff = bool(ticket.handoff) or draft.handoff  # once handed off, stays handed off

    email = _normalise_email(draft.customer_email)
    if email is not None:
        ticket.customer_email = email
        ticket.customer = _customer_for(session, email)
    if draft.order_number is not None:
        ticket.order_number = draft.order_number.strip()
    if draft.description is not None:
        ticket.description = _storable_text(draft.description)

    if draft.transcript is not None:
        _replace_transcript(session, ticket, draft.transcript)
    ticket.updated_at = utcnow()


def _replace_transcript(session: Session, ticket: Ticket, lines: list[TranscriptLine]) -> None:
    """Make the stored transcript, from the time of ``lines[0]`` on, equal ``lines``; rewrite only what differs.

    Between two saves a conversation's transcript usually just grows, so this
    mostly appends. Rewriting every line on every save made each turn slower
    the longer the conversation ran (``make bench``: turn 60 against turn 5).
    ``lines`` are what the current Rasa session holds. Stored lines older than
    its first line came from an earlier session (stores/tracker_store.py starts
    a new one after a finished complaint) and are kept as they are.
    """
    if not lines:
        return
    wanted = [(line.sender, _storable_text(line.text), line.at) for line in lines]
    stored = ticket.transcript
    earlier = 0
    while earlier < len(stored) and stored[earlier].at < wanted[0][2]:
        earlier += 1
    same = 0
    for entry, (sender, text, _at) in zip(stored[earlier:], wanted):
        # Who said what decides; the time does not. What the bot says is stored
        # with the moment it was said, and Rasa stamps the same message a few
        # milliseconds later: comparing times rewrote the last lines every turn.
        if (entry.sender, entry.text) != (sender, text):
            break
        same += 1
    if earlier + same < len(stored):
        del stored[earlier + same:]
        session.flush()  # delete the old lines before new ones take their positions
    stored.extend(
        TranscriptEntry(position=position, sender=sender, text=text, at=at)
        for position, (sender, text, at) in enumerate(wanted[same:], start=earlier + same)
    )


def _normalise_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    return email.strip().lower()


def _storable_text(text: str) -> str:
    """Text as given, except NUL (PostgreSQL cannot store it) becomes U+FFFD."""
    return text.replace("\x00", "\ufffd")


# --------------------------------------------------------------------------
# Validation: everything is checked before any database work starts.


def _check_choice(field: str, value: object, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"unknown {field} {value!r}; allowed: {', '.join(allowed)}")


def _check_short_string(field: str, value: object, max_length: int, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise ValueError(f"{field} must be a string, not {value!r}")
    if len(value) > max_length:
        raise ValueError(f"{field} is {len(value)} characters long; at most {max_length} are allowed")
    if "\x00" in value:
        raise ValueError(f"{field} must not contain NUL characters")


def _validate_conversation_id(conversation_id: object) -> None:
    _check_short_string("conversation_id", conversation_id, MAX_CONVERSATION_ID)
    if not conversation_id.strip():  # type: ignore[union-attr]
        raise ValueError("conversation_id must not be empty")


def _validate_complaint_seq(complaint_seq: object) -> None:
    if isinstance(complaint_seq, bool) or not isinstance(complaint_seq, int) or complaint_seq < 1:
        raise ValueError(f"complaint_seq must be a whole number of at least 1, not {complaint_seq!r}")


def _validate_moment(field: str, value: object) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field} must be a timezone-aware datetime, not {value!r}")


def _validate_actor(actor: object) -> None:
    _check_short_string("actor", actor, MAX_ACTOR)
    if not actor.strip():  # type: ignore[union-attr]
        raise ValueError("actor must not be empty (e.g. 'bot', 'customer', 'agent:alice')")


def _validate_draft(draft: TicketDraft) -> None:
    _validate_conversation_id(draft.conversation_id)
    _validate_complaint_seq(draft.complaint_seq)
    _check_choice("category", draft.category, CATEGORIES)
    _check_choice("anger_level", draft.anger_level, ANGER_LEVELS)
    _check_choice("priority", draft.priority, PRIORITIES)
    if draft.status is not None:
        _check_choice("status", draft.status, TICKET_STATUSES)
    for flag in ("handoff", "recurrent"):
        if not isinstance(getattr(draft, flag), bool):
            raise ValueError(f"{flag} must be True or False, not {getattr(draft, flag)!r}")
    _check_short_string("order_number", draft.order_number, MAX_ORDER_NUMBER, optional=True)
    _check_short_string("customer_email", draft.customer_email, MAX_EMAIL, optional=True)
    if draft.description is not None and not isinstance(draft.description, str):
        raise ValueError(f"description must be a string, not {draft.description!r}")
    if draft.transcript is not None:
        if not isinstance(draft.transcript, list):
            raise ValueError("transcript must be a list of TranscriptLine (or None to keep the stored one)")
        for line in draft.transcript:
            _validate_line(line)


def _validate_line(line: object) -> None:
    if not isinstance(line, TranscriptLine):
        raise ValueError(f"transcript entries must be TranscriptLine, not {line!r}")
    _check_choice("sender", line.sender, TRANSCRIPT_SENDERS)
    if not isinstance(line.text, str):
        raise ValueError(f"transcript text must be a string, not {line.text!r}")
    if not isinstance(line.at, datetime) or line.at.tzinfo is None or line.at.utcoffset() is None:
        raise ValueError(f"transcript time must be a timezone-aware datetime, not {line.at!r}")


def _validate_offer(offer: object) -> None:
    if not isinstance(offer, RemedyOffer):
        raise ValueError(f"offers must be RemedyOffer, not {offer!r}")
    _check_choice("remedy kind", offer.kind, REMEDY_KINDS)
    if offer.unit is not None:
        _check_choice("remedy unit", offer.unit, REMEDY_UNITS)
    amount = offer.amount
    if amount is None:
        return
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not math.isfinite(amount):
        raise ValueError(f"remedy amount must be a number, not {amount!r}")
    if not 0 <= amount <= MAX_AMOUNT:
        raise ValueError(f"remedy amount must be between 0 and {MAX_AMOUNT}, not {amount!r}")
    if offer.unit == "percent" and amount > 100:
        raise ValueError(f"a percent remedy amount must be at most 100, not {amount!r}")
