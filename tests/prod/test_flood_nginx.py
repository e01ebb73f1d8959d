"""Flood limits in the production profile: nginx refuses a flooding address politely, replicas see real addresses.

nginx (config: calmdesk/operations/production.py) limits each client address before a
replica is involved; the replicas' own limits (channels/flood.py) must see the
customer's address, not nginx's, which they read from X-Forwarded-For
(``SANIC_PROXIES_COUNT=1``).  The stack exempts 127.0.0.1 for the other
tests; the flooders here use other loopback addresses.
"""
from __future__ import annotations

import asyncio
import json
import secrets
import subprocess
import sys

import httpx
import pytest

from calmdesk.checks.flood import flood_widget
from calmdesk.operations.flood import POLITE_TEXTS

pytestmark = pytest.mark.prod


def test_nginx_refuses_a_flooding_address_with_a_polite_429_and_serves_the_others(prod):
    flood = subprocess.run([sys.executable, "-m", "calmdesk.checks.flood", prod.config.rasa_url,
                            "--address", "127.0.0.9", "--connections", "16", "--seconds", "6"],
                           capture_output=True, text=True, timeout=180)
    figures = json.loads(flood.stdout.strip().splitlines()[-1])
    statuses = {int(code): count for code, count in figures["statuses"].items()}
    print(f"\nnginx flood: {statuses} in {figures['seconds']} s")
    prod.results["flood_nginx"] = {"statuses": statuses, "seconds": figures["seconds"]}
    assert figures["failure_count"] == 0, figures["failures"]
    assert set(statuses) <= {200, 429}, statuses
    assert statuses.get(429, 0) > statuses.get(200, 0)
    # One address across both replicas: its burst (30) and refill (two a second), as counted by nginx.
    assert statuses.get(200, 0) <= 30 + 2 * figures["seconds"] + 2
    for refusal in figures["refusals"]:
        assert refusal["body"]["message"] in POLITE_TEXTS and int(refusal["retry_after"]) >= 1
    # Meanwhile (and after) another customer is answered.
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=90) as client:
        answer = client.post(f"{prod.config.rasa_url}/webhooks/rest/webhook",
                             json={"sender": f"calm-{secrets.token_hex(6)}", "message": "my parcel never arrived"})
    assert answer.status_code == 200 and answer.json()


def test_replicas_count_the_customer_address_not_nginx(prod):
    sender = f"fast-{secrets.token_hex(6)}"
    url = f"{prod.config.rasa_url}/webhooks/rest/webhook"
    statuses = []
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.10"), timeout=90) as client:
        for n in range(28):  # within nginx's per-address burst, over the per-conversation one (12 per replica)
            statuses.append(client.post(url, json={"sender": sender, "message": f"hello {n}"}).status_code)
    assert 429 in statuses and set(statuses) <= {200, 429}
    logs = "".join(p.log.read_text(errors="replace") for p in prod.stack.processes if p.name.startswith("rasa-"))
    assert "Refused a REST message from 127.0.0.10" in logs


def test_the_widget_channel_through_nginx_is_limited_by_the_customer_address_too(prod):
    """socket.io's location sets its own proxy headers; without X-Forwarded-For among them every
    widget customer looked like nginx (127.0.0.1 here, exempt; in production one shared bucket)."""
    said = asyncio.run(flood_widget(prod.config.rasa_url, "127.0.0.11", messages=30, gap=0.05, settle=6))
    assert any(m.get("text") in POLITE_TEXTS for m in said), json.dumps(said)[:1500]
    logs = "".join(p.log.read_text(errors="replace") for p in prod.stack.processes if p.name.startswith("rasa-"))
    assert "Refused socket.io messages from 127.0.0.11" in logs
