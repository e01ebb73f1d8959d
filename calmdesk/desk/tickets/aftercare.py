"""After the complaint: the customer's satisfaction score, when staff check in with them, and a case chased again."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from calmdesk.desk.tickets.drafts import _validate_complaint_seq, _validate_conversation_id, _validate_moment
from calmdesk.desk.tickets.serialisation import _ticket_summary, _ticket_to_dict
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


# On a reopened ticket, before the customer's words: what was agreed did not do it, so the offer treats it as a repeat.
REOPENED = "Reopened, chased by the customer:"


def reopen_ticket(engine: Engine, reference: str, conversation_id: str, complaint_seq: int, chase: str) -> dict[str, Any]:
    """A quoted case chased in a new chat ("CD-F02MAJ still nothing arrived") is the same case, not a new one: it is
    open again for the team, marked recurrent, with the chase noted on it and no check-in pending (it did not hold).

    It carries on in the chat the customer is in now: its key moves to ``(conversation_id, complaint_seq)``, so what
    the bot saves next, a handoff and the team's replies reach this chat (its transcript keeps the earlier chat's
    lines, which are older). Running it again changes nothing more (Rasa may retry an action).
    """
    _validate_conversation_id(conversation_id)
    _validate_complaint_seq(complaint_seq)
    note = f"{REOPENED} {_storable_text(chase).strip()}"

    def work(session: Session) -> dict[str, Any]:
        ticket = _ticket_by_reference_or_raise(session, reference)
        if note not in (ticket.description or ""):
            ticket.description = f"{ticket.description or ''}\n{note}".strip()
        ticket.conversation_id, ticket.complaint_seq = conversation_id, complaint_seq
        ticket.status, ticket.recurrent, ticket.follow_up_at = "open", True, None
        ticket.updated_at = utcnow()
        session.flush()
        return _ticket_summary(ticket)

    return _run(engine, work)
