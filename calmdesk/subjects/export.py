"""Subject access: everything held about one customer, as one JSON document.

The document is built from the same ``Subject`` that erase works on
(``calmdesk.subjects.find``), section by section, in the shapes staff already
know (tickets as the staff API serves them, Rasa events as Rasa stores them),
so a customer reading it sees their own words, what the bot and staff wrote
back, and what we did with it.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from calmdesk.models import (
    ConversationStats,
    EmailMessage,
    EmailSuppression,
    HeldComplaint,
    LiveMessage,
    TicketNote,
    WebhookDelivery,
)
from calmdesk.desk.tickets import get_ticket
from calmdesk.subjects import Subject, tracker

FORMAT = "calmdesk-subject-export/1"


def export(engine: Engine, tracker_url: str | None, subject: Subject) -> dict[str, Any]:
    """The whole document (JSON-ready)."""
    tickets = [get_ticket(engine, reference) for reference in subject.references]
    with Session(engine) as session:
        notes = session.scalars(select(TicketNote).where(TicketNote.ticket_id.in_(subject.ticket_ids))
                                .order_by(TicketNote.id)).all() if subject.ticket_ids else []
        reference_of = dict(zip(subject.ticket_ids, subject.references))
        live = session.scalars(select(LiveMessage).where(LiveMessage.conversation_id.in_(subject.conversation_ids))
                               .order_by(LiveMessage.id)).all() if subject.conversation_ids else []
        hooks = session.scalars(select(WebhookDelivery).where(WebhookDelivery.ticket_id.in_(subject.ticket_ids))
                                .order_by(WebhookDelivery.id)).all() if subject.ticket_ids else []
        emails = session.scalars(select(EmailMessage).where(EmailMessage.id.in_(subject.email_message_ids))
                                 .order_by(EmailMessage.id)).all() if subject.email_message_ids else []
        held = session.scalars(select(HeldComplaint).where(
            HeldComplaint.conversation_id.in_(subject.conversation_ids))).all() if subject.conversation_ids else []
        stats = session.scalars(select(ConversationStats).where(
            ConversationStats.conversation_id.in_(subject.conversation_ids))).all() if subject.conversation_ids else []
        unsubscribed = bool(subject.email and session.get(EmailSuppression, subject.email))
        document = {
            "format": FORMAT,
            "generated_at": datetime.now(timezone.utc).isoformat(),
            "subject": {"email": subject.email, "conversations": subject.conversation_ids},
            "tickets": [ticket for ticket in tickets if ticket is not None],
            "staff_notes": [{"ticket": reference_of.get(n.ticket_id), "author": n.author, "text": n.text,
                             "at": _iso(n.created_at)} for n in notes],
            "live_messages": [{"conversation_id": m.conversation_id, "role": m.role, "author": m.author_name,
                               "text": m.text, "at": _iso(m.created_at)} for m in live],
            "webhook_deliveries": [{"ticket": reference_of.get(h.ticket_id), "event": h.event, "status": h.status,
                                    "payload": _json(h.body), "at": _iso(h.created_at)} for h in hooks],
            "emails": [{"kind": e.kind, "to": e.to_address, "subject": e.subject, "text": e.text_body,
                        "status": e.status, "queued_at": _iso(e.created_at), "sent_at": _iso(e.sent_at),
                        "response": e.response} for e in emails],
            "email_unsubscribed": unsubscribed,
            "held_complaints": [{"conversation_id": h.conversation_id, "held_at": _iso(h.held_at),
                                 "request": _json(h.request)} for h in held],
            "conversation_stats": [{"conversation_id": s.conversation_id, "messages_in": s.messages_in,
                                    "bot_messages": s.bot_messages, "last_anger": s.last_anger} for s in stats],
        }
    document["rasa_tracker_events"] = tracker.events(tracker_url, subject.conversation_ids)
    return document


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"


def _json(raw: str | None) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).isoformat() if moment else None
