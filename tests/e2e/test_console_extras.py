"""On the real stack: nobody available (closed, no agent), the signed handoff webhook, story export."""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml

from calmdesk.staff import webhooks
from tests.e2e.conftest import ALWAYS_OPEN, WEBHOOK_SECRET
from tests.e2e.test_console_live import add_agent, console_login

pytestmark = pytest.mark.e2e


def closed_until_three_days_from_now() -> dict:
    later = (datetime.now(ZoneInfo("Europe/London")) + timedelta(days=3)).strftime("%A").lower()
    return {**ALWAYS_OPEN, "opening_hours": {later: "09:00-17:00"}}


def test_outside_hours_the_bot_says_when_and_stays_available(stack, sender):
    with stack.support_hours(closed_until_three_days_from_now()):
        stack.texts(sender, "My parcel never arrived, order 4839201")
        stack.texts(sender, "jane@example.com")
        reply = stack.texts(sender, "I want to talk to a real person")
    [ticket] = stack.tickets(sender)
    text = " ".join(reply)
    assert ticket["reference"] in text
    assert "offline" in text or "finished for the day" in text
    assert "back at 09:00" in text and "email you by" in text
    assert ticket["handoff"] is True and ticket["status"] == "awaiting_agent"
    assert ticket["follow_up_at"] is not None
    assert stack.say(sender, "ok, thanks") != [], "the bot was not paused: it still answers"


def test_in_hours_with_no_agent_online_the_bot_says_so(stack, sender):
    stack.nobody_online()
    reply = stack.texts(sender, "get me a human now")
    [ticket] = stack.tickets(sender)
    text = " ".join(reply)
    assert ticket["reference"] in text
    assert "nobody from our team is free" in text or "No one from our team can join" in text
    assert ticket["handoff"] is True and ticket["follow_up_at"] is not None
    assert stack.say(sender, "hello?") != [], "the bot was not paused"


def test_a_real_handoff_posts_a_signed_webhook(stack, sender):
    stack.texts(sender, "My TV arrived with a CRACKED SCREEN!!! order 4839201")
    stack.texts(sender, "I want to talk to a real person")
    [ticket] = stack.tickets(sender)

    deadline = time.monotonic() + 20
    mine = []
    while time.monotonic() < deadline and not mine:
        mine = [r for r in stack.webhooks.requests
                if json.loads(r["body"])["ticket"]["reference"] == ticket["reference"]]
        time.sleep(0.2)
    assert len(mine) == 1, "one webhook for the handoff"
    headers = {k.lower(): v for k, v in mine[0]["headers"].items()}
    assert webhooks.verify(WEBHOOK_SECRET, headers["x-calmdesk-timestamp"], mine[0]["body"],
                           headers["x-calmdesk-signature"])
    body = json.loads(mine[0]["body"])
    assert body["event"] == "handoff" and body["availability"] == "available"
    assert body["ticket"]["category"] == "damaged_or_wrong_item"
    assert body["console_url"] == f"{stack.config.web_url}/console/conversations/{ticket['reference']}"
    assert ticket["reference"] in body["summary"]


def test_a_conversation_exports_as_a_story_rasa_reads(stack, sender):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
    from calmdesk.operations.training import ROOT

    stack.texts(sender, "My TV arrived with a CRACKED SCREEN!!! order 4839201")
    stack.texts(sender, "jane@example.com")
    stack.texts(sender, "the replacement please")
    [ticket] = stack.tickets(sender)

    username = f"designer{int(time.time() * 1000) % 10**8}"
    add_agent(stack, username)
    browser, _ = console_login(stack, username)
    answer = browser.get(f"/console/api/conversations/{sender}/story.yml")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/yaml")
    assert "attachment" in answer.headers["content-disposition"]
    text = answer.text
    assert sender not in text, "the conversation id is a secret and stays out of the file"
    assert ticket["reference"] in yaml.safe_load(text)["stories"][0]["story"]

    domain = Domain.load(str(ROOT / "domain"))
    [story] = YAMLStoryReader(domain).read_from_string(text)
    users = [e for e in story.events if isinstance(e, UserUttered)]
    actions = [e.action_name for e in story.events if isinstance(e, ActionExecuted)]
    assert [u.intent_name for u in users][0] == "damaged_or_wrong_item"
    assert users[0].text.startswith("My TV arrived with a CRACKED SCREEN")
    assert "action_turn" in actions
    assert "action_listen" not in text, "listening between turns is implied in a story"
    assert set(actions) - {"action_listen"} <= set(domain.action_names_or_texts), "every action is in the domain"
    assert browser.get("/console/api/conversations/no-such-conversation/story.yml").status_code == 404
