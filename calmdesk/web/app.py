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

This module builds the app and answers for tickets; the incident routes
are in calmdesk/web/incidents.py and what every handler shares (JSON
answers, errors, who acts, reading times) in calmdesk/web/api.py. The
incident detection settings (``policy/incidents.yml``) are checked when the
app is built, so a broken file stops the start, not a request.

Run: ``SUPPORT_API_TOKEN=... uvicorn --factory calmdesk.web.app:create_app``
(after ``python -m calmdesk.db upgrade``).
"""
from __future__ import annotations

import contextlib
import hmac
import os
import re
from typing import AsyncIterator

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
from calmdesk.desk.incidents import IncidentSettings, load_incident_settings
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
from calmdesk.web.api import API_PREFIX, actor, api_error, api_json, engine_of, is_api_path, parse_instant, required
from calmdesk.web.body import json_body
from calmdesk.web import incidents as web_incidents
from calmdesk.web.limits import ChatFloodGuard

TOKEN_ENV_VAR = "SUPPORT_API_TOKEN"
DEFAULT_LIMIT = 100


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
            *web_incidents.ROUTES,
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
            engine_of(request),
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
    ticket = get_ticket(engine_of(request), request.path_params["reference"])
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
            set_remedy_status, engine_of(request), reference, kind, required(body, "status"), actor(request))
    except NotFoundError:
        return api_error(404, "ticket or remedy not found")
    except ValueError as error:  # a malformed body, or a move the remedy cannot make
        return api_error(400, str(error))
    return api_json(ticket)


def ticket_handback(request: Request) -> Response:
    """A person is done: the bot takes the ticket's conversation back."""
    ticket = get_ticket(engine_of(request), request.path_params["reference"])
    if ticket is None:
        return api_error(404, "ticket not found")
    try:
        said = request.app.state.rasa.hand_back(ticket["conversation_id"])
    except RasaError as error:
        return api_error(502, f"could not hand back to the bot: {error}")
    return api_json({"conversation_id": ticket["conversation_id"], "bot_said": said})


async def http_error(request: Request, exc: Exception) -> Response:
    """404s, 405s ...: JSON under /api, plain text elsewhere."""
    assert isinstance(exc, HTTPException)
    if is_api_path(request.url.path) or request.url.path.startswith(auth.CONSOLE_API_PREFIX):
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
        if scope["type"] == "http" and is_api_path(scope["path"]):
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
