"""The staff HTTP API, through Starlette's TestClient against a migrated SQLite file."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterator

import pytest
from starlette.testclient import TestClient

from calmdesk.desk.tickets import RemedyOffer, TicketDraft, TranscriptLine, offer_remedies, save_ticket
from calmdesk.web.app import create_app

TOKEN = "s3cret-staff-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
AT = datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def client(migrated_engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine=migrated_engine, api_token=TOKEN)) as test_client:
        yield test_client


@pytest.fixture
def filed(migrated_engine) -> dict:
    """Three tickets across two conversations; returns them by name."""
    late = save_ticket(
        migrated_engine,
        TicketDraft(
            conversation_id="conv-1",
            category="delivery_problem",
            anger_level="angry",
            customer_email="Ann@Example.com",
            transcript=[
                TranscriptLine("customer", "<script>alert(1)</script>", AT),
                TranscriptLine("bot", "Sorry about that 🙏 \u202eevil", AT),
            ],
        ),
    )
    offer_remedies(migrated_engine, late["reference"], [RemedyOffer("discount", 10, "percent")])
    billing = save_ticket(
        migrated_engine, TicketDraft(conversation_id="conv-1", complaint_seq=2, category="billing_problem")
    )
    closed = save_ticket(
        migrated_engine, TicketDraft(conversation_id="conv-2", category="delivery_problem", status="closed")
    )
    return {"late": late, "billing": billing, "closed": closed}


def references(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [ticket["reference"] for ticket in response.json()["tickets"]]


# --- app setup ----------------------------------------------------------------------


def test_app_refuses_to_start_without_a_token(migrated_engine, monkeypatch):
    monkeypatch.delenv("SUPPORT_API_TOKEN", raising=False)
    with pytest.raises(RuntimeError, match="SUPPORT_API_TOKEN"):
        create_app(engine=migrated_engine)


def test_token_can_come_from_the_environment(migrated_engine, monkeypatch):
    monkeypatch.setenv("SUPPORT_API_TOKEN", "from-env")
    with TestClient(create_app(engine=migrated_engine)) as client:
        assert client.get("/api/tickets", headers={"Authorization": "Bearer from-env"}).status_code == 200


def test_factory_without_arguments_uses_database_url(tmp_path, monkeypatch):
    """What ``uvicorn --factory calmdesk.web.app:create_app`` does."""
    from calmdesk.db import migrate

    url = f"sqlite:///{tmp_path / 'factory.db'}"
    migrate(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SUPPORT_API_TOKEN", TOKEN)
    with TestClient(create_app()) as client:
        assert client.get("/api/tickets", headers=AUTH).json() == {"tickets": []}


# --- public routes ---------------------------------------------------------------------


def test_healthz_needs_no_token(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_home_page_is_static_html(client, filed):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Northwind Goods" in response.text  # the demo shop with the chat widget (tests/web/test_chat.py)
    assert filed["late"]["reference"] not in response.text


# --- authentication ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer "},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": "Bearer t\u00f6ken".encode("utf-8")},  # non-ASCII bytes must not crash
    ],
)
@pytest.mark.parametrize("path", ["/api/tickets", "/api/tickets/CD-000000", "/api/nothing-here", "/api"])
def test_api_needs_the_right_bearer_token(client, filed, headers, path):
    response = client.get(path, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "error" in response.json()
    assert filed["late"]["reference"] not in response.text


def test_bearer_scheme_is_case_insensitive(client):
    assert client.get("/api/tickets", headers={"Authorization": f"bearer {TOKEN}"}).status_code == 200


# --- listing and filtering ----------------------------------------------------------------


def test_list_returns_tickets_newest_first(client, filed):
    assert references(client.get("/api/tickets", headers=AUTH)) == [
        filed["closed"]["reference"],
        filed["billing"]["reference"],
        filed["late"]["reference"],
    ]


def test_list_filters(client, filed):
    get = lambda query: references(client.get(f"/api/tickets?{query}", headers=AUTH))  # noqa: E731
    assert get("conversation_id=conv-1") == [filed["billing"]["reference"], filed["late"]["reference"]]
    assert get("status=closed") == [filed["closed"]["reference"]]
    assert get("category=delivery_problem&status=open") == [filed["late"]["reference"]]
    assert get("limit=1") == [filed["closed"]["reference"]]
    assert get("conversation_id=nobody") == []
    assert len(get("status=&category=&limit=")) == 3  # empty parameters mean "no filter"


@pytest.mark.parametrize(
    "query, mentions",
    [
        ("status=pending", "awaiting_agent"),
        ("category=weather", "delivery_problem"),
        ("limit=0", "500"),
        ("limit=501", "500"),
        ("limit=abc", "500"),
        ("limit=-1", "500"),
        ("limit=1.5", "500"),
        ("limit=%EF%BC%95", "500"),  # a full-width digit five
        ("limit=99999999999999999999999", "500"),
        ("conversation_id=" + "x" * 300, "255"),
        ("conversation_id=a%00b", "NUL"),
        ("status=%3Cscript%3E", "allowed"),
    ],
)
def test_bad_filters_get_400_naming_the_allowed_values(client, query, mentions):
    response = client.get(f"/api/tickets?{query}", headers=AUTH)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert mentions in response.json()["error"]


# --- single tickets --------------------------------------------------------------------------


def test_ticket_detail_serves_the_full_ticket(client, filed):
    late = filed["late"]
    response = client.get(f"/api/tickets/{late['reference']}", headers=AUTH)

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == late["reference"]
    assert body["anger_level"] == "angry"
    assert body["customer_email"] == "ann@example.com"
    assert [{k: v for k, v in r.items() if k != "history"} for r in body["remedies"]] == [
        {"kind": "discount", "amount": 10.0, "unit": "percent", "status": "offered"}]
    assert [h["status"] for h in body["remedies"][0]["history"]] == ["offered"]
    assert [entry["text"] for entry in body["transcript"]] == [
        "<script>alert(1)</script>",
        "Sorry about that 🙏 \u202eevil",
    ]


def test_customer_text_is_only_ever_json(client, filed):
    response = client.get(f"/api/tickets/{filed['late']['reference']}", headers=AUTH)
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_reference_lookup_is_case_insensitive(client, filed):
    reference = filed["late"]["reference"]
    assert client.get(f"/api/tickets/{reference.lower()}", headers=AUTH).json()["reference"] == reference


@pytest.mark.parametrize(
    "reference",
    ["CD-000000", "nope", "CD-ILOU00", "%00", "%F0%9F%98%A1", "x" * 5000, "'%20OR%201=1--"],
)
def test_unknown_reference_is_404(client, filed, reference):
    response = client.get(f"/api/tickets/{reference}", headers=AUTH)
    assert response.status_code == 404
    assert response.json() == {"error": "ticket not found"}


# --- the rest of /api ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/nothing-here", "/api", "/api/tickets/CD-000000/extra"])
def test_unknown_api_routes_are_json_404(client, path):
    response = client.get(path, headers=AUTH)
    assert response.status_code == 404
    assert response.json() == {"error": "not found"}


def test_wrong_method_is_json_405(client):
    response = client.post("/api/tickets", headers=AUTH, json={"reference": "CD-000000"})
    assert response.status_code == 405
    assert response.json() == {"error": "method not allowed"}


def test_staff_move_a_remedy_on_and_the_history_says_who_and_when(client, migrated_engine):
    ticket = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-r", category="damaged_or_wrong_item"))
    ref = ticket["reference"]
    offer_remedies(migrated_engine, ref, [RemedyOffer("replacement"), RemedyOffer("refund")])
    auth = {"Authorization": f"Bearer {TOKEN}"}

    assert client.post(f"/api/tickets/{ref}/remedies/replacement", json={"status": "accepted"},
                       headers=auth).status_code == 200
    done = client.post(f"/api/tickets/{ref}/remedies/replacement", json={"status": "fulfilled"}, headers=auth)
    assert done.status_code == 200
    [replacement] = [r for r in done.json()["remedies"] if r["kind"] == "replacement"]
    assert replacement["status"] == "fulfilled"
    assert [(h["status"], h["actor"]) for h in replacement["history"]] == [
        ("offered", "bot"), ("accepted", "staff"), ("fulfilled", "staff")]

    final = client.post(f"/api/tickets/{ref}/remedies/replacement", json={"status": "declined"}, headers=auth)
    assert final.status_code == 400 and "final" in final.json()["error"]
    assert client.post(f"/api/tickets/{ref}/remedies/goodwill", json={"status": "accepted"},
                       headers=auth).status_code == 404
    assert client.post(f"/api/tickets/{ref}/remedies/refund", json={}, headers=auth).status_code == 400
    assert client.post(f"/api/tickets/{ref}/remedies/refund", content=b"{nope", headers=auth).status_code == 400
    assert client.post(f"/api/tickets/{ref}/remedies/refund", json={"status": "accepted"}).status_code == 401
