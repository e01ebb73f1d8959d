"""A fixed sample of 40 real customer conversations, replayed strictly (on checks_stack).

``make replay`` plays all 520 conversations of real_openers_dev.jsonl as a
report; this is its short, strict version in ``make test``: the sample
``calmdesk.checks.replay.E2E_SAMPLE_IDS`` (every 13th id plus every third
conversation that asks for a person: 30 complaints and 7 requests for a person
by the hand labels in tests/replay/labels.jsonl) must meet all four targets:
no unanswered turn, no loop, no ignored request for a person, no complaint
left unacknowledged. On failure the message is the readable report
(the same as results/replay.md), with every failing conversation in full.
"""
from __future__ import annotations

import pytest

from calmdesk.checks import replay

pytestmark = pytest.mark.e2e


def test_real_customer_sample_meets_the_four_replay_targets(checks_stack):
    if not replay.BENCHMARK.exists():
        pytest.skip(f"{replay.BENCHMARK} is absent (../shared is not checked out next to the project)")
    cases = replay.select(replay.load_cases(), ids=replay.E2E_SAMPLE_IDS)
    results = replay.run_all(checks_stack, cases, concurrency=4, keep_online=checks_stack.agent_online)

    numbers = replay.figures(results)
    assert numbers["conversations"] == 40
    if not replay.passed(numbers):
        pytest.fail("a replay target is above 0:\n\n"
                    + replay.render(results, numbers, "Replay sample (tests/e2e/test_replay.py)"), pytrace=False)
