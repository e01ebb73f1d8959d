"""The replay's checks and figures on made-up bot turns and tickets (no stack), and the labels file.

The replay reports honestly only if each check fires exactly when it should:
these cases pin down the edges (a paused conversation may be silent, a
request for a person is judged right after its turn, a detail asked twice is
not yet a loop).
"""
from __future__ import annotations

import json

import pytest

from calmdesk.checks import replay
from calmdesk.checks.replay import CaseResult, TurnResult
from calmdesk.taxonomy import ANGER_LEVELS, CATEGORIES


def reply(response: str | None, text: str = "ok") -> dict:
    return {"response": response, "text": text}


def label(complaint: bool = True, category: str = "delivery_problem", person_turn: int | None = None) -> dict:
    return {"id": 1, "complaint": complaint, "category": category, "anger": "calm", "person_turn": person_turn}


def case(turns: list[TurnResult], lab: dict | None = None, tickets: list[dict] | None = None) -> CaseResult:
    result = CaseResult(1, "Acme", "replay-1-x", lab or label(), turns=turns, tickets=tickets or [])
    return replay.check(result)


def test_acknowledging_names():
    for name in ("utter_acknowledge_calm", "utter_acknowledge_abusive", "utter_known_incident"):
        assert replay.acknowledging(name)
    for name in ("utter_vent_acknowledge", "utter_known_incident_extra", "utter_ask_order_number", None):
        assert not replay.acknowledging(name)


def test_asked_detail_uses_the_name_prefix():
    assert replay.asked_detail("utter_ask_order_number") == "order_number"
    assert replay.asked_detail("utter_ask_customer_email_again") == "customer_email"
    assert replay.asked_detail("utter_ask_problem_description") == "problem_description"
    assert replay.asked_detail("utter_ask_which_remedy") is None
    assert replay.asked_detail(None) is None


def test_a_good_conversation_fails_nothing():
    result = case([TurnResult(0, "my parcel is lost", [reply("utter_acknowledge_calm", "Sorry"),
                                                         reply("utter_ask_order_number", "Order?")])])
    assert result.failures == {}


def test_no_answer_counts_unless_paused_and_http_errors_count():
    result = case([TurnResult(0, "hi", [reply("utter_acknowledge_calm")]), TurnResult(1, "hello?", [])])
    assert list(result.failures) == ["unanswered_turns"]
    assert "turn 1" in result.failures["unanswered_turns"][0]
    paused = case([TurnResult(0, "hi", [reply("utter_acknowledge_calm")]), TurnResult(1, "hello?", [], paused=True)])
    assert paused.failures == {}
    broken = case([TurnResult(0, "hi", [reply("utter_acknowledge_calm")], error="POST answered HTTP 500")])
    assert broken.failures["unanswered_turns"] == ["turn 0: HTTP error: POST answered HTTP 500"]


def test_unanswered_turns_are_counted_per_turn():
    results = [case([TurnResult(0, "a", []), TurnResult(1, "b", [])], label(complaint=False))]
    assert replay.figures(results)["targets"]["unanswered_turns"] == 2


def test_loops_same_text_or_same_detail_three_times():
    same_text = [reply("utter_a", "Sorry, I didn't get that."), reply("utter_b", "sorry, I didn't get that!"),
                 reply("utter_c", "Sorry I didn't get that")]
    assert replay.loop_problems(same_text) == ["the bot said \"Sorry, I didn't get that.\" 3 times"]
    asked = [reply("utter_ask_order_number", f"Order number {n}?") for n in range(3)]
    assert replay.loop_problems(asked) == ["the bot asked for order_number 3 times"]
    assert replay.loop_problems(asked[:2] + same_text[:2]) == []
    assert replay.loop_problems([reply(None, ""), reply(None, ""), reply(None, "")]) == []  # empty text is no loop


def test_loop_is_found_across_turns():
    turns = [TurnResult(i, "x", [reply("utter_acknowledge_calm" if i == 0 else "utter_ask_customer_email", "Email?")])
             for i in range(3)]
    result = case(turns)
    assert "loops" in result.failures


def test_person_request_needs_a_handoff_ticket_or_a_pause_after_that_turn():
    asks = label(person_turn=1)
    ignored = case([TurnResult(0, "x", [reply("utter_acknowledge_calm")]), TurnResult(1, "call me", [reply("utter_x")])],
                   asks)
    assert list(ignored.failures) == ["ignored_person_requests"]
    by_ticket = case([TurnResult(0, "x", [reply("utter_acknowledge_calm")]),
                      TurnResult(1, "call me", [reply("utter_handoff")], handoff=True)], asks)
    assert by_ticket.failures == {}
    by_pause = case([TurnResult(0, "x", [reply("utter_acknowledge_calm")]),
                     TurnResult(1, "call me", [reply("utter_handoff")], paused=True)], asks)
    assert by_pause.failures == {}
    # A handoff only at a later turn is too late.
    late = case([TurnResult(0, "call me", [reply("utter_acknowledge_calm")]),
                 TurnResult(1, "hello?", [reply("utter_handoff")], handoff=True)], label(person_turn=0))
    assert "ignored_person_requests" in late.failures
    assert replay.person_request_problem(label(person_turn=3), [TurnResult(0, "x")]) is not None


def test_complaint_first_reply_must_acknowledge():
    result = case([TurnResult(0, "it broke", [reply("utter_ask_order_number")])])
    assert result.failures == {"unacknowledged_complaints": [
        "the first reply to a complaint has no acknowledgement (got: utter_ask_order_number)"]}
    incident = case([TurnResult(0, "site down", [reply("utter_known_incident")])])
    assert incident.failures == {}
    not_complaint = case([TurnResult(0, "how do I export?", [reply("utter_help")])], label(complaint=False))
    assert not_complaint.failures == {}
    # Acknowledging only in the second turn does not count for the first reply.
    late = case([TurnResult(0, "it broke", [reply("utter_greet")]),
                 TurnResult(1, "hello?", [reply("utter_acknowledge_calm")])])
    assert "unacknowledged_complaints" in late.failures


def test_figures_count_handoffs_tickets_and_categories():
    ticket = {"reference": "T-1", "category": "delivery_problem", "handoff": False}
    results = [
        case([TurnResult(0, "a", [reply("utter_acknowledge_calm")])], tickets=[ticket]),
        case([TurnResult(0, "b", [reply("utter_acknowledge_calm")])], label(category="billing_problem"),
             tickets=[{**ticket, "reference": "T-3", "category": "other", "handoff": True},
                      {**ticket, "reference": "T-2", "category": "refund_request"}]),
        case([TurnResult(0, "c", [reply("utter_help")])], label(complaint=False)),
        case([TurnResult(0, "d", [])], label(person_turn=0)),
    ]
    numbers = replay.figures(results)
    assert numbers["targets"] == {"unanswered_turns": 1, "loops": 0, "ignored_person_requests": 1,
                                  "unacknowledged_complaints": 1}
    assert numbers["conversations"] == 4 and numbers["complaints"] == 3 and numbers["person_requests"] == 1
    assert numbers["handoffs"] == 1 and numbers["tickets"] == 3
    # The oldest ticket is the one for the opening message: T-2 refund_request, not T-3.
    assert results[1].ticket_category == "refund_request"
    assert numbers["category_accuracy_on_complaints"] == pytest.approx(0.333, abs=1e-3)
    assert {"label": "delivery_problem", "ticket": "(no ticket)", "count": 1} in numbers["label_vs_ticket_category"]
    assert numbers["failing_conversations"] == 1  # the last one fails three targets at once
    assert not replay.passed(numbers)
    assert replay.passed({"targets": dict.fromkeys(numbers["targets"], 0)})


def test_report_lists_targets_and_the_failing_conversation(tmp_path):
    results = [case([TurnResult(0, "my order never came", [reply("utter_greet", "Hi there")])])]
    numbers = replay.figures(results)
    replay.write(results, numbers, tmp_path / "replay.md")
    text = (tmp_path / "replay.md").read_text()
    assert "| first replies to a complaint with no acknowledgement (`unacknowledged_complaints`) | 1 | 0 | MISS |" in text
    assert "### id 1 (Acme)" in text and "my order never came" in text and "`utter_greet`: Hi there" in text
    data = json.loads((tmp_path / "replay.json").read_text())
    assert data["targets"]["unacknowledged_complaints"] == {"what": replay.TARGETS[3][1], "value": 1, "target": 0}
    assert data["conversations"][0]["failures"] == results[0].failures


def test_select_by_ids_then_limit():
    cases = [replay.Case(i, "Acme", ("x",), label()) for i in range(5)]
    assert [c.id for c in replay.select(cases, limit=2)] == [0, 1]
    assert [c.id for c in replay.select(cases, ids=[4, 1])] == [1, 4]
    with pytest.raises(replay.ReplayInputError, match="99"):
        replay.select(cases, ids=[99])


def test_duplicate_label_is_an_error(tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_text('{"id": 1}\n{"id": 1}\n')
    with pytest.raises(replay.ReplayInputError, match=":2: id 1 is labelled twice"):
        replay.read_labels(path)


# --------------------------------------------------------------------------- the real labels

@pytest.fixture(scope="module")
def benchmark_ids() -> list[int]:
    if not replay.BENCHMARK.exists():
        pytest.skip(f"{replay.BENCHMARK} is absent (../shared is not checked out next to the project)")
    return [json.loads(line)["id"] for line in replay.BENCHMARK.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_labels_have_exactly_one_valid_line_per_conversation(benchmark_ids):
    rows = [json.loads(line) for line in replay.LABELS.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == sorted(benchmark_ids), "one line per conversation id, in id order"
    turns = {json.loads(line)["id"]: len(json.loads(line)["turns"])
             for line in replay.BENCHMARK.read_text(encoding="utf-8").splitlines() if line.strip()}
    for row in rows:
        assert set(row) == {"id", "complaint", "category", "anger", "person_turn"}, row
        assert isinstance(row["complaint"], bool), row
        assert row["category"] in CATEGORIES, row
        assert row["complaint"] or row["category"] == "other", f"a non-complaint is labelled 'other': {row}"
        assert row["anger"] in ANGER_LEVELS, row
        person = row["person_turn"]
        assert person is None or (type(person) is int and 0 <= person < turns[row["id"]]), row
    assert replay.load_cases()  # the loader agrees


def test_e2e_sample_is_as_documented(benchmark_ids):
    labels = replay.read_labels()
    sample = replay.E2E_SAMPLE_IDS
    assert len(sample) == len(set(sample)) == 40 and set(sample) <= set(benchmark_ids)
    assert sum(labels[i]["person_turn"] is not None for i in sample) >= 6
    assert sum(labels[i]["complaint"] for i in sample) >= 20
