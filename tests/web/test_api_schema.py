"""The staff API's OpenAPI description is true: every route described, and Schemathesis agrees.

Schemathesis (from PyPI) runs against the real web app, started with uvicorn
on a migrated SQLite file holding a ticket and an incident, with a stand-in
for Rasa's HTTP API (handback posts to it).  With the valid token: no server
error, and every response's status code, content type, headers and body as
described.  With an invalid token (and with none): every operation 401.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from calmdesk.checks.client import free_port
from calmdesk.db import make_engine, migrate
from calmdesk.desk.incidents import declare_incident
from calmdesk.desk.tickets import TicketDraft, TranscriptLine, save_ticket
from calmdesk.operations.training import ROOT
from calmdesk.web import openapi
from calmdesk.web.app import create_app

TOKEN = "schema-test-token"
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance,response_headers_conformance,ignored_auth")


def _operations() -> list[tuple[str, str]]:
    return sorted((path, method.upper()) for path, item in openapi.document()["paths"].items() for method in item)


def test_every_api_route_is_described_and_nothing_else(migrated_engine):
    app = create_app(engine=migrated_engine, api_token=TOKEN)
    routes = sorted((route.path, method) for route in app.routes if getattr(route, "path", "").startswith("/api")
                    for method in route.methods if method != "HEAD")
    assert routes == _operations()


class FakeRasa:
    """Answers Rasa's HTTP API calls the web app makes (handback) with 200."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.dumps({"messages": [{"text": "I'm back."}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def web(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("schema")
    url = f"sqlite:///{folder / 'calmdesk.db'}"
    migrate(url)
    engine = make_engine(url)
    save_ticket(engine, TicketDraft(conversation_id="c-1", customer_email="ann@example.com", order_number="4839201",
                                    transcript=[TranscriptLine("customer", "my parcel never came", datetime.now(timezone.utc))]))
    declare_incident(engine, "delivery_problem", "Parcels are late.", "staff")
    engine.dispose()
    rasa, port = FakeRasa(), free_port()
    env = {**os.environ, "DATABASE_URL": url, "SUPPORT_API_TOKEN": TOKEN, "RASA_URL": rasa.url,
           "RASA_API_TOKEN": "rasa", "MAIL_DIR": str(folder / "mail"), "RETENTION_DAYS": "0",
           "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"}
    env.pop("HANDOFF_WEBHOOK_URL", None)
    log = (folder / "web.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "calmdesk.web.app:create_app",
                                "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--ws", "none"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, (folder / "web.log").read_text()
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(10)
        rasa.server.shutdown()
        log.close()
        tracebacks = (folder / "web.log").read_text(errors="replace").count("Traceback")
        assert tracebacks == 0, (folder / "web.log").read_text(errors="replace")[-3000:]


def test_the_served_description_is_the_documented_one(web):
    served = httpx.get(f"{web}/api/openapi.json", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert served.status_code == 200 and served.json() == openapi.document()


def test_schemathesis_finds_no_server_error_and_no_schema_violation(web, tmp_path):
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(openapi.document()))
    schemathesis = Path(sys.executable).parent / "schemathesis"
    run = subprocess.run(
        [str(schemathesis), "run", str(spec), "--url", web, "--header", f"Authorization: Bearer {TOKEN}",
         "--checks", CHECKS, "--max-examples", os.environ.get("SCHEMATHESIS_EXAMPLES", "30"), "--seed", "20261206",
         "--workers", "1", "--request-timeout", "20", "--suppress-health-check", "all",
         "--report", "har", "--report-har-path", str(tmp_path / "run.har")],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""},
    )
    output = run.stdout + run.stderr
    summary = [line for line in output.splitlines() if re.search(r"passed|failed|errored|cases|Test cases", line)]
    print("\nSchemathesis (valid token):\n  " + "\n  ".join(summary[-8:]))
    assert run.returncode == 0, output[-6000:]
    # It really used the token: most answers are the API's own (200, 201, 400, 404), not 401.
    entries = json.loads((tmp_path / "run.har").read_text())["log"]["entries"]
    statuses = Counter(entry["response"]["status"] for entry in entries)
    print(f"  {len(entries)} requests, by status: {dict(sorted(statuses.items()))}")
    assert statuses[200] and statuses[201] and statuses[400] and statuses[404]
    assert statuses[401] < len(entries) / 4, "only the ignored-auth probes should be refused"
    assert not [status for status in statuses if status >= 500]


@pytest.mark.parametrize("authorization", ["Bearer not-the-token", None, "Basic c3RhZmY6c3RhZmY="])
def test_every_operation_refuses_a_wrong_or_missing_token(web, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    answers = {}
    for path, method in _operations():
        concrete = path.replace("{reference}", "CD-AAAAAA").replace("{kind}", "refund")
        response = httpx.request(method, f"{web}{concrete}", headers=headers, json={}, timeout=10)
        answers[f"{method} {path}"] = (response.status_code, response.json().get("error", "")[:20])
    assert {status for status, _ in answers.values()} == {401}, answers
