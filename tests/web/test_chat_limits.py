"""The web app's public /chat routes refuse a client calling too fast, politely, and only that client."""
from __future__ import annotations

from typing import Iterator

import pytest
from starlette.testclient import TestClient

from calmdesk.operations.flood import POLITE_TEXTS
from calmdesk.staff.rasa_api import RasaClient
from calmdesk.web.app import create_app

TOKEN = "s3cret-staff-token"


def app_client(engine, address: str) -> TestClient:
    rasa = RasaClient("http://127.0.0.1:9", "rasa-token", timeout=1)
    return TestClient(create_app(engine=engine, api_token=TOKEN, rasa=rasa), client=(address, 40000))


@pytest.fixture
def tight(monkeypatch) -> None:
    monkeypatch.setenv("CHAT_IP_BURST", "3")
    monkeypatch.setenv("CHAT_IP_PER_MINUTE", "6")  # one every ten seconds after the burst
    monkeypatch.delenv("CHAT_LIMIT_EXEMPT", raising=False)
    monkeypatch.delenv("CHAT_LIMITS", raising=False)


@pytest.fixture
def flooder(migrated_engine, tight) -> Iterator[TestClient]:
    with app_client(migrated_engine, "203.0.113.9") as client:
        yield client


def test_a_client_over_its_limit_gets_a_polite_429_with_retry_after(flooder):
    statuses = [flooder.post("/chat/session").status_code for _ in range(3)]
    assert statuses == [201, 201, 201]
    refused = flooder.post("/chat/session")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "10"
    assert refused.json()["error"] == "too_many_messages" and refused.json()["message"] in POLITE_TEXTS
    assert flooder.get("/chat/history", params={"sender": "abc"}).status_code == 429  # all of /chat/ counts


def test_staff_routes_and_the_shop_page_are_not_counted(flooder):
    for _ in range(5):
        flooder.post("/chat/session")
    assert flooder.get("/").status_code == 200
    assert flooder.get("/api/tickets", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_another_address_is_served_while_one_floods(migrated_engine, tight):
    with app_client(migrated_engine, "203.0.113.9") as flooder:
        for _ in range(20):
            flooder.post("/chat/session")
        # Same app process: the buckets are per app, so build the other client on the same app.
        other = TestClient(flooder.app, client=("198.51.100.7", 40001))
        assert other.post("/chat/session").status_code == 201
        assert flooder.post("/chat/session").status_code == 429


def test_exempt_addresses_are_never_limited(migrated_engine, tight, monkeypatch):
    monkeypatch.setenv("CHAT_LIMIT_EXEMPT", "203.0.113.9")
    with app_client(migrated_engine, "203.0.113.9") as client:
        assert {client.post("/chat/session").status_code for _ in range(10)} == {201}


def test_a_malformed_limit_setting_stops_the_start(migrated_engine, monkeypatch):
    monkeypatch.setenv("CHAT_IP_BURST", "plenty")
    with pytest.raises(ValueError, match="CHAT_IP_BURST"):
        create_app(engine=migrated_engine, api_token=TOKEN, rasa=RasaClient("http://127.0.0.1:9", "t", timeout=1))
