"""What the incident tests share: a declared incident, filed tickets, a burst of them."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from calmdesk.desk.incidents import declare_incident
from calmdesk.desk.tickets import TicketDraft, save_ticket
from calmdesk.models import Incident, Ticket

NOW = datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)
REFERENCE = re.compile(r"INC-[0-9A-HJKMNP-TV-Z]{6}")
MESSAGE = "Card payments are failing for some customers; we're fixing it and nobody will be charged twice."


def declare(engine, category="payment_failed", message=MESSAGE, **kwargs) -> dict:
    return declare_incident(engine, category, message, "agent:alice", **kwargs)


def file(engine, conversation_id: str, category="payment_failed", at: datetime | None = None) -> str:
    """A ticket, optionally with its created_at moved to ``at``."""
    reference = save_ticket(engine, TicketDraft(conversation_id, category=category))["reference"]
    if at is not None:
        with Session(engine) as session, session.begin():
            session.execute(update(Ticket).where(Ticket.reference == reference).values(created_at=at))
    return reference


def burst(engine, count: int, category="payment_failed", *, minutes_ago: float = 1, now=NOW) -> list[str]:
    return [
        file(engine, f"{category}-{minutes_ago}-{n}", category, now - timedelta(minutes=minutes_ago))
        for n in range(count)
    ]


def incident_rows(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Incident))
