"""Known incidents, recurring problems, the rating and the check-in, through the real actions."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from actions.complaint import ActionAcknowledgeComplaint
from actions.followup import ActionCheckIn, ActionGreet, ActionRecordSatisfaction, ValidateSatisfactionForm
from actions.remedies import ActionOfferRemedies
from calmdesk import incidents, tickets
from tests.actions.conftest import run, slots_set, ticket_of, tracker


def _complain(domain, text, intent, sender="conversation-1", **slots):
    events, messages = run(ActionAcknowledgeComplaint(), tracker(text, intent, slots=slots, sender_id=sender), domain)
    return {**slots, **slots_set(events)}, messages


def test_a_known_incident_is_acknowledged_openly_first_and_the_ticket_linked(domain, engine):
    incident = incidents.declare_incident(engine, "payment_failed", "Checkout has been failing since 17:21.", "staff")
    slots, messages = _complain(domain, "your checkout won't take my card!!", "payment_failed")
    assert "Checkout has been failing since 17:21." in messages[0]["text"]
    assert ticket_of(engine)["incident"] == incident["reference"]
    other, messages = _complain(domain, "my parcel is late", "delivery_problem", sender="conversation-2")
    assert "failing" not in messages[0]["text"], "other categories are not told about it"


def _offer(domain, engine, sender, email="sam@example.org"):
    slots, _ = _complain(domain, "my parcel never arrived", "delivery_problem", sender=sender,
                         customer_email=email, order_number="4839201")
    slots["customer_email"] = email
    events, messages = run(ActionOfferRemedies(), tracker("", "inform", slots=slots, sender_id=sender), domain)
    return events, [m["text"] for m in messages]


def test_a_first_time_problem_is_not_called_a_repeat(domain, engine):
    _, messages = _offer(domain, engine, "first")
    assert not any("before" in m for m in messages)
    assert tickets.find_ticket(engine, "first", 1)["recurrent"] is False


def test_the_same_problem_again_is_said_openly_flagged_and_prioritised(domain, engine):
    _offer(domain, engine, "earlier")
    events, messages = _offer(domain, engine, "again", email="SAM@example.org")
    assert "before" in messages[0] or "first time" in messages[0]
    ticket = tickets.find_ticket(engine, "again", 1)
    assert ticket["recurrent"] is True
    assert ticket["priority"] in ("high", "urgent")
    assert slots_set(events)["stage"] == "remedy_offered"
    # The policy's "recurrent" variant widens the options and leads with a refund.
    first_time = [r["kind"] for r in tickets.find_ticket(engine, "earlier", 1)["remedies"]]
    repeat = [r["kind"] for r in ticket["remedies"]]
    assert len(repeat) > len(first_time) and repeat[0] == "refund"
    assert slots_set(events)["offer_situation"] == {"recurrent": True, "anger": "calm"}


def test_the_third_time_goes_to_a_person(domain, engine):
    _offer(domain, engine, "one")
    _offer(domain, engine, "two")
    events, messages = _offer(domain, engine, "three")
    assert {"event": "pause"} in [{"event": e["event"]} for e in events]
    ticket = tickets.find_ticket(engine, "three", 1)
    assert ticket["handoff"] is True and ticket["recurrent"] is True
    assert ticket["reference"] in messages[-1]


def _validate(domain, slot, text, intent="inform", **slots):
    t = tracker(text, intent, slots={slot: text, "requested_slot": slot, **slots}, active_loop="satisfaction_form")
    t.events.append({"event": "slot", "name": slot, "value": text})
    events, messages = run(ValidateSatisfactionForm(), t, domain)
    return slots_set(events), messages


def test_the_rating_is_read_from_words_or_skipped(domain):
    assert _validate(domain, "satisfaction_score", "I'd give it a 4")[0]["satisfaction_score"] == "4"
    assert _validate(domain, "satisfaction_score", "no thanks", intent="deny")[0]["satisfaction_score"] == "skipped"
    slots, messages = _validate(domain, "satisfaction_score", "meh")
    assert slots["satisfaction_score"] is None and "1 to 5" in messages[0]["text"]
    assert _validate(domain, "satisfaction_comment", "nope")[0]["satisfaction_comment"] == "skipped"


def test_the_rating_is_stored_and_a_check_in_scheduled(domain, engine):
    slots, _ = _complain(domain, "my parcel never arrived", "delivery_problem")
    slots.update(satisfaction_score="2", satisfaction_comment="took far too long")
    events, messages = run(ActionRecordSatisfaction(), tracker("took far too long", "inform", slots=slots), domain)
    ticket = ticket_of(engine)
    assert ticket["satisfaction"]["score"] == 2 and ticket["satisfaction"]["comment"] == "took far too long"
    due = datetime.fromisoformat(ticket["follow_up_at"])
    assert timedelta(days=2) < due - datetime.now(timezone.utc) < timedelta(days=4)
    reminder = next(e for e in events if e["event"] == "reminder")
    assert reminder["intent"] == "EXTERNAL_check_in"
    assert "few days" in messages[0]["text"]
    assert ticket["transcript"][-1]["text"] == messages[0]["text"], "the goodbye is on the transcript"
    _, check_in = run(ActionCheckIn(), tracker("", "EXTERNAL_check_in", slots=slots), domain)
    assert ticket["reference"] in check_in[0]["text"]


def test_a_skipped_rating_stores_nothing_but_still_schedules_the_check_in(domain, engine):
    slots, _ = _complain(domain, "my parcel never arrived", "delivery_problem")
    run(ActionRecordSatisfaction(), tracker("no", "deny", slots={**slots, "satisfaction_score": "skipped"}), domain)
    assert ticket_of(engine)["satisfaction"] is None
    assert ticket_of(engine)["follow_up_at"] is not None


def test_a_returning_customer_hears_what_changed_in_their_incident(domain, engine):
    incident = incidents.declare_incident(engine, "service_outage", "The app is down for everyone.", "staff")
    slots, _ = _complain(domain, "the app is down", "service_outage")
    _, hello = run(ActionGreet(), tracker("hi", "greet", slots=slots), domain)
    assert "down for everyone" not in hello[0]["text"], "no news yet: a plain hello"
    incidents.post_update(engine, incident["reference"], "Fixed at 18:05 — please try again.", "staff")
    events, news = run(ActionGreet(), tracker("hi again", "greet", slots=slots), domain)
    assert "Fixed at 18:05" in news[0]["text"]
    seen = slots_set(events)["incident_news_seen_at"]
    _, again = run(ActionGreet(), tracker("hi", "greet", slots={**slots, "incident_news_seen_at": seen}), domain)
    assert "Fixed at 18:05" not in again[0]["text"], "the same news is not repeated"


def test_a_burst_of_the_same_complaint_suggests_an_incident_for_staff(domain, engine):
    threshold = incidents.load_incident_settings().detection_tickets
    for n in range(threshold - 1):
        _complain(domain, "checkout won't take my payment", "payment_failed", sender=f"burst-{n}")
    assert incidents.list_incidents(engine, category="payment_failed") == []
    _complain(domain, "payment failed again at checkout", "payment_failed", sender="burst-last")
    [suggested] = incidents.list_incidents(engine, category="payment_failed")
    assert suggested["status"] == "suggested", "staff confirm it; customers are not told yet"
    _, messages = _complain(domain, "my card was declined", "payment_failed", sender="after")
    assert suggested["public_message"] not in messages[0]["text"]
