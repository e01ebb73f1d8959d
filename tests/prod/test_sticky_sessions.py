"""socket.io through nginx with two Rasa replicas: the polling transport stays on one replica.

Engine.IO's polling transport makes several HTTP requests per session; a
replica that did not issue the session id answers them with 400.  The chat
widget starts with polling, so without sticky sessions it would break as soon
as there are two replicas.  This client uses polling only, the strictest case.
"""
from __future__ import annotations

import asyncio
import uuid

import pytest
import socketio

from calmdesk.checks.socketio_client import hang_up

pytestmark = pytest.mark.prod


async def _chat(url: str, messages: list[str]) -> list[list[str]]:
    client = socketio.AsyncClient(reconnection=False)
    session_id = f"prod-sio-{uuid.uuid4().hex}"
    confirmed = asyncio.Event()
    replies: asyncio.Queue[str] = asyncio.Queue()
    client.on("session_confirm", lambda *_: confirmed.set())
    client.on("bot_uttered", lambda data: replies.put_nowait(data.get("text", "")))
    await client.connect(url, transports=["polling"], socketio_path="/socket.io")
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), 30)
        answers = []
        for message in messages:
            await client.emit("user_uttered", {"message": message, "session_id": session_id})
            said = [await asyncio.wait_for(replies.get(), 60)]
            await asyncio.sleep(1.0)  # the rest of this turn's messages
            while not replies.empty():
                said.append(replies.get_nowait())
            answers.append(said)
        return answers
    finally:
        await hang_up(client)


def test_a_polling_socketio_chat_works_across_two_replicas(prod):
    alive = [n for n in prod.rasa_replicas() if prod.stack.process(n).popen.poll() is None]
    assert len(alive) >= 2, "runs before the fault tests, with every replica up"
    answers = asyncio.run(_chat(prod.config.rasa_url, [
        "My TV arrived with a CRACKED SCREEN and nobody cares!!! Order 4839201", "it's sio@example.com"]))
    assert "cracked screen" in answers[0][0].lower()
    assert any("replacement" in text.lower() for text in answers[1]), answers
