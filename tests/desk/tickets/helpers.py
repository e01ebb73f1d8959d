"""What the ticket tests share: a fixed time, row counts, transcript lines, a remedy's history."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calmdesk.desk.tickets import TranscriptLine
from calmdesk.models import Remedy, RemedyEvent, Ticket

T0 = datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)


def count(engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def line(sender: str, text: str, minutes: float = 0) -> TranscriptLine:
    return TranscriptLine(sender=sender, text=text, at=T0 + timedelta(minutes=minutes))


def remedy_history(engine, reference: str, kind: str) -> list[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.execute(
            select(RemedyEvent.status, RemedyEvent.actor)
            .join(Remedy, RemedyEvent.remedy_id == Remedy.id)
            .join(Ticket, Remedy.ticket_id == Ticket.id)
            .where(Ticket.reference == reference, Remedy.kind == kind)
            .order_by(RemedyEvent.id)
        )
        return [tuple(row) for row in rows]
