"""The staff HTTP API: JSON access to tickets for support staff, handback, and mass incidents.

Tickets hold what upset customers wrote, so everything under ``/api`` needs
the shared bearer token (``SUPPORT_API_TOKEN``).  The check lives in one
middleware in front of every ``/api`` path, so a route added later cannot
forget it; the token is compared in constant time.  The app refuses to start
without a token rather than serve tickets to anyone.

Customer text only ever leaves as JSON strings (never HTML), and bad query
input gets a 400 naming the allowed values: no input should produce a 500.
Handlers are plain ``def`` functions, so Starlette runs the (blocking)
database calls in its thread pool instead of on the event loop; the few that
read a JSON body are ``async`` (reading the body is) and hand their
database call to the thread pool explicitly.  A body that is not a JSON
object, has unknown fields or misses a required one is a 400 saying which.

Incidents (``/api/incidents``) are declared, confirmed, updated and closed
by the console session's staff member, or as "staff" with the shared token
(every such action is also in the audit log, ``calmdesk.web.audit``); the detection settings
(``policy/incidents.yml``) are checked when the app is built, so a broken
file stops the start, not a request.

Run: ``SUPPORT_API_TOKEN=... uvicorn --factory calmdesk.web.app:create_app``
(after ``python -m calmdesk.db upgrade``).
"""
from __future__ import annotations

import contextlib
import hmac
import os
import re
from datetime import datetime, timezone
from typing import Any, AsyncIterator, Callable

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from calmdesk.db import make_engine
from calmdesk.desk.incidents import (
    IncidentSettings,
    close_incident,
    confirm_incident,
    declare_incident,
    detect_incidents,
    get_incident,
    list_incidents,
    load_incident_settings,
    post_update,
)
from calmdesk import mail
from calmdesk.desk.tickets import MAX_LIST_LIMIT, NotFoundError, get_ticket, list_tickets, set_remedy_status
from calmdesk.operations.flood import FloodLimits
from calmdesk.staff import webhooks
from calmdesk.staff.rasa_api import RasaClient, RasaError
from calmdesk.staff.staffing import load_support_hours
from calmdesk.web import audit as web_audit
from calmdesk.web import auth, chat, console
from calmdesk.web import dashboard as console_extras
from calmdesk.web import mail as web_mail
from calmdesk.web import openapi
from calmdesk.web import subjects as web_subjects
from calmdesk.web.body import BadRequest, json_body
from calmdesk.web.limits import ChatFloodGuard

API_PREFIX = "/api"
TOKEN_ENV_VAR = "SUPPORT_API_TOKEN"
DEFAULT_LIMIT = 100
API_ACTOR = "staff"  # who acts through the API with the shared token (a console session: its username)

# Sent with every API response: JSON only, never sniffed as HTML, never cached.
API_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def create_app(
    engine: Engine | None = None,
    api_token: str | None = None,
    rasa: RasaClient | None = None,
    incident_settings: IncidentSettings | None = None,
) -> Starlette:
    """Build the web app.

    Without arguments: token from $SUPPORT_API_TOKEN, engine from make_engine(),
    Rasa from $RASA_URL and $RASA_API_TOKEN (used to hand conversations back),
    incident detection settings from policy/incidents.yml (PolicyError if broken).
    """
    token = api_token if api_token is not None else os.environ.get(TOKEN_ENV_VAR, "")
    if not token:
        raise RuntimeError(
            f"no staff API token: set the {TOKEN_ENV_VAR} environment variable "
            "(or pass api_token=) so that /api/* is not open to everyone"
        )

    settings = incident_settings if incident_settings is not None else load_incident_settings()
    owns_engine = engine is None
    engine = engine if engine is not None else make_engine()

    # Broken webhook settings or support hours stop the start, not a handoff.
    webhook_settings = webhooks.WebhookSettings.from_env(web_url=os.environ.get("WEB_URL"))
    load_support_hours()
    # Email settings and the email words (policy/emails.yml): a problem stops the start, not a send.
    mail.reset()
    mail.settings()
    mail.templates()
    limits = FloodLimits.from_env()  # a malformed CHAT_* setting stops the start

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        poll = float(os.environ.get("HANDOFF_WEBHOOK_POLL_SECONDS") or 1.0)
        async with console_extras.webhook_worker(engine, webhook_settings, poll_seconds=poll), \
                web_mail.mail_worker(engine), web_subjects.retention_worker(engine):
            yield
        if owns_engine:
            engine.dispose()

    app = Starlette(
        routes=[
            *chat.routes(),  # the shop page, the chat widget and /chat/* (public)
            Route("/healthz", healthz, methods=["GET"]),
            Route("/api/openapi.json", openapi_document, methods=["GET"]),
            Route("/api/tickets", tickets_index, methods=["GET"]),
            Route("/api/tickets/{reference}", ticket_detail, methods=["GET"]),
            Route("/api/tickets/{reference}/handback", ticket_handback, methods=["POST"]),
            Route("/api/tickets/{reference}/remedies/{kind}", ticket_remedy, methods=["POST"]),
            Route("/api/incidents", incidents_index, methods=["GET"]),
            Route("/api/incidents", incident_create, methods=["POST"]),
            Route("/api/incidents/detect", incidents_detect, methods=["POST"]),
            Route("/api/incidents/{reference}", incident_detail, methods=["GET"]),
            Route("/api/incidents/{reference}/confirm", incident_confirm, methods=["POST"]),
            Route("/api/incidents/{reference}/updates", incident_post_update, methods=["POST"]),
            Route("/api/incidents/{reference}/close", incident_close, methods=["POST"]),
            *console.routes(),  # /console: staff log in (calmdesk.web.auth guards every path)
            *console_extras.routes(),  # /console/dashboard, /console/webhooks, story export
            *web_mail.routes(),  # links in emails, /chat/resume, /console/mail, email from the console
            *web_audit.routes(),  # /console/audit: admins read and export the audit log
            *web_subjects.routes(),  # /console/privacy: admins export or erase one customer's data
        ],
        # AuditTrail first (outermost): it records after the guards below have said who is asking.
        # ChatFloodGuard refuses a client calling /chat/* too fast before anything else runs.
        middleware=[Middleware(ChatFloodGuard, limits=limits), Middleware(web_audit.AuditTrail),
                    Middleware(BearerTokenGuard, token=token, prefix=API_PREFIX), Middleware(auth.ConsoleGuard)],
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.rasa = rasa or RasaClient.from_env()
    app.state.incident_settings = settings
    return app


# --------------------------------------------------------------------------
# Routes


def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def openapi_document(request: Request) -> Response:
    """This API's OpenAPI 3 description (calmdesk/web/openapi.py; kept true by tests/web/test_api_schema.py)."""
    return api_json(openapi.document())


def tickets_index(request: Request) -> Response:
    params = request.query_params
    raw_limit = params.get("limit") or str(DEFAULT_LIMIT)
    # Plain ASCII digits only: int() would also accept " 5", "5_0" and "５".
    if not re.fullmatch(r"[0-9]{1,6}", raw_limit):
        return api_error(400, f"limit must be a whole number from 1 to {MAX_LIST_LIMIT}, not {raw_limit!r}")
    try:
        due = params.get("follow_up_due_before") or None
        tickets = list_tickets(
            _engine(request),
            conversation_id=params.get("conversation_id") or None,  # empty means "no filter"
            status=params.get("status") or None,
            category=params.get("category") or None,
            follow_up_due_before=parse_instant("follow_up_due_before", due) if due else None,
            limit=int(raw_limit),
        )
    except ValueError as error:  # the service names the bad value and the allowed ones
        return api_error(400, str(error))
    return api_json({"tickets": tickets})


def ticket_detail(request: Request) -> Response:
    ticket = get_ticket(_engine(request), request.path_params["reference"])
    if ticket is None:
        return api_error(404, "ticket not found")
    return api_json(ticket)


async def ticket_remedy(request: Request) -> Response:
    """``{"status": "fulfilled"}`` (or accepted / declined): staff move a remedy on.

    The remedy's history on the ticket records who (the console user's username,
    or "staff" for the shared token) and when.
    """
    reference, kind = request.path_params["reference"], request.path_params["kind"]
    try:
        body = await json_body(request, ("status",))
        ticket = await run_in_threadpool(
            set_remedy_status, _engine(request), reference, kind, _required(body, "status"), _actor(request))
    except NotFoundError:
        return api_error(404, "ticket or remedy not found")
    except ValueError as error:  # a malformed body, or a move the remedy cannot make
        return api_error(400, str(error))
    return api_json(ticket)


def ticket_handback(request: Request) -> Response:
    """A person is done: the bot takes the ticket's conversation back."""
    ticket = get_ticket(_engine(request), request.path_params["reference"])
    if ticket is None:
        return api_error(404, "ticket not found")
    try:
        said = request.app.state.rasa.hand_back(ticket["conversation_id"])
    except RasaError as error:
        return api_error(502, f"could not hand back to the bot: {error}")
    return api_json({"conversation_id": ticket["conversation_id"], "bot_said": said})


# --------------------------------------------------------------------------
# Incidents


def incidents_index(request: Request) -> Response:
    params = request.query_params
    try:
        incidents = list_incidents(
            _engine(request), status=params.get("status") or None, category=params.get("category") or None
        )
    except ValueError as error:
        return api_error(400, str(error))
    return api_json({"incidents": incidents})


def incident_detail(request: Request) -> Response:
    incident = get_incident(_engine(request), request.path_params["reference"])
    if incident is None:
        return api_error(404, "incident not found")
    return api_json(incident)


async def incident_create(request: Request) -> Response:
    """Declare an incident: ``{"category", "public_message", "started_at"?}`` -> 201."""

    def declare(body: dict[str, Any]) -> dict[str, Any]:
        raw_start = body.get("started_at")
        if raw_start is not None and not isinstance(raw_start, str):
            raise ValueError(f"started_at must be an ISO 8601 text, not {raw_start!r}")
        return declare_incident(
            _engine(request),
            _required(body, "category"),
            _required(body, "public_message"),
            _actor(request),
            started_at=parse_instant("started_at", raw_start) if raw_start is not None else None,
        )

    fields = ("category", "public_message", "started_at")
    return await _incident_action(request, fields, declare, 201, located=True)


async def incident_confirm(request: Request) -> Response:
    """A suggested incident is real: ``{"public_message"}``, what customers will read."""
    reference = request.path_params["reference"]

    def confirm(body: dict[str, Any]) -> dict[str, Any]:
        return confirm_incident(_engine(request), reference, _required(body, "public_message"), _actor(request))

    return await _incident_action(request, ("public_message",), confirm)


async def incident_post_update(request: Request) -> Response:
    """``{"message"}``: a public update for customers who come back -> 201 with the incident."""
    reference = request.path_params["reference"]
    return await _incident_action(
        request,
        ("message",),
        lambda body: post_update(_engine(request), reference, _required(body, "message"), _actor(request)),
        201,
    )


async def incident_close(request: Request) -> Response:
    """Close (or dismiss a suggestion); ``{"message"}`` is optional, as is the body."""
    reference = request.path_params["reference"]
    return await _incident_action(
        request,
        ("message",),
        lambda body: close_incident(_engine(request), reference, _actor(request), message=body.get("message")),
    )


def incidents_detect(request: Request) -> Response:
    """Run detection now; returns the incidents it suggested (usually none)."""
    settings: IncidentSettings = request.app.state.incident_settings
    suggested = detect_incidents(
        _engine(request), tickets=settings.detection_tickets, minutes=settings.detection_minutes
    )
    return api_json({"incidents": suggested})


async def _incident_action(
    request: Request,
    fields: tuple[str, ...],
    action: Callable[[dict[str, Any]], dict[str, Any]],
    status_code: int = 200,
    *,
    located: bool = False,
) -> Response:
    """Read the JSON body, run ``action(body)`` in the thread pool, map bad input to 400 and unknown to 404.

    ``located``: a new incident, so say where it lives (``Location`` header).
    """
    try:
        body = await json_body(request, fields)
        incident = await run_in_threadpool(action, body)
    except NotFoundError:
        return api_error(404, "incident not found")
    except ValueError as error:  # BadRequest, and the service naming the bad value
        return api_error(400, str(error))
    headers = {"Location": f"{API_PREFIX}/incidents/{incident['reference']}"} if located else None
    return api_json(incident, status_code=status_code, headers=headers)


def _engine(request: Request) -> Engine:
    return request.app.state.engine


def _actor(request: Request) -> str:
    """Who acts: the console session's staff username, or "staff" for the shared bearer token."""
    user = auth.current_staff(request)
    return user["username"] if user else API_ACTOR


def _required(body: dict[str, Any], field: str) -> Any:
    if body.get(field) is None:
        raise BadRequest(f"{field} is required")
    return body[field]


# A "+" in a query string arrives as a space: "2024-05-01T09:30:00 02:00" meant +02:00.
_SPACE_FOR_PLUS = re.compile(r"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})")


def parse_instant(field: str, value: str) -> datetime:
    """An ISO 8601 time with a timezone ("2024-05-01T09:30:00Z", "...+02:00"); ValueError otherwise."""
    example = "e.g. 2024-05-01T09:30:00Z or 2024-05-01T11:30:00+02:00"
    text = value.strip()
    repaired = _SPACE_FOR_PLUS.fullmatch(text)
    if repaired:
        text = f"{repaired.group(1)}+{repaired.group(2)}"
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
        moment.astimezone(timezone.utc)  # out of range once in UTC (year 1 or 9999)?
    except (ValueError, OverflowError):
        raise BadRequest(f"{field} must be an ISO 8601 time, {example}; not {value!r}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadRequest(f"{field} needs a timezone, {example}; not {value!r}")
    return moment


# --------------------------------------------------------------------------
# Responses and errors


def api_json(data: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(data, status_code=status_code, headers={**API_HEADERS, **(headers or {})})


def api_error(status_code: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return api_json({"error": message}, status_code=status_code, headers=headers)


def _is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


async def http_error(request: Request, exc: Exception) -> Response:
    """404s, 405s ...: JSON under /api, plain text elsewhere."""
    assert isinstance(exc, HTTPException)
    if _is_api_path(request.url.path) or request.url.path.startswith(auth.CONSOLE_API_PREFIX):
        return api_error(exc.status_code, exc.detail.lower(), headers=exc.headers)
    return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    """A bug, not bad input: say so without leaking details (the traceback goes to the log)."""
    return api_error(500, "internal server error")


class BearerTokenGuard:
    """ASGI middleware: requests under ``prefix`` need ``Authorization: Bearer <token>``."""

    def __init__(self, app: ASGIApp, *, token: str, prefix: str) -> None:
        self.app = app
        self.token = token.encode("utf-8")
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _is_api_path(scope["path"]):
            problem = self._problem(Headers(scope=scope).get("authorization"))
            # A logged-in console session (CSRF-checked if unsafe) may use /api too.
            if problem is not None and not await auth.session_allows_api(scope):
                response = api_error(401, problem, headers={"WWW-Authenticate": "Bearer"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _problem(self, authorization: str | None) -> str | None:
        """Why this Authorization header is not good enough, or None if it is."""
        if not authorization:
            return "missing bearer token (send 'Authorization: Bearer <token>')"
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            return "missing bearer token (send 'Authorization: Bearer <token>')"
        # Headers arrive decoded as latin-1; compare the raw bytes in constant time.
        given = credentials.strip().encode("latin-1")
        if not hmac.compare_digest(given, self.token):
            return "invalid bearer token"
        return None
