"""End to end: each anger level reaches the ticket, abuse gets a boundary then a person, rising anger offers one."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("message, level", [
    ("Hi, could you check my order please? The parcel hasn't arrived yet.", "calm"),
    ("my parcel still hasn't arrived, this is really annoying", "frustrated"),
    ("my parcel STILL hasn't arrived, this is absolutely RIDICULOUS!!!", "angry"),
    ("you useless idiots lost my parcel", "abusive"),
])
def test_each_anger_level_reaches_the_ticket(stack, sender, message, level):
    first = stack.texts(sender, message)
    [ticket] = stack.tickets(sender)
    assert ticket["category"] == "delivery_problem"
    assert ticket["anger_level"] == level
    assert "idiot" not in first[0].lower() and "useless" not in first[0].lower(), "insults are never mirrored"


def test_abuse_gets_one_boundary_then_a_person(stack, sender):
    stack.texts(sender, "my parcel never arrived")
    boundary = stack.texts(sender, "you are all useless idiots")
    assert not stack.tickets(sender)[0]["handoff"], "the first time: a calm boundary, no handoff"
    assert any("help" in t.lower() for t in boundary)
    handed = stack.texts(sender, "useless bot, you morons")
    [ticket] = stack.tickets(sender)
    assert ticket["handoff"] is True and ticket["status"] == "awaiting_agent"
    assert ticket["anger_level"] == "abusive"
    assert ticket["reference"] in handed[-1]
    assert stack.say(sender, "hello??") == [], "paused for the person"


def test_anger_rising_over_two_messages_offers_a_person(stack, sender):
    stack.texts(sender, "Hi, could you check my order please? The parcel hasn't arrived yet.")
    stack.say(sender, "still nothing, this is annoying")
    replies = stack.say(sender, "this is f***ing RIDICULOUS, I've had ENOUGH!!!")
    offers = [b["payload"] for r in replies for b in r.get("buttons", [])]
    assert "/request_human" in offers
    handed = stack.texts(sender, "/request_human")
    assert stack.tickets(sender)[0]["handoff"] is True
    assert stack.tickets(sender)[0]["reference"] in handed[0]
