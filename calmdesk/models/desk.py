"""The desk's tables: customers, tickets with their remedies, transcript and satisfaction; incidents.

A ticket is one complaint in one conversation: ``(conversation_id,
complaint_seq)`` is its natural key, so a retried save finds the same row
instead of filing a duplicate.  Remedies hang off a ticket (one per kind),
and every remedy status change is kept as a ``RemedyEvent`` so staff can see
who changed what and when.  The transcript is stored line by line, verbatim.

A mass incident (an outage, a courier losing a whole day's parcels) is one
``Incident`` per category with a public message and a trail of
``IncidentUpdate`` rows.  Tickets join an incident through
``IncidentTicket`` (at most one incident per ticket) rather than a column on
``tickets``: adding a foreign-key column to ``tickets`` would force SQLite to
rebuild that table, and a rebuild with foreign keys enforced silently
cascades into remedies and transcripts.  At most one incident per category
is active (suggested or open); a partial unique index makes the database
hold that line even when two staff members or detection runs race.
A ``Satisfaction`` (one per ticket) is the customer's 1-5 answer afterwards.
``HeldComplaint`` keeps a complaint Rasa tried to file while no action server
answered (calmdesk.desk.holding), to be filed once one is back.
"""
from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import relationship

from calmdesk.models.base import Base, UTCDateTime, one_of, utcnow
from calmdesk.taxonomy import (
    ANGER_LEVELS,
    CATEGORIES,
    PRIORITIES,
    REMEDY_KINDS,
    REMEDY_STATUSES,
    TICKET_STATUSES,
    TRANSCRIPT_SENDERS,
)


# suggested: opened by detection, waiting for staff to confirm (never shown to
# customers).  open: declared or confirmed; customers are told.  closed: over
# (or a suggestion staff dismissed).
INCIDENT_STATUSES: tuple[str, ...] = ("suggested", "open", "closed")
ACTIVE_INCIDENT_STATUSES: tuple[str, ...] = ("suggested", "open")

SATISFACTION_SCORES = range(1, 6)  # 1 (very unhappy) .. 5 (very happy)

# How a remedy's ``amount`` is meant: 10 percent off, or 10 in the shop currency.
REMEDY_UNITS: tuple[str, ...] = ("percent", "currency")


class Customer(Base):
    __tablename__ = "customers"

    id = Column(Integer, primary_key=True)
    email = Column(String(320), nullable=False, unique=True)  # always lowercased
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    tickets = relationship("Ticket", back_populates="customer")


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("conversation_id", "complaint_seq"),
        one_of("category", CATEGORIES),
        one_of("anger_level", ANGER_LEVELS),
        one_of("priority", PRIORITIES),
        one_of("status", TICKET_STATUSES),
    )

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)  # "CD-7K3M9Q"
    conversation_id = Column(String(255), nullable=False, index=True)
    complaint_seq = Column(Integer, nullable=False, default=1)
    customer_id = Column(Integer, ForeignKey("customers.id", ondelete="SET NULL"), nullable=True, index=True)
    category = Column(String(40), nullable=False)
    anger_level = Column(String(20), nullable=False)
    priority = Column(String(20), nullable=False)
    status = Column(String(20), nullable=False)
    handoff = Column(Boolean, nullable=False, default=False)
    recurrent = Column(Boolean, nullable=False, default=False)
    order_number = Column(String(64), nullable=True)
    customer_email = Column(String(320), nullable=True)
    description = Column(Text, nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    follow_up_at = Column(UTCDateTime, nullable=True, index=True)  # when staff check in with the customer
    claimed_by = Column(String(128), nullable=True)  # the staff username holding the conversation
    claimed_at = Column(UTCDateTime, nullable=True)

    customer = relationship("Customer", back_populates="tickets")
    incident_link = relationship(
        "IncidentTicket", back_populates="ticket", uselist=False, cascade="all, delete-orphan"
    )
    satisfaction = relationship(
        "Satisfaction", back_populates="ticket", uselist=False, cascade="all, delete-orphan"
    )
    remedies = relationship(
        "Remedy", back_populates="ticket", order_by="Remedy.id", cascade="all, delete-orphan"
    )
    transcript = relationship(
        "TranscriptEntry",
        back_populates="ticket",
        order_by="TranscriptEntry.position",
        cascade="all, delete-orphan",
    )


class Remedy(Base):
    __tablename__ = "remedies"
    __table_args__ = (
        UniqueConstraint("ticket_id", "kind"),
        one_of("kind", REMEDY_KINDS),
        one_of("status", REMEDY_STATUSES),
        one_of("unit", REMEDY_UNITS, nullable=True),
    )

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    kind = Column(String(32), nullable=False)
    amount = Column(Numeric(12, 2, asdecimal=False), nullable=True)
    unit = Column(String(16), nullable=True)
    status = Column(String(20), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    ticket = relationship("Ticket", back_populates="remedies")
    events = relationship(
        "RemedyEvent", back_populates="remedy", order_by="RemedyEvent.id", cascade="all, delete-orphan"
    )


class RemedyEvent(Base):
    """One remedy status change: which status, who set it ("bot", "customer", "agent:alice"), when."""

    __tablename__ = "remedy_events"
    __table_args__ = (one_of("status", REMEDY_STATUSES),)

    id = Column(Integer, primary_key=True)
    remedy_id = Column(Integer, ForeignKey("remedies.id", ondelete="CASCADE"), nullable=False, index=True)
    status = Column(String(20), nullable=False)
    actor = Column(String(128), nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)

    remedy = relationship("Remedy", back_populates="events")


class TranscriptEntry(Base):
    __tablename__ = "transcript_entries"
    __table_args__ = (
        UniqueConstraint("ticket_id", "position"),
        one_of("sender", TRANSCRIPT_SENDERS),
    )

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False)  # 0, 1, 2, ... in conversation order
    sender = Column(String(20), nullable=False)
    text = Column(Text, nullable=False)  # verbatim, any length
    at = Column(UTCDateTime, nullable=False)

    ticket = relationship("Ticket", back_populates="transcript")


class Satisfaction(Base):
    """The customer's answer to "how did we do?": a score of 1..5 and an optional comment."""

    __tablename__ = "satisfactions"
    __table_args__ = (
        UniqueConstraint("ticket_id"),
        CheckConstraint(
            f"score >= {SATISFACTION_SCORES[0]} AND score <= {SATISFACTION_SCORES[-1]}", name="score"
        ),
    )

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    score = Column(Integer, nullable=False)
    comment = Column(Text, nullable=True)  # verbatim
    at = Column(UTCDateTime, nullable=False, default=utcnow)

    ticket = relationship("Ticket", back_populates="satisfaction")


def _active_statuses_sql() -> str:
    return "status IN (" + ", ".join(f"'{status}'" for status in ACTIVE_INCIDENT_STATUSES) + ")"


class Incident(Base):
    """A problem hitting many customers at once, in one category ("INC-7K3M9Q")."""

    __tablename__ = "incidents"
    __table_args__ = (
        one_of("category", CATEGORIES),
        one_of("status", INCIDENT_STATUSES),
        CheckConstraint(
            "(status = 'closed' AND closed_at IS NOT NULL) OR (status <> 'closed' AND closed_at IS NULL)",
            name="closed_at",
        ),
        # One active (suggested or open) incident per category, whoever races.
        Index(
            "ix_incidents_active_category",
            "category",
            unique=True,
            sqlite_where=text(_active_statuses_sql()),
            postgresql_where=text(_active_statuses_sql()),
        ),
    )

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)  # "INC-7K3M9Q"
    category = Column(String(40), nullable=False)
    public_message = Column(Text, nullable=False)  # what customers are told
    status = Column(String(20), nullable=False)
    started_at = Column(UTCDateTime, nullable=False)  # when the problem began (may precede created_at)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    closed_at = Column(UTCDateTime, nullable=True)
    created_by = Column(String(128), nullable=False)  # "staff", "agent:alice", "detection"

    updates = relationship(
        "IncidentUpdate", back_populates="incident", order_by="IncidentUpdate.id", cascade="all, delete-orphan"
    )
    ticket_links = relationship(
        "IncidentTicket",
        back_populates="incident",
        order_by="IncidentTicket.linked_at",
        cascade="all, delete-orphan",
    )


class IncidentUpdate(Base):
    """One public update on an incident, for customers who come back."""

    __tablename__ = "incident_updates"

    id = Column(Integer, primary_key=True)
    incident_id = Column(Integer, ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False, index=True)
    message = Column(Text, nullable=False)
    author = Column(String(128), nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)

    incident = relationship("Incident", back_populates="updates")


class IncidentTicket(Base):
    """A ticket that belongs to an incident; the ticket is the key, so one incident per ticket."""

    __tablename__ = "incident_tickets"

    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    incident_id = Column(Integer, ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False, index=True)
    linked_at = Column(UTCDateTime, nullable=False, default=utcnow)

    ticket = relationship("Ticket", back_populates="incident_link")
    incident = relationship("Incident", back_populates="ticket_links")


class HeldComplaint(Base):
    """A complaint Rasa tried to file while no action server answered (``calmdesk.desk.holding``).

    ``request`` is Rasa's action-server request, verbatim JSON (the whole
    tracker): replaying it when an action server is back files the ticket
    exactly as it would have been, and the ticket's idempotent key keeps it
    to one ticket however often it is replayed.
    """

    __tablename__ = "held_complaints"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    action = Column(String(100), nullable=False)
    request = Column(Text, nullable=False)
    held_at = Column(UTCDateTime, nullable=False, default=utcnow)
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(Text, nullable=True)
    delivered_at = Column(UTCDateTime, nullable=True, index=True)  # None: still waiting
