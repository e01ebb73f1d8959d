"""Right to be forgotten, and retention: anonymise what identifies a customer, keep what is counted.

The dashboard counts tickets per category and day, handoffs, recurrence,
remedies and their cost, satisfaction scores, and anger at the start and end
of each conversation (read from the first and last customer line).  Deleting
tickets would change last month's figures, so an erase keeps every counted
row and removes what identifies or quotes the customer:

- tickets: email, order number and description removed, the conversation id
  replaced by a random ``erased-...`` id (no link to Rasa or the widget);
  customer lines become ``[erased; anger=<level>]`` (the level the dashboard
  read from them, nothing else), bot, agent and system lines ``[erased]``;
  satisfaction keeps its score, loses its comment; staff notes are blanked;
- deleted outright (nothing counts them): the customer row, live messages,
  held complaints, the unsubscription of the address, and every event of
  every session of the conversations in Rasa's tracker store;
- outboxes: webhook payloads and emails are replaced by ``[erased]`` (the rows
  stay, so the outboxes' once-only keys hold and nothing is sent again), and
  anything still waiting is stopped;
- embedded email: the ``.eml`` files written to the customer are deleted;
- SQLite files are rebuilt afterwards (``VACUUM`` and an emptied write-ahead
  log), so the old bytes are not left in free pages.  On PostgreSQL the rows
  are changed in SQL; old row versions disappear as (auto)vacuum reuses the
  space (docs/operations.md#a-customers-data).

Retention applies the same anonymisation to tickets untouched for longer
than ``RETENTION_DAYS``, and deletes older tracker events and live messages.
"""
from __future__ import annotations

import email
import email.policy
import logging
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from calmdesk.understanding.anger import read_anger
from calmdesk.models import (
    ConversationStats,
    Customer,
    EmailAttempt,
    EmailMessage,
    EmailSuppression,
    HeldComplaint,
    LiveMessage,
    Satisfaction,
    Ticket,
    TicketNote,
    TranscriptEntry,
    WebhookAttempt,
    WebhookDelivery,
    utcnow,
)
from calmdesk.subjects import ERASED, ERASED_CONVERSATION_PREFIX, Subject, erased_anger, erased_line, tracker

logger = logging.getLogger(__name__)
ERASED_ADDRESS = "erased@invalid"
STOPPED = "erased at the customer's request"


def erase(engine: Engine, tracker_url: str | None, subject: Subject, mail_dir: Path | None = None) -> dict[str, int]:
    """Erase one customer everywhere; returns what was done, as counts (nothing identifying)."""
    counts: dict[str, int] = {}
    with Session(engine) as session, session.begin():
        addresses = {subject.email} if subject.email else set()
        addresses.update(e.lower() for e in session.scalars(
            select(Ticket.customer_email).where(Ticket.id.in_(subject.ticket_ids))) if e)
        renamed = {c: f"{ERASED_CONVERSATION_PREFIX}{secrets.token_hex(8)}" for c in subject.conversation_ids}
        counts.update(_anonymise_tickets(session, subject.ticket_ids, renamed))
        counts["live_messages_deleted"] = _deleted(session, delete(LiveMessage).where(
            LiveMessage.conversation_id.in_(subject.conversation_ids)))
        counts["held_complaints_deleted"] = _deleted(session, delete(HeldComplaint).where(
            HeldComplaint.conversation_id.in_(subject.conversation_ids)))
        for old, new in renamed.items():
            _x(session, update(ConversationStats).where(ConversationStats.conversation_id == old)
                            .values(conversation_id=new))
        counts["emails_anonymised"] = _anonymise_emails(session, subject.email_message_ids)
        if addresses:
            _x(session, delete(EmailSuppression).where(EmailSuppression.email.in_(addresses)))
            customer_ids = select(Customer.id).where(Customer.email.in_(addresses)).scalar_subquery()
            _x(session, update(Ticket).where(Ticket.customer_id.in_(customer_ids)).values(customer_id=None))
            counts["customers_deleted"] = _deleted(session, delete(Customer).where(Customer.email.in_(addresses)))
    tracker.scrub_sqlite(str(engine.url.render_as_string(hide_password=False)))
    counts["tracker_events_deleted"] = tracker.delete(tracker_url, subject.conversation_ids)
    counts["email_files_deleted"] = _delete_email_files(mail_dir, addresses, subject.references)
    return counts


def retain(engine: Engine, tracker_url: str | None, days: int, now: datetime | None = None,
           mail_dir: Path | None = None) -> dict[str, int]:
    """Anonymise tickets not updated for ``days`` days; delete older tracker events and live messages."""
    if days < 1:
        raise ValueError(f"retention must be at least 1 day, not {days}")
    cutoff = (now or utcnow()) - timedelta(days=days)
    with Session(engine) as session, session.begin():
        old = session.execute(select(Ticket.id, Ticket.reference, Ticket.customer_email).where(
            Ticket.updated_at < cutoff, Ticket.description.is_not(None) | Ticket.customer_email.is_not(None)
            | Ticket.order_number.is_not(None))).all()
        counts = _anonymise_tickets(session, [row.id for row in old], {})
        counts["tickets_anonymised"] = len(old)
        counts["live_messages_deleted"] = _deleted(session, delete(LiveMessage).where(LiveMessage.created_at < cutoff))
        # Customers whose every ticket is now anonymous: their address is held for nothing.
        has_ticket = select(Ticket.id).where(Ticket.customer_id == Customer.id).exists()
        counts["customers_deleted"] = _deleted(session, delete(Customer).where(~has_ticket))
    # Transcript lines of older tickets whose customer details were already gone.
    with Session(engine) as session, session.begin():
        stale = session.scalars(select(TranscriptEntry).join(Ticket, TranscriptEntry.ticket_id == Ticket.id)
                                .where(Ticket.updated_at < cutoff, TranscriptEntry.text.not_like("[erased%"))).all()
        for entry in stale:
            entry.text = _erased_text(entry)
        counts["transcript_lines_anonymised"] = len(stale)
    if old or stale or counts["live_messages_deleted"]:
        tracker.scrub_sqlite(str(engine.url.render_as_string(hide_password=False)))
    counts["tracker_events_deleted"] = tracker.delete_older_than(tracker_url, cutoff.timestamp())
    addresses = {row.customer_email.lower() for row in old if row.customer_email}
    counts["email_files_deleted"] = _delete_email_files(mail_dir, addresses, [row.reference for row in old])
    return counts


# --------------------------------------------------------------------------


def _anonymise_tickets(session: Session, ticket_ids: list[int], renamed: dict[str, str]) -> dict[str, int]:
    if not ticket_ids:
        return {"tickets_anonymised": 0}
    tickets = session.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids))).all()
    for ticket in tickets:
        ticket.conversation_id = renamed.get(ticket.conversation_id, ticket.conversation_id)
        ticket.customer_email = None
        ticket.customer_id = None
        ticket.order_number = None
        ticket.description = None
    for entry in session.scalars(select(TranscriptEntry).where(TranscriptEntry.ticket_id.in_(ticket_ids))):
        entry.text = _erased_text(entry)
    _x(session, update(Satisfaction).where(Satisfaction.ticket_id.in_(ticket_ids)).values(comment=None))
    _x(session, update(TicketNote).where(TicketNote.ticket_id.in_(ticket_ids)).values(text=ERASED))
    hooks = select(WebhookDelivery.id).where(WebhookDelivery.ticket_id.in_(ticket_ids)).scalar_subquery()
    _x(session, update(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(hooks)).values(error=None))
    _x(session, update(WebhookDelivery).where(WebhookDelivery.ticket_id.in_(ticket_ids))
                    .values(body='{"erased": true}', last_error=None))
    _x(session, update(WebhookDelivery).where(WebhookDelivery.ticket_id.in_(ticket_ids),
                                                  WebhookDelivery.status == "pending")
                    .values(status="failed", next_attempt_at=None, last_error=STOPPED))
    mails = session.scalars(select(EmailMessage.id).where(EmailMessage.ticket_id.in_(ticket_ids))).all()
    _anonymise_emails(session, list(mails))
    return {"tickets_anonymised": len(tickets)}


def _erased_text(entry: TranscriptEntry) -> str:
    if entry.sender == "customer":
        return erased_line(erased_anger(entry.text) or read_anger(entry.text).level)
    return ERASED


def _anonymise_emails(session: Session, ids: list[int]) -> int:
    if not ids:
        return 0
    _x(session, update(EmailAttempt).where(EmailAttempt.message_id.in_(ids)).values(error=None))
    _x(session, update(EmailMessage).where(EmailMessage.id.in_(ids)).values(
        to_address=ERASED_ADDRESS, subject=ERASED, text_body=ERASED, html_body=ERASED, last_error=None))
    _x(session, update(EmailMessage).where(EmailMessage.id.in_(ids), EmailMessage.status == "pending")
                    .values(status="suppressed", next_attempt_at=None, last_error=STOPPED))
    return len(ids)


def _deleted(session: Session, statement: Any) -> int:
    return _x(session, statement).rowcount or 0


def _x(session: Session, statement: Any) -> Any:
    """A bulk UPDATE/DELETE; objects loaded in this session are not kept in step (none are used after)."""
    return session.execute(statement.execution_options(synchronize_session=False))


def _delete_email_files(mail_dir: Path | None, addresses: Iterable[str], references: Iterable[str]) -> int:
    """Embedded email: delete the .eml files sent to these addresses or about these tickets."""
    addresses, references = {a.lower() for a in addresses}, set(references)
    if not mail_dir or not mail_dir.is_dir() or not (addresses or references):
        return 0
    deleted = 0
    for path in mail_dir.glob("*.eml"):
        try:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            to = str(message.get("To") or "").lower()
            subject = str(message.get("Subject") or "")
        except (OSError, ValueError) as error:
            logger.warning("could not read %s while erasing: %s", path, error)
            continue
        if any(a in to for a in addresses) or any(r in subject for r in references):
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted

