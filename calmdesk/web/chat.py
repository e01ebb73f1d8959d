"""The customer side of the web app: the demo shop page, the chat widget's files and its /chat routes.

The widget (``static/chat/widget.js``) talks to the bot over Rasa's socket.io
channel directly; these routes give it what Rasa cannot:

- ``POST /chat/session``: a new sender id.  Whoever holds a sender id can read
  and write that conversation, so it is a bearer secret issued here
  (``secrets.token_urlsafe``), never chosen by the browser.  The widget keeps it
  in localStorage and reuses it on reload and reconnect.
- ``GET /chat/history?sender=``: the conversation so far, so a reload restores
  it: customer and bot turns from Rasa's tracker, merged by time with the live
  messages staff sent (``calmdesk.staff.livechat``).  If Rasa cannot be reached the
  live messages still come back, marked ``"complete": false``.
- ``GET /chat/stream?sender=&after=``: Server-Sent Events carrying new live
  messages (agent replies, "Sam has joined the chat").  Each event's id is the
  message id, so the browser's automatic reconnect (``Last-Event-ID``) resumes
  exactly where it stopped.  The stream polls the database (a cheap indexed
  query) rather than needing a message bus, sends a comment every 15 s so
  proxies keep it open, and ends after ``STREAM_SECONDS`` (the browser
  reconnects by itself) or as soon as the client goes away.

The routes are public: no staff token, the sender id is the secret.  A bad
sender id is a 400 saying what a good one looks like; an unknown one is just
an empty conversation.  Pages carry a Content-Security-Policy without inline
script, so customer text that slipped into markup could not run; the widget
renders every message with ``textContent`` anyway.

Configuration: ``RASA_PUBLIC_URL`` is the address browsers use for Rasa's
socket.io channel (default: ``$RASA_URL``; an empty value means the page's own
origin, as behind a reverse proxy that forwards ``/socket.io`` to Rasa).
"""
from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import re
import secrets
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, AsyncIterator
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from calmdesk.staff.livechat import MAX_LIMIT, messages_after
from calmdesk.staff.rasa_api import RasaClient, RasaError
from calmdesk.web import presence

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
SHOP_PAGE = STATIC_DIR / "shop.html"
SOCKET_PATH = "/socket.io"
DEFAULT_RASA_URL = "http://127.0.0.1:5005"

# Sender ids: 1-255 URL-safe characters (RFC 3986 "unreserved"); ours are token_urlsafe(24).
SENDER_PATTERN = re.compile(r"[A-Za-z0-9._~-]{1,255}")
SENDER_RULE = "sender must be 1 to 255 characters of letters, digits, '-', '_', '.' or '~'"
AFTER_PATTERN = re.compile(r"[0-9]{1,18}")

POLL_SECONDS = 0.3  # how often the stream looks for new live messages
HEARTBEAT_SECONDS = 15.0  # a comment line after this long without an event
STREAM_SECONDS = 600.0  # then the stream ends and the browser reconnects with Last-Event-ID
RETRY_MS = 2000  # what the browser waits before reconnecting

# A bot event the staff console wrote to the tracker says who it was in its metadata:
# {"author_role": "agent" | "system", "agent": username}.
AUTHOR_ROLE_KEY = "author_role"
LIVE_ROLES = ("agent", "system")
# A message both stored as a live message and written to the tracker is shown once (the live one).
SAME_MESSAGE_SECONDS = 60.0

JSON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    # Any page may embed the widget; reading a conversation needs its sender id all the same.
    "Access-Control-Allow-Origin": "*",
}


def routes() -> list:
    """The shop page, the widget's static files and the public /chat routes."""
    return [
        Route("/", shop_page, methods=["GET"]),
        Mount("/static", app=NoSniff(StaticFiles(directory=STATIC_DIR)), name="static"),
        Route("/chat/session", new_session, methods=["POST"]),
        Route("/chat/history", history, methods=["GET"]),
        Route("/chat/stream", stream, methods=["GET"]),
    ]


# --------------------------------------------------------------------------
# Configuration


def public_socket_url() -> str:
    """Where browsers reach Rasa's socket.io channel ("" = the page's own origin)."""
    if "RASA_PUBLIC_URL" in os.environ:
        return os.environ["RASA_PUBLIC_URL"].strip().rstrip("/")
    return os.environ.get("RASA_URL", DEFAULT_RASA_URL).strip().rstrip("/")


def socket_config() -> dict[str, str]:
    return {"socket_url": public_socket_url(), "socket_path": SOCKET_PATH}


def content_security_policy(socket_url: str) -> str:
    """Scripts, styles and images from this origin only; connections also to Rasa's socket.io."""
    connect = ["'self'"]
    if socket_url:
        parts = urlsplit(socket_url)
        if parts.scheme in ("http", "https") and parts.netloc:
            socket_scheme = "wss" if parts.scheme == "https" else "ws"
            connect += [f"{parts.scheme}://{parts.netloc}", f"{socket_scheme}://{parts.netloc}"]
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        f"connect-src {' '.join(connect)}",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


# --------------------------------------------------------------------------
# Routes


@functools.lru_cache(maxsize=1)
def _shop_html() -> str:
    return SHOP_PAGE.read_text(encoding="utf-8")  # read once: every customer lands here


def shop_page(request: Request) -> Response:
    return HTMLResponse(
        _shop_html(),
        headers={
            "Content-Security-Policy": content_security_policy(public_socket_url()),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
        },
    )


def new_session(request: Request) -> Response:
    """A fresh sender id for a new conversation, and where the socket.io channel is."""
    return _json({"sender_id": secrets.token_urlsafe(24), **socket_config()}, status_code=201)


def history(request: Request) -> Response:
    """The conversation so far: customer, bot, agent and system messages, oldest first."""
    sender = request.query_params.get("sender", "")
    if not SENDER_PATTERN.fullmatch(sender):
        return _error(400, SENDER_RULE)
    engine: Engine = request.app.state.engine
    try:
        live = messages_after(engine, sender, 0, limit=MAX_LIMIT)
    except SQLAlchemyError:
        logger.exception("could not read live messages for the chat history")
        return _error(503, "the conversation cannot be read just now; please try again in a moment")

    complete = True
    events: list[dict[str, Any]] = []
    rasa: RasaClient = request.app.state.rasa
    try:
        events = rasa.tracker(sender).get("events") or []
    except RasaError as error:
        logger.warning("chat history without the bot's side: %s", error)
        complete = False

    messages = merge(tracker_messages(events), [live_message(message) for message in live])
    return _json({
        "sender_id": sender,
        "messages": messages,
        "last_live_id": max((message["id"] for message in live), default=0),
        "complete": complete,
        **socket_config(),
    })


async def stream(request: Request) -> Response:
    """Server-Sent Events: each new live message of the conversation, as it is posted."""
    sender = request.query_params.get("sender", "")
    if not SENDER_PATTERN.fullmatch(sender):
        return _error(400, SENDER_RULE)
    # The browser's reconnect says where it got to; otherwise the widget says (?after=).
    raw_after = request.headers.get("last-event-id") or request.query_params.get("after") or "0"
    if not AFTER_PATTERN.fullmatch(raw_after.strip()):
        return _error(400, f"after (or Last-Event-ID) must be a message id, a whole number, not {raw_after!r}")
    events = live_events(request, request.app.state.engine, sender, int(raw_after.strip()))
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={**JSON_HEADERS, "X-Accel-Buffering": "no"},  # nginx: pass each event on at once
    )


async def live_events(request: Request, engine: Engine, sender: str, after_id: int) -> AsyncIterator[str]:
    with presence.connected(sender):  # staff see "connected" while this stream is open
        async for event in _live_events(request, engine, sender, after_id):
            yield event


async def _live_events(request: Request, engine: Engine, sender: str, after_id: int) -> AsyncIterator[str]:
    yield f"retry: {RETRY_MS}\n\n"
    started = last_sent = time.monotonic()
    while time.monotonic() - started < STREAM_SECONDS:
        try:
            messages = await run_in_threadpool(messages_after, engine, sender, after_id)
        except SQLAlchemyError:
            logger.exception("chat stream: could not read live messages; ending the stream")
            return  # the browser reconnects and resumes from its Last-Event-ID
        for message in messages:
            after_id = message["id"]
            yield f"id: {after_id}\ndata: {json.dumps(live_message(message), ensure_ascii=False)}\n\n"
            last_sent = time.monotonic()
        if time.monotonic() - last_sent >= HEARTBEAT_SECONDS:
            yield ": still here\n\n"
            last_sent = time.monotonic()
        if await request.is_disconnected():
            return
        await asyncio.sleep(POLL_SECONDS)


# --------------------------------------------------------------------------
# The conversation as the widget shows it


def live_message(message: dict[str, Any]) -> dict[str, Any]:
    """A live_messages row as a widget message."""
    return {
        "id": message["id"],
        "role": message["role"],
        "author_name": message["author_name"],
        "text": message["text"],
        "at": message["created_at"],
        "buttons": [],
    }


def tracker_messages(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Customer and bot (or agent) messages from a Rasa tracker's events, in order.

    Bot texts are split at blank lines, as the socket.io channel splits them
    when it sends them.  A button the customer clicked is stored as its payload
    ("/affirm"); it is shown as the button's title, as the customer saw it.
    Triggered intents (handback, reminders) are not things the customer said.
    """
    messages: list[dict[str, Any]] = []
    titles: dict[str, str] = {}  # payload -> title of the buttons last offered
    for event in events:
        if not isinstance(event, dict):
            continue
        kind, text, at = event.get("event"), event.get("text"), _event_time(event)
        if kind == "user" and isinstance(text, str) and text.strip():
            if text.startswith("EXTERNAL: "):
                continue
            messages.append(_message("user", titles.get(text, text), at))
            titles = {}
        elif kind == "bot":
            data = event.get("data") if isinstance(event.get("data"), dict) else {}
            metadata = event.get("metadata") if isinstance(event.get("metadata"), dict) else {}
            buttons = _buttons(data.get("buttons") or data.get("quick_replies"))
            if buttons:
                titles = {button["payload"]: button["title"] for button in buttons}
            role = metadata.get(AUTHOR_ROLE_KEY) if metadata.get(AUTHOR_ROLE_KEY) in LIVE_ROLES else "bot"
            author = next((metadata[key] for key in ("author_name", "agent") if isinstance(metadata.get(key), str)), None)
            parts = [part for part in (text or "").strip().split("\n\n") if part.strip()] if isinstance(text, str) else []
            if not parts and buttons:
                parts = [""]
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                messages.append(_message(role, part, at, buttons=buttons if last else [], author_name=author))
    return messages


def merge(from_tracker: list[dict[str, Any]], live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Both lists in time order (each is already in order; ties keep tracker first)."""
    live_seen = [(m["role"], m["text"], _timestamp(m["at"])) for m in live]

    def shown_live(message: dict[str, Any]) -> bool:
        at = _timestamp(message["at"])
        return any(
            role == message["role"] and text == message["text"] and abs(at - when) <= SAME_MESSAGE_SECONDS
            for role, text, when in live_seen
        )

    kept = [m for m in from_tracker if not (m["role"] in LIVE_ROLES and shown_live(m))]
    tagged = [(_timestamp(m["at"]), 0, i, m) for i, m in enumerate(kept)]
    tagged += [(_timestamp(m["at"]), 1, i, m) for i, m in enumerate(live)]
    return [message for *_, message in sorted(tagged, key=lambda item: item[:3])]


def _message(role: str, text: str, at: str, *, buttons=None, author_name=None) -> dict[str, Any]:
    return {"id": None, "role": role, "author_name": author_name, "text": text, "at": at, "buttons": buttons or []}


def _buttons(raw: Any) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        return []
    buttons = []
    for button in raw:
        if isinstance(button, dict) and isinstance(button.get("title"), str) and isinstance(button.get("payload"), str):
            buttons.append({"title": button["title"], "payload": button["payload"]})
    return buttons


def _event_time(event: dict[str, Any]) -> str:
    stamp = event.get("timestamp")
    try:
        return datetime.fromtimestamp(float(stamp), tz=timezone.utc).isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.fromtimestamp(0, tz=timezone.utc).isoformat()


def _timestamp(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


# --------------------------------------------------------------------------
# Responses


def _json(data: Any, status_code: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status_code, headers=JSON_HEADERS)


def _error(status_code: int, message: str) -> JSONResponse:
    return _json({"error": message}, status_code=status_code)


class NoSniff:
    """ASGI wrapper: every static file says ``X-Content-Type-Options: nosniff``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Content-Type-Options"] = "nosniff"
            await send(message)

        await self.app(scope, receive, send_with_header)
