"""Start the production profile once for the fault tests.

Two Rasa replicas behind nginx, one action server, the holding service, the
web app and the broker consumer, on free ports, against the loopback
PostgreSQL, Redis and RabbitMQ with fresh databases, a fresh lock-key prefix
and a fresh RabbitMQ exchange and queue (so a developer's running stack or
another test run is never touched); all are removed afterwards.

The services must be there: without them the tests skip with the reason,
except under CI (``CI`` set), where a missing service fails them.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from calmdesk.db import create_database, make_engine, migrate
from calmdesk.operations.production import free_port, settings
from calmdesk.operations.stack import Stack, StackConfig
from calmdesk.operations.training import ROOT, ensure_model

SERVICES = {"PostgreSQL": ("127.0.0.1", 5432), "Redis": ("127.0.0.1", 6379), "RabbitMQ": ("127.0.0.1", 5672)}
RESULTS = ROOT / "results" / "faults.json"


def missing_services() -> list[str]:
    missing = []
    for name, address in SERVICES.items():
        try:
            socket.create_connection(address, timeout=2).close()
        except OSError:
            missing.append(f"{name} on {address[0]}:{address[1]}")
    nginx = settings()["NGINX_BINARY"]
    if not shutil.which(nginx):
        missing.append(f"nginx at {nginx}")
    return missing


def require_services() -> None:
    missing = missing_services()
    if not missing:
        return
    reason = "production profile needs " + ", ".join(missing) + " (not reachable)"
    if os.environ.get("CI"):
        pytest.fail(reason + "; CI is set, so this is a failure, not a skip", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The fault tests kill and restart processes, so they run after every other prod test."""
    items.sort(key=lambda item: item.path.name == "test_faults.py")


@dataclass
class ProdStack:
    stack: Stack
    config: StackConfig
    engine: Engine
    results: dict[str, Any] = field(default_factory=dict)

    def say(self, sender: str, message: str, timeout: float = 90) -> httpx.Response:
        return httpx.post(f"{self.config.rasa_url}/webhooks/rest/webhook",
                          json={"sender": sender, "message": message}, timeout=timeout)

    def tickets(self, conversation_id: str) -> list[dict]:
        response = httpx.get(f"{self.config.web_url}/api/tickets", params={"conversation_id": conversation_id},
                             headers={"Authorization": f"Bearer {self.config.api_token}"}, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()["tickets"]

    def rasa_replicas(self) -> list[str]:
        return [p.name for p in self.stack.processes if p.name.startswith("rasa-")]


@pytest.fixture(scope="session")
def prod(tmp_path_factory) -> Iterator[ProdStack]:
    require_services()
    ensure_model()
    tag = "t" + uuid.uuid4().hex[:10]
    database_url = f"postgresql://postgres@127.0.0.1:5432/calmdesk_{tag}"
    overrides = {
        "DATABASE_URL": database_url,
        "TRACKER_DB_NAME": f"calmdesk_tracker_{tag}",
        "LOCK_KEY_PREFIX": f"calmdesk{tag}",
        "BROKER_EXCHANGE": f"calmdesk-events-{tag}",
        "BROKER_QUEUE": f"calmdesk_events_{tag}",
        "RASA_REPLICAS": "2",
        "ACTION_SERVERS": "1",
    }
    config = StackConfig(
        rasa_port=free_port(), actions_port=free_port(), web_port=free_port(),
        var_dir=tmp_path_factory.mktemp("prod-var"), database_url=database_url,
        rasa_token=secrets.token_urlsafe(16), api_token=secrets.token_urlsafe(16),
        profile="production", settings=overrides,
        limit_exempt="127.0.0.1",  # many simulated customers on loopback; the flood test uses 127.0.0.9
    )
    create_database(database_url)
    migrate(database_url)
    stack = Stack(config)
    engine = make_engine(database_url)
    running = ProdStack(stack, config, engine)
    started = time.monotonic()
    try:
        stack.start()
        stack.wait_ready(timeout=300)
        running.results["startup_seconds"] = round(time.monotonic() - started, 1)
        print(f"\nproduction stack ready in {time.monotonic() - started:.1f} s: "
              f"{', '.join(p.name for p in stack.processes)}")
        yield running
    finally:
        stack.stop()
        engine.dispose()
        _write_results(running.results)
        _drop_everything(overrides)


def _write_results(results: dict[str, Any]) -> None:
    if not results:
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nfault figures ({RESULTS.relative_to(ROOT)}):\n{json.dumps(results, indent=2)}")


def _drop_everything(overrides: dict[str, str]) -> None:
    server = create_engine("postgresql://postgres@127.0.0.1:5432/postgres", future=True, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            for name in (overrides["DATABASE_URL"].rsplit("/", 1)[1], overrides["TRACKER_DB_NAME"]):
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        server.dispose()
    try:
        import asyncio

        import aio_pika

        async def drop() -> None:
            connection = await aio_pika.connect("amqp://guest:guest@127.0.0.1:5672/")
            async with connection:
                channel = await connection.channel()
                await channel.queue_delete(overrides["BROKER_QUEUE"])
                await channel.exchange_delete(overrides["BROKER_EXCHANGE"])

        asyncio.run(drop())
    except Exception as error:  # leftovers are harmless; say so rather than fail the run
        print(f"could not remove the test queue and exchange: {error}")
