"""The ticket the remedy tests work on."""
from __future__ import annotations

import pytest

from calmdesk.desk.tickets import TicketDraft, save_ticket


@pytest.fixture
def ticket(migrated_engine) -> dict:
    return save_ticket(
        migrated_engine,
        TicketDraft(conversation_id="conv-1", category="delivery_problem", order_number="A-1001"),
    )
