"""The benchmark's arithmetic and scripts (scripts/bench.py, calmdesk/bench): no servers needed."""
from __future__ import annotations

import json
import math
from collections import Counter

import pytest

from calmdesk.bench import burst, conversations, stats
from calmdesk.bench.load import RASA_PARTS, _has_reply, profile_buckets, read_collapsed, top_leaves
from calmdesk.bench.stats import Turn


def test_percentiles_interpolate_like_numpy():
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert stats.percentile(values, 50) == pytest.approx(55.0)
    assert stats.percentile(values, 95) == pytest.approx(95.5)
    assert stats.percentile(values, 99) == pytest.approx(99.1)
    assert stats.percentile(values, 0) == 10 and stats.percentile(values, 100) == 100
    assert stats.percentile([7.0], 99) == 7.0
    assert stats.percentile(list(reversed(values)), 50) == pytest.approx(55.0), "order does not matter"
    assert math.isnan(stats.percentile([], 50))
    with pytest.raises(ValueError):
        stats.percentile(values, 101)


def test_summary_leaves_errors_out_of_latency_and_throughput():
    turns = [Turn(0, i, 0.1 * i) for i in range(1, 5)] + [Turn(1, 1, 9.0, "timeout"), Turn(1, 2, 0.01, "http 500")]
    summary = stats.summarize(turns, wall_seconds=2.0)
    assert summary["turns"] == 6 and summary["errors"] == 2
    assert summary["error_kinds"] == {"timeout": 1, "http 500": 1}
    assert summary["p50_ms"] == pytest.approx(250.0)
    assert summary["max_ms"] == pytest.approx(400.0), "the 9 s timeout is an error, not a latency"
    assert summary["throughput_tps"] == 2.0, "4 good turns in 2 s"


def test_windows_pick_the_turns_around_an_index():
    turns = [Turn(c, i, 0.1) for c in range(2) for i in range(1, 67)]
    early = stats.window(turns, 5, 2)
    assert sorted({t.index for t in early}) == [3, 4, 5, 6, 7] and len(early) == 10
    assert sorted({t.index for t in stats.window(turns, 60, 2)}) == [58, 59, 60, 61, 62]


def test_ratios_and_targets():
    assert stats.ratio(150, 100) == 1.5
    assert stats.ratio(1, 0) is None and stats.ratio(None, 3) is None and stats.ratio(math.nan, 3) is None
    ours = {"c1": {"p50_ms": 120.0, "throughput_tps": 8.0}, "c20": {"p50_ms": 900.0, "throughput_tps": 6.0}}
    starter = {"c1": {"p50_ms": 100.0, "throughput_tps": 10.0}, "c20": {"p50_ms": 800.0, "throughput_tps": 10.0}}
    production = {"c20": {"throughput_tps": 5.7}}
    burst = {"turns": {"p95_ms": 2400.0, "errors": 0},
             "tickets": {"expected": 200, "found": 201, "lost": 1, "duplicated": 2, "linked_to_incident": 199},
             "starter": {"turns": {"p95_ms": 1600.0, "errors": 0}}}
    figures = stats.headline(ours, starter, long_ratio=1.31, errors=0, train_seconds=171.26, rasa_rss_mb=900.04,
                             production=production, actions_per_turn=1.0, burst=burst)
    assert figures == {"p50_ratio_c1": 1.2, "throughput_ratio_c20": 0.6, "errors": 0,
                       "p95_turn60_over_turn5": 1.31, "production_over_embedded_c20": 0.95,
                       "actions_per_turn": 1.0, "burst_p95_ms": 2400.0, "burst_errors": 0,
                       "burst_starter_p95_ms": 1600.0, "burst_p95_over_starter": 1.5,
                       "burst_tickets_lost": 3, "burst_tickets_unlinked": 2,
                       "train_seconds": 171.3, "rasa_rss_mb": 900.0}
    verdicts = {t["key"]: t["met"] for t in stats.judge(figures)}
    assert verdicts == {"p50_ratio_c1": True, "throughput_ratio_c20": False, "errors": True,
                        "p95_turn60_over_turn5": False, "production_over_embedded_c20": True,
                        "actions_per_turn": True, "burst_p95_ms": True, "burst_errors": True,
                        "burst_tickets_lost": False, "burst_tickets_unlinked": False,
                        "train_seconds": True, "rasa_rss_mb": True}
    not_measured = {t["key"]: t["met"] for t in stats.judge({**figures, "train_seconds": None})}
    assert not_measured["train_seconds"] is None, "not measured is not a pass"
    json.dumps(stats.judge(figures))  # the report is plain JSON


def test_the_required_json_keys_are_all_there():
    required = {"p50_ratio_c1", "throughput_ratio_c20", "errors", "p95_turn60_over_turn5", "train_seconds",
                "rasa_rss_mb", "production_over_embedded_c20", "actions_per_turn", "burst_p95_ms", "burst_errors",
                "burst_tickets_lost", "burst_tickets_unlinked"}
    yardsticks = {"burst_starter_p95_ms", "burst_p95_over_starter"}  # stock Rasa, same run: figures, not targets
    assert set(stats.headline({}, {}, None, 0, None, None)) == required | yardsticks
    assert {t.key for t in stats.TARGETS} == required


def test_the_burst_against_the_starter_is_not_compared_when_the_starter_did_not_play_it():
    figures = stats.headline({}, {}, None, 0, None, None, burst={"turns": {"p95_ms": 2400.0, "errors": 0}})
    assert figures["burst_starter_p95_ms"] is None and figures["burst_p95_over_starter"] is None


def test_burst_customers_arrive_over_the_window_each_with_their_own_email():
    crowd = burst.customers(200, window=30.0, seed=1)
    assert len(crowd) == 200 and crowd[0].starts_at == 0 and 29.0 < crowd[-1].starts_at < 30.0
    assert all(len(who.messages) == 4 for who in crowd)
    emails = [who.messages[1].text for who in crowd]
    assert len(set(emails)) == 200 and all(e.endswith("@example.com") for e in emails)
    assert len({who.sender for who in crowd}) == 200
    assert len({who.messages[0].text for who in crowd}) == 200, "no first message is another's: no cache hits"


def test_the_starter_burst_keeps_the_same_arrivals_with_the_starters_own_messages():
    ours = burst.customers(200, window=30.0, seed=1)
    theirs = burst.starter_customers(200, window=30.0)
    assert [who.starts_at for who in theirs] == [who.starts_at for who in ours], "the same arrival schedule"
    assert all(len(who.messages) == len(mine.messages) == burst.TURNS_EACH for who, mine in zip(theirs, ours))
    starter_texts = set(conversations.STARTER_MESSAGES)
    assert all(m.text in starter_texts for who in theirs for m in who.messages)
    assert [m.text for m in theirs[0].messages] == list(conversations.STARTER_MESSAGES[:4])
    assert [m.text for m in theirs[1].messages] == list(conversations.STARTER_MESSAGES[4:])
    assert len({who.sender for who in theirs}) == 200 and not {w.sender for w in theirs} & {w.sender for w in ours}


def test_both_bots_get_conversations_of_the_same_length_and_customers_never_repeat():
    ours = conversations.ours(6)
    assert {len(c) for c in ours} == {conversations.TURNS_PER_CONVERSATION}
    assert {len(c) for c in conversations.starter(6)} == {conversations.TURNS_PER_CONVERSATION}
    emails = [m.text for c in ours for m in c if m.text.endswith("@example.com")]
    assert len(emails) == len(set(emails)) == 6, "a repeated email would be a repeat complaint, handed off"
    assert all("{" not in m.text or m.text.startswith("/choose_remedy{") for c in ours for m in c)


def test_the_long_conversation_repeats_its_episode_so_turn_5_and_turn_60_are_the_same_step():
    messages = conversations.long_conversation(66, seed=1)
    assert len(messages) == 66
    assert 55 % conversations.EPISODE_LENGTH == 0
    assert messages[4].text == messages[59].text, "same step of the episode (a remedy choice)"
    assert messages[1].text != messages[56].text, "but a new order number each time"


def test_an_empty_answer_is_not_a_reply():
    assert _has_reply([{"recipient_id": "x", "text": "Hi"}])
    assert _has_reply([{"image": "https://example.com/x.jpg"}])
    assert not _has_reply([]) and not _has_reply({"text": "hi"}) and not _has_reply([{"text": ""}])


def test_profile_stacks_are_summed_into_parts(tmp_path):
    raw = tmp_path / "profile.txt"
    raw.write_text(
        "main (rasa/__main__.py:1);predict (rasa/core/policies/ted_policy.py:10);quick_execute (tf/execute.py:52) 6\n"
        "main (rasa/__main__.py:1);save (rasa/core/tracker_store.py:9);do_commit (sqlalchemy/default.py:686) 3\n"
        "main (rasa/__main__.py:1);serve (sanic/server/runners.py:155) 50\n"
        "main (other.py:1);run (other.py:2) 1\n"
    )
    stacks = read_collapsed(raw)
    assert sum(stacks.values()) == 10, "the idle event loop is left out"
    parts = {p["part"]: p["share"] for p in profile_buckets(stacks, RASA_PARTS)}
    assert parts == {"TED policy": 0.6, "tracker store (load/save)": 0.3, "other": 0.1}
    assert top_leaves(Counter(stacks), 1)[0]["function"].startswith("quick_execute")
