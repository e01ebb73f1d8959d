"""End to end: back up the running stack mid-conversation, restore into a fresh folder, start it, read it back.

The backup runs while two customers are chatting (one of them mid-complaint),
through the command an operator would type.  The restored folder then runs a
second, separate stack: the ticket and the conversation must be there, and
the bot must carry on with that customer.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid

import pytest

from calmdesk.checks.client import started_stack
from calmdesk.operations.training import ROOT

pytestmark = pytest.mark.e2e

OPENING = "My TV arrived with a CRACKED SCREEN and nobody cares!!! Order 4839201"


def _calmdesk(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "calmdesk", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def test_backup_during_a_live_conversation_restores_into_a_stack_that_reads_it_back(stack, sender, tmp_path):
    stack.texts(sender, OPENING)
    stack.texts(sender, "jane.backup@example.com")
    confirmed = stack.texts(sender, '/choose_remedy{"remedy": "replacement"}')
    [ticket] = stack.tickets(sender)
    assert ticket["reference"] in confirmed[0]

    # Another customer keeps chatting while the backup is taken.
    other = f"e2e-{uuid.uuid4().hex}"
    busy = threading.Event()
    errors: list[str] = []

    def other_customer() -> None:
        try:
            stack.texts(other, "you charged me twice for the same order")
            busy.set()
            for line in ("this is the second time this month", "order 5550123", "other.one@example.com"):
                stack.texts(other, line)
        except Exception as error:  # reported below, in the test's thread
            errors.append(repr(error))
        finally:
            busy.set()

    chatter = threading.Thread(target=other_customer)
    chatter.start()
    busy.wait(120)
    backup_dir = tmp_path / "backup"
    made = _calmdesk("backup", "--var-dir", str(stack.config.var_dir), "--to", str(backup_dir))
    # ... and the first customer finishes their conversation after the snapshot.
    stack.texts(sender, "no, that's all")
    chatter.join(180)
    assert not errors, errors
    assert "backed up to" in made.stdout

    fresh = tmp_path / "restored"
    restored = _calmdesk("restore", str(backup_dir), "--var-dir", str(fresh))
    assert f"into {fresh}" in restored.stdout
    with started_stack(fresh) as client:
        [back] = client.tickets(sender)
        assert back["reference"] == ticket["reference"]
        assert back["customer_email"] == "jane.backup@example.com"
        assert back["order_number"] == "4839201"
        assert {r["kind"]: r["status"] for r in back["remedies"]}["replacement"] == "accepted"
        assert back["transcript"][0]["text"] == OPENING
        assert any(ticket["reference"] in line["text"] for line in back["transcript"] if line["sender"] == "bot")

        said = [e["text"] for e in client.tracker(sender)["events"] if e.get("event") == "user"]
        assert said[:3] == [OPENING, "jane.backup@example.com", '/choose_remedy{"remedy": "replacement"}']
        assert any(ticket["reference"] in turn["text"] for turn in client.bot_turns(sender))
        # The restored stack carries on with the same customer.
        assert client.say(sender, "thanks, bye"), "the restored bot answers the customer"
