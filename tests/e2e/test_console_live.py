"""A person takes over a conversation through the staff console, on the real stack.

The customer talks over Rasa's REST channel; the agent account is made with the
command line and uses the console over HTTP like a browser would (cookie, CSRF).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import datetime, timezone

import httpx
import pytest

from calmdesk.db import make_engine
from calmdesk.staff import livechat
from calmdesk.staff.rasa_api import RasaClient
from calmdesk.taxonomy import PRIORITIES
from calmdesk.operations.training import ROOT

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"


def add_agent(stack, username: str) -> None:
    env = {**os.environ, "DATABASE_URL": stack.config.resolved_database_url(), "RASA_TELEMETRY_ENABLED": "false"}
    done = subprocess.run([sys.executable, "-m", "calmdesk", "staff", "add", username, "--role", "agent",
                           "--password-stdin"], input=PASSWORD + "\n", text=True, capture_output=True, env=env,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"added agent {username}" in done.stdout


def console_login(stack, username: str) -> tuple[httpx.Client, dict[str, str]]:
    browser = httpx.Client(base_url=stack.config.web_url, timeout=60)
    form = browser.get("/console/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    logged = browser.post("/console/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf})
    assert logged.status_code == 303 and logged.headers["location"] == "/console"
    me = browser.get("/console/api/me").json()
    return browser, {"X-CSRF-Token": me["csrf_token"]}


def test_an_agent_takes_over_replies_live_and_hands_back(stack, sender):
    # An agent is signed in (otherwise the bot says nobody can take the chat now and does not pause).
    username = f"sam{int(time.time() * 1000) % 10**8}"
    add_agent(stack, username)
    browser, csrf = console_login(stack, username)

    started = datetime.now(timezone.utc)
    stack.texts(sender, "My TV arrived with a CRACKED SCREEN!!! order 4839201")
    handed = stack.texts(sender, "I want to talk to a real person")
    [ticket] = stack.tickets(sender)
    reference = ticket["reference"]
    assert ticket["status"] == "awaiting_agent" and reference in handed[0]

    # The queue: our conversation, ordered by priority then waiting time.
    queue = browser.get("/console/api/queue").json()
    ours = [e for e in queue["queue"] if e["reference"] == reference]
    assert ours and ours[0]["category"] == "damaged_or_wrong_item" and ours[0]["claimed_by"] is None
    assert ours[0]["anger"]["peak"] in ("angry", "abusive") and ours[0]["anger"]["start"]
    fresh = [e for e in queue["queue"] if e["created_at"] >= started.isoformat()]
    assert fresh[0]["reference"] == reference, "the newest conversation waiting is ours"
    order = [(-PRIORITIES.index(e["priority"]), e["created_at"]) for e in queue["queue"]]
    assert order == sorted(order)
    assert queue["agents_online"] >= 1

    # Claim and reply: the customer's window (livechat) and Rasa's tracker both get it.
    base = f"/console/api/conversations/{reference}"
    claimed = browser.post(f"{base}/claim", headers=csrf)
    assert claimed.status_code == 200, claimed.text
    reply = browser.post(f"{base}/reply", json={"text": "Hi, I'm sorting out a new TV for you now."}, headers=csrf)
    assert reply.status_code == 201, reply.text
    assert "tracker_error" not in reply.json()
    engine = make_engine(stack.config.resolved_database_url())
    try:
        live = livechat.messages_after(engine, sender)
    finally:
        engine.dispose()
    assert [(m["role"], m["text"]) for m in live][-2:] == [
        ("system", f"{username.title()} from our support team has joined the chat."),
        ("agent", "Hi, I'm sorting out a new TV for you now.")]
    events = RasaClient(stack.config.rasa_url, stack.config.rasa_token).tracker(sender)["events"]
    agent_events = [e for e in events if e.get("event") == "bot" and (e.get("metadata") or {}).get("agent")]
    assert agent_events[-1]["text"] == "Hi, I'm sorting out a new TV for you now."
    metadata = agent_events[-1]["metadata"]
    assert (metadata["author_role"], metadata["agent"]) == ("agent", username)

    # The customer writes while the agent holds the chat: the bot says nothing, the agent sees it.
    assert stack.say(sender, "thank you, when will it arrive?") == []
    lines = browser.get(f"{base}/transcript").json()
    assert lines["paused"] is True
    assert [(line["role"], line["text"]) for line in lines["lines"]][-2:] == [
        ("agent", "Hi, I'm sorting out a new TV for you now."), ("user", "thank you, when will it arrive?")]

    # Resolve: the assistant is back with its closing message, the ticket is resolved.
    resolved = browser.post(f"{base}/resolve", headers=csrf)
    assert resolved.status_code == 200, resolved.text
    assert any("back" in text.lower() and "anything else" in text.lower() for text in resolved.json()["bot_said"])
    assert stack.tickets(sender)[0]["status"] == "resolved"
    assert reference not in [e["reference"] for e in browser.get("/console/api/queue").json()["queue"]]
    after = " ".join(stack.texts(sender, "no, that's all"))
    assert "1" in after and "5" in after, "the bot asks how we did"
    browser.close()
