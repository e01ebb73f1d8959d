"""After the complaint: the customer's satisfaction score, and when staff check in with them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from calmdesk.desk.tickets.drafts import _validate_moment
from calmdesk.desk.tickets.serialisation import _ticket_to_dict
from calmdesk.desk.tickets.store import _run, _storable_text, _ticket_by_reference_or_raise
from calmdesk.models import SATISFACTION_SCORES, Satisfaction, utcnow


def record_satisfaction(
    engine: Engine, reference: str, score: int, comment: str | None = None
) -> dict[str, Any]:
    """Store the customer's satisfaction with the ticket: a whole number 1..5 and an optional comment.

    A ticket has one answer; recording again replaces it (score, comment and time).
    The comment is kept verbatim; an empty one counts as no comment.
    """
    if isinstance(score, bool) or not isinstance(score, int) or score not in SATISFACTION_SCORES:
        allowed = ", ".join(str(value) for value in SATISFACTION_SCORES)
        raise ValueError(f"unknown satisfaction score {score!r}; allowed: {allowed}")
    if comment is not None and not isinstance(comment, str):
        raise ValueError(f"comment must be a string (or None), not {comment!r}")
    stored_comment = _storable_text(comment) if comment is not None and comment.strip() else None

    def work(session: Session) -> dict[str, Any]:
        ticket = _ticket_by_reference_or_raise(session, reference)
        now = utcnow()
        if ticket.satisfaction is None:
            ticket.satisfaction = Satisfaction(score=score, comment=stored_comment, at=now)
        else:
            ticket.satisfaction.score = score
            ticket.satisfaction.comment = stored_comment
            ticket.satisfaction.at = now
        ticket.updated_at = now
        session.flush()
        return _ticket_to_dict(ticket)

    return _run(engine, work)


def schedule_follow_up(engine: Engine, reference: str, when: datetime | None) -> dict[str, Any]:
    """Set when staff should check in with the customer (a timezone-aware time); None cancels it."""
    if when is not None:
        _validate_moment("when", when)

    def work(session: Session) -> dict[str, Any]:
        ticket = _ticket_by_reference_or_raise(session, reference)
        ticket.follow_up_at = when
        ticket.updated_at = utcnow()
        session.flush()
        return _ticket_to_dict(ticket)

    return _run(engine, work)
