"""End to end: a full conversation (complaint, handoff, live agent, handback, rating), then export and erase.

After the erase, every file the stack wrote - both SQLite databases with
their write-ahead logs, every log, the generated endpoints - is searched
byte by byte for the customer's email, order number and words: nothing may
be found.  The dashboard's figures must be the same as before the erase.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from calmdesk.operations.training import ROOT
from tests.e2e.test_console_live import PASSWORD, console_login

pytestmark = pytest.mark.e2e


def _calmdesk(stack, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": stack.config.resolved_database_url(), "RASA_TELEMETRY_ENABLED": "false"}
    done = subprocess.run([sys.executable, "-m", "calmdesk", *args], input=stdin, text=True, capture_output=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def _search(var_dir: Path, needles: list[str]) -> tuple[list[Path], list[str]]:
    """Every file under the stack's folder, byte by byte, case-insensitively: (files searched, what was found)."""
    files = sorted(p for p in var_dir.rglob("*") if p.is_file())
    found = []
    for path in files:
        data = path.read_bytes().lower()
        found += [f"{needle!r} in {path.relative_to(var_dir)}" for needle in needles if needle.lower().encode() in data]
    return files, found


def _wait(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)


def test_erase_after_a_full_conversation_leaves_nothing_to_find(stack, sender, tmp_path):
    tag = uuid.uuid4().hex[:8]
    email = f"Ottoline.Brackenbury.{tag}@Example.com"
    order = f"58{int(tag, 16) % 10**6:06d}"
    words = ["marzipan", "gherkins", "wilhelmina"]
    admin = f"ada{tag}"
    _calmdesk(stack, "staff", "add", admin, "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    console, csrf = console_login(stack, admin)

    stack.texts(sender, f"My TV arrived with a CRACKED SCREEN!!! order {order}")
    stack.texts(sender, email)
    stack.texts(sender, "and the box smelled of marzipan and gherkins, unbelievable")
    stack.texts(sender, "I want to talk to a real person")
    [ticket] = stack.tickets(sender)
    reference = ticket["reference"]
    assert ticket["status"] == "awaiting_agent" and ticket["customer_email"] == email.lower()
    base = f"/console/api/conversations/{reference}"
    assert console.post(f"{base}/claim", headers=csrf).status_code == 200
    assert console.post(f"{base}/reply", json={"text": f"I'm replacing order {order} now."},
                        headers=csrf).status_code == 201
    emailed = console.post(f"{base}/email", json={"text": f"Your replacement for {order} ships today."}, headers=csrf)
    assert emailed.status_code == 201, emailed.text
    resolved = console.post(f"{base}/resolve", headers=csrf)
    assert resolved.status_code == 200, resolved.text
    said = [resolved.json()["bot_said"]]
    for line in ("no, that's all", "4", "quick and kind, thanks Wilhelmina"):
        said.append(stack.texts(sender, line))
    rated = stack.staff_get(f"/api/tickets/{reference}").json()
    assert rated["satisfaction"] and rated["satisfaction"]["score"] == 4, said
    assert "Wilhelmina" in rated["satisfaction"]["comment"]
    _wait(lambda: any(reference.encode() in r["body"] for r in stack.webhooks.requests))  # the handoff webhook went
    assert stack.mail.wait_for(email.lower()), "and the agent's email went out"

    today = datetime.now(timezone.utc).date().isoformat()
    before = console.get("/console/api/dashboard", params={"from": today, "to": today}).json()
    var_dir = stack.config.var_dir
    needles = [email, order, *words]
    _files, found = _search(var_dir, needles)
    assert found, "the search finds the customer before the erase"

    # Subject access from the command line: one JSON file with everything.
    out = tmp_path / "export.json"
    _calmdesk(stack, "export", "--email", email, "--out", str(out), "--var-dir", str(var_dir))
    document = json.loads(out.read_text())
    [exported] = document["tickets"]
    assert exported["order_number"] == order and exported["satisfaction"]["score"] == 4
    assert any(order in m["text"] for m in document["live_messages"])
    assert document["webhook_deliveries"][0]["payload"]["ticket"]["reference"] == reference
    assert document["emails"] and {e["to"] for e in document["emails"]} == {email.lower()}
    user_said = [e.get("text") for e in document["rasa_tracker_events"][sender] if e["event"] == "user"]
    assert user_said[0] == f"My TV arrived with a CRACKED SCREEN!!! order {order}"

    # Erase from the console (admins only).
    erased = console.post("/console/api/subjects/erase", json={"email": email, "confirm": "ERASE"}, headers=csrf)
    assert erased.status_code == 200, erased.text
    assert erased.json()["tickets"] == [reference] and erased.json()["erased"]["tracker_events_deleted"] > 10

    files, found = _search(var_dir, needles)
    print(f"\nerase search: {len(files)} files under the stack folder "
          f"({', '.join(str(p.relative_to(var_dir)) for p in files)}) for {needles}: found {found or 'nothing'}")
    assert found == [], found
    after = console.get("/console/api/dashboard", params={"from": today, "to": today}).json()
    assert after == before, "the dashboard counts the anonymised ticket exactly as before"
    kept = stack.staff_get(f"/api/tickets/{reference}").json()
    assert (kept["category"], kept["satisfaction"]["score"], kept["customer_email"]) == ("damaged_or_wrong_item", 4, None)
    assert stack.tickets(sender) == [], "the conversation id no longer leads to the ticket"
    tracker = httpx.get(f"{stack.config.rasa_url}/conversations/{sender}/tracker",
                        params={"token": stack.config.rasa_token}, timeout=30).json()
    assert not [e for e in tracker["events"] if e["event"] == "user"], "Rasa holds nothing of the conversation"
    audit = console.get("/console/api/audit", params={"action": "erase_customer"}).json()["entries"]
    assert audit[0]["actor"] == admin and audit[0]["target"] == reference
