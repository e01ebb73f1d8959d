"""Handing over to a person and back, and what happens when the bot does not understand."""
from __future__ import annotations

import random

import pytest

from actions.complaint import ActionAcknowledgeComplaint
from actions.handoff import ActionDeclineHandoff, ActionHandback, ActionHandleFallback, ActionHandoff
from calmdesk import tickets
from calmdesk.taxonomy import PRIORITIES
from tests.actions.conftest import bot, run, slots_set, ticket_of, tracker, user



def every_wording(monkeypatch, domain):
    """Run the loop body once per wording: the n-th pass makes every response use its n-th variation."""
    most = max(len(variations) for variations in domain["responses"].values())
    for n in range(most):
        monkeypatch.setattr(random, "choice", lambda seq, n=n: seq[n % len(seq)])
        yield n


def _assert_handoff_events(events: list[dict]) -> None:
    pauses = [e for e in events if e["event"] == "pause"]
    assert len(pauses) == 1, "the bot is paused (ConversationPaused) while a person talks"
    assert events[-1] is pauses[0], "the bot goes quiet after saying it"
    loops = [e for e in events if e["event"] == "active_loop"]
    assert loops and all(e["name"] is None for e in loops), "any form is stopped"
    slots = slots_set(events)
    assert "requested_slot" in slots and slots["requested_slot"] is None
    assert slots["stage"] is None


def _assert_honest_timeline(text: str) -> None:
    """Says when a person will answer, and what happens if it takes longer."""
    assert "15 minutes" in text
    assert "email" in text.lower()


# --- handoff -------------------------------------------------------------------------


def test_handoff_at_the_very_start_files_a_ticket_for_a_person(domain, engine):
    events, messages = run(ActionHandoff(), tracker("can I talk to a real person", "request_human"), domain)

    _assert_handoff_events(events)
    ticket = ticket_of(engine)
    assert ticket is not None
    assert ticket["category"] == "other"
    assert ticket["handoff"] is True
    assert ticket["status"] == "awaiting_agent"
    assert PRIORITIES.index(ticket["priority"]) >= PRIORITIES.index("high")
    slots = slots_set(events)
    assert slots["ticket_reference"] == ticket["reference"]
    assert slots["complaint_seq"] == 1

    assert len(messages) == 1
    text = messages[0]["text"]
    assert ticket["reference"] in text
    _assert_honest_timeline(text)
    assert [(line["sender"], line["text"]) for line in ticket["transcript"]] == [
        ("customer", "can I talk to a real person"), ("bot", text)]


def test_every_handoff_wording_gives_the_reference_and_an_honest_timeline(monkeypatch, domain, engine):
    seen = set()
    for n in every_wording(monkeypatch, domain):
        events, messages = run(ActionHandoff(), tracker("human please", "request_human", sender_id=f"c-{n}"), domain)
        reference = slots_set(events)["ticket_reference"]
        assert reference == tickets.find_ticket(engine, f"c-{n}")["reference"]
        assert reference in messages[0]["text"]
        _assert_honest_timeline(messages[0]["text"])
        assert "{" not in messages[0]["text"]
        seen.add(messages[0]["text"].replace(reference, "{reference}"))
    assert seen == {v["text"] for v in domain["responses"]["utter_handoff"]}, "every wording was checked"


def test_a_handoff_never_lowers_what_triage_says(domain, engine):
    # Billing is high by nature and anger raises it one more: the handoff keeps it urgent,
    # and the complaint's anger peak counts even when the request itself is calm.
    slots = {"complaint_seq": 1, "stage": "details", "category": "billing_problem", "anger_level": "angry"}
    run(ActionHandoff(), tracker("can I speak to someone please", "request_human", slots=slots), domain)
    ticket = ticket_of(engine)
    assert ticket["anger_level"] == "angry"
    assert ticket["priority"] == "urgent"


def test_handoff_mid_form_keeps_what_was_gathered(domain, engine):
    complaint = tracker("my parcel never arrived, order 4839201", "delivery_problem",
                        slots={"order_number": "4839201"}, entities=[{"entity": "order_number", "value": "4839201"}])
    events, messages = run(ActionAcknowledgeComplaint(), complaint, domain)
    slots = {"order_number": "4839201", **slots_set(events), "customer_email": "jo@example.com",
             "requested_slot": "problem_description"}
    history = [complaint.events[-1], bot(messages[0]["text"]), bot("What's the email address on your account?"),
               user("jo@example.com", "inform"), bot("Tell me what happened, in your own words.")]

    events, messages = run(ActionHandoff(), tracker("just get me a person", "request_human", slots=slots,
                                                    history=history, active_loop="complaint_form"), domain)

    _assert_handoff_events(events)
    ticket = ticket_of(engine)
    assert ticket["reference"] == slots["ticket_reference"], "the complaint's ticket is handed over, not a new one"
    assert len(tickets.list_tickets(engine, conversation_id="conversation-1")) == 1
    assert ticket["category"] == "delivery_problem"
    assert ticket["order_number"] == "4839201"
    assert ticket["customer_email"] == "jo@example.com"
    assert ticket["handoff"] is True and ticket["status"] == "awaiting_agent"
    customer_lines = [line["text"] for line in ticket["transcript"] if line["sender"] == "customer"]
    assert customer_lines == ["my parcel never arrived, order 4839201", "jo@example.com", "just get me a person"]
    assert (ticket["transcript"][-1]["sender"], ticket["transcript"][-1]["text"]) == ("bot", messages[0]["text"])
    assert ticket["reference"] in messages[0]["text"]


def test_a_second_handoff_in_the_same_complaint_updates_the_same_ticket(domain, engine):
    first, _ = run(ActionHandoff(), tracker("I want a human", "request_human"), domain)
    slots = slots_set(first)
    later = {**slots, "stage": "wrap_up"}  # handed back, then the customer asks again
    second, messages = run(ActionHandoff(), tracker("actually, a person again please", "request_human",
                                                    slots=later), domain)

    assert slots_set(second)["ticket_reference"] == slots["ticket_reference"]
    assert slots["ticket_reference"] in messages[0]["text"]
    assert len(tickets.list_tickets(engine, conversation_id="conversation-1")) == 1
    assert ticket_of(engine)["status"] == "awaiting_agent"


# --- handback --------------------------------------------------------------------------


def test_handback_welcomes_the_customer_back_and_asks_if_anything_else(monkeypatch, domain, engine):
    texts, seen = {v["text"] for v in domain["responses"]["utter_handback"]}, set()
    for _ in every_wording(monkeypatch, domain):
        events, messages = run(ActionHandback(), tracker("", "handback", slots={"complaint_seq": 1}), domain)
        assert slots_set(events) == {"stage": "wrap_up"}
        assert len(messages) == 1
        assert messages[0]["text"] in texts
        assert "anything else" in messages[0]["text"].lower()
        seen.add(messages[0]["text"])
    assert seen == texts


# --- not understood -----------------------------------------------------------------------


def _fallback(domain, history: list[dict], stage: str | None = "details", **slots):
    return run(ActionHandleFallback(), tracker("asdf qwerty", "nlu_fallback", history=history,
                                               slots={"complaint_seq": 1, "stage": stage, **slots}), domain)


REPHRASE = "utter_fallback_rephrase"
OFFER = "utter_fallback_offer_human"


def _texts(domain, name: str) -> set[str]:
    return {v["text"] for v in domain["responses"][name]}


def test_the_first_misunderstanding_asks_to_rephrase_and_changes_nothing(domain, engine):
    history = [user("my parcel is late", "delivery_problem"), bot("Sorry about that.")]
    events, messages = _fallback(domain, history)
    assert events == []
    assert len(messages) == 1
    assert messages[0]["text"] in _texts(domain, REPHRASE)
    assert not messages[0]["buttons"]
    assert ticket_of(engine) is None


@pytest.mark.parametrize("stage", ["details", "remedy_offered", "wrap_up", None])
def test_two_misunderstandings_in_a_row_offer_a_person(domain, engine, stage):
    history = [user("my parcel is late", "delivery_problem"), bot("Sorry about that."),
               user("zzzz blorp", "nlu_fallback"), bot("Sorry, I didn't quite get that.")]
    events, messages = _fallback(domain, history, stage=stage)

    assert slots_set(events) == {"stage": "handoff_offered", "resume_stage": stage}
    assert len(messages) == 1
    assert messages[0]["text"] in _texts(domain, OFFER)
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert ticket_of(engine) is None, "offering a person is not a handoff yet"


def test_every_offer_of_a_person_has_yes_and_no_buttons(monkeypatch, domain, engine):
    history = [user("??", "nlu_fallback"), bot("Sorry?")]
    for _ in every_wording(monkeypatch, domain):
        _, messages = _fallback(domain, history)
        assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
        assert all(b["title"] for b in messages[0]["buttons"])


def test_an_understood_message_in_between_resets_the_count(domain, engine):
    history = [user("zzzz blorp", "nlu_fallback"), bot("Sorry, I didn't quite get that."),
               user("my parcel is late", "delivery_problem"), bot("Sorry about that.")]
    events, messages = _fallback(domain, history)
    assert events == []
    assert messages[0]["text"] in _texts(domain, REPHRASE)


def test_a_third_misunderstanding_still_remembers_where_to_go_back(domain, engine):
    history = [user("zzzz", "nlu_fallback"), bot("Sorry?"), user("blorp", "nlu_fallback"), bot("A person?")]
    events, messages = _fallback(domain, history, stage="handoff_offered", resume_stage="remedy_offered")
    assert messages[0]["text"] in _texts(domain, OFFER)
    assert slots_set(events) == {"stage": "handoff_offered", "resume_stage": "remedy_offered"}


# --- declining the offer of a person ---------------------------------------------------------


@pytest.mark.parametrize("previous", ["details", "remedy_offered", "wrap_up"])
def test_declining_a_person_goes_back_to_where_we_were(domain, engine, previous):
    events, messages = run(ActionDeclineHandoff(), tracker("no thanks", "deny", slots={
        "complaint_seq": 1, "stage": "handoff_offered", "resume_stage": previous}), domain)
    assert slots_set(events) == {"stage": previous, "resume_stage": None}
    assert [m["text"] for m in messages][0] in _texts(domain, "utter_handoff_declined")
    assert len(messages) == 1
    assert ticket_of(engine) is None


def test_declining_a_person_before_any_complaint_asks_what_happened(domain, engine):
    events, messages = run(ActionDeclineHandoff(), tracker("no", "deny", slots={
        "stage": "handoff_offered", "resume_stage": None}), domain)
    assert slots_set(events) == {"stage": None, "resume_stage": None}
    assert len(messages) == 2
    assert messages[0]["text"] in _texts(domain, "utter_handoff_declined")
    assert messages[1]["text"] in _texts(domain, "utter_ask_what_happened")
