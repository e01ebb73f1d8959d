"""What callers hand the ticket service, and the checks it runs before any database work.

``TicketDraft`` (what the bot knows about a complaint so far), ``TranscriptLine``
and ``RemedyOffer``. An unknown category, status, sender, remedy kind ... raises
ValueError naming the bad value and the allowed ones; a value longer than its
column is refused, not truncated.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from calmdesk.models import REMEDY_UNITS
from calmdesk.taxonomy import (
    ANGER_LEVELS,
    CATEGORIES,
    PRIORITIES,
    REMEDY_KINDS,
    TICKET_STATUSES,
    TRANSCRIPT_SENDERS,
)

# Column widths (see calmdesk/models/desk.py); longer values are refused, not truncated.
MAX_CONVERSATION_ID = 255
MAX_ORDER_NUMBER = 64
MAX_EMAIL = 320
MAX_ACTOR = 128
MAX_AMOUNT = 9_999_999_999.99  # Numeric(12, 2)


@dataclass(frozen=True)
class TranscriptLine:
    sender: str  # one of TRANSCRIPT_SENDERS
    text: str
    at: datetime  # timezone-aware


@dataclass(frozen=True)
class RemedyOffer:
    kind: str  # one of REMEDY_KINDS
    amount: float | None = None
    unit: str | None = None  # "percent" or "currency"


@dataclass
class TicketDraft:
    """What the bot knows about a complaint so far; ``save_ticket`` files or updates it."""

    conversation_id: str
    complaint_seq: int = 1
    category: str = "other"
    anger_level: str = "calm"
    priority: str = "normal"  # on update the stored priority is never lowered
    status: str | None = None  # None: a new ticket is "open", a stored one keeps its status
    handoff: bool = False
    recurrent: bool = False
    order_number: str | None = None
    customer_email: str | None = None
    description: str | None = None
    transcript: list[TranscriptLine] | None = None  # None: keep stored transcript; a list: replace it whole


# --------------------------------------------------------------------------
# Validation: everything is checked before any database work starts.


def _check_choice(field: str, value: object, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"unknown {field} {value!r}; allowed: {', '.join(allowed)}")


def _check_short_string(field: str, value: object, max_length: int, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise ValueError(f"{field} must be a string, not {value!r}")
    if len(value) > max_length:
        raise ValueError(f"{field} is {len(value)} characters long; at most {max_length} are allowed")
    if "\x00" in value:
        raise ValueError(f"{field} must not contain NUL characters")


def _validate_conversation_id(conversation_id: object) -> None:
    _check_short_string("conversation_id", conversation_id, MAX_CONVERSATION_ID)
    if not conversation_id.strip():  # type: ignore[union-attr]
        raise ValueError("conversation_id must not be empty")


def _validate_complaint_seq(complaint_seq: object) -> None:
    if isinstance(complaint_seq, bool) or not isinstance(complaint_seq, int) or complaint_seq < 1:
        raise ValueError(f"complaint_seq must be a whole number of at least 1, not {complaint_seq!r}")


def _validate_moment(field: str, value: object) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field} must be a timezone-aware datetime, not {value!r}")


def _validate_actor(actor: object) -> None:
    _check_short_string("actor", actor, MAX_ACTOR)
    if not actor.strip():  # type: ignore[union-attr]
        raise ValueError("actor must not be empty (e.g. 'bot', 'customer', 'agent:alice')")


def _validate_draft(draft: TicketDraft) -> None:
    _validate_conversation_id(draft.conversation_id)
    _validate_complaint_seq(draft.complaint_seq)
    _check_choice("category", draft.category, CATEGORIES)
    _check_choice("anger_level", draft.anger_level, ANGER_LEVELS)
    _check_choice("priority", draft.priority, PRIORITIES)
    if draft.status is not None:
        _check_choice("status", draft.status, TICKET_STATUSES)
    for flag in ("handoff", "recurrent"):
        if not isinstance(getattr(draft, flag), bool):
            raise ValueError(f"{flag} must be True or False, not {getattr(draft, flag)!r}")
    _check_short_string("order_number", draft.order_number, MAX_ORDER_NUMBER, optional=True)
    _check_short_string("customer_email", draft.customer_email, MAX_EMAIL, optional=True)
    if draft.description is not None and not isinstance(draft.description, str):
        raise ValueError(f"description must be a string, not {draft.description!r}")
    if draft.transcript is not None:
        if not isinstance(draft.transcript, list):
            raise ValueError("transcript must be a list of TranscriptLine (or None to keep the stored one)")
        for line in draft.transcript:
            _validate_line(line)


def _validate_line(line: object) -> None:
    if not isinstance(line, TranscriptLine):
        raise ValueError(f"transcript entries must be TranscriptLine, not {line!r}")
    _check_choice("sender", line.sender, TRANSCRIPT_SENDERS)
    if not isinstance(line.text, str):
        raise ValueError(f"transcript text must be a string, not {line.text!r}")
    if not isinstance(line.at, datetime) or line.at.tzinfo is None or line.at.utcoffset() is None:
        raise ValueError(f"transcript time must be a timezone-aware datetime, not {line.at!r}")


def _validate_offer(offer: object) -> None:
    if not isinstance(offer, RemedyOffer):
        raise ValueError(f"offers must be RemedyOffer, not {offer!r}")
    _check_choice("remedy kind", offer.kind, REMEDY_KINDS)
    if offer.unit is not None:
        _check_choice("remedy unit", offer.unit, REMEDY_UNITS)
    amount = offer.amount
    if amount is None:
        return
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not math.isfinite(amount):
        raise ValueError(f"remedy amount must be a number, not {amount!r}")
    if not 0 <= amount <= MAX_AMOUNT:
        raise ValueError(f"remedy amount must be between 0 and {MAX_AMOUNT}, not {amount!r}")
    if offer.unit == "percent" and amount > 100:
        raise ValueError(f"a percent remedy amount must be at most 100, not {amount!r}")
