"""Start the real product once for the end-to-end tests.

The trained model (trained here if missing or stale), a real Rasa server, a
real action server and the real web app, on free ports, with a fresh SQLite
database and tracker store in a temporary folder. Nothing is mocked.
"""
from __future__ import annotations

import contextlib
import secrets
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
import yaml

from calmdesk.checks.client import ALWAYS_OPEN, ChatClient, environment, free_port, started_stack
from calmdesk.db import migrate
from calmdesk.operations.stack import Stack, StackConfig
from calmdesk.operations.training import ensure_model
from tests.staff.test_webhooks import Receiver
from tests.mail.smtp import SmtpServer

# Support is open around the clock in the e2e stack (tests change it with support_hours());
# whether a person can take a handoff then depends on an agent being online (agent_online()).
WEBHOOK_SECRET = "e2e-webhook-secret"


@dataclass
class Running:
    config: StackConfig
    hours_file: Path | None = None
    webhooks: Receiver | None = None  # the local receiver HANDOFF_WEBHOOK_URL points at
    mail: SmtpServer | None = None  # the real SMTP server (aiosmtpd) SMTP_URL points at
    _client: ChatClient | None = field(default=None, repr=False)

    @property
    def client(self) -> ChatClient:
        """The same client make converse and the replay use, on this stack."""
        if self._client is None:
            self._client = ChatClient(self.config.rasa_url, self.config.rasa_token, self.config.web_url,
                                      self.config.api_token, database_url=self.config.resolved_database_url())
        return self._client

    def agent_online(self) -> None:
        """A staff session seen just now: a handoff finds a person and pauses the bot."""
        self.client.agent_online()

    def nobody_online(self) -> None:
        """Every staff session idle for 3 minutes (still logged in, no longer counted as online)."""
        self.client.nobody_online()

    @contextlib.contextmanager
    def support_hours(self, hours: dict) -> Iterator[None]:
        """Other support hours for the duration (the action server re-reads the file when it changes)."""
        assert self.hours_file is not None
        self.hours_file.write_text(yaml.safe_dump(hours))
        try:
            yield
        finally:
            self.hours_file.write_text(yaml.safe_dump(ALWAYS_OPEN))

    def say(self, sender: str, message: Any) -> list[dict]:
        """Send one customer message over the REST channel; return the bot's replies."""
        response = httpx.post(
            f"{self.config.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def texts(self, sender: str, message: str) -> list[str]:
        return [m.get("text", "") for m in self.say(sender, message)]

    def staff_get(self, path: str, token: str | None = None) -> httpx.Response:
        token = self.config.api_token if token is None else token
        return httpx.get(f"{self.config.web_url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def staff_post(self, path: str) -> httpx.Response:
        return httpx.post(f"{self.config.web_url}{path}",
                          headers={"Authorization": f"Bearer {self.config.api_token}"}, timeout=60)

    def tickets(self, conversation_id: str) -> list[dict]:
        response = self.staff_get(f"/api/tickets?conversation_id={conversation_id}")
        assert response.status_code == 200, response.text
        return response.json()["tickets"]


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Running]:
    ensure_model()
    var_dir = tmp_path_factory.mktemp("var")
    config = StackConfig(
        rasa_port=free_port(), actions_port=free_port(), web_port=free_port(),
        var_dir=var_dir, rasa_token=secrets.token_urlsafe(16), api_token=secrets.token_urlsafe(16),
        limit_exempt="127.0.0.1",  # many simulated customers on loopback; test_flood.py floods from 127.0.0.9
    )
    migrate(config.resolved_database_url())
    hours_file = var_dir / "support_hours.yml"
    hours_file.write_text(yaml.safe_dump(ALWAYS_OPEN))
    receiver = Receiver()
    smtp = SmtpServer().start()
    # The processes inherit these (calmdesk/operations/stack.py passes os.environ on); the test process forgets them.
    extra_env = {"SUPPORT_HOURS_FILE": str(hours_file), "HANDOFF_WEBHOOK_URL": receiver.url,
                 "HANDOFF_WEBHOOK_SECRET": WEBHOOK_SECRET, "HANDOFF_WEBHOOK_RETRY_DELAYS": "0.5,0.5",
                 "HANDOFF_WEBHOOK_POLL_SECONDS": "0.2", "CONSOLE_BASE_URL": config.web_url,
                 # Email through a real SMTP server; quick retries so the failure test is short.
                 "SMTP_URL": smtp.url, "MAIL_BASE_URL": config.web_url, "MAIL_POLL_SECONDS": "0.2",
                 "MAIL_RETRY_DELAYS": "0.5,1,2,2,2,2,2,2,2,2", "MAIL_MAX_PER_DAY": "50"}
    running = Stack(config)
    started = time.monotonic()
    try:
        with environment(**extra_env):
            running.start()
        running.wait_ready(timeout=300)
        print(f"\nstack ready in {time.monotonic() - started:.1f} s")
        yield Running(config, hours_file=hours_file, webhooks=receiver, mail=smtp)
    finally:
        running.stop()
        receiver.stop()
        smtp.stop()


@pytest.fixture(scope="session")
def checks_stack(tmp_path_factory) -> Iterator[ChatClient]:
    """A stack of its own for the conversation tests and the replay sample.

    They file a couple of hundred tickets; on the shared stack those would
    suggest incidents (policy/incidents.yml) that the incident tests do not expect.
    """
    with started_stack(tmp_path_factory.mktemp("checks")) as client:
        yield client


@pytest.fixture(autouse=True)
def _agent_online(request) -> None:
    """Every test on the stack starts with an agent online, as the handoff tests expect."""
    if "stack" in request.fixturenames:
        request.getfixturevalue("stack").agent_online()


@pytest.fixture
def sender() -> str:
    """A fresh, random conversation id (sender ids are bearer secrets)."""
    return f"e2e-{uuid.uuid4().hex}"
