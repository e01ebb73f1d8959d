"""Reading tickets: by reference, by conversation, filtered lists, and a customer's earlier tickets.

The same category again within ``RECURRENCE_DAYS`` days makes a new ticket
recurrent (``earlier_tickets``, ``count_earlier_tickets``); staff list the
check-ins that are due with ``list_tickets(follow_up_due_before=...)``.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from calmdesk.desk.tickets.drafts import (
    MAX_EMAIL,
    _check_choice,
    _check_short_string,
    _validate_complaint_seq,
    _validate_conversation_id,
    _validate_moment,
)
from calmdesk.desk.tickets.serialisation import _TICKET_LOADS, _ticket_to_dict
from calmdesk.desk.tickets.store import _normalise_email, _normalise_reference, _ticket_by_key, _ticket_by_reference
from calmdesk.models import Customer, Ticket, utcnow
from calmdesk.taxonomy import CATEGORIES, TICKET_STATUSES

MAX_LIST_LIMIT = 500

RECURRENCE_DAYS = 90  # the same category again within this many days makes a ticket recurrent


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
