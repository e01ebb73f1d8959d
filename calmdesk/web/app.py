"""The staff HTTP API: JSON access to tickets for support staff, and handback.

Tickets hold what upset customers wrote, so everything under ``/api`` needs
the shared bearer token (``SUPPORT_API_TOKEN``).  The check lives in one
middleware in front of every ``/api`` path, so a route added later cannot
forget it; the token is compared in constant time.  The app refuses to start
without a token rather than serve tickets to anyone.

Customer text only ever leaves as JSON strings (never HTML), and bad query
input gets a 400 naming the allowed values: no input should produce a 500.
Handlers are plain ``def`` functions, so Starlette runs the (blocking)
database calls in its thread pool instead of on the event loop.

Run: ``SUPPORT_API_TOKEN=... uvicorn --factory calmdesk.web.app:create_app``
(after ``python -m calmdesk.db upgrade``).
"""
from __future__ import annotations

import contextlib
import hmac
import os
import re
from typing import Any, AsyncIterator

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from calmdesk.db import make_engine
from calmdesk.rasa_api import RasaClient, RasaError
from calmdesk.tickets import MAX_LIST_LIMIT, get_ticket, list_tickets

API_PREFIX = "/api"
TOKEN_ENV_VAR = "SUPPORT_API_TOKEN"
DEFAULT_LIMIT = 100

HOME_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>calmdesk</title></head>
<body><p>calmdesk — staff API is at /api/tickets; chat page coming soon</p></body>
</html>
"""

# Sent with every API response: JSON only, never sniffed as HTML, never cached.
API_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def create_app(
    engine: Engine | None = None, api_token: str | None = None, rasa: RasaClient | None = None
) -> Starlette:
    """Build the web app.

    Without arguments: token from $SUPPORT_API_TOKEN, engine from make_engine(),
    Rasa from $RASA_URL and $RASA_API_TOKEN (used to hand conversations back).
    """
    token = api_token if api_token is not None else os.environ.get(TOKEN_ENV_VAR, "")
    if not token:
        raise RuntimeError(
            f"no staff API token: set the {TOKEN_ENV_VAR} environment variable "
            "(or pass api_token=) so that /api/* is not open to everyone"
        )

    owns_engine = engine is None
    engine = engine if engine is not None else make_engine()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if owns_engine:
            engine.dispose()

    app = Starlette(
        routes=[
            Route("/", home, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/api/tickets", tickets_index, methods=["GET"]),
            Route("/api/tickets/{reference}", ticket_detail, methods=["GET"]),
            Route("/api/tickets/{reference}/handback", ticket_handback, methods=["POST"]),
        ],
        middleware=[Middleware(BearerTokenGuard, token=token, prefix=API_PREFIX)],
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.rasa = rasa or RasaClient.from_env()
    return app


# --------------------------------------------------------------------------
# Routes


def home(request: Request) -> Response:
    return HTMLResponse(HOME_PAGE)


def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def tickets_index(request: Request) -> Response:
    params = request.query_params
    raw_limit = params.get("limit") or str(DEFAULT_LIMIT)
    # Plain ASCII digits only: int() would also accept " 5", "5_0" and "５".
    if not re.fullmatch(r"[0-9]{1,6}", raw_limit):
        return api_error(400, f"limit must be a whole number from 1 to {MAX_LIST_LIMIT}, not {raw_limit!r}")
    try:
        tickets = list_tickets(
            _engine(request),
            conversation_id=params.get("conversation_id") or None,  # empty means "no filter"
            status=params.get("status") or None,
            category=params.get("category") or None,
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


def _engine(request: Request) -> Engine:
    return request.app.state.engine


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
    if _is_api_path(request.url.path):
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
            if problem is not None:
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
