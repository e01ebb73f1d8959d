"""Start the real product once for the end-to-end tests.

The trained model (trained here if missing or stale), a real Rasa server, a
real action server and the real web app, on free ports, with a fresh SQLite
database and tracker store in a temporary folder. Nothing is mocked.
"""
from __future__ import annotations

import secrets
import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterator

import httpx
import pytest

from calmdesk.db import migrate
from calmdesk.stack import Stack, StackConfig
from calmdesk.training import ensure_model


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Running:
    config: StackConfig

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
        rasa_port=_free_port(), actions_port=_free_port(), web_port=_free_port(),
        var_dir=var_dir, rasa_token=secrets.token_urlsafe(16), api_token=secrets.token_urlsafe(16),
    )
    migrate(config.resolved_database_url())
    running = Stack(config)
    started = time.monotonic()
    try:
        running.start()
        running.wait_ready(timeout=300)
        print(f"\nstack ready in {time.monotonic() - started:.1f} s")
        yield Running(config)
    finally:
        running.stop()


@pytest.fixture
def sender() -> str:
    """A fresh, random conversation id (sender ids are bearer secrets)."""
    return f"e2e-{uuid.uuid4().hex}"
