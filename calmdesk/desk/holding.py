"""What customers hear, and what happens to their complaint, while no action server answers.

When every action server is down, Rasa on its own logs an error, drops the
action's events and carries on: the customer gets silence, or a question
from the form as if nothing happened, and the complaint never becomes a
ticket.  In the production profile nginx hands such calls to this small
service instead (it is the ``backup`` server of the action upstream).  It
answers Rasa in the action server's own format:

- with one polite holding message per turn (later actions of the same turn
  say nothing, so the customer is not told twice);
- and, for a turn that starts a complaint (``action_turn`` on a message that
  carries a complaint while none is open: ``starts_a_complaint``), it first
  keeps Rasa's request, verbatim, in ``held_complaints``.

A background task files kept complaints once an action server answers again:
it replays the request through nginx's ``/direct/`` route (action servers
only, never this service), then appends the slots the action set (category,
complaint number, ticket reference ...) to the conversation through Rasa's
HTTP API, so the rest of the conversation knows its ticket.  Tickets are
keyed by conversation and complaint number, so replaying twice (two holding
replicas, a crash between filing and marking) still makes one ticket.

What the customer does not get is the acknowledgement the replayed action
wrote: the REST channel cannot deliver a message later.  It is on the
ticket's transcript, marked as the bot's.

Run (the production stack does)::

    uvicorn --factory calmdesk.desk.holding:create_app
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from typing import Any, AsyncIterator
from urllib.parse import quote

import httpx
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from calmdesk.db import is_transient, make_engine
from calmdesk.models import HeldComplaint, utcnow

logger = logging.getLogger("calmdesk.desk.holding")

# The one custom action (actions/turn.py); a request of it that starts a complaint is kept.
TURN_ACTION = "action_turn"

COMPLAINT_HELD = (
    "I'm so sorry, our ticket system isn't answering for a moment. I've kept your complaint and "
    "I'll file it the moment it's back, so you won't need to repeat anything."
)
PLEASE_WAIT = (
    "I'm sorry, our ticket system isn't answering for a moment, so I can't act on that just yet. "
    "Nothing you've told me is lost: give me a minute and say it again."
)
HOLDING_MESSAGES = (COMPLAINT_HELD, PLEASE_WAIT)

DELIVERY_INTERVAL_SECONDS = 2.0


# --------------------------------------------------------------------------
# Kept complaints


def hold(engine: Engine, request: dict[str, Any]) -> int:
    """Keep one action request; return its id."""
    with Session(engine) as session, session.begin():
        held = HeldComplaint(conversation_id=str(request.get("sender_id") or "")[:255],
                             action=str(request.get("next_action") or "")[:100], request=json.dumps(request))
        session.add(held)
        session.flush()
        return held.id


def pending(engine: Engine, limit: int = 20) -> list[tuple[int, dict[str, Any]]]:
    """Kept requests not filed yet, oldest first."""
    with Session(engine) as session:
        rows = session.execute(
            select(HeldComplaint.id, HeldComplaint.request)
            .where(HeldComplaint.delivered_at.is_(None)).order_by(HeldComplaint.id).limit(limit)
        ).all()
    return [(row.id, json.loads(row.request)) for row in rows]


def mark(engine: Engine, held_id: int, *, delivered: bool, error: str | None = None) -> None:
    with Session(engine) as session, session.begin():
        held = session.get(HeldComplaint, held_id)
        held.attempts += 1
        held.last_error = error
        if delivered:
            held.delivered_at = utcnow()


def held_complaints(engine: Engine) -> list[dict[str, Any]]:
    """Every kept complaint, for tests and staff: id, conversation, action, attempts, delivered or not."""
    with Session(engine) as session:
        rows = session.scalars(select(HeldComplaint).order_by(HeldComplaint.id)).all()
        return [{"id": r.id, "conversation_id": r.conversation_id, "action": r.action, "attempts": r.attempts,
                 "last_error": r.last_error, "delivered": r.delivered_at is not None} for r in rows]


# --------------------------------------------------------------------------
# Answering Rasa


def starts_a_complaint(request: dict[str, Any]) -> bool:
    """Would this turn file a new complaint? (Then replaying it later files the ticket.)

    Only new complaints are kept: replaying "yes" or an email minutes later,
    after the customer moved on, would act on a conversation that has changed.
    """
    from calmdesk.conversation.plan import OPEN
    from calmdesk.conversation.signals import read

    if request.get("next_action") != TURN_ACTION:
        return False
    tracker = request.get("tracker") or {}
    message, slots = tracker.get("latest_message") or {}, tracker.get("slots") or {}
    return isinstance(message, dict) and read(message).category is not None and slots.get("stage") not in OPEN


def holding_reply(request: dict[str, Any], kept: bool) -> dict[str, Any]:
    """The action server's answer: no events, and a holding message unless one was said this turn."""
    events = ((request.get("tracker") or {}).get("events")) or []
    for event in reversed(events):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot" and event.get("text") in HOLDING_MESSAGES:
            return {"events": [], "responses": []}
    return {"events": [], "responses": [{"text": COMPLAINT_HELD if kept else PLEASE_WAIT}]}


def create_app(engine: Engine | None = None) -> Starlette:
    engine = engine or make_engine()

    async def webhook(request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": "expected Rasa's action request (JSON)"}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"error": "expected Rasa's action request (JSON object)"}, status_code=400)
        kept = starts_a_complaint(body)
        if kept:
            held_id = await asyncio.to_thread(hold, engine, body)
            logger.warning("no action server: kept complaint %s of %s", held_id, body.get("sender_id"))
        return JSONResponse(holding_reply(body, kept))

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(deliver_forever(engine))
        try:
            yield
        finally:
            task.cancel()

    return Starlette(routes=[Route("/webhook", webhook, methods=["POST"]), Route("/health", health)],
                     lifespan=lifespan)


# --------------------------------------------------------------------------
# Filing kept complaints once an action server is back


async def deliver_forever(engine: Engine) -> None:
    actions_url = os.environ.get("DIRECT_ACTIONS_URL", "http://127.0.0.1:5055/webhook")
    rasa_url = os.environ.get("RASA_URL", "http://127.0.0.1:5005")
    token = os.environ.get("RASA_API_TOKEN", "")
    async with httpx.AsyncClient(timeout=60) as client:
        while True:
            try:
                await deliver_pending(engine, client, actions_url, rasa_url, token)
            except Exception as error:  # the database is away too: try again next round
                if is_transient(error):
                    logger.warning("delivering kept complaints: database unreachable, trying again: %s", error)
                else:
                    logger.exception("delivering kept complaints failed")
            await asyncio.sleep(DELIVERY_INTERVAL_SECONDS)


async def deliver_pending(engine: Engine, client: httpx.AsyncClient, actions_url: str, rasa_url: str,
                          token: str) -> int:
    """Replay every kept complaint an action server accepts now; return how many were filed."""
    filed = 0
    for held_id, request in await asyncio.to_thread(pending, engine):
        try:
            response = await client.post(actions_url, json=request)
        except httpx.HTTPError as error:
            await asyncio.to_thread(mark, engine, held_id, delivered=False, error=f"action server: {error}")
            return filed  # still down: the rest waits for the next round
        if response.status_code != 200:
            await asyncio.to_thread(mark, engine, held_id, delivered=False,
                                    error=f"action server answered {response.status_code}: {response.text[:300]}")
            return filed
        # Filed.  Tell the conversation what the action would have set.
        slots = [event for event in response.json().get("events", [])
                 if event.get("event") == "slot" and event.get("name") != "requested_slot"]
        error = None
        if slots:
            conversation = quote(str(request.get("sender_id")), safe="")
            try:
                answer = await client.post(f"{rasa_url}/conversations/{conversation}/tracker/events",
                                           params={"token": token}, json=slots)
                if answer.status_code >= 400:
                    error = f"ticket filed; Rasa answered {answer.status_code} to the slots"
            except httpx.HTTPError as failure:
                error = f"ticket filed; could not give Rasa the slots: {failure}"
        await asyncio.to_thread(mark, engine, held_id, delivered=True, error=error)
        logger.warning("filed kept complaint %s of %s%s", held_id, request.get("sender_id"),
                       f" ({error})" if error else "")
        filed += 1
    return filed
