"""Every scripted conversation in tests/conversations/*.yml, on a stack of their own (checks_stack).

The same runner as ``make converse`` (calmdesk/checks/converse.py), one test
per conversation so a failure names it; the failure message is that
conversation's report (what the customer said, what the bot said, what was
expected). A file that cannot be loaded fails one test with the loader's
error instead of breaking collection of the other e2e tests.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from calmdesk.checks import converse

pytestmark = pytest.mark.e2e

FOLDER = Path(__file__).resolve().parents[1] / "conversations"

try:
    CONVERSATIONS = converse.load([FOLDER]) if FOLDER.is_dir() else []
    LOAD_ERROR = None
except converse.ConversationFileError as error:
    CONVERSATIONS, LOAD_ERROR = [], str(error)


@pytest.mark.skipif(LOAD_ERROR is None, reason="every conversation file loads")
def test_conversation_files_load() -> None:
    pytest.fail(LOAD_ERROR, pytrace=False)


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c.name for c in CONVERSATIONS])
def test_conversation(checks_stack, conversation: converse.Conversation) -> None:
    result = converse.run_conversation(checks_stack, conversation)
    if not result.passed:
        pytest.fail(converse.render_one(result), pytrace=False)
