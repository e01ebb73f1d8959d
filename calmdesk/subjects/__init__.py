"""One customer's data, on request: find it, export it (subject access), erase it (right to be forgotten).

A customer is named by their email address or by one conversation id.  What
we hold about them is spread over two databases and a folder:

- the tickets database: tickets (email, order number, description),
  transcripts, remedies, satisfaction (score, comment), staff notes, live
  messages, the webhook outbox (each payload carries the ticket), the email
  outbox (addresses and rendered bodies), unsubscriptions, held complaints
  and per-conversation statistics (production);
- Rasa's tracker store: every event of every session of the conversation
  (``events`` rows by ``sender_id``; the store starts a new session after each
  finished complaint, and erasing covers all of them);
- embedded email: ``.eml`` files under ``MAIL_DIR``.

``find`` turns "this email" or "this conversation" into that set: the
conversations (from tickets with the email, and from tracker events that
mention it), their tickets, and the email rows to the address.  ``export``
(calmdesk/subjects/export.py) and ``erase`` (calmdesk/subjects/erase.py) work
on what ``find`` returns, so the two cannot disagree about scope.  The
command line is ``python -m calmdesk export|erase|retention`` (cli.py); the
console routes are in calmdesk/web/subjects.py (admins).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import false, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from calmdesk.models import Customer, EmailMessage, Ticket
from calmdesk.subjects import tracker

# What an erased customer line becomes.  The anger it showed is kept, so the
# dashboard's "anger at start vs end" still counts it the same way.
ERASED = "[erased]"
ERASED_LINE = re.compile(r"\[erased(?:; anger=([a-z_]+))?\]")
ERASED_CONVERSATION_PREFIX = "erased-"


def erased_line(anger: str | None = None) -> str:
    return f"[erased; anger={anger}]" if anger else ERASED


def erased_anger(text: str) -> str | None:
    """The anger level kept in an erased line, or None if ``text`` is not one (or kept none)."""
    found = ERASED_LINE.fullmatch(text or "")
    return found.group(1) if found else None


class SubjectError(ValueError):
    """The request does not name one customer clearly; the message says how to."""


@dataclass
class Subject:
    """Everything that belongs to one customer, as ids: what export and erase work on."""

    email: str | None
    conversation_ids: list[str] = field(default_factory=list)
    ticket_ids: list[int] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    email_message_ids: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.conversation_ids or self.ticket_ids or self.email_message_ids)


def normalise_email(email: str | None) -> str | None:
    if email is None:
        return None
    email = email.strip().lower()
    if not re.fullmatch(r"[^@\s]{1,64}@[^@\s]{1,255}", email):
        raise SubjectError(f"{email!r} is not an email address")
    return email


def find(engine: Engine, tracker_url: str | None, *, email: str | None = None,
         conversation_id: str | None = None) -> Subject:
    """The customer's conversations, tickets and emails, by email address or by one conversation id."""
    if bool(email) == bool(conversation_id):
        raise SubjectError("name the customer by exactly one of: an email address, a conversation id")
    email = normalise_email(email)
    conversations: set[str] = set()
    with Session(engine) as session:
        if email:
            customer_ids = select(Customer.id).where(Customer.email == email).scalar_subquery()
            conversations.update(session.scalars(select(Ticket.conversation_id).where(
                or_(func.lower(Ticket.customer_email) == email, Ticket.customer_id.in_(customer_ids)))))
            conversations.update(tracker.conversations_mentioning(tracker_url, email))
        else:
            conversations.add(conversation_id.strip())
        tickets = session.execute(
            select(Ticket.id, Ticket.reference, Ticket.customer_email)
            .where(Ticket.conversation_id.in_(conversations)).order_by(Ticket.id)
        ).all() if conversations else []
        ticket_ids = [row.id for row in tickets]
        # By conversation: that conversation's emails; by email: also every email ever sent to the address.
        message_ids = list(session.scalars(select(EmailMessage.id).where(or_(
            EmailMessage.ticket_id.in_(ticket_ids) if ticket_ids else false(),
            func.lower(EmailMessage.to_address) == email if email else false(),
        )).order_by(EmailMessage.id)))
    return Subject(email=email, conversation_ids=sorted(c for c in conversations if c),
                   ticket_ids=ticket_ids, references=[row.reference for row in tickets],
                   email_message_ids=message_ids)
