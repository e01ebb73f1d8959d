"""The email outbox: every message to a customer is a row first, sent later by the worker.

Why an outbox (as for webhooks, calmdesk/staff/webhooks.py).  The bot must never
keep an upset customer waiting on a mail server, and an email must not be lost
because that server was down for a minute.  So the action server (or a job)
only *writes* a row to ``email_messages``; the web app's worker hands it to the
mail server, retrying with backoff and recording every attempt; failures show
on the admin page ``/console/mail``.

Idempotent per ticket and kind.  ``(ticket, kind, dedupe_key)`` is unique: a
retried action, a job run twice or two processes racing queue one email.  The
key is empty for one-per-ticket emails (confirmation, check-in) and names the
thing otherwise (the incident update's id, the agent's reply id).

The words are rendered when the row is written (calmdesk/mail/templates.py),
so every retry sends the same email, and its links carry the row's id.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from calmdesk.desk.tickets.store import _run, _ticket_by_reference_or_raise
from calmdesk.mail import links
from calmdesk.mail.settings import MailSettings
from calmdesk.mail.templates import EmailTemplates, Link
from calmdesk.models import EMAIL_STATUSES, EmailMessage, EmailSuppression, Ticket, utcnow


def normalise_address(address: str | None) -> str | None:
    address = (address or "").strip().lower()
    return address if "@" in address else None


def is_suppressed(engine: Engine, address: str | None) -> bool:
    address = normalise_address(address)
    if address is None:
        return False
    with Session(engine) as session:
        return session.get(EmailSuppression, address) is not None


def will_email(engine: Engine, settings: MailSettings, address: str | None) -> bool:
    """May the bot promise this customer an email?  Mail is on, there is an address, it did not unsubscribe."""
    return settings.enabled and normalise_address(address) is not None and not is_suppressed(engine, address)


def suppress(engine: Engine, address: str) -> bool:
    """Unsubscribe ``address``: nothing more is sent to it, pending emails included.  True if it is new."""
    address = normalise_address(address)
    if address is None:
        raise ValueError("not an email address")
    try:
        with Session(engine) as session, session.begin():
            if session.get(EmailSuppression, address) is not None:
                return False
            session.add(EmailSuppression(email=address, at=utcnow()))
    except IntegrityError:
        return False  # unsubscribed twice at once
    return True


def link(settings: MailSettings, message_id: int, action: str) -> str:
    return f"{settings.base_url}/mail/l/{links.make_token(settings.secret, message_id, action)}"


def queue(engine: Engine, settings: MailSettings, templates: EmailTemplates, reference: str, kind: str,
          values: Mapping[str, Any], dedupe_key: str = "", template: str | None = None) -> dict[str, Any] | None:
    """Queue the email ``kind`` for the ticket's customer; None when there is no one to send it to.

    ``values`` are the template's own variables (templates.VARIABLES); the
    common ones and the links are added here.  ``template`` words it (default:
    the kind's own; a confirmation without a remedy uses ``confirmation_open``
    but is still the ticket's one confirmation).  Queuing again returns the first row.
    """
    if not settings.enabled:
        return None

    def work(session: Session) -> dict[str, Any] | None:
        ticket = _ticket_by_reference_or_raise(session, reference)
        address = normalise_address(ticket.customer_email)
        if address is None:
            return None
        existing = session.scalars(select(EmailMessage).where(
            EmailMessage.ticket_id == ticket.id, EmailMessage.kind == kind,
            EmailMessage.dedupe_key == dedupe_key)).first()
        if existing is not None:
            return message_to_dict(existing, ticket.reference)
        now = utcnow()
        suppressed = session.get(EmailSuppression, address) is not None
        message = EmailMessage(ticket=ticket, kind=kind, dedupe_key=dedupe_key, to_address=address,
                               subject="", text_body="", html_body="",
                               status="suppressed" if suppressed else "pending", attempts=0,
                               max_attempts=settings.max_attempts,
                               next_attempt_at=None if suppressed else now, created_at=now, updated_at=now)
        session.add(message)
        session.flush()  # the id goes into the links
        words = template or kind
        common = _common(settings, templates, ticket.reference, message.id, words)
        rendered = templates.render(words, {**values, **common})
        message.subject, message.text_body, message.html_body = rendered.subject, rendered.text, rendered.html
        session.flush()
        return message_to_dict(message, ticket.reference)

    # A lost insert race (UNIQUE ticket, kind and key) re-runs the work, which then finds the other row.
    return _run(engine, work)


def _common(settings: MailSettings, templates: EmailTemplates, reference: str, message_id: int, kind: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        "reference": reference,
        "conversation_link": Link(link(settings, message_id, "resume")),
        "unsubscribe_link": Link(link(settings, message_id, "unsubscribe")),
    }
    if kind == "check_in":  # one click each: rate 1-5, or "still not fixed"
        values["rating_links"] = [Link(link(settings, message_id, f"rate:{score}"), label)
                                  for score, label in templates.rating_labels.items()]
        values["not_fixed_link"] = Link(link(settings, message_id, "not_fixed"))
    return values


def sent_today(session: Session, address: str, now: datetime, window) -> list[datetime]:
    """When emails to ``address`` were sent in the last ``window``, oldest first (for the daily limit)."""
    return list(session.scalars(select(EmailMessage.sent_at).where(
        EmailMessage.to_address == address, EmailMessage.status == "sent",
        EmailMessage.sent_at > now - window).order_by(EmailMessage.sent_at)))


# --------------------------------------------------------------------------
# What admins see and do


def list_messages(engine: Engine, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Emails, newest first; ``status`` one of pending, sent, failed, suppressed."""
    if status is not None and status not in EMAIL_STATUSES:
        raise ValueError(f"unknown status {status!r}; allowed: {', '.join(EMAIL_STATUSES)}")
    query = (select(EmailMessage, Ticket.reference).join(Ticket, EmailMessage.ticket_id == Ticket.id)
             .options(selectinload(EmailMessage.attempt_log))
             .order_by(EmailMessage.created_at.desc(), EmailMessage.id.desc()).limit(limit))
    if status is not None:
        query = query.where(EmailMessage.status == status)
    with Session(engine) as session:
        return [message_to_dict(message, reference) for message, reference in session.execute(query)]


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.execute(select(EmailMessage.status, func.count()).group_by(EmailMessage.status)).all()
    return {status: 0 for status in EMAIL_STATUSES} | {status: n for status, n in rows}


def retry_now(engine: Engine, message_id: int) -> dict[str, Any]:
    """One more attempt at a failed email (or a pending one sooner).  Sent or suppressed: ValueError."""
    with Session(engine) as session, session.begin():
        message = session.get(EmailMessage, message_id, options=[selectinload(EmailMessage.attempt_log)])
        if message is None:
            raise LookupError(f"no email {message_id}")
        if message.status in ("sent", "suppressed"):
            raise ValueError(f"email {message_id} is {message.status}; nothing to retry")
        now = utcnow()
        if message.status == "failed":
            message.max_attempts = message.attempts + 1
        message.status, message.next_attempt_at, message.updated_at = "pending", now, now
        session.flush()
        return message_to_dict(message, message.ticket.reference)


def message_to_dict(message: EmailMessage, reference: str, bodies: bool = False) -> dict[str, Any]:
    iso = lambda moment: moment.isoformat() if moment else None  # noqa: E731
    data = {
        "id": message.id,
        "kind": message.kind,
        "ticket_reference": reference,
        "to": message.to_address,
        "subject": message.subject,
        "status": message.status,
        "attempts": message.attempts,
        "max_attempts": message.max_attempts,
        "next_attempt_at": iso(message.next_attempt_at),
        "last_error": message.last_error,
        "created_at": iso(message.created_at),
        "sent_at": iso(message.sent_at),
        "response": message.response,
        "attempt_log": [{"number": a.number, "at": iso(a.at), "error": a.error, "duration_ms": a.duration_ms}
                        for a in message.attempt_log],
    }
    if bodies:
        data["text"] = message.text_body
    return data
