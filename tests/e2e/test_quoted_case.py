"""End to end: a reference quoted in a new chat carries its case on (Rasa, the action server, the staff API).

The bot tells customers to quote their reference "and nobody will ask you to
start over"; this holds it to that across two conversations. A chase reopens the
case it quotes (probe 13): one case with the whole story, not a second ticket.
"""
from __future__ import annotations

import re
import uuid

import pytest

pytestmark = pytest.mark.e2e


def test_a_quoted_reference_carries_its_case_into_a_new_chat(stack, sender):
    stack.texts(sender, "my parcel never arrived, order 7712044, jo.quote@example.com")
    stack.texts(sender, "the express re-delivery please")
    [first] = stack.tickets(sender)

    later = f"e2e-{uuid.uuid4().hex}"
    replies = stack.texts(later, f"{first['reference']} still nothing arrived. i want my money back now")
    assert first["reference"] in replies[0], "where that case stands, first"
    assert not any("order number" in r.lower() or "email address" in r.lower() for r in replies), replies
    assert "refund" in replies[-1].lower(), "the offer leads with the money back"
    assert "7712044" not in replies[0] and "jo.quote@example.com" not in " ".join(replies), "no details to a quoter"

    assert any(first["reference"] in r and re.search(r"reopened|open again", r) for r in replies), "told it is reopened"

    [case] = stack.tickets(later)  # the same case, carried on in this chat: not a new ticket linked to it
    assert case["reference"] == first["reference"]
    ticket = stack.staff_get(f"/api/tickets/{case['reference']}").json()
    assert ticket["order_number"] == "7712044" and ticket["customer_email"] == "jo.quote@example.com"
    assert ticket["status"] == "open" and ticket["recurrent"] is True, "open again for the team, as a repeat"
    assert "still nothing arrived" in ticket["description"], "the chase is on the case"


def test_a_request_is_filed_with_its_timeline_and_no_remedy(stack, sender):
    replies = stack.say(sender, "hi, please delete my account and all my data. email is t.berg.e2e@example.de")
    texts = [r.get("text", "") for r in replies]
    assert "delete the personal data" in texts[0] and "30 days" in " ".join(texts)
    assert not any(r.get("buttons") for r in replies), "no remedy to choose"
    [ticket] = stack.tickets(sender)
    ticket = stack.staff_get(f"/api/tickets/{ticket['reference']}").json()
    assert ticket["category"] == "other" and ticket["status"] == "open" and ticket["remedies"] == []
    assert ticket["description"].startswith("Request (erase data):")
