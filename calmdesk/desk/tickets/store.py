"""Units of work and lookups: how the ticket service reads and writes the database.

Each public function does one unit of work in its own session and transaction
(``_run``). Two processes can race between "look it up" and "insert it"; the
database's UNIQUE constraints catch that, and the whole unit of work is simply
run again, which then finds the row the other process wrote. A lost connection
(a PostgreSQL restart) is retried the same way, after a short wait.
"""
from __future__ import annotations

import time
from typing import Callable, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from calmdesk.db import is_transient
from calmdesk.desk import references
from calmdesk.models import Customer, Ticket, utcnow

# "CD-" + 6 characters of Crockford base32 (no I, L, O, U: easy to read aloud).
REFERENCE_PREFIX = "CD-"  # "CD-7K3M9Q": see calmdesk/desk/references.py

MAX_ATTEMPTS = 5  # a unit of work is re-run this often after losing a race


class NotFoundError(LookupError):
    """The ticket (or the remedy on it, or the incident) named by the caller does not exist."""


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


def _normalise_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    return email.strip().lower()


def _storable_text(text: str) -> str:
    """Text as given, except NUL (PostgreSQL cannot store it) becomes U+FFFD."""
    return text.replace("\x00", "\ufffd")
