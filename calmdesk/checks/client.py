"""A small client for a running calmdesk stack, and a way to start one.

The conversation tests (``make converse``) and the replay of real customers
both talk to the real product the way a customer and a staff member would:
REST messages to Rasa, the tracker for what the bot did (response names are
in each bot event's ``metadata.utter_action``), and the staff API for the
ticket. ``started_stack`` starts the product exactly as the end-to-end tests
do (tests/e2e/conftest.py): fresh SQLite in a temporary folder, support open
around the clock, and a staff agent online so that a handoff pauses the bot.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import httpx
import yaml

from calmdesk.operations.ports import free_port

# Support open every hour of every day: whether a handoff reaches a person then
# depends only on an agent being online (same as the e2e stack).
ALWAYS_OPEN = {
    "timezone": "Europe/London",
    "opening_hours": {day: "00:00-24:00" for day in
                      ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")},
    "reply_within_hours": 2,
}
AGENT_USERNAME = "converse.agent"


class StackError(RuntimeError):
    """The stack refused or could not be reached; the message says which call and what came back."""


@dataclass
class ChatClient:
    """Talks to a running stack as a customer (Rasa REST) and as staff (staff API, staff sessions)."""

    rasa_url: str
    rasa_token: str
    web_url: str
    api_token: str = field(repr=False)
    database_url: str | None = None  # needed only by agent_online() / nobody_online()
    timeout: float = 60.0
    _agent_token: str = field(default="", repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    # -- customer side --------------------------------------------------------

    def say(self, sender: str, text: str) -> list[dict]:
        """Send one customer message over the REST channel; return the bot's replies."""
        url = f"{self.rasa_url.rstrip('/')}/webhooks/rest/webhook"
        response = self._request("POST", url, json={"sender": sender, "message": text})
        return response.json()

    def tracker(self, sender: str) -> dict:
        """The conversation's tracker, every event of every session."""
        url = f"{self.rasa_url.rstrip('/')}/conversations/{quote(sender, safe='')}/tracker"
        return self._request("GET", url, params={"token": self.rasa_token, "include_events": "ALL"}).json()

    def bot_turns(self, sender: str, tracker: dict | None = None) -> list[dict]:
        """Every bot event so far as ``{"text", "response"}`` (response: the utter name, or None)."""
        events = (tracker if tracker is not None else self.tracker(sender)).get("events") or []
        return [{"text": event.get("text") or "", "response": (event.get("metadata") or {}).get("utter_action")}
                for event in events if event.get("event") == "bot"]

    def paused(self, sender: str, tracker: dict | None = None) -> bool:
        """Whether a person has the conversation (the bot ignores the customer until handback)."""
        return bool((tracker if tracker is not None else self.tracker(sender)).get("paused"))

    # -- staff side -----------------------------------------------------------

    def tickets(self, sender: str) -> list[dict]:
        """The conversation's tickets as the staff API serves them, newest first."""
        url = f"{self.web_url.rstrip('/')}/api/tickets"
        response = self._request("GET", url, params={"conversation_id": sender},
                                 headers={"Authorization": f"Bearer {self.api_token}"})
        return response.json()["tickets"]

    def agent_online(self) -> None:
        """A staff session seen just now: a handoff finds a person and pauses the bot.

        "Online" means a request within the last 2 minutes, so long runs call
        this again before each conversation.
        """
        from sqlalchemy import update

        from calmdesk.models import StaffSession
        from calmdesk.staff import accounts

        with self._lock:  # threads share the client: one account, one session
            engine = self._engine()
            try:
                if not self._agent_token:
                    try:
                        accounts.create_user(engine, AGENT_USERNAME, secrets.token_urlsafe(24), role="agent",
                                          display_name="Sam")
                    except accounts.StaffError:
                        pass  # a reused var_dir: the account is already there
                    self._agent_token = accounts.start_session(engine, AGENT_USERNAME)
                with engine.begin() as connection:
                    connection.execute(update(StaffSession).where(
                        StaffSession.token_hash == accounts._token_hash(self._agent_token)
                    ).values(last_seen_at=datetime.now(timezone.utc)))
            finally:
                engine.dispose()

    def nobody_online(self) -> None:
        """Every staff session idle for 3 minutes: still logged in, no longer counted as online."""
        from sqlalchemy import update

        from calmdesk.models import StaffSession

        engine = self._engine()
        try:
            with engine.begin() as connection:
                connection.execute(update(StaffSession).values(
                    last_seen_at=datetime.now(timezone.utc) - timedelta(minutes=3)))
        finally:
            engine.dispose()

    # -- plumbing -------------------------------------------------------------

    def _engine(self):
        from calmdesk.db import make_engine

        if not self.database_url:
            raise StackError("this client has no database_url: it cannot change who is online")
        return make_engine(self.database_url)

    def _request(self, method: str, url: str, **kwargs) -> httpx.Response:
        shown = url.split("?")[0]
        try:
            response = httpx.request(method, url, timeout=self.timeout, **kwargs)
        except httpx.HTTPError as error:
            raise StackError(f"{method} {shown} failed: {type(error).__name__}: {error}") from None
        if response.status_code >= 400:
            raise StackError(f"{method} {shown} answered HTTP {response.status_code}: {response.text[:300]}")
        return response


@contextlib.contextmanager
def environment(**variables: str) -> Iterator[None]:
    """These environment variables for the duration (the stack's processes inherit them), then as before."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def started_stack(var_dir: Path | str | None = None, ready_timeout: float = 300.0) -> Iterator[ChatClient]:
    """Start Rasa, the action server and the web app on free ports; yield a client; stop them all.

    The model is trained first if missing or stale. The database and tracker
    store are fresh SQLite files in ``var_dir`` (default: a temporary folder,
    removed afterwards); logs are in ``var_dir/logs``. An agent is online.
    """
    from calmdesk.db import migrate
    from calmdesk.operations.stack import Stack, StackConfig
    from calmdesk.operations.training import ensure_model

    ensure_model()
    with contextlib.ExitStack() as cleanup:
        if var_dir is None:
            var_dir = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="calmdesk-converse-"))
        var_dir = Path(var_dir)
        var_dir.mkdir(parents=True, exist_ok=True)
        config = StackConfig(
            rasa_port=free_port(), actions_port=free_port(), web_port=free_port(), var_dir=var_dir,
            rasa_token=secrets.token_urlsafe(16), api_token=secrets.token_urlsafe(16),
            limit_exempt="127.0.0.1",  # scripted customers answer at machine speed: not a flood
        )
        migrate(config.resolved_database_url())
        hours_file = var_dir / "support_hours.yml"
        hours_file.write_text(yaml.safe_dump(ALWAYS_OPEN))
        # The processes inherit os.environ (calmdesk/operations/stack.py); this process forgets these again.
        running = Stack(config)
        cleanup.callback(running.stop)
        started = time.monotonic()
        with environment(SUPPORT_HOURS_FILE=str(hours_file), CONSOLE_BASE_URL=config.web_url):
            running.start()
        running.wait_ready(timeout=ready_timeout)
        print(f"stack ready in {time.monotonic() - started:.1f} s (logs: {var_dir / 'logs'})", flush=True)
        client = ChatClient(config.rasa_url, config.rasa_token, config.web_url, config.api_token,
                            database_url=config.resolved_database_url())
        client.agent_online()
        yield client
