"""The fixed vocabularies: ticket categories, anger levels, priorities, statuses.

One name per idea, used everywhere: these exact strings are the NLU intent
names of complaints, the ``category`` column in the database and the values
in the staff API.
"""
from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "delivery_problem",
    "damaged_or_wrong_item",
    "billing_problem",
    "payment_failed",
    "account_access",
    "service_outage",
    "cancellation",
    "refund_request",
    "staff_complaint",
    "product_defect",
    "other",
)

# Ordered from least to most upset: comparisons use the index.
ANGER_LEVELS: tuple[str, ...] = ("calm", "frustrated", "angry", "abusive")

PRIORITIES: tuple[str, ...] = ("low", "normal", "high", "urgent")

# open: filed, the bot is still working on it or staff will review it.
# awaiting_agent: handed off, waiting for a person.  resolved: a remedy was
# agreed (fulfilment may still be pending).  closed: nothing more to do.
TICKET_STATUSES: tuple[str, ...] = ("open", "awaiting_agent", "resolved", "closed")

REMEDY_KINDS: tuple[str, ...] = (
    "refund",
    "replacement",
    "discount",
    "store_credit",
    "expedited_reship",
    "goodwill",
)

# offered -> accepted | declined ; accepted -> fulfilled
REMEDY_STATUSES: tuple[str, ...] = ("offered", "accepted", "declined", "fulfilled")

TRANSCRIPT_SENDERS: tuple[str, ...] = ("customer", "bot", "agent")

# The details the bot must gather for each category, in the order it asks.
# A login problem has no order; an outage needs no order either.
ORDER_DETAILS = ("order_number", "customer_email", "problem_description")
ACCOUNT_DETAILS = ("customer_email", "problem_description")

REQUIRED_DETAILS: dict[str, tuple[str, ...]] = {
    "delivery_problem": ORDER_DETAILS,
    "damaged_or_wrong_item": ORDER_DETAILS,
    "billing_problem": ORDER_DETAILS,
    "payment_failed": ORDER_DETAILS,
    "account_access": ACCOUNT_DETAILS,
    "service_outage": ACCOUNT_DETAILS,
    "cancellation": ORDER_DETAILS,
    "refund_request": ORDER_DETAILS,
    "staff_complaint": ACCOUNT_DETAILS,
    "product_defect": ORDER_DETAILS,
    "other": ACCOUNT_DETAILS,
}


def anger_rank(level: str) -> int:
    """Position of ``level`` in ANGER_LEVELS (unknown levels count as calm)."""
    return ANGER_LEVELS.index(level) if level in ANGER_LEVELS else 0


def anger_trend(levels: list[str]) -> str:
    """rising, falling or steady, from the last two readings."""
    if len(levels) < 2 or anger_rank(levels[-1]) == anger_rank(levels[-2]):
        return "steady"
    return "rising" if anger_rank(levels[-1]) > anger_rank(levels[-2]) else "falling"


def max_anger(*levels: str | None) -> str:
    """The most upset of the given levels."""
    known = [lvl for lvl in levels if lvl in ANGER_LEVELS]
    return max(known, key=anger_rank) if known else "calm"
