"""The production profile's analytics table, kept from Rasa's events (calmdesk.operations.broker_consumer)."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, String

from calmdesk.models.base import Base, UTCDateTime, one_of, utcnow
from calmdesk.taxonomy import ANGER_LEVELS


class ConversationStats(Base):
    """Analytics counters per conversation, kept by ``calmdesk.operations.broker_consumer``.

    Built from the events Rasa publishes to RabbitMQ (production profile), so
    the staff console can show live activity without reading Rasa's tracker
    store.  ``last_event_at`` is the timestamp of the newest event counted: an
    event redelivered by the broker carries an older or equal timestamp and is
    skipped, so a redelivery never counts twice.
    """

    __tablename__ = "conversation_stats"
    __table_args__ = (one_of("last_anger", ANGER_LEVELS, nullable=True),)

    conversation_id = Column(String(255), primary_key=True)
    messages_in = Column(Integer, nullable=False, default=0)  # customer messages
    bot_messages = Column(Integer, nullable=False, default=0)
    paused = Column(Boolean, nullable=False, default=False)  # a person has the conversation
    last_anger = Column(String(20), nullable=True)  # anger of the latest customer message
    last_event_at = Column(UTCDateTime, nullable=True)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
