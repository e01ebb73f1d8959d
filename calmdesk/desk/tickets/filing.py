"""Filing and updating tickets and the remedies offered on them.

Rasa may run an action twice (a retry, a restarted action server), so writes
are idempotent: a ticket is keyed by ``(conversation_id, complaint_seq)`` and
saving the same draft again updates that ticket instead of filing another.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from calmdesk.desk.tickets.drafts import (
    RemedyOffer,
    TicketDraft,
    _check_choice,
    _validate_actor,
    _validate_draft,
    _validate_offer,
)
from calmdesk.desk.tickets.serialisation import _ticket_summary, _ticket_to_dict
from calmdesk.desk.tickets.store import (
    NotFoundError,
    _customer_for,
    _LostRace,
    _normalise_email,
    _run,
    _storable_text,
    _ticket_by_key,
    _ticket_by_reference_or_raise,
    _unused_reference,
)
from calmdesk.desk.tickets.transcripts import _replace_transcript
from calmdesk.models import Remedy, RemedyEvent, Ticket, utcnow
from calmdesk.taxonomy import PRIORITIES, REMEDY_KINDS, REMEDY_STATUSES, max_anger

# Which remedy status may follow which.  Setting the current status again is a no-op.
# Until a remedy is fulfilled the customer may change their mind (accept one
# they declined, decline one they accepted); every change is a RemedyEvent.
REMEDY_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "offered": ("accepted", "declined"),
    "accepted": ("declined", "fulfilled"),
    "declined": ("accepted",),
    "fulfilled": (),
}


def save_ticket(engine: Engine, draft: TicketDraft, *, summary: bool = False) -> dict[str, Any]:
    """File the ticket for ``(conversation_id, complaint_seq)``, or update it if it exists.

    On update: the anger level keeps its peak, a handoff stays handed off,
    and fields that are None in the draft keep their stored value.
    ``summary``: return only the ticket's own fields, not its remedies,
    transcript, incident and satisfaction - what a turn needs, without
    reading all of that back after every save.
    """
    _validate_draft(draft)

    def work(session: Session) -> dict[str, Any]:
        ticket = _ticket_by_key(session, draft.conversation_id, draft.complaint_seq)
        if ticket is None:
            ticket = Ticket(
                reference=_unused_reference(session),
                conversation_id=draft.conversation_id,
                complaint_seq=draft.complaint_seq,
                created_at=utcnow(),
            )
            session.add(ticket)
        _apply_draft(session, ticket, draft)
        session.flush()
        return _ticket_summary(ticket) if summary else _ticket_to_dict(ticket)

    return _run(engine, work)


def offer_remedies(
    engine: Engine, reference: str, offers: list[RemedyOffer], actor: str = "bot"
) -> dict[str, Any]:
    """Offer each remedy kind on the ticket once; kinds already on it are left as they are."""
    for offer in offers:
        _validate_offer(offer)
    _validate_actor(actor)

    def work(session: Session) -> dict[str, Any]:
        ticket = _ticket_by_reference_or_raise(session, reference)
        present = {remedy.kind for remedy in ticket.remedies}
        now = utcnow()
        for offer in offers:
            if offer.kind in present:
                continue
            remedy = Remedy(
                kind=offer.kind,
                amount=offer.amount,
                unit=offer.unit,
                status="offered",
                created_at=now,
                updated_at=now,
            )
            remedy.events.append(RemedyEvent(status="offered", actor=actor, at=now))
            ticket.remedies.append(remedy)
            ticket.updated_at = now
            present.add(offer.kind)
        session.flush()
        return _ticket_to_dict(ticket)

    return _run(engine, work)


def set_remedy_status(engine: Engine, reference: str, kind: str, status: str, actor: str) -> dict[str, Any]:
    """Move one remedy to ``status`` and record who did it.

    Allowed: offered -> accepted | declined, accepted -> fulfilled.  Asking
    for the current status again changes nothing; anything else raises ValueError.
    """
    _check_choice("remedy kind", kind, REMEDY_KINDS)
    _check_choice("remedy status", status, REMEDY_STATUSES)
    _validate_actor(actor)

    def work(session: Session) -> dict[str, Any]:
        ticket = _ticket_by_reference_or_raise(session, reference)
        remedy = next((r for r in ticket.remedies if r.kind == kind), None)
        if remedy is None:
            offered = ", ".join(r.kind for r in ticket.remedies) or "none"
            raise NotFoundError(f"ticket {ticket.reference} has no {kind!r} remedy (offered: {offered})")
        if remedy.status == status:
            return _ticket_to_dict(ticket)
        allowed = REMEDY_TRANSITIONS[remedy.status]
        if status not in allowed:
            next_steps = ", ".join(allowed) if allowed else "nothing (it is final)"
            raise ValueError(
                f"cannot change the {kind} remedy on {ticket.reference} from {remedy.status!r} "
                f"to {status!r}; from {remedy.status!r} it can only go to: {next_steps}"
            )
        # Compare-and-set: only change it if nobody else did since we read it.
        now = utcnow()
        changed = session.execute(
            update(Remedy)
            .where(Remedy.id == remedy.id, Remedy.status == remedy.status)
            .values(status=status, updated_at=now)
        ).rowcount
        if changed != 1:
            raise _LostRace()
        remedy.events.append(RemedyEvent(status=status, actor=actor, at=now))
        ticket.updated_at = now
        session.flush()
        return _ticket_to_dict(ticket)

    return _run(engine, work)


def _apply_draft(session: Session, ticket: Ticket, draft: TicketDraft) -> None:
    """Copy the draft onto a new or stored ticket, following the update rules."""
    ticket.category = draft.category
    stored_priority = PRIORITIES.index(ticket.priority) if ticket.priority in PRIORITIES else 0
    ticket.priority = PRIORITIES[max(stored_priority, PRIORITIES.index(draft.priority))]
    ticket.status = draft.status or ticket.status or "open"
    ticket.recurrent = bool(ticket.recurrent) or draft.recurrent  # once recurrent, stays recurrent
    ticket.anger_level = max_anger(ticket.anger_level, draft.anger_level)  # peak, never lowered
    ticket.handoff = bool(ticket.handoff) or draft.handoff  # once handed off, stays handed off

    email = _normalise_email(draft.customer_email)
    if email is not None:
        ticket.customer_email = email
        ticket.customer = _customer_for(session, email)
    if draft.order_number is not None:
        ticket.order_number = draft.order_number.strip()
    if draft.description is not None:
        ticket.description = _storable_text(draft.description)

    if draft.transcript is not None:
        _replace_transcript(session, ticket, draft.transcript)
    ticket.updated_at = utcnow()
