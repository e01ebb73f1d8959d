"""make test's fuzzer: 1,000 hostile customer messages, eight conversations at once (two over socket.io).

The full run is ``make fuzz`` (10,000); what is sent and what is counted:
calmdesk/checks/fuzz.py.  All four figures must be 0.
"""
from __future__ import annotations

import json
import os

import pytest

from calmdesk.checks import fuzz

pytestmark = pytest.mark.e2e


def test_a_thousand_hostile_messages_break_nothing(tmp_path):
    total = int(os.environ.get("FUZZ_TEST_MESSAGES", "1000"))
    with fuzz.fuzz_stack(tmp_path / "var") as (stack, client):
        client.nobody_online()
        figures = fuzz.run(stack.config.rasa_url, client.tickets, total, senders=8, socketio_senders=2, seed=7,
                           alive=lambda: len(stack.dead()))
    result = figures.as_dict()
    print("\nfuzz figures:", json.dumps({k: v for k, v in result.items() if k not in ("by_kind",)}, ensure_ascii=False))
    assert result["messages"] == total
    assert result["lines_checked"] > 50, "tickets were filed, so stored text was really compared"
    assert (result["http_5xx"], result["no_response"], result["processes_died"], result["stopped_answering"],
            result["text_mismatches"]) == (0, 0, 0, 0, 0), result["errors"][:10] + result["mismatch_examples"]
