"""Live chat: what staff, and the chat itself, say in a customer's chat window.

The bot talks to the customer over Rasa's socket.io channel.  When a person
takes over, their replies (and notes such as "Sam has joined the chat") must
reach the same window, but they do not come from Rasa: the staff console
calls ``post_message`` and the row lands in ``live_messages``.  The website
widget follows new rows through ``GET /chat/stream`` (Server-Sent Events,
``calmdesk.web.chat``), using the row ``id`` as the event id, so a widget that
reconnects asks for "everything after id N" and misses nothing.

``conversation_id`` is the customer's sender id (the same id Rasa's tracker
and the tickets use).  Text is stored verbatim and is only ever rendered as
text by the widget.  Plain Python over SQLAlchemy: no Rasa, no web framework.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from calmdesk.models import LIVE_MESSAGE_ROLES, LiveMessage, utcnow

MAX_TEXT_CHARS = 4000  # a long reply fits; a pasted log file does not
MAX_CONVERSATION_ID_CHARS = 255
MAX_AUTHOR_NAME_CHARS = 128
MAX_LIMIT = 1000


def post_message(
    engine: Engine,
    conversation_id: str,
    text: str,
    *,
    role: str,
    author_name: str | None = None,
) -> dict[str, Any]:
    """Store one message for the customer's chat window and return it as a dict.

    ``role`` is ``"agent"`` (a person's reply, ``author_name`` their first name)
    or ``"system"`` (a note from the chat itself).  ValueError, naming the
    problem, for an unknown role, an empty or over-long text, or a bad
    conversation id or author name.
    """
    if role not in LIVE_MESSAGE_ROLES:
        raise ValueError(f"role must be one of {', '.join(LIVE_MESSAGE_ROLES)}, not {role!r}")
    if not isinstance(conversation_id, str) or not conversation_id.strip():
        raise ValueError("conversation_id is required")
    if len(conversation_id) > MAX_CONVERSATION_ID_CHARS:
        raise ValueError(f"conversation_id is over {MAX_CONVERSATION_ID_CHARS} characters")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text is empty: write something for the customer to read")
    text = text.strip()
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"text is {len(text)} characters; the most a chat message can hold is {MAX_TEXT_CHARS}")
    if author_name is not None:
        if not isinstance(author_name, str):
            raise ValueError(f"author_name must be text, not {author_name!r}")
        author_name = author_name.strip() or None
        if author_name is not None and len(author_name) > MAX_AUTHOR_NAME_CHARS:
            raise ValueError(f"author_name is over {MAX_AUTHOR_NAME_CHARS} characters")

    with Session(engine) as session, session.begin():
        message = LiveMessage(
            conversation_id=conversation_id, role=role, author_name=author_name, text=text, created_at=utcnow()
        )
        session.add(message)
        session.flush()
        return _as_dict(message)


def messages_after(
    engine: Engine, conversation_id: str, after_id: int = 0, limit: int = 200
) -> list[dict[str, Any]]:
    """The conversation's live messages with ``id > after_id``, oldest first, at most ``limit``."""
    if isinstance(after_id, bool) or not isinstance(after_id, int) or after_id < 0:
        raise ValueError(f"after_id must be a whole number of 0 or more, not {after_id!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be a whole number from 1 to {MAX_LIMIT}, not {limit!r}")
    query = (
        select(LiveMessage)
        .where(LiveMessage.conversation_id == conversation_id, LiveMessage.id > after_id)
        .order_by(LiveMessage.id)
        .limit(limit)
    )
    with Session(engine) as session:
        return [_as_dict(message) for message in session.execute(query).scalars()]


def _as_dict(message: LiveMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "role": message.role,
        "author_name": message.author_name,
        "text": message.text,
        "created_at": message.created_at.isoformat(),
    }
