"""Jobs that find emails owed and queue them: check-ins due, incident news, remedies fulfilled.

Why jobs that scan, rather than a call at each place things happen.  Incident
updates are posted from the API, the console and the command line; remedies are
fulfilled from the API and the console; check-ins fall due with the clock.  A
scan of recent rows finds every case whoever caused it, and the outbox's
uniqueness (ticket, kind, key) makes running it again harmless.  The worker
runs them every few seconds; ``python -m calmdesk.mail jobs --now ...`` runs
them once at any clock (how the tests move time forward).

What each one queues, once:

* ``check_in``: a ticket that is resolved, has an address, and whose
  ``follow_up_at`` (set when the customer rated the chat) - or, without one,
  its last change plus ``CHECK_IN_DAYS`` - has come, within 30 days of it;
* ``incident_update``: each update of an incident, to every customer whose
  ticket was linked to it before the update was posted (they heard the older
  news in the chat already);
* ``incident_closed``: when it closes, to every linked customer;
* ``remedy_fulfilled``: when staff mark a remedy fulfilled.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from calmdesk.mail import outbox
from calmdesk.mail.settings import MailSettings
from calmdesk.mail.templates import EmailTemplates
from calmdesk.models import (
    EmailMessage, Incident, IncidentTicket, IncidentUpdate, Remedy, RemedyEvent, Ticket, utcnow,
)

logger = logging.getLogger(__name__)

NEWS_WINDOW = timedelta(days=3)  # older news is not mailed (e.g. when email is first switched on)
CHECK_IN_WINDOW = timedelta(days=30)
CLOSED_DEFAULT = "Everything is working normally again."


def run_all(engine: Engine, settings: MailSettings, templates: EmailTemplates,
            now: datetime | None = None) -> dict[str, int]:
    """Run every job once; how many emails each queued."""
    if not settings.enabled:
        return {}
    now = now or utcnow()
    return {
        "check_in": queue_check_ins(engine, settings, templates, now),
        "incident": queue_incident_news(engine, settings, templates, now),
        "remedy_fulfilled": queue_fulfilled(engine, settings, templates, now),
    }


def _already(session: Session, kind: str) -> set[tuple[int, str]]:
    return set(session.execute(select(EmailMessage.ticket_id, EmailMessage.dedupe_key)
                               .where(EmailMessage.kind == kind)).all())


def _queue(engine, settings, templates, reference: str, kind: str, values: dict[str, Any], key: str = "") -> int:
    try:
        return 1 if outbox.queue(engine, settings, templates, reference, kind, values, dedupe_key=key) else 0
    except Exception:  # noqa: BLE001 - one bad ticket must not stop the others' emails
        logger.exception("could not queue %s email for %s", kind, reference)
        return 0


def queue_check_ins(engine: Engine, settings: MailSettings, templates: EmailTemplates, now: datetime) -> int:
    wait = timedelta(days=settings.check_in_days)
    earliest = now - CHECK_IN_WINDOW
    asked = select(EmailMessage.id).where(EmailMessage.ticket_id == Ticket.id, EmailMessage.kind == "check_in")
    due = or_(and_(Ticket.follow_up_at.is_not(None), Ticket.follow_up_at.between(earliest, now)),
              and_(Ticket.follow_up_at.is_(None), Ticket.updated_at.between(earliest - wait, now - wait)))
    with Session(engine) as session:
        candidates = session.execute(
            select(Ticket.reference, Ticket.description)
            .where(Ticket.status == "resolved", Ticket.customer_email.is_not(None), due, ~exists(asked))).all()
    return sum(_queue(engine, settings, templates, reference, "check_in",
                      {"problem": problem or "the problem you told us about"})
               for reference, problem in candidates)


def queue_incident_news(engine: Engine, settings: MailSettings, templates: EmailTemplates, now: datetime) -> int:
    since = now - NEWS_WINDOW
    with Session(engine) as session:
        updates_done, closed_done = _already(session, "incident_update"), _already(session, "incident_closed")
        rows = session.execute(
            select(IncidentUpdate, Incident, IncidentTicket.ticket_id, IncidentTicket.linked_at, Ticket.reference)
            .join(Incident, IncidentUpdate.incident_id == Incident.id)
            .join(IncidentTicket, IncidentTicket.incident_id == Incident.id)
            .join(Ticket, Ticket.id == IncidentTicket.ticket_id)
            .where(IncidentUpdate.at > since, Ticket.customer_email.is_not(None))).all()
        updates = [(u.id, u.message, u.at, i.closed_at, tid, linked, ref) for u, i, tid, linked, ref in rows]
        closed = session.execute(
            select(Incident.id, Incident.reference, IncidentTicket.ticket_id, Ticket.reference)
            .join(IncidentTicket, IncidentTicket.incident_id == Incident.id)
            .join(Ticket, Ticket.id == IncidentTicket.ticket_id)
            .where(Incident.status == "closed", Incident.closed_at > since, Ticket.customer_email.is_not(None))).all()
        close_messages = {i: m for i, m in session.execute(
            select(IncidentUpdate.incident_id, IncidentUpdate.message).join(Incident)
            .where(Incident.status == "closed", Incident.closed_at > since,
                   IncidentUpdate.at == Incident.closed_at)).all()}
    queued = 0
    for update_id, message, at, closed_at, ticket_id, linked_at, reference in updates:
        if closed_at is not None and at >= closed_at:
            continue  # the closing words go in the "fixed" email
        if at <= linked_at or (ticket_id, str(update_id)) in updates_done:
            continue
        queued += _queue(engine, settings, templates, reference, "incident_update", {"message": message},
                         key=str(update_id))
    for incident_id, incident_reference, ticket_id, reference in closed:
        if (ticket_id, incident_reference) in closed_done:
            continue
        message = close_messages.get(incident_id) or CLOSED_DEFAULT
        queued += _queue(engine, settings, templates, reference, "incident_closed", {"message": message},
                         key=incident_reference)
    return queued


def queue_fulfilled(engine: Engine, settings: MailSettings, templates: EmailTemplates, now: datetime) -> int:
    from calmdesk.desk.remedies import load_policy

    with Session(engine) as session:
        done = _already(session, "remedy_fulfilled")
        rows = session.execute(
            select(Ticket.id, Ticket.reference, Ticket.category, Ticket.recurrent, Ticket.anger_level, Remedy.kind)
            .join(Remedy, Remedy.ticket_id == Ticket.id).join(RemedyEvent, RemedyEvent.remedy_id == Remedy.id)
            .where(RemedyEvent.status == "fulfilled", RemedyEvent.at > now - NEWS_WINDOW,
                   Ticket.customer_email.is_not(None))).all()
    if not rows:
        return 0
    policy = load_policy()
    queued = 0
    for ticket_id, reference, category, recurrent, anger, kind in rows:
        if (ticket_id, kind) in done:
            continue
        # The ticket does not say whether the fault was online or a code: a kind only that variant offers is found there.
        remedy = (policy.remedy(category, kind, recurrent=recurrent, anger=anger)
                  or policy.remedy(category, kind, recurrent=recurrent, anger=anger, online=True)
                  or policy.remedy(category, kind, recurrent=recurrent, anger=anger, code=True))
        label = remedy.label if remedy else kind.replace("_", " ")
        queued += _queue(engine, settings, templates, reference, "remedy_fulfilled", {"remedy": label}, key=kind)
    return queued
