"""Flood limits on the web app's public chat routes (``/chat/...``): a polite 429, not a queue for everyone.

``/chat/session`` (a new sender id), ``/chat/history``, ``/chat/stream`` and
``/chat/resume`` need no login, so one client could call them as fast as it
likes; each call is a database read.  This middleware counts them in the
per-address buckets of ``calmdesk.operations.flood`` (the same limits as the
chat messages themselves) and answers a client over its limit with 429,
``Retry-After`` and a short JSON explanation, before any database work.

Staff routes (``/console``, ``/api``) are not limited here: they need a login
and are few.
"""
from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from calmdesk.operations.flood import FloodLimits

PREFIX = "/chat/"


class ChatFloodGuard:
    """ASGI middleware: per-address limits in front of every ``/chat/`` path."""

    def __init__(self, app: ASGIApp, *, limits: FloodLimits | None = None) -> None:
        self.app = app
        self.limits = limits if limits is not None else FloodLimits.from_env()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX):
            client = scope.get("client")
            verdict = self.limits.check(client[0] if client else None)
            if not verdict.allowed:
                response = JSONResponse(verdict.body(), status_code=429,
                                        headers={"Retry-After": str(verdict.retry_after)})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
