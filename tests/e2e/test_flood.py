"""One client flooding the chat does not starve the other customers, and is told politely to slow down.

Real Rasa, action server and web app (the conversation tests' stack, whose
incident detection no other test watches; default limits:
calmdesk/operations/flood.py).  The stack exempts 127.0.0.1, where the other
tests play many customers at once; here every client has an address of its
own on the loopback network (Linux routes all of 127.0.0.0/8 to it), so the
limits count them as different customers: ordinary customers on 127.0.N.2-4
and a flooder on 127.0.0.9.

The customers' per-turn latency is measured without the flood, during it and
without it again; the figure is p95 during the flood over p95 of the quiet
phases, measured in the same run (the machine is shared, so no absolute time
is asserted).
"""
from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import secrets
import signal
import subprocess
import sys
import threading
import time
from typing import Iterator

import httpx
import pytest

from calmdesk.bench import conversations
from calmdesk.bench.stats import percentile
from calmdesk.checks.flood import flood_widget
from calmdesk.operations.flood import POLITE_TEXTS

pytestmark = pytest.mark.e2e

FLOODER = "127.0.0.9"
FLOOD_CONNECTIONS = 32


def client_at(address: str) -> httpx.Client:
    """An HTTP client whose connections come from ``address``."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=120)


CONVERSATIONS = 5  # per customer and phase: 3 x 5 x 8 = 120 turns, a few seconds


def customer_turns(webhook: str, phase: int) -> list[float]:
    """Three customers at once, each with ``CONVERSATIONS`` ordinary 8-turn conversations; every turn's seconds.

    Every conversation comes from an address of its own: these scripted
    customers type at machine speed, and a whole phase from one address would
    exceed that address's own limit.
    """
    latencies: list[float] = []
    problems: list[str] = []

    def customer(number: int) -> None:
        for index, script in enumerate(conversations.ours(CONVERSATIONS, seed=phase * 10 + number)):
            address = f"127.0.{phase}.{10 * number + index + 2}"
            sender = f"calm-{secrets.token_hex(6)}"
            with client_at(address) as client:
                for message in script:
                    started = time.perf_counter()
                    response = client.post(webhook, json={"sender": sender, "message": message.text})
                    latencies.append(time.perf_counter() - started)
                    if response.status_code != 200 or not response.json():
                        problems.append(f"{address} {message.text!r}: {response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=customer, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not problems, problems[:5]  # ordinary customers are never refused, and always answered
    return latencies


@contextlib.contextmanager
def flooding(base_url: str) -> Iterator[dict]:
    """``calmdesk.checks.flood`` in a process of its own while the block runs; its figures fill the dict."""
    figures: dict = {}
    process = subprocess.Popen([sys.executable, "-m", "calmdesk.checks.flood", base_url, "--address", FLOODER,
                                "--connections", str(FLOOD_CONNECTIONS), "--seconds", "600"],
                               stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)  # the flood is under way before the customers start
        yield figures
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=120)
    figures.update(json.loads(out.strip().splitlines()[-1]))


def test_a_flooding_client_gets_a_polite_429_and_the_others_stay_fast(checks_stack):
    webhook = f"{checks_stack.rasa_url}/webhooks/rest/webhook"
    customer_turns(webhook, phase=1)  # warm-up: first turns load code paths and caches
    quiet = customer_turns(webhook, phase=2)
    with flooding(checks_stack.rasa_url) as flood:
        flooded = customer_turns(webhook, phase=3)
    quiet += customer_turns(webhook, phase=4)

    statuses = collections.Counter({int(code): count for code, count in flood["statuses"].items()})
    ratio = percentile(flooded, 95) / percentile(quiet, 95)
    sent = sum(statuses.values())
    print(f"\nflood: {sent} messages in {flood['seconds']:.1f} s ({sent / flood['seconds']:.0f}/s) over "
          f"{FLOOD_CONNECTIONS} connections, statuses {dict(statuses)}; customers' p95 "
          f"{percentile(quiet, 95) * 1000:.0f} ms quiet, {percentile(flooded, 95) * 1000:.0f} ms flooded: {ratio:.2f}x")

    assert flood["failure_count"] == 0, flood["failures"]  # no dropped connection, no crash
    assert set(statuses) <= {200, 429}, statuses  # never a 5xx
    assert statuses[429] > 3 * statuses[200], "the flood was refused, not served"
    # Accepted: at most the address's burst (30) plus its refill (two a second).
    assert statuses[200] <= 30 + 2 * flood["seconds"] + 1
    for refusal in flood["refusals"]:
        retry_after, body = refusal["retry_after"], refusal["body"]
        assert retry_after is not None and int(retry_after) >= 1
        assert body["error"] == "too_many_messages" and body["message"] in POLITE_TEXTS
        assert body["retry_after"] == int(retry_after)
    assert ratio <= 2.0, f"other customers' p95 went from {percentile(quiet, 95):.2f} s to {percentile(flooded, 95):.2f} s"

    # The flooder is not shut out for good: after waiting as told, its conversation answers again.
    wait = max(int(refusal["retry_after"]) for refusal in flood["refusals"])
    time.sleep(wait + 2.5)
    with client_at(FLOODER) as client:
        answer = client.post(webhook, json={"sender": flood["sender"], "message": "sorry. my parcel never arrived"})
    assert answer.status_code == 200 and answer.json(), answer.text


def test_a_socketio_flood_is_answered_once_politely_not_message_for_message(checks_stack):
    """The widget's channel: the flood gets one "slow down" per retry window and nothing else breaks."""
    said = asyncio.run(flood_widget(checks_stack.rasa_url, "127.0.0.8", messages=60, gap=0.03, settle=8))
    polite = [m for m in said if m.get("text") in POLITE_TEXTS]
    print(f"\nsocket.io flood: 60 sent, {len(said)} bot messages, {len(polite)} asking to slow down")
    assert 1 <= len(polite) <= 3, json.dumps(said)[:2000]
    assert polite[0]["metadata"]["flood"]["retry_after"] >= 1
    # 12 accepted (the burst) answered, 48 refused with at most a few "slow down"s: far fewer than 60 answers.
    assert len(said) < 60
