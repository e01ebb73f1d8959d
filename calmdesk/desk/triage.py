"""How urgent a ticket is.

Priority starts from what the problem costs the customer (money stuck,
locked out, service down are urgent by nature), then rises with anger and
with recurrence: a customer who is furious, or who has been here before,
should not wait in the same queue as a polite first-time question.
"""
from __future__ import annotations

from calmdesk.taxonomy import PRIORITIES, anger_rank

# Categories where the customer is blocked or out of pocket right now.
_HIGH_BY_NATURE = frozenset({"payment_failed", "account_access", "service_outage", "billing_problem"})


def priority_for(category: str, anger_level: str, recurrent: bool = False) -> str:
    """The ticket priority for a complaint, one of PRIORITIES."""
    rank = PRIORITIES.index("high" if category in _HIGH_BY_NATURE else "normal")
    if anger_rank(anger_level) >= anger_rank("angry"):
        rank += 1
    if recurrent:
        rank += 1
    return PRIORITIES[min(rank, len(PRIORITIES) - 1)]
