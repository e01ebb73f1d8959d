"""The staff side's tables: accounts and sessions, internal notes, live chat messages, the audit log."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from calmdesk.models.base import Base, UTCDateTime, one_of, utcnow


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
