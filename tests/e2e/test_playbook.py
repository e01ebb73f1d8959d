"""End to end: known incidents, recurring problems and the follow-up, checked through the staff API."""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Iterator
from urllib.parse import quote

import httpx
import pytest

pytestmark = pytest.mark.e2e


def _staff_post(stack, path: str, body: dict) -> httpx.Response:
    return httpx.post(f"{stack.config.web_url}{path}", json=body,
                      headers={"Authorization": f"Bearer {stack.config.api_token}"}, timeout=30)


@contextmanager
def _declared_outage(stack, public_message: str) -> Iterator[str]:
    """Staff declare a service outage for the test (its reference); it is closed afterwards."""
    declared = _staff_post(stack, "/api/incidents", {"category": "service_outage", "public_message": public_message})
    assert declared.status_code == 201, declared.text
    incident = declared.json()["reference"]
    try:
        yield incident
    finally:
        _staff_post(stack, f"/api/incidents/{incident}/close", {})


def test_a_declared_incident_is_acknowledged_first_and_its_updates_reach_returning_customers(stack, sender):
    with _declared_outage(stack, "The app has been down since 17:21 for everyone.") as incident:
        first = stack.texts(sender, "your app is down AGAIN, I can't do anything!!")
        assert "down since 17:21" in first[0], "the known incident is named openly, first"
        [ticket] = stack.tickets(sender)
        assert ticket["incident"] == incident
        stack.texts(sender, "sam@example.org")  # the details, then the offer
        assert _staff_post(stack, f"/api/incidents/{incident}/updates",
                           {"message": "Fixed at 18:05, please try again."}).status_code == 201
        back = stack.texts(sender, "hi")
        assert "Fixed at 18:05" in back[0], "a returning customer hears the update"


def test_during_a_declared_incident_an_oddly_worded_complaint_joins_it_and_a_different_one_does_not(stack, sender):
    with _declared_outage(stack, "We have been down since 09:40; back by 11:00.") as incident:
        # Read by itself as a delivery problem (0.48, the outage 0.34 runner-up, when this test was written):
        # with the outage declared, it is the outage.
        odd = stack.texts(sender, "the whole site has been out for 208 minutes and not a single word from you!! "
                                  "I'll miss the deadline at 15:30")
        assert "back by 11:00" in odd[0], "told the incident's message first"
        [ticket] = stack.tickets(sender)
        assert (ticket["category"], ticket["incident"]) == ("service_outage", incident)

        other = f"{sender}-parcel"
        told = stack.texts(other, "my parcel arrived crushed and the vase inside is broken, order 4839201")
        assert not any("09:40" in text for text in told), "a different complaint is not told about the outage"
        [parcel] = stack.tickets(other)
        assert parcel["category"] == "damaged_or_wrong_item" and parcel["incident"] is None


def _complaint_to_offer(stack, sender, email):
    stack.texts(sender, "my parcel never arrived, order 4839201")
    return stack.texts(sender, email)


def test_the_same_problem_again_is_called_a_repeat_and_flagged(stack, sender):
    email = f"repeat-{uuid.uuid4().hex[:8]}@example.com"
    first = _complaint_to_offer(stack, f"{sender}-a", email)
    assert not any("before" in t for t in first)
    again = _complaint_to_offer(stack, sender, email.upper())
    assert "before" in again[0] or "first time" in again[0]
    [ticket] = stack.tickets(sender)
    assert ticket["recurrent"] is True
    assert ticket["remedies"][0]["kind"] == "refund", "the recurrent policy leads with a refund"


def test_after_the_ticket_the_customer_rates_the_chat_and_a_check_in_is_scheduled(stack, sender):
    stack.texts(sender, "I was charged twice for order 5820193")
    stack.texts(sender, "kim@example.org")
    stack.texts(sender, "yes")  # the first remedy on offer
    rating = stack.say(sender, "no, that's all")
    assert "1" in rating[0]["text"] and "5" in rating[0]["text"]
    assert len(rating[0]["buttons"]) == 5
    comment = stack.texts(sender, "4")  # the button's payload
    assert "add" in comment[0].lower() or "better" in comment[0].lower()
    bye = stack.texts(sender, "quick and kind, thanks")
    assert "few days" in bye[0]
    [ticket] = stack.tickets(sender)
    assert ticket["satisfaction"]["score"] == 4
    assert ticket["satisfaction"]["comment"] == "quick and kind, thanks"
    due = datetime.fromisoformat(ticket["follow_up_at"])
    assert due > datetime.now(timezone.utc) + timedelta(days=2)
    before = quote((datetime.now(timezone.utc) + timedelta(days=4)).isoformat())
    listed = stack.staff_get(f"/api/tickets?follow_up_due_before={before}").json()["tickets"]
    assert ticket["reference"] in [t["reference"] for t in listed]


def _parse(stack, text: str) -> dict:
    response = httpx.post(f"{stack.config.rasa_url}/model/parse", params={"token": stack.config.rasa_token},
                          json={"text": text}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_every_parse_carries_the_anger_reading(stack, sender):
    calm = _parse(stack, "I'm not angry, just asking where my parcel is")["anger"]
    assert calm["level"] in ("calm", "frustrated") and 0 <= calm["score"] <= 1
    abusive = _parse(stack, "WHERE IS MY PARCEL YOU USELESS IDIOTS")["anger"]
    assert abusive["level"] == "abusive" and abusive["cues"]
    stack.texts(sender, "my parcel never arrived")
    stack.texts(sender, "this is the THIRD time, f***ing ridiculous!!")
    tracker = httpx.get(f"{stack.config.rasa_url}/conversations/{sender}/tracker",
                        params={"token": stack.config.rasa_token}, timeout=30).json()
    assert tracker["latest_message"]["anger"]["level"] in ("angry", "abusive")
    [ticket] = stack.tickets(sender)
    assert ticket["anger_level"] == tracker["latest_message"]["anger"]["level"]


def test_the_third_time_the_same_problem_comes_back_a_person_takes_it(stack, sender):
    email = f"third-{uuid.uuid4().hex[:8]}@example.com"
    _complaint_to_offer(stack, f"{sender}-1", email)
    _complaint_to_offer(stack, f"{sender}-2", email)
    third = _complaint_to_offer(stack, sender, email)
    [ticket] = stack.tickets(sender)
    assert ticket["recurrent"] is True and ticket["handoff"] is True
    assert ticket["status"] == "awaiting_agent"
    assert ticket["reference"] in " ".join(third), "the customer is given the reference for the person"


BURST = "I cancelled my subscription last month and you've renewed it again"


def test_a_burst_of_one_complaint_suggests_an_incident_that_customers_hear_only_once_confirmed(stack, sender):
    def cancellation_incidents() -> list[dict]:
        listed = stack.staff_get("/api/incidents?category=cancellation")
        assert listed.status_code == 200, listed.text
        return [i for i in listed.json()["incidents"] if i["status"] != "closed"]

    assert cancellation_incidents() == [], "no other test complains about cancellations"
    threshold = 5  # policy/incidents.yml: 5 tickets of one category within 30 minutes
    for n in range(threshold):
        stack.texts(f"{sender}-{n}", BURST)
    [suggested] = cancellation_incidents()
    try:
        assert suggested["status"] == "suggested"
        quiet = stack.texts(f"{sender}-quiet", BURST)
        assert suggested["public_message"] not in " ".join(quiet), "customers are not told before staff confirm"
        confirmed = _staff_post(stack, f"/api/incidents/{suggested['reference']}/confirm",
                                {"public_message": "Cancelled plans renewing by mistake: our team is on it."})
        assert confirmed.status_code == 200, confirmed.text
        told = stack.texts(sender, BURST)
        assert "renewing by mistake" in told[0], "the confirmed incident is acknowledged first"
        [ticket] = stack.tickets(sender)
        assert ticket["incident"] == suggested["reference"] and ticket["category"] == "cancellation"
    finally:
        _staff_post(stack, f"/api/incidents/{suggested['reference']}/close", {})
