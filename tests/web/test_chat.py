"""The customer side of the web app: shop page, widget files, sender ids, history and the live stream.

Starlette's TestClient against a migrated SQLite file.  Rasa is not running
here: the history's tracker side is checked through ``tracker_messages`` and
``merge`` with events shaped like Rasa's, and end to end against the real Rasa
in tests/e2e/test_widget_socketio.py.
"""
from __future__ import annotations

import json
import re
import socket
import threading
import time
from typing import Iterator

import pytest
from starlette.testclient import TestClient

import calmdesk.web.chat as chat
from calmdesk.staff.livechat import post_message
from calmdesk.staff.rasa_api import RasaClient
from calmdesk.web.app import create_app

TOKEN = "s3cret-staff-token"
XSS = "<img src=x onerror=alert(1)>"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def client(migrated_engine, monkeypatch) -> Iterator[TestClient]:
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:5005")
    monkeypatch.delenv("RASA_PUBLIC_URL", raising=False)
    # Nothing listens on this port: history falls back to the live messages alone.
    offline_rasa = RasaClient(f"http://127.0.0.1:{_closed_port()}", "rasa-token", timeout=2)
    with TestClient(create_app(engine=migrated_engine, api_token=TOKEN, rasa=offline_rasa)) as test_client:
        yield test_client


def sse_events(body: str) -> list[dict]:
    """The ``id``/``data`` events of an event-stream body (comments and retry lines left out)."""
    events = []
    for block in body.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "data" in fields:
            events.append({"id": int(fields["id"]), **json.loads(fields["data"])})
    return events


# --- the page and its files ---------------------------------------------------------


def test_shop_page_loads_the_widget_without_inline_script(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "Northwind Goods" in page
    assert '<script src="/static/chat/widget.js" defer></script>' in page
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []  # every script is a file
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", page)  # no inline event handlers either


def test_pages_say_what_may_run_and_not_to_sniff(client):
    headers = client.get("/").headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "connect-src 'self' http://127.0.0.1:5005 ws://127.0.0.1:5005" in csp  # Rasa's socket.io
    assert headers["x-content-type-options"] == "nosniff"


def test_public_rasa_url_sets_where_browsers_connect(client, monkeypatch):
    monkeypatch.setenv("RASA_PUBLIC_URL", "https://chat.example.com/")
    assert "connect-src 'self' https://chat.example.com wss://chat.example.com;" in client.get("/").headers[
        "content-security-policy"]
    assert client.post("/chat/session").json()["socket_url"] == "https://chat.example.com"
    monkeypatch.setenv("RASA_PUBLIC_URL", "")  # behind a proxy: the page's own origin
    assert client.post("/chat/session").json()["socket_url"] == ""
    assert "connect-src 'self';" in client.get("/").headers["content-security-policy"]


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("/static/chat/widget.js", "javascript"),
        ("/static/chat/widget.css", "text/css"),
        ("/static/shop/shop.css", "text/css"),
        ("/static/vendor/socket.io-client/socket.io.min.js", "javascript"),
    ],
)
def test_widget_files_are_served_as_what_they_are(client, path, content_type):
    response = client.get(path)
    assert response.status_code == 200
    assert content_type in response.headers["content-type"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_vendored_socket_io_client_is_the_noted_version(client):
    assert "Socket.IO v4.8.1" in client.get("/static/vendor/socket.io-client/socket.io.min.js").text[:200]


def test_widget_never_renders_text_as_html():
    source = (chat.STATIC_DIR / "chat" / "widget.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source.split("*/", 1)[1], sink  # (the header comment may name them)
    for selector in ("chat-launcher", "chat-panel", "chat-log", "chat-input", "chat-send", "chat-typing",
                     "msg-buttons", "msg-user", "msg-bot", "msg-agent", "msg-system"):
        assert selector in source


def test_unknown_static_file_is_404_not_500(client):
    assert client.get("/static/nope.js").status_code == 404
    assert client.get("/static/../calmdesk/web/chat.py").status_code == 404


# --- sender ids ---------------------------------------------------------------------


def test_session_issues_a_new_unguessable_sender_id_each_time(client):
    first, second = client.post("/chat/session"), client.post("/chat/session")
    assert first.status_code == 201
    body = first.json()
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", body["sender_id"])  # token_urlsafe(24)
    assert body["sender_id"] != second.json()["sender_id"]
    assert body["socket_url"] == "http://127.0.0.1:5005" and body["socket_path"] == "/socket.io"
    assert first.headers["cache-control"] == "no-store"


def test_chat_routes_need_no_staff_token_and_api_still_does(client):
    assert client.post("/chat/session").status_code == 201
    assert client.get("/chat/history", params={"sender": "abc"}).status_code == 200
    assert client.get("/api/tickets").status_code == 401


def test_session_is_post_only(client):
    assert client.get("/chat/session").status_code == 405


# --- history ------------------------------------------------------------------------


def test_unknown_sender_has_an_empty_history(client):
    response = client.get("/chat/history", params={"sender": "never-seen-before"})
    assert response.status_code == 200
    body = response.json()
    assert body["messages"] == [] and body["last_live_id"] == 0
    assert body["complete"] is False  # Rasa is not running in this test
    assert body["socket_path"] == "/socket.io"


def test_history_has_the_live_messages_even_without_rasa(client, migrated_engine):
    post_message(migrated_engine, "conv-7", "Sam has joined the chat", role="system")
    reply = post_message(migrated_engine, "conv-7", XSS, role="agent", author_name="Sam")
    post_message(migrated_engine, "other", "not yours", role="agent")

    body = client.get("/chat/history", params={"sender": "conv-7"}).json()

    assert [(m["role"], m["text"]) for m in body["messages"]] == [("system", "Sam has joined the chat"), ("agent", XSS)]
    assert body["messages"][1]["author_name"] == "Sam"
    assert body["last_live_id"] == reply["id"]


@pytest.mark.parametrize("sender", ["", "a" * 256, "has space", "semi;colon", "<script>", "ünï", "a/b", "a\nb"])
def test_bad_sender_is_a_400_saying_what_a_sender_looks_like(client, sender):
    for path in ("/chat/history", "/chat/stream"):
        response = client.get(path, params={"sender": sender})
        assert response.status_code == 400, path
        assert "sender must be 1 to 255 characters" in response.json()["error"]


def test_missing_sender_is_a_400(client):
    assert client.get("/chat/history").status_code == 400
    assert client.get("/chat/stream").status_code == 400


TRACKER_EVENTS = [  # shaped like GET /conversations/{id}/tracker?include_events=ALL
    {"event": "action", "timestamp": 1714555800.0, "name": "action_session_start"},
    {"event": "session_started", "timestamp": 1714555800.1},
    {"event": "user", "timestamp": 1714555801.0, "text": "My parcel is THREE WEEKS late!!", "parse_data": {}},
    {"event": "bot", "timestamp": 1714555802.0, "text": "Three weeks is far too long.\n\nWhat's your order number?",
     "data": {}, "metadata": {"utter_action": "utter_x"}},
    {"event": "bot", "timestamp": 1714555803.0, "text": "Would a refund help?",
     "data": {"buttons": [{"title": "Yes please", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]},
     "metadata": {}},
    {"event": "user", "timestamp": 1714555804.0, "text": "/affirm"},
    {"event": "user", "timestamp": 1714555805.0, "text": "EXTERNAL: handback"},
    {"event": "bot", "timestamp": 1714555805.6, "text": "Sam has joined the chat",
     "data": {}, "metadata": {"author_role": "system"}},
    {"event": "bot", "timestamp": 1714555806.0, "text": "I've checked with the courier.",
     "data": {}, "metadata": {"author_role": "agent", "author_name": "Sam"}},
    {"event": "bot", "timestamp": 1714555807.0, "text": None, "data": {"custom": {"x": 1}}},
]


def test_tracker_turns_become_the_messages_the_customer_saw():
    messages = chat.tracker_messages(TRACKER_EVENTS)
    assert [(m["role"], m["text"]) for m in messages] == [
        ("user", "My parcel is THREE WEEKS late!!"),
        ("bot", "Three weeks is far too long."),
        ("bot", "What's your order number?"),
        ("bot", "Would a refund help?"),
        ("user", "Yes please"),  # the button's title, not "/affirm"
        ("system", "Sam has joined the chat"),  # written by the staff console
        ("agent", "I've checked with the courier."),
    ]
    assert messages[3]["buttons"] == [{"title": "Yes please", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    assert messages[6]["author_name"] == "Sam"
    assert messages[0]["at"] == "2024-05-01T09:30:01+00:00"


def test_tracker_and_live_messages_are_merged_by_time_and_agent_replies_shown_once():
    from_tracker = chat.tracker_messages(TRACKER_EVENTS)
    live = [
        {"id": 1, "role": "system", "author_name": None, "text": "Sam has joined the chat",
         "at": "2024-05-01T09:30:05.500000+00:00", "buttons": []},
        {"id": 2, "role": "agent", "author_name": "Sam", "text": "I've checked with the courier.",
         "at": "2024-05-01T09:30:06.200000+00:00", "buttons": []},
    ]
    merged = chat.merge(from_tracker, live)
    assert [(m["role"], m["text"]) for m in merged][-3:] == [
        ("user", "Yes please"), ("system", "Sam has joined the chat"), ("agent", "I've checked with the courier."),
    ]
    assert [m["id"] for m in merged if m["role"] in ("agent", "system")] == [1, 2]  # each shown once


def test_malformed_tracker_events_are_skipped_not_a_crash():
    events = [None, "x", {"event": "user"}, {"event": "bot", "text": 5, "data": "x", "metadata": []},
              {"event": "user", "text": "hi", "timestamp": "not a time"}]
    assert [(m["role"], m["text"]) for m in chat.tracker_messages(events)] == [("user", "hi")]


# --- the live stream ----------------------------------------------------------------


@pytest.fixture
def short_streams(monkeypatch):
    """Streams end after a second (in production after STREAM_SECONDS; the browser reconnects)."""
    monkeypatch.setattr(chat, "STREAM_SECONDS", 1.0)
    monkeypatch.setattr(chat, "POLL_SECONDS", 0.05)


def test_stream_sends_messages_posted_before_and_while_it_is_open(client, migrated_engine, short_streams):
    before = post_message(migrated_engine, "conv-s", "Sam has joined the chat", role="system")
    post_message(migrated_engine, "someone-else", "not yours", role="agent")

    def post_later() -> None:
        time.sleep(0.4)
        post_message(migrated_engine, "conv-s", XSS, role="agent", author_name="Sam")

    poster = threading.Thread(target=post_later)
    poster.start()
    response = client.get("/chat/stream", params={"sender": "conv-s"})
    poster.join()

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-store"
    assert response.text.startswith("retry: ")
    events = sse_events(response.text)
    assert [(e["role"], e["text"]) for e in events] == [("system", "Sam has joined the chat"), ("agent", XSS)]
    assert events[0]["id"] == before["id"] and events[1]["author_name"] == "Sam"


def test_stream_resumes_after_the_last_event_id(client, migrated_engine, short_streams):
    ids = [post_message(migrated_engine, "conv-r", f"reply {n}", role="agent")["id"] for n in range(3)]

    after_param = client.get("/chat/stream", params={"sender": "conv-r", "after": ids[0]})
    assert [e["id"] for e in sse_events(after_param.text)] == ids[1:]

    # The browser's own reconnect: Last-Event-ID wins over the ?after= the page first used.
    reconnect = client.get("/chat/stream", params={"sender": "conv-r", "after": 0},
                           headers={"Last-Event-ID": str(ids[1])})
    assert [e["id"] for e in sse_events(reconnect.text)] == ids[2:]


@pytest.mark.parametrize("params, headers", [({"after": "-1"}, {}), ({"after": "x"}, {}),
                                             ({}, {"Last-Event-ID": "abc"})])
def test_stream_with_a_bad_position_is_a_400(client, params, headers):
    response = client.get("/chat/stream", params={"sender": "conv", **params}, headers=headers)
    assert response.status_code == 400
    assert "whole number" in response.json()["error"]


def test_quiet_stream_sends_heartbeats(client, short_streams, monkeypatch):
    monkeypatch.setattr(chat, "HEARTBEAT_SECONDS", 0.2)
    body = client.get("/chat/stream", params={"sender": "quiet"}).text
    assert body.count(": still here\n\n") >= 2
    assert sse_events(body) == []


def test_stream_ends_when_the_database_fails_instead_of_erroring(client, migrated_engine, short_streams):
    with migrated_engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE live_messages")
    response = client.get("/chat/stream", params={"sender": "conv"})
    assert response.status_code == 200 and sse_events(response.text) == []
    assert client.get("/chat/history", params={"sender": "conv"}).status_code == 503
