"""The few calls staff tooling makes to Rasa's HTTP API.

Handing a conversation back to the bot takes two calls: a ``resume`` event
(a paused conversation ignores everything else, including triggered intents)
and then the ``handback`` intent, which makes the bot greet the customer
again and ask whether there is anything else. Both need the server's API token (RASA_API_TOKEN).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import quote

import httpx


class RasaError(RuntimeError):
    """Rasa refused or could not be reached; the message says which."""


@dataclass(frozen=True)
class RasaClient:
    url: str
    token: str
    timeout: float = 30.0

    @classmethod
    def from_env(cls) -> "RasaClient":
        return cls(os.environ.get("RASA_URL", "http://127.0.0.1:5005"), os.environ.get("RASA_API_TOKEN", ""))

    def _post(self, path: str, payload: dict | list, **params: str) -> dict | list:
        try:
            response = httpx.post(
                f"{self.url.rstrip('/')}{path}", params={"token": self.token, **params}, json=payload,
                timeout=self.timeout,
            )
        except httpx.HTTPError as error:
            raise RasaError(f"cannot reach Rasa at {self.url}: {error}") from None
        if response.status_code >= 400:
            raise RasaError(f"Rasa answered {response.status_code} to {path}: {response.text[:300]}")
        return response.json()

    def tracker(self, conversation_id: str) -> dict:
        """The conversation's tracker (every event, all sessions): ``GET /conversations/{id}/tracker``.

        Rasa answers an unknown id with a fresh, empty tracker, not an error.
        """
        url = f"{self.url.rstrip('/')}/conversations/{quote(conversation_id, safe='')}/tracker"
        try:
            response = httpx.get(
                url, params={"token": self.token, "include_events": "ALL"}, timeout=self.timeout
            )
        except httpx.HTTPError as error:
            raise RasaError(f"cannot reach Rasa at {self.url}: {error}") from None
        if response.status_code >= 400:
            raise RasaError(f"Rasa answered {response.status_code} to the tracker request: {response.text[:300]}")
        try:
            tracker = response.json()
        except ValueError:
            raise RasaError("Rasa answered the tracker request with something that is not JSON") from None
        if not isinstance(tracker, dict):
            raise RasaError("Rasa answered the tracker request with something that is not a tracker")
        return tracker

    def append_events(self, conversation_id: str, events: list[dict]) -> None:
        """Add events to the conversation's tracker without running anything (a paused bot stays paused).

        The console records a person's replies this way, as ``bot`` events whose
        metadata names the author, so transcripts and exports include them.
        """
        self._post(f"/conversations/{quote(conversation_id, safe='')}/tracker/events", events)

    def hand_back(self, conversation_id: str) -> list[str]:
        """Resume the bot in this conversation; return what the bot said.

        The bot's answer goes out on the channel the customer last wrote on
        (``output_channel=latest``): over socket.io it reaches the website chat
        directly (and is not returned here); over REST, which cannot push,
        Rasa collects it and it is returned.
        """
        path = f"/conversations/{quote(conversation_id, safe='')}"
        # Messages the customer sent while a person was talking were never
        # answered by the bot; closing that turn with action_listen lets the
        # rules see a clean "handback" turn.
        self._post(f"{path}/tracker/events", [{"event": "resume"}, {"event": "action", "name": "action_listen"}])
        result = self._post(f"{path}/trigger_intent", {"name": "handback"}, output_channel="latest")
        messages = result.get("messages", []) if isinstance(result, dict) else []
        return [m.get("text", "") for m in messages if m.get("text")]
