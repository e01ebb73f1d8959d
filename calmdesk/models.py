"""The database tables, as SQLAlchemy ORM classes.

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

The enumerated columns carry CHECK constraints built from ``taxonomy`` so the
database itself refuses a value the rest of the code would not understand,
even if it is written by some other tool.  The schema is created by the
Alembic migrations in ``migrations/``, never by ``metadata.create_all``; keep
the two in step (``tests/core/test_db.py`` compares them).

All timestamps are timezone-aware UTC.  SQLite has no timezone type, so
``UTCDateTime`` stores UTC and hands back aware datetimes on every backend.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Index,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

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

# Predictable constraint names, so later migrations (and SQLite batch mode)
# can refer to them.  The initial migration spells out the same names.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always stored as UTC and read back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"refusing to store a naive datetime {value!r}: give it a timezone")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite: we stored UTC, so say so
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def one_of(column: str, allowed: Iterable[str], *, nullable: bool = False) -> CheckConstraint:
    """CHECK (column IN ('a', 'b', ...)), named ``ck_<table>_<column>``."""
    values = ", ".join(f"'{value}'" for value in allowed)
    condition = f"{column} IN ({values})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=column)


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


# Who speaks in live_messages: a staff member ("agent") or the chat itself ("system": "Sam has joined").
LIVE_MESSAGE_ROLES: tuple[str, ...] = ("agent", "system")


class LiveMessage(Base):
    """A message staff (or the chat itself) send to a customer's open chat window.

    The bot's own messages travel over Rasa's socket.io channel; these do not, so
    the widget reads them from ``/chat/stream`` (see ``calmdesk.staff.livechat``).
    ``id`` orders them and is the stream's event id.
    """

    __tablename__ = "live_messages"
    __table_args__ = (one_of("role", LIVE_MESSAGE_ROLES),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    role = Column(String(16), nullable=False)
    author_name = Column(String(128), nullable=True)
    text = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


# --- Staff console (migration 0004): staff accounts, their sessions, internal notes on tickets.
STAFF_ROLES: tuple[str, ...] = ("agent", "admin")


class StaffUser(Base):
    """A person who works the console.  ``password_hash`` is a self-describing scrypt string."""

    __tablename__ = "staff_users"
    __table_args__ = (one_of("role", STAFF_ROLES),)

    id = Column(Integer, primary_key=True)
    username = Column(String(40), nullable=False, unique=True)  # lowercase
    display_name = Column(String(80), nullable=False)  # what customers read: "Sam"
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False)
    disabled = Column(Boolean, nullable=False, default=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = Column(UTCDateTime, nullable=True)

    sessions = relationship("StaffSession", back_populates="user", cascade="all, delete-orphan")


class StaffSession(Base):
    """A logged-in browser.  Only the SHA-256 of the cookie's token is stored."""

    __tablename__ = "staff_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    user_id = Column(Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = Column(UTCDateTime, nullable=False, default=utcnow)

    user = relationship("StaffUser", back_populates="sessions")


class TicketNote(Base):
    """An internal note on a ticket: staff read it, the customer never does."""

    __tablename__ = "ticket_notes"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    author = Column(String(128), nullable=False)  # staff username
    text = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


# pending: waiting for its next attempt.  delivered: the receiver answered 2xx.
# failed: every attempt failed; an admin may "retry now" (calmdesk.staff.webhooks).
WEBHOOK_STATUSES: tuple[str, ...] = ("pending", "delivered", "failed")


class WebhookDelivery(Base):
    """An outbound webhook (the outbox): one per ticket and event, sent by the web app's worker.

    ``body`` is the exact JSON posted, fixed when the delivery is queued, so
    every retry sends (and signs) the same bytes.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event", "ticket_id"),
        one_of("status", WEBHOOK_STATUSES),
    )

    id = Column(Integer, primary_key=True)
    event = Column(String(40), nullable=False)  # "handoff"
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    url = Column(Text, nullable=False)
    body = Column(Text, nullable=False)
    status = Column(String(20), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    max_attempts = Column(Integer, nullable=False)
    next_attempt_at = Column(UTCDateTime, nullable=True, index=True)  # None once delivered or failed
    last_error = Column(Text, nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    delivered_at = Column(UTCDateTime, nullable=True)

    ticket = relationship("Ticket")
    attempt_log = relationship(
        "WebhookAttempt", back_populates="delivery", order_by="WebhookAttempt.number", cascade="all, delete-orphan"
    )


class WebhookAttempt(Base):
    """One try at posting a webhook: the HTTP status, or the error, and how long it took."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (UniqueConstraint("delivery_id", "number"),)

    id = Column(Integer, primary_key=True)
    delivery_id = Column(Integer, ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False)
    number = Column(Integer, nullable=False)  # 1, 2, 3 ...
    at = Column(UTCDateTime, nullable=False)
    status_code = Column(Integer, nullable=True)  # None: no HTTP answer at all
    error = Column(Text, nullable=True)  # None: delivered
    duration_ms = Column(Integer, nullable=False)

    delivery = relationship("WebhookDelivery", back_populates="attempt_log")


class ConversationStats(Base):
    """Analytics counters per conversation, kept by ``calmdesk.operations.broker_consumer``.

    Built from the events Rasa publishes to RabbitMQ (production profile), so
    the staff console can show live activity without reading Rasa's tracker
    store.  ``last_event_at`` is the timestamp of the newest event counted: an
    event redelivered by the broker carries an older or equal timestamp and is
    skipped, so a redelivery never counts twice.
    """

    __tablename__ = "conversation_stats"
    __table_args__ = (one_of("last_anger", ANGER_LEVELS, nullable=True),)

    conversation_id = Column(String(255), primary_key=True)
    messages_in = Column(Integer, nullable=False, default=0)  # customer messages
    bot_messages = Column(Integer, nullable=False, default=0)
    paused = Column(Boolean, nullable=False, default=False)  # a person has the conversation
    last_anger = Column(String(20), nullable=True)  # anger of the latest customer message
    last_event_at = Column(UTCDateTime, nullable=True)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


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


# --- Email to customers (migration 0007, calmdesk/mail/).
# pending: waiting for its next attempt.  sent: the mail server took it.
# failed: every attempt failed (admins see it, "retry now").  suppressed: the
# address unsubscribed before it went out, so it never will.
EMAIL_STATUSES: tuple[str, ...] = ("pending", "sent", "failed", "suppressed")


class EmailMessage(Base):
    """One email to a customer (the outbox): a row first, sent later by the web app's mail worker.

    ``(ticket_id, kind, dedupe_key)`` is unique, so a retried action or a job
    that runs twice queues nothing twice: one confirmation per ticket, one
    check-in, one mail per incident update (``dedupe_key`` = the update id).
    Subject and bodies are rendered when queued, so every retry sends the same
    words.  ``response`` records what the customer did with the check-in links.
    """

    __tablename__ = "email_messages"
    __table_args__ = (
        UniqueConstraint("ticket_id", "kind", "dedupe_key"),
        one_of("status", EMAIL_STATUSES),
    )

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(String(32), nullable=False)  # "confirmation", "check_in", "incident_update", ...
    dedupe_key = Column(String(64), nullable=False, default="")
    to_address = Column(String(320), nullable=False)  # lowercased
    subject = Column(Text, nullable=False)
    text_body = Column(Text, nullable=False)
    html_body = Column(Text, nullable=False)
    status = Column(String(20), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    max_attempts = Column(Integer, nullable=False)
    next_attempt_at = Column(UTCDateTime, nullable=True, index=True)  # None once sent, failed or suppressed
    last_error = Column(Text, nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    sent_at = Column(UTCDateTime, nullable=True, index=True)
    response = Column(String(32), nullable=True)  # check-in: "rated:4", "not_fixed"
    responded_at = Column(UTCDateTime, nullable=True)

    ticket = relationship("Ticket")
    attempt_log = relationship(
        "EmailAttempt", back_populates="message", order_by="EmailAttempt.number", cascade="all, delete-orphan"
    )


class EmailAttempt(Base):
    """One try at handing an email to the mail server: None error means it was taken."""

    __tablename__ = "email_attempts"
    __table_args__ = (UniqueConstraint("message_id", "number"),)

    id = Column(Integer, primary_key=True)
    message_id = Column(Integer, ForeignKey("email_messages.id", ondelete="CASCADE"), nullable=False)
    number = Column(Integer, nullable=False)
    at = Column(UTCDateTime, nullable=False)
    error = Column(Text, nullable=True)
    duration_ms = Column(Integer, nullable=False)

    message = relationship("EmailMessage", back_populates="attempt_log")


class EmailSuppression(Base):
    """An address that unsubscribed: nothing more is sent to it."""

    __tablename__ = "email_suppressions"

    email = Column(String(320), primary_key=True)  # lowercased
    at = Column(UTCDateTime, nullable=False, default=utcnow)


# How an audited action arrived: a console session, the shared API token, the command line,
# or the web app itself (the scheduled retention job).
AUDIT_CHANNELS: tuple[str, ...] = ("console", "api-token", "cli", "system")


class AuditEntry(Base):
    """One staff action: who (``actor``: the staff username; "staff" for the shared API token),
    when, what (``action``), on what (``target_type`` + ``target``), how it arrived, and from where.

    Append-only: the app has no way to change or delete a row, and the
    migration adds triggers that make the database refuse UPDATE and DELETE
    on this table (calmdesk/staff/audit.py).  ``detail`` is a small JSON object of
    chosen fields (a remedy's kind and status, a new account's role), never
    what anyone typed, so the log holds no customer words to erase.
    """

    __tablename__ = "audit_log"
    __table_args__ = (one_of("channel", AUDIT_CHANNELS),)

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor = Column(String(64), nullable=False, index=True)
    channel = Column(String(16), nullable=False)
    action = Column(String(40), nullable=False, index=True)
    target_type = Column(String(20), nullable=True)
    target = Column(String(160), nullable=True, index=True)
    detail = Column(Text, nullable=True)  # JSON
    address = Column(String(64), nullable=True)  # the client's IP address (web), None (cli)
