"""The requests policy support leads edit (policy/requests.yml, calmdesk/desk/requests.py)."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from calmdesk.desk.requests import DEFAULT_REQUESTS_PATH, KINDS, RequestsError, load_requests, parse_requests
from calmdesk.conversation.request_wording import REQUESTS

SHIPPED = yaml.safe_load(DEFAULT_REQUESTS_PATH.read_text(encoding="utf-8"))


def test_the_shipped_file_has_every_kind_the_bot_recognises():
    loaded = load_requests()
    assert set(loaded) == set(KINDS) == set(REQUESTS)
    for request in loaded.values():
        assert request.does and request.timeline and set(request.needs) <= {"order_number", "customer_email"}


def test_a_cancellation_is_filed_as_one_and_other_requests_as_other():
    """Staff filter the queue by category: "cancel my order" belongs with the cancellations."""
    loaded = load_requests()
    assert loaded["cancel_order"].category == loaded["cancel_subscription"].category == "cancellation"
    assert loaded["erase_data"].category == loaded["invoice"].category == "other"


def test_no_email_is_promised_to_a_customer_who_gave_none():
    for request in load_requests().values():
        assert not re.search(r"\b(?:e-?mail\w*|inbox)\b", request.timeline_for(emailed=False), re.I), request.kind


@pytest.mark.parametrize("change, key, reason", [
    (lambda r: r["requests"].update(teleport={"does": "x", "timeline": "y"}), "requests.teleport", "unknown request kind"),
    (lambda r: r["requests"].pop("invoice"), "requests", "missing invoice"),
    (lambda r: r["requests"]["invoice"].update(needs=["postcode"]), "requests.invoice.needs", "expected a list"),
    (lambda r: r["requests"]["invoice"].pop("timeline_no_email"), "requests.invoice.timeline_no_email", "promises an email"),
    (lambda r: r["requests"]["invoice"].update(does="send {it}"), "requests.invoice.does", "no {placeholders}"),
    (lambda r: r["requests"]["invoice"].update(when="soon"), "requests.invoice.when", "unknown key"),
    (lambda r: r["requests"]["invoice"].update(timeline=""), "requests.invoice.timeline", "a sentence"),
    (lambda r: r["requests"]["invoice"].update(category="invoices"), "requests.invoice.category", "unknown ticket category"),
])
def test_a_broken_file_names_the_file_and_the_exact_key(change, key, reason):
    raw = copy.deepcopy(SHIPPED)
    change(raw)
    with pytest.raises(RequestsError) as error:
        parse_requests(raw, Path("p/requests.yml"))
    assert str(error.value).startswith(f"p/requests.yml: {key}: "), str(error.value)
    assert reason in str(error.value)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(RequestsError, match="file not found"):
        load_requests(tmp_path / "nope.yml")


def test_the_question_after_filing_is_skipped_when_the_first_message_answered_it():
    change = load_requests()["change_address"]
    assert change.asks_after("can i change the delivery address on order 4471902?") == change.ask
    assert change.asks_after("change the address on 4471902 to 14 Elm Road, Leeds") is None
    assert change.asks_after("new address LS6 2AB please") is None
    email = load_requests()["change_email"]
    assert email.asks_after("change my email from a@x.com to b@y.com") is None
    assert load_requests()["invoice"].asks_after("i need an invoice") is None  # no question for it


def test_a_timeline_reads_as_its_own_sentence_after_what_the_team_does():
    # probe round 12: "... if it hasn't left the warehouse yet, and the team will email you ..." ran on
    for request in load_requests().values():
        for timeline in (request.timeline, request.timeline_for(emailed=False)):
            assert not timeline.lower().startswith("the team will"), request.kind
            assert timeline.count(", and ") == 0, (request.kind, timeline)
