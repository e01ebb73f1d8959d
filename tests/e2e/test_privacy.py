"""End to end: card details and passwords typed into the chat are stored nowhere.

A customer pastes a card number, expiry date, security code or password over
the REST (and socket.io) channel; the real Rasa server masks it in the input
channel (channels/masked.py), so it appears neither in what the bot says, nor
in the ticket transcript (staff API), nor in Rasa's tracker (HTTP API), nor
anywhere in the files the stack writes: the SQLite tracker store, the tickets
database and the logs (their raw bytes are searched).
"""
from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import httpx
import pytest

from calmdesk.checks.socketio_client import hang_up

pytestmark = pytest.mark.e2e

CARD_MESSAGE = "my card 4111 1111 1111 1111 exp 12/27 cvv 123 was charged twice"
CARD_SECRETS = ["4111 1111 1111 1111", "4111111111111111", "1111 1111", "12/27", "cvv 123"]
MASKED_CARD_MESSAGE = "my card [card number removed] exp [card expiry removed] cvv [card code removed] was charged twice"

PASSWORD = "Tr0ub4dor&3-xyzzy"
PASSWORD_MESSAGE = f"I can't log in and my password is {PASSWORD} so it's not me"
MASKED_PASSWORD_MESSAGE = "I can't log in and my password is [password removed] so it's not me"


def tracker(stack, sender: str) -> dict:
    response = httpx.get(f"{stack.config.rasa_url}/conversations/{sender}/tracker",
                         params={"token": stack.config.rasa_token}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def user_events(stack, sender: str) -> list[dict]:
    return [e for e in tracker(stack, sender)["events"] if e.get("event") == "user"]


def files_holding(var_dir: Path, secrets: list[str]) -> list[str]:
    """Every (file, secret) where the raw bytes of a file under var_dir contain the secret."""
    found = []
    for path in sorted(p for p in var_dir.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [f"{path.relative_to(var_dir)}: {secret!r}" for secret in secrets if secret.encode() in data]
    return found


def assert_stored_nowhere(stack, sender: str, secrets: list[str], masked_text: str) -> None:
    # The ticket transcript, through the staff API.
    [ticket] = stack.tickets(sender)
    served = stack.staff_get(f"/api/tickets/{ticket['reference']}").text
    assert [s for s in secrets if s in served] == []
    assert masked_text in [line["text"] for line in ticket["transcript"] if line["sender"] == "customer"]

    # Rasa's tracker, through its HTTP API.
    raw_tracker = httpx.get(f"{stack.config.rasa_url}/conversations/{sender}/tracker",
                            params={"token": stack.config.rasa_token}, timeout=30).text
    assert [s for s in secrets if s in raw_tracker] == []

    # The files on disk: tracker store, tickets database, logs.
    var_dir = stack.config.var_dir
    assert (var_dir / "tracker.db").exists() and (var_dir / "calmdesk.db").exists()
    assert sorted(p.name for p in (var_dir / "logs").iterdir()) == ["actions.log", "rasa.log", "web.log"]
    assert files_holding(var_dir, secrets) == []
    # ... and the masked text did reach them, so the search looked in the right places.
    assert masked_text.encode() in database_bytes(var_dir / "tracker.db")
    assert masked_text.encode() in database_bytes(var_dir / "calmdesk.db")


def database_bytes(path: Path) -> bytes:
    """A SQLite database as stored: the file plus its write-ahead log (WAL mode keeps new rows there first)."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_a_card_number_expiry_and_code_are_masked_before_anything_stores_them(stack, sender):
    replies = stack.texts(sender, CARD_MESSAGE)
    replies += stack.texts(sender, "I want to talk to a real person")
    assert replies, "the bot still answers"
    assert [s for s in CARD_SECRETS if any(s in reply for reply in replies)] == []

    [first] = user_events(stack, sender)[:1]
    assert first["text"] == MASKED_CARD_MESSAGE
    assert first["metadata"]["masked"] == ["card_number", "card_security_code", "card_expiry"]
    assert first["parse_data"]["text"] == MASKED_CARD_MESSAGE, "NLU only saw the masked text"

    [ticket] = stack.tickets(sender)
    assert ticket["category"] == "billing_problem", "the complaint is still understood"
    assert_stored_nowhere(stack, sender, CARD_SECRETS, MASKED_CARD_MESSAGE)


def test_a_password_pasted_into_the_chat_is_masked_before_anything_stores_it(stack, sender):
    replies = stack.texts(sender, PASSWORD_MESSAGE)
    replies += stack.texts(sender, "get me a human now")
    assert not any(PASSWORD in reply for reply in replies)

    [first] = user_events(stack, sender)[:1]
    assert first["text"] == MASKED_PASSWORD_MESSAGE
    assert first["metadata"]["masked"] == ["password"]
    assert_stored_nowhere(stack, sender, [PASSWORD, "Tr0ub4dor"], MASKED_PASSWORD_MESSAGE)


def test_messages_without_secrets_and_their_metadata_pass_unchanged(stack, sender):
    text = "My TV arrived with a CRACKED SCREEN, order 4839201, call me on 07700 900123"
    response = httpx.post(f"{stack.config.rasa_url}/webhooks/rest/webhook",
                          json={"sender": sender, "message": text, "metadata": {"page": "/help"}}, timeout=60)
    assert response.status_code == 200
    [first] = user_events(stack, sender)[:1]
    assert first["text"] == text
    assert first["metadata"]["page"] == "/help", "the client's metadata is kept"
    assert "masked" not in first["metadata"]


def test_a_card_number_sent_as_a_json_number_is_masked_too(stack, sender):
    response = httpx.post(f"{stack.config.rasa_url}/webhooks/rest/webhook",
                          json={"sender": sender, "message": 4111111111111111}, timeout=60)
    assert response.status_code == 200
    [first] = user_events(stack, sender)[:1]
    assert first["text"] == "[card number removed]"
    assert files_holding(stack.config.var_dir, ["4111111111111111"]) == []


def test_the_socketio_channel_masks_too(stack):
    socketio = pytest.importorskip("socketio")
    session_id = f"e2e-{uuid.uuid4().hex}"

    async def chat() -> list[dict]:
        said: list[dict] = []
        client = socketio.AsyncClient()
        client.on("bot_uttered", lambda data: said.append(data))
        confirmed = asyncio.Event()
        client.on("session_confirm", lambda _: confirmed.set())
        await client.connect(stack.config.rasa_url, socketio_path="/socket.io", transports=["polling"])
        try:
            await client.emit("session_request", {"session_id": session_id})
            await asyncio.wait_for(confirmed.wait(), 30)
            await client.emit("user_uttered", {"message": CARD_MESSAGE, "session_id": session_id})
            deadline = time.monotonic() + 60
            while not said and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
        finally:
            await hang_up(client)
        return said

    said = asyncio.run(chat())
    assert said, "the bot answered over socket.io"
    [first] = user_events(stack, session_id)[:1]
    assert first["text"] == MASKED_CARD_MESSAGE
    assert first["input_channel"] == "socketio"
    assert files_holding(stack.config.var_dir, CARD_SECRETS) == []
