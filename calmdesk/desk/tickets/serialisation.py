"""Serialisation: the one place a Ticket becomes the dict callers and the API see."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy.orm import selectinload

from calmdesk.models import IncidentTicket, Remedy, Satisfaction, Ticket


def _ticket_summary(ticket: Ticket) -> dict[str, Any]:
    """The ticket's own fields, without what hangs off it (remedies, transcript, incident, satisfaction)."""
    return {
        "reference": ticket.reference,
        "conversation_id": ticket.conversation_id,
        "complaint_seq": ticket.complaint_seq,
        "category": ticket.category,
        "anger_level": ticket.anger_level,
        "priority": ticket.priority,
        "status": ticket.status,
        "handoff": ticket.handoff,
        "recurrent": ticket.recurrent,
        "order_number": ticket.order_number,
        "customer_email": ticket.customer_email,
        "description": ticket.description,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
    }


def _ticket_to_dict(ticket: Ticket) -> dict[str, Any]:
    return {
        **_ticket_summary(ticket),
        "remedies": [
            {
                "kind": r.kind, "amount": r.amount, "unit": r.unit, "status": r.status,
                # Who moved the remedy to which status, and when.
                "history": [{"status": e.status, "actor": e.actor, "at": _iso(e.at)}
                            for e in sorted(r.events, key=lambda e: (e.at, e.id or 0))],
            }
            for r in ticket.remedies
        ],
        "transcript": [
            {"sender": entry.sender, "text": entry.text, "at": _iso(entry.at)} for entry in ticket.transcript
        ],
        "incident": ticket.incident_link.incident.reference if ticket.incident_link else None,
        "follow_up_at": _iso(ticket.follow_up_at) if ticket.follow_up_at else None,
        "satisfaction": _satisfaction_to_dict(ticket.satisfaction) if ticket.satisfaction else None,
    }


def _satisfaction_to_dict(satisfaction: Satisfaction) -> dict[str, Any]:
    return {"score": satisfaction.score, "comment": satisfaction.comment, "at": _iso(satisfaction.at)}


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


# Everything _ticket_to_dict reads, loaded up front when listing many tickets.
_TICKET_LOADS = (
    selectinload(Ticket.remedies).selectinload(Remedy.events),
    selectinload(Ticket.transcript),
    selectinload(Ticket.incident_link).selectinload(IncidentTicket.incident),
    selectinload(Ticket.satisfaction),
)
