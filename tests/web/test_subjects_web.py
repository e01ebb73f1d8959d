"""Export and erase one customer from the console: admins only, on the audit record, never the address there."""
from __future__ import annotations

import io
import json

from calmdesk.__main__ import main
from calmdesk.desk.tickets import get_ticket
from calmdesk.staff import audit
from tests.web.test_console import accounts, app, client, logged_in, waiting  # noqa: F401


def test_admins_export_and_erase_agents_cannot(client, app, accounts, waiting, migrated_engine, monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'no-tracker-yet.db'}")
    reference = waiting["reference"]
    agent = logged_in(client, "sam")
    assert client.post("/console/api/subjects/export", json={"email": "ann@example.com"},
                       headers=agent).status_code == 403
    assert client.get("/console/privacy").status_code == 403

    admin = logged_in(client, "ada")
    assert client.get("/console/privacy").status_code == 200
    both = client.post("/console/api/subjects/export", json={"email": "a@b.c", "conversation_id": "x"}, headers=admin)
    assert both.status_code == 400 and "exactly one" in both.json()["error"]
    exported = client.post("/console/api/subjects/export", json={"email": "ANN@example.com"}, headers=admin)
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    document = exported.json()
    assert [t["reference"] for t in document["tickets"]] == [reference]
    assert document["tickets"][0]["order_number"] == "4839201"

    unconfirmed = client.post("/console/api/subjects/erase", json={"email": "ann@example.com"}, headers=admin)
    assert unconfirmed.status_code == 400 and "ERASE" in unconfirmed.json()["error"]
    assert get_ticket(migrated_engine, reference)["customer_email"] == "ann@example.com"
    erased = client.post("/console/api/subjects/erase", json={"email": "ann@example.com", "confirm": "ERASE"},
                         headers=admin)
    assert erased.status_code == 200 and erased.json()["tickets"] == [reference]
    assert get_ticket(migrated_engine, reference)["customer_email"] is None
    again = client.post("/console/api/subjects/erase", json={"email": "ann@example.com", "confirm": "ERASE"},
                        headers=admin)
    assert again.status_code == 404

    logged = {e["action"]: e for e in audit.entries(migrated_engine) if e["actor"] == "ada"}
    assert logged["export_customer"]["target"] == reference and logged["erase_customer"]["target"] == reference
    assert logged["erase_customer"]["detail"]["tickets_anonymised"] == 1
    assert "ann@example.com" not in json.dumps(audit.entries(migrated_engine)), "the log holds nothing to erase"


def test_erase_from_the_command_line_asks_first(waiting, migrated_engine, database_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    assert main(["export", "--conversation", waiting["conversation_id"]]) == 0
    assert json.load(io.StringIO(capsys.readouterr().out))["tickets"][0]["reference"] == waiting["reference"]
    assert main(["erase", "--email", "ann@example.com"]) == 2
    assert "--yes" in capsys.readouterr().err
    assert get_ticket(migrated_engine, waiting["reference"])["order_number"] == "4839201"
    assert main(["erase", "--email", "ann@example.com", "--yes"]) == 0
    assert get_ticket(migrated_engine, waiting["reference"])["order_number"] is None
    assert main(["erase", "--email", "ann@example.com", "--yes"]) == 1, "nothing left"
    assert [e["action"] for e in audit.entries(migrated_engine)][:2] == ["erase_customer", "export_customer"]
    assert main(["retention", "--days", "30"]) == 0
