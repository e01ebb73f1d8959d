"""The chat widget's wire protocol, end to end: a real socket.io client against the real Rasa.

What the widget (calmdesk/web/static/chat/widget.js) does, done here by
python-socketio's AsyncClient: get a sender id from the web app, connect to
Rasa's socket.io channel, ``session_request`` with that id, send a complaint
as ``user_uttered``, read the ``bot_uttered`` replies; then the web app's
``/chat/history`` restores the conversation, a second connection with the same
id carries on the same conversation, and a live message posted by staff
arrives over ``/chat/stream``.

python-socketio's AsyncClient can only use the long-polling transport here
(its websocket transport needs aiohttp 3.10+, Rasa 3.6 pins 3.9), so the
websocket transport the browser uses is checked by speaking the Socket.IO
wire format over a plain websocket (``websockets``) in its own test.
"""
from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import socketio
import websockets

from calmdesk.checks.socketio_client import hang_up
from calmdesk.db import make_engine
from calmdesk.staff.livechat import post_message
from calmdesk.staff.rasa_api import RasaClient

pytestmark = pytest.mark.e2e

COMPLAINT = "My TV arrived with a CRACKED SCREEN and nobody cares!!! Order 4839201"
XSS = "<img src=x onerror=alert(1)> my email is jane.doe@example.com"


async def chat_turn(socket_url: str, sender: str, message: str, replies: int) -> list[dict]:
    """Connect as the widget does, say one thing, return the first ``replies`` bot messages."""
    client = socketio.AsyncClient(reconnection=False)
    confirmed: asyncio.Queue = asyncio.Queue()
    bot: asyncio.Queue = asyncio.Queue()
    client.on("session_confirm", confirmed.put)
    client.on("bot_uttered", bot.put)
    await client.connect(socket_url, socketio_path="/socket.io", transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": sender})
        assert await asyncio.wait_for(confirmed.get(), 30) == sender
        await client.emit("user_uttered", {"message": message, "session_id": sender})
        return [await asyncio.wait_for(bot.get(), 90) for _ in range(replies)]
    finally:
        await hang_up(client)


def history(stack, sender: str) -> dict:
    response = httpx.get(f"{stack.config.web_url}/chat/history", params={"sender": sender}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def test_widget_protocol_talks_to_rasa_keeps_one_conversation_and_restores_it(stack):
    session = httpx.post(f"{stack.config.web_url}/chat/session", timeout=30)
    assert session.status_code == 201, session.text
    sender, socket_url = session.json()["sender_id"], session.json()["socket_url"]
    assert socket_url == stack.config.rasa_url  # make run: browsers reach Rasa directly

    first = asyncio.run(chat_turn(socket_url, sender, COMPLAINT, replies=2))
    assert "cracked screen on the TV" in first[0]["text"], "the bot acknowledges the specific problem"
    assert "sorry" in first[0]["text"].lower()
    assert "email" in first[1]["text"].lower(), "then asks only for what is missing"

    restored = history(stack, sender)
    assert restored["complete"] is True
    turns = [(m["role"], m["text"]) for m in restored["messages"]]
    assert turns[0] == ("user", COMPLAINT)
    assert ("bot", first[0]["text"]) in turns and ("bot", first[1]["text"]) in turns

    # A reconnect (new socket, same sender id) carries on the same conversation: the email is taken.
    second = asyncio.run(chat_turn(socket_url, sender, XSS, replies=1))
    assert second[0]["text"]

    events = RasaClient(stack.config.rasa_url, stack.config.rasa_token).tracker(sender)["events"]
    said = [e["text"] for e in events if e.get("event") == "user"]
    assert said == [COMPLAINT, XSS], "both connections' messages are in one conversation"
    tickets = stack.tickets(sender)
    assert len(tickets) == 1 and tickets[0]["customer_email"] == "jane.doe@example.com"

    after = [(m["role"], m["text"]) for m in history(stack, sender)["messages"]]
    assert after[: len(turns)] == turns
    assert ("user", XSS) in after  # customer text comes back as plain JSON text, verbatim
    assert ("bot", second[0]["text"]) in after


def test_a_staff_message_reaches_the_chat_over_the_stream_and_stays_in_the_history(stack):
    sender = httpx.post(f"{stack.config.web_url}/chat/session", timeout=30).json()["sender_id"]
    asyncio.run(chat_turn(stack.config.rasa_url, sender, "I want to talk to a human", replies=1))
    engine = make_engine(stack.config.resolved_database_url())
    try:
        with httpx.stream("GET", f"{stack.config.web_url}/chat/stream", params={"sender": sender},
                          timeout=httpx.Timeout(30)) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            post_message(engine, sender, "Sam has joined the chat", role="system")
            posted = post_message(engine, sender, "Hi, I'm Sam. I'll sort this out.", role="agent", author_name="Sam")
            received = []
            for line in stream.iter_lines():
                if line.startswith("data: "):
                    received.append(json.loads(line[len("data: "):]))
                if len(received) == 2:
                    break  # the client goes away; the server ends the stream
    finally:
        engine.dispose()
    assert [(m["role"], m["text"]) for m in received] == [
        ("system", "Sam has joined the chat"), ("agent", "Hi, I'm Sam. I'll sort this out.")]
    assert received[1]["id"] == posted["id"] and received[1]["author_name"] == "Sam"

    restored = history(stack, sender)
    assert restored["last_live_id"] == posted["id"]
    roles = [m["role"] for m in restored["messages"]]
    assert roles[0] == "user" and roles[-2:] == ["system", "agent"]


def test_the_websocket_transport_the_browser_uses_works(stack):
    """Engine.IO 4 / Socket.IO 5 frames over a websocket, exactly what socket.io.min.js sends."""
    sender = httpx.post(f"{stack.config.web_url}/chat/session", timeout=30).json()["sender_id"]
    url = stack.config.rasa_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"

    async def talk() -> list:
        async with websockets.connect(url) as ws:
            assert (await asyncio.wait_for(ws.recv(), 30)).startswith("0{")  # Engine.IO open
            await ws.send("40")  # Socket.IO connect, default namespace
            received: list = []
            async def next_event() -> list:
                while True:
                    frame = await asyncio.wait_for(ws.recv(), 90)
                    if frame == "2":  # ping
                        await ws.send("3")
                    elif frame.startswith("42"):
                        return json.loads(frame[2:])
            await ws.send("42" + json.dumps(["session_request", {"session_id": sender}]))
            received.append(await next_event())
            await ws.send("42" + json.dumps(["user_uttered", {"message": COMPLAINT, "session_id": sender}]))
            received.append(await next_event())
            return received

    confirm, reply = asyncio.run(talk())
    assert confirm == ["session_confirm", sender]
    assert reply[0] == "bot_uttered" and "cracked screen on the TV" in reply[1]["text"]
