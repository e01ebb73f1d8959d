"""The staff console: the queue, one conversation (live transcript, claim, reply, notes, remedies,
resolve), incidents and staff accounts.

Pages are static HTML shells (``static/console/*.html``) that carry no data:
their scripts fetch JSON from ``/console/api/...`` and render it with
``textContent`` only, under a strict Content-Security-Policy.  ``ConsoleGuard``
(``calmdesk.web.auth``) has already checked the session, and the CSRF token
of every unsafe request, before any handler here runs; handlers still call
``require_staff`` to learn who acts (and to refuse agents admin-only work).

A person's reply goes two ways: into ``calmdesk.staff.livechat`` (the customer's
chat window shows it within a second) and into Rasa's tracker as a ``bot``
event with ``{"author_role": "agent", "agent": username}`` metadata, so
transcripts and exports include it.  Appending events never resumes the
paused bot; only "resolve" does (``RasaClient.hand_back``), after which the
bot says its closing message and asks whether there is anything else.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from calmdesk.desk.incidents import close_incident, confirm_incident, declare_incident, list_incidents, post_update
from calmdesk.desk.tickets import NotFoundError, RemedyOffer, get_ticket, offer_remedies, set_remedy_status
from calmdesk.staff import accounts, console, livechat
from calmdesk.staff.rasa_api import RasaError
from calmdesk.taxonomy import CATEGORIES, REMEDY_KINDS, REMEDY_STATUSES
from calmdesk.web.auth import JSON_HEADERS, PAGE_HEADERS, csrf_for, require_staff
from calmdesk.web.auth import routes as auth_routes
from calmdesk.web.body import BadRequest, json_body

STATIC_DIR = Path(__file__).resolve().parent / "static" / "console"
ANGER_CACHE_SECONDS = 10.0  # the queue polls every 2 s; trackers are read far less often
MAX_TRACKER_READS = 30  # per queue request

JOINED = "{name} from our support team has joined the chat."
LEFT = "{name} has handed you back to our assistant. Thanks for your patience."


def routes() -> list:
    """Every console route; ``ConsoleGuard`` protects them all (but the login form)."""
    return [
        *auth_routes(),
        Route("/console", page("queue.html"), methods=["GET"]),
        Route("/console/conversations/{reference}", page("conversation.html"), methods=["GET"]),
        Route("/console/incidents", page("incidents.html"), methods=["GET"]),
        Route("/console/staff", page("staff.html"), methods=["GET"]),
        Route("/console/api/me", me, methods=["GET"]),
        Route("/console/api/heartbeat", heartbeat, methods=["POST"]),
        Route("/console/api/queue", queue_index, methods=["GET"]),
        Route("/console/api/conversations/{reference}", conversation_detail, methods=["GET"]),
        Route("/console/api/conversations/{reference}/transcript", conversation_transcript, methods=["GET"]),
        Route("/console/api/conversations/{reference}/claim", conversation_claim, methods=["POST"]),
        Route("/console/api/conversations/{reference}/reply", conversation_reply, methods=["POST"]),
        Route("/console/api/conversations/{reference}/notes", conversation_note, methods=["POST"]),
        Route("/console/api/conversations/{reference}/remedies", conversation_remedy, methods=["POST"]),
        Route("/console/api/conversations/{reference}/resolve", conversation_resolve, methods=["POST"]),
        Route("/console/api/incidents", incidents_index, methods=["GET"]),
        Route("/console/api/incidents", incident_declare, methods=["POST"]),
        Route("/console/api/incidents/{reference}/{action}", incident_action, methods=["POST"]),
        Route("/console/api/staff", staff_index, methods=["GET"]),
        Route("/console/api/staff", staff_add, methods=["POST"]),
        Route("/console/api/staff/{username}/disable", staff_disable, methods=["POST"]),
    ]


# --------------------------------------------------------------------------
# Pages and small answers


def page(name: str) -> Callable[[Request], Response]:
    """A handler serving one static page shell (read once)."""
    body = (STATIC_DIR / name).read_text(encoding="utf-8")

    def handler(request: Request) -> Response:
        require_staff(request)
        return HTMLResponse(body, headers=PAGE_HEADERS)

    return handler


def ok(data: Any, status_code: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status_code, headers=JSON_HEADERS)


def fail(status_code: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status_code, headers=JSON_HEADERS)


async def guarded(work: Callable[[], Any], status_code: int = 200) -> Response:
    """Run ``work`` in the thread pool; map the core's refusals to clear 4xx answers."""
    try:
        return ok(await run_in_threadpool(work), status_code)
    except NotFoundError as error:
        return fail(404, str(error).split(";")[0] or "not found")
    except (console.NotHolder, console.NotWaiting) as error:
        return fail(409, str(error))
    except (ValueError, accounts.StaffError) as error:  # BadRequest, the core naming a bad value
        return fail(400, str(error))
    except RasaError as error:
        return fail(502, f"the assistant could not be reached: {error}")


def me(request: Request) -> Response:
    user = require_staff(request)
    return ok({**user, "csrf_token": csrf_for(request)})


def heartbeat(request: Request) -> Response:
    require_staff(request)  # looking up the session was the heartbeat
    return ok({"agents_online": accounts.agents_online(request.app.state.engine)})


# --------------------------------------------------------------------------
# Queue and conversation


def queue_index(request: Request) -> Response:
    require_staff(request)
    engine = request.app.state.engine
    entries = console.queue(engine)
    for index, entry in enumerate(entries):
        entry["anger"] = _anger(request, entry, read_tracker=index < MAX_TRACKER_READS)
    cache = _state(request, "anger_cache", dict)
    for gone in set(cache) - {entry["conversation_id"] for entry in entries}:
        del cache[gone]  # left the queue: its tracker events need not stay in memory
    return ok({"queue": entries, "agents_online": accounts.agents_online(engine)})


def _anger(request: Request, entry: dict[str, Any], read_tracker: bool) -> dict[str, Any]:
    """Start / peak / latest anger for a queue row, from a recently read tracker (cached briefly)."""
    cache: dict[str, tuple[float, list]] = _state(request, "anger_cache", dict)
    conversation_id = entry["conversation_id"]
    cached = cache.get(conversation_id)
    if read_tracker and (cached is None or cached[0] < time.monotonic() - ANGER_CACHE_SECONDS):
        try:
            events = request.app.state.rasa.tracker(conversation_id).get("events") or []
        except RasaError:
            events = cached[1] if cached else []
        cached = (time.monotonic(), events)
        cache[conversation_id] = cached
    return console.anger_summary(cached[1] if cached else [], peak=entry["anger_level"])


def _state(request: Request, name: str, factory: Callable[[], Any]) -> Any:
    if not hasattr(request.app.state, name):
        setattr(request.app.state, name, factory())
    return getattr(request.app.state, name)


async def conversation_detail(request: Request) -> Response:
    require_staff(request)
    engine, reference = request.app.state.engine, request.path_params["reference"]
    return await guarded(lambda: {**console.conversation(engine, reference),
                                  "remedy_kinds": REMEDY_KINDS, "remedy_statuses": REMEDY_STATUSES})


async def conversation_transcript(request: Request) -> Response:
    """The live transcript from Rasa's tracker (customer messages sent while paused included)."""
    require_staff(request)
    engine, reference, rasa = request.app.state.engine, request.path_params["reference"], request.app.state.rasa

    def work() -> dict[str, Any]:
        ticket = get_ticket(engine, reference)  # polled every 2 s: the ticket alone, not notes and history
        if ticket is None:
            raise NotFoundError(f"no ticket with reference {reference!r}")
        events = rasa.tracker(ticket["conversation_id"]).get("events") or []
        return {"lines": console.transcript_lines(events), "paused": console.is_paused(events),
                "anger": console.anger_summary(events, peak=ticket["anger_level"])}

    return await guarded(work)


def _say(request: Request, conversation_id: str, text: str, role: str, user: dict[str, Any]) -> dict[str, Any]:
    """Send a line to the customer's chat window and record it in the tracker (paused or not).

    The customer has the message once it is in livechat; if Rasa cannot record
    it, the answer says so (``tracker_error``) rather than pretend it was not sent.
    """
    message = livechat.post_message(request.app.state.engine, conversation_id, text, role=role,
                                    author_name=user["display_name"])
    event = {"event": "bot", "text": message["text"], "timestamp": time.time(),
             "metadata": {"author_role": role, "agent": user["username"]}}
    try:
        request.app.state.rasa.append_events(conversation_id, [event])
    except RasaError as error:
        return {**message, "tracker_error": f"sent, but not in the transcript: {error}"}
    return message


async def conversation_claim(request: Request) -> Response:
    user = require_staff(request)
    engine, reference = request.app.state.engine, request.path_params["reference"]

    def work() -> dict[str, Any]:
        claimed = console.claim(engine, reference, user["username"])
        if claimed["newly_claimed"]:
            _say(request, claimed["conversation_id"], JOINED.format(name=user["display_name"]), "system", user)
        return claimed

    return await guarded(work)


async def conversation_reply(request: Request) -> Response:
    """``{"text"}``: the holder writes to the customer -> 201 with the live message."""
    user = require_staff(request)
    engine, reference = request.app.state.engine, request.path_params["reference"]
    try:
        body = await json_body(request, ("text",), required=("text",))
    except BadRequest as error:
        return fail(400, str(error))

    def work() -> dict[str, Any]:
        held = console.check_holder(engine, reference, user["username"])
        return _say(request, held["conversation_id"], body["text"], "agent", user)

    return await guarded(work, 201)


async def conversation_note(request: Request) -> Response:
    """``{"text"}``: an internal note -> 201.  The customer never sees notes."""
    user = require_staff(request)
    engine, reference = request.app.state.engine, request.path_params["reference"]
    try:
        body = await json_body(request, ("text",), required=("text",))
    except BadRequest as error:
        return fail(400, str(error))
    return await guarded(lambda: console.add_note(engine, reference, user["username"], body["text"]), 201)


async def conversation_remedy(request: Request) -> Response:
    """``{"kind", "status", "amount"?, "unit"?}``: offer a remedy (status "offered") or move one on."""
    user = require_staff(request)
    engine, reference = request.app.state.engine, request.path_params["reference"]
    try:
        body = await json_body(request, ("kind", "status", "amount", "unit"), required=("kind", "status"))
    except BadRequest as error:
        return fail(400, str(error))

    def work() -> dict[str, Any]:
        if body["status"] == "offered":
            offer = RemedyOffer(body["kind"], body.get("amount"), body.get("unit"))
            ticket = offer_remedies(engine, reference, [offer], actor=user["username"])
        else:
            ticket = set_remedy_status(engine, reference, body["kind"], body["status"], user["username"])
        return {"reference": ticket["reference"], "remedies": ticket["remedies"]}

    return await guarded(work)


async def conversation_resolve(request: Request) -> Response:
    """The holder is done: tell the customer, hand back to the bot, mark the ticket resolved."""
    user = require_staff(request)
    engine, reference, rasa = request.app.state.engine, request.path_params["reference"], request.app.state.rasa

    def work() -> dict[str, Any]:
        held = console.check_holder(engine, reference, user["username"])
        _say(request, held["conversation_id"], LEFT.format(name=user["display_name"]), "system", user)
        said = rasa.hand_back(held["conversation_id"])  # RasaError: 502, and the ticket stays held
        resolved = console.resolve(engine, reference, user["username"])
        return {**resolved, "bot_said": said}

    return await guarded(work)


# --------------------------------------------------------------------------
# Incidents (any staff member; the actor is their username)


def incidents_index(request: Request) -> Response:
    require_staff(request)
    status = request.query_params.get("status") or None
    try:
        incidents = list_incidents(request.app.state.engine, status=status)
    except ValueError as error:
        return fail(400, str(error))
    return ok({"incidents": incidents, "categories": CATEGORIES})


async def incident_declare(request: Request) -> Response:
    """``{"category", "public_message"}`` -> 201 with the new incident."""
    user = require_staff(request)
    try:
        body = await json_body(request, ("category", "public_message"), required=("category", "public_message"))
    except BadRequest as error:
        return fail(400, str(error))
    engine = request.app.state.engine
    return await guarded(
        lambda: declare_incident(engine, body["category"], body["public_message"], user["username"]), 201)


INCIDENT_ACTIONS = ("confirm", "updates", "close")


async def incident_action(request: Request) -> Response:
    """``confirm`` ``{"public_message"}``, ``updates`` ``{"message"}``, ``close`` ``{"message"?}``."""
    user = require_staff(request)
    engine, reference, action = request.app.state.engine, request.path_params["reference"], request.path_params["action"]
    if action not in INCIDENT_ACTIONS:
        raise HTTPException(404, "Not Found")
    try:
        if action == "confirm":
            body = await json_body(request, ("public_message",), required=("public_message",))
            work = lambda: confirm_incident(engine, reference, body["public_message"], user["username"])  # noqa: E731
        elif action == "updates":
            body = await json_body(request, ("message",), required=("message",))
            work = lambda: post_update(engine, reference, body["message"], user["username"])  # noqa: E731
        else:
            body = await json_body(request, ("message",))
            message = body.get("message") or None
            work = lambda: close_incident(engine, reference, user["username"], message=message)  # noqa: E731
    except BadRequest as error:
        return fail(400, str(error))
    return await guarded(work)


# --------------------------------------------------------------------------
# Staff accounts (admins only)


def staff_index(request: Request) -> Response:
    require_staff(request, role="admin")
    return ok({"staff": accounts.list_users(request.app.state.engine)})


async def staff_add(request: Request) -> Response:
    """``{"username", "password", "role"?, "display_name"?}`` -> 201."""
    require_staff(request, role="admin")
    try:
        body = await json_body(request, ("username", "password", "role", "display_name"),
                             required=("username", "password"))
    except BadRequest as error:
        return fail(400, str(error))
    engine = request.app.state.engine
    return await guarded(lambda: accounts.create_user(engine, body["username"], body["password"],
                                                   body.get("role") or "agent", body.get("display_name")), 201)


async def staff_disable(request: Request) -> Response:
    user = require_staff(request, role="admin")
    username = request.path_params["username"]
    if username == user["username"]:
        return fail(400, "you cannot disable your own account")
    engine = request.app.state.engine
    return await guarded(lambda: accounts.disable_user(engine, username))
