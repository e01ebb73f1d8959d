"""The outboxes: handoff webhooks and customer emails, a row first, sent later by the web app's workers.

Each row fixes what will be sent when it is queued, so every retry sends the
same bytes; each attempt is kept (status or error, how long it took).
"""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from calmdesk.models.base import Base, UTCDateTime, one_of, utcnow


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
