"""The remedy actions: offering what the policy allows, recording the customer's choice."""
from __future__ import annotations

import json
import random

import pytest

from actions.complaint import ActionAcknowledgeComplaint
from actions.remedies import ActionOfferRemedies, ActionRecordRemedy
from calmdesk.remedies import load_policy
from tests.actions.conftest import bot, run, slots_set, ticket_of, tracker, user

CATEGORY = "damaged_or_wrong_item"
COMPLAINT = "My TV arrived with a CRACKED SCREEN and nobody cares!!! order 4839201"
ORDER = "4839201"
EMAIL = "jo@example.com"
OFFERED = ["replacement", "refund", "store_credit"]  # the policy for damaged_or_wrong_item, default first


def every_wording(monkeypatch, domain):
    """Run the loop body once per wording: the n-th pass makes every response use its n-th variation."""
    most = max(len(variations) for variations in domain["responses"].values())
    for n in range(most):
        monkeypatch.setattr(random, "choice", lambda seq, n=n: seq[n % len(seq)])
        yield n


@pytest.fixture(scope="module")
def offers():
    return load_policy().offers_for(CATEGORY)


def _filed(domain) -> tuple[dict, list[dict]]:
    """Acknowledge the complaint (files the ticket) and gather the details; return (slots, history)."""
    complaint = tracker(COMPLAINT, CATEGORY, slots={"order_number": ORDER},
                        entities=[{"entity": "order_number", "value": ORDER}])
    events, messages = run(ActionAcknowledgeComplaint(), complaint, domain)
    slots = {"order_number": ORDER, **slots_set(events), "customer_email": EMAIL}
    history = [complaint.events[-1], bot(messages[0]["text"]), user(EMAIL, "inform"), bot("Thanks.")]
    return slots, history


def _offer(domain) -> tuple[list[dict], list[dict], dict, list[dict]]:
    """Offer remedies after the details; return (events, messages, slots after, history after)."""
    slots, history = _filed(domain)
    offer_tracker = tracker(EMAIL, "inform", slots=slots, history=history)
    events, messages = run(ActionOfferRemedies(), offer_tracker, domain)
    after = {**slots, **slots_set(events)}
    return events, messages, after, offer_tracker.events + [bot(m["text"]) for m in messages]


def _choose(domain, text: str, intent: str, entities: list[dict] | None = None, remedy: str | None = None):
    """Offer, then answer the offer with ``text``; return (events, messages, slots before the answer)."""
    _, _, slots, history = _offer(domain)
    if remedy is not None:
        slots = {**slots, "remedy": remedy}
    events, messages = run(ActionRecordRemedy(), tracker(text, intent, slots=slots, entities=entities,
                                                         history=history), domain)
    return events, messages, slots


def _remedy_statuses(engine) -> dict[str, str]:
    return {r["kind"]: r["status"] for r in ticket_of(engine)["remedies"]}


# --- the offer -----------------------------------------------------------------


def test_the_offer_restates_the_problem_and_the_order_and_offers_the_policy_remedies(monkeypatch, domain, engine, offers):
    assert [r.kind for r in offers] == OFFERED, "the policy for this category changed; update OFFERED"
    for _ in every_wording(monkeypatch, domain):
        _, messages, _, _ = _offer(domain)
        assert len(messages) == 1
        text = messages[0]["text"]
        assert "cracked screen on the TV" in text
        assert f"order {ORDER}" in text
        for remedy in offers:
            assert remedy.label in text
        assert "€20 store credit" in text  # amounts are filled in, not "{amount}"
        assert "{" not in text


def test_the_offer_has_one_button_per_remedy_that_chooses_it(domain, engine, offers):
    _, messages, _, _ = _offer(domain)
    buttons = messages[0]["buttons"]
    assert [b["payload"] for b in buttons] == [f'/choose_remedy{{"remedy": "{kind}"}}' for kind in OFFERED]
    for button, remedy in zip(buttons, offers):
        assert button["title"] == remedy.label[:1].upper() + remedy.label[1:]  # "A full refund", "€20 store credit"
        # The payload must be what Rasa parses as the intent plus a JSON entity.
        assert json.loads(button["payload"][len("/choose_remedy"):]) == {"remedy": remedy.kind}


def test_the_offer_is_recorded_on_the_ticket_and_moves_the_stage(domain, engine):
    events, messages, slots, _ = _offer(domain)
    changed = slots_set(events)
    assert changed["stage"] == "remedy_offered"
    assert changed["offered_remedies"] == OFFERED

    ticket = ticket_of(engine)
    assert ticket["reference"] == slots["ticket_reference"]
    assert [(r["kind"], r["status"]) for r in ticket["remedies"]] == [(kind, "offered") for kind in OFFERED]
    assert ticket["status"] == "open"
    assert ticket["order_number"] == ORDER
    assert ticket["customer_email"] == EMAIL
    assert (ticket["transcript"][-1]["sender"], ticket["transcript"][-1]["text"]) == ("bot", messages[0]["text"])
    assert ticket["transcript"][0]["text"] == COMPLAINT


def test_a_retried_offer_does_not_duplicate_remedies(domain, engine):
    slots, history = _filed(domain)
    offer_tracker = tracker(EMAIL, "inform", slots=slots, history=history)
    first, _ = run(ActionOfferRemedies(), offer_tracker, domain)
    second, _ = run(ActionOfferRemedies(), offer_tracker, domain)
    assert slots_set(first) == slots_set(second)
    assert [r["kind"] for r in ticket_of(engine)["remedies"]] == OFFERED


# --- a clear choice ----------------------------------------------------------------


@pytest.mark.parametrize("text, intent, entities, remedy, chosen", [
    pytest.param('/choose_remedy{"remedy": "store_credit"}', "choose_remedy",
                 [{"entity": "remedy", "value": "store_credit"}], "store_credit", "store_credit", id="button"),
    pytest.param("the store credit please", "choose_remedy", None, None, "store_credit", id="words"),
    pytest.param("the second one", "choose_remedy", None, None, "refund", id="ordinal"),
    pytest.param("yes", "affirm", None, None, "replacement", id="plain-yes-takes-the-default"),
    pytest.param("yes please, the refund", "affirm", [{"entity": "remedy", "value": "refund"}], "refund", "refund",
                 id="yes-naming-a-remedy-takes-that-one"),
])
def test_a_clear_choice_is_accepted_and_confirmed(domain, engine, offers, text, intent, entities, remedy, chosen):
    events, messages, slots = _choose(domain, text, intent, entities, remedy)
    reference = slots["ticket_reference"]
    picked = next(r for r in offers if r.kind == chosen)

    assert slots_set(events) == {"remedy": chosen, "stage": "wrap_up"}
    assert len(messages) == 2
    confirmation, anything_else = messages[0]["text"], messages[1]["text"]
    assert picked.label in confirmation
    assert reference in confirmation
    assert picked.timeline[:1].upper() + picked.timeline[1:] + "." in confirmation
    assert "anything else" in anything_else.lower()

    ticket = ticket_of(engine)
    assert ticket["reference"] == reference
    assert ticket["status"] == "resolved"
    assert _remedy_statuses(engine) == {kind: "accepted" if kind == chosen else "declined" for kind in OFFERED}
    assert [line["text"] for line in ticket["transcript"][-2:]] == [confirmation, anything_else]


def test_every_confirmation_wording_gives_the_reference_and_timeline(monkeypatch, domain, engine):
    for _ in every_wording(monkeypatch, domain):
        _, messages, slots = _choose(domain, "the store credit please", "choose_remedy")
        text = messages[0]["text"]
        assert slots["ticket_reference"] in text
        assert "The credit will show on your account within 24 hours." in text
        assert "{" not in text


def test_no_declines_every_remedy_but_keeps_the_ticket_open(monkeypatch, domain, engine):
    for _ in every_wording(monkeypatch, domain):
        events, messages, slots = _choose(domain, "no, none of those", "deny")
        assert slots_set(events) == {"stage": "wrap_up"}
        assert len(messages) == 2
        assert slots["ticket_reference"] in messages[0]["text"]
        assert "1 working day" in messages[0]["text"]  # an honest next step
        assert "anything else" in messages[1]["text"].lower()
    assert ticket_of(engine)["status"] == "open"
    assert _remedy_statuses(engine) == {kind: "declined" for kind in OFFERED}


# --- an unclear choice ---------------------------------------------------------------


@pytest.mark.parametrize("text, intent, confidence, entities, remedy", [
    pytest.param("hmm what?", "choose_remedy", 0.95, None, None, id="unclear"),
    pytest.param("the discount", "choose_remedy", 0.95, [{"entity": "remedy", "value": "discount"}], "discount",
                 id="not-offered"),
    # A hesitation the NLU reads as a weak "yes" must not commit the customer to the default remedy.
    pytest.param("hmm", "affirm", 0.6, None, None, id="hesitant-yes"),
])
def test_an_unclear_or_unavailable_choice_is_asked_again_and_changes_nothing(domain, engine, offers, text, intent,
                                                                             confidence, entities, remedy):
    _, _, slots, history = _offer(domain)
    before = ticket_of(engine)
    if remedy:
        slots = {**slots, "remedy": remedy}
    events, messages = run(ActionRecordRemedy(), tracker(text, intent, slots=slots, entities=entities,
                                                         history=history, confidence=confidence), domain)

    assert slots_set(events) == {"remedy": None, "stage": "remedy_offered"}
    assert len(messages) == 1
    for offer in offers:
        assert offer.label in messages[0]["text"]
    assert "15% off" not in messages[0]["text"], "a remedy that is not on offer is not suggested"
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        f'/choose_remedy{{"remedy": "{kind}"}}' for kind in OFFERED
    ]
    after = ticket_of(engine)
    assert after["remedies"] == before["remedies"]
    assert after["status"] == before["status"] == "open"


def test_choosing_before_anything_was_offered_asks_what_happened(domain, engine):
    events, messages = run(ActionRecordRemedy(), tracker("I want a refund", "choose_remedy",
                                                         entities=[{"entity": "remedy", "value": "refund"}],
                                                         slots={"remedy": "refund"}), domain)
    assert slots_set(events) == {"stage": None}
    assert [m["text"] for m in messages] == [domain["responses"]["utter_no_offer_yet"][0]["text"]]
    assert ticket_of(engine) is None, "nothing is filed or promised"


def test_choosing_after_the_complaint_was_filed_but_before_the_offer_asks_what_happened(domain, engine):
    slots, history = _filed(domain)
    events, messages = run(ActionRecordRemedy(), tracker("refund", "choose_remedy", slots=slots, history=history),
                           domain)
    assert slots_set(events) == {"stage": None}
    assert messages[0]["text"] == domain["responses"]["utter_no_offer_yet"][0]["text"]
    assert ticket_of(engine)["remedies"] == []


def test_pressing_the_same_button_twice_confirms_again_without_changing_anything(domain, engine):
    events, _, slots = _choose(domain, "the store credit please", "choose_remedy")
    after = {**slots, **slots_set(events)}
    again, messages = run(ActionRecordRemedy(), tracker('/choose_remedy{"remedy": "store_credit"}', "choose_remedy",
                                                        slots={**after, "remedy": "store_credit"}), domain)
    assert slots_set(again) == {"remedy": "store_credit", "stage": "wrap_up"}
    assert after["ticket_reference"] in messages[0]["text"]
    assert ticket_of(engine)["status"] == "resolved"
    assert _remedy_statuses(engine) == {"replacement": "declined", "refund": "declined", "store_credit": "accepted"}


@pytest.mark.parametrize("first_answer, first_intent", [("no thanks", "deny"), ("yes", "affirm")])
def test_changing_ones_mind_after_answering_switches_the_remedy(domain, engine, first_answer, first_intent):
    """Until a remedy is fulfilled the customer may change their mind; the ticket follows."""
    events, _, slots = _choose(domain, first_answer, first_intent)
    after = {**slots, **slots_set(events)}
    _, messages = run(ActionRecordRemedy(), tracker("actually, can I have the refund instead?", "choose_remedy",
                                                    slots={**after, "remedy": "refund"},
                                                    entities=[{"entity": "remedy", "value": "refund"}]), domain)
    assert after["ticket_reference"] in messages[0]["text"], "the customer gets a confirmation"
    assert _remedy_statuses(engine) == {"replacement": "declined", "refund": "accepted", "store_credit": "declined"}
    assert ticket_of(engine)["status"] == "resolved"
