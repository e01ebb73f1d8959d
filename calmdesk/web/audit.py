"""The audit trail in the web app: one middleware records staff actions; admins read and export them.

``AuditTrail`` sits in front of every route.  After a staff request under
``/console`` or ``/api`` has been answered successfully, it appends one
``audit_log`` row (``calmdesk.staff.audit``): who (the console session's username;
"staff" with channel ``api-token`` for the shared bearer token), the action
and the target named by ``RULES``.  Any other unsafe request that succeeds
is still recorded, as ``request`` with its path, so a route added later is
never missing from the log.  Reads that matter are recorded too (viewing a
conversation or ticket, every export); the pages' polling is not, and a
page that re-reads the conversation it shows is one view per ten minutes.

Signing in and failed sign-ins are recorded by the login handler
(``calmdesk.web.auth``), which is the only place that knows the username.

The log is written after the response has gone, so it never slows or fails
a staff action; a failure to write it is logged as an error.  Admins read it
at ``/console/audit`` (``GET /console/api/audit``, ``/console/api/audit.csv``);
no route can change it.
"""
from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from calmdesk.staff import audit
from calmdesk.web.auth import JSON_HEADERS, PAGE_HEADERS, require_staff

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static" / "console"
MAX_CAPTURE = 64 * 1024  # bytes of a request or response body kept to name the target
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NOT_AUDITED = frozenset({"/console/api/heartbeat", "/console/login"})  # polling; login logs itself
# The conversation page re-reads its ticket every 10 s: one "view" per person and target per window.
VIEW_WINDOW_SECONDS = 600.0


@dataclass(frozen=True)
class Rule:
    """One audited route: ``path`` a regex (``t``: the target; ``a``: fills ``{a}`` in the action)."""

    method: str
    path: str
    action: str
    target_type: str | None = None
    body_fields: tuple[str, ...] = ()  # copied into detail (scalars only, never free text)
    query_fields: tuple[str, ...] = ()
    target_field: str | None = None  # the target is this field of the request body ...
    response_target: str | None = None  # ... or of the JSON answer (a new incident's reference)


C, A = "/console/api", "/api"
REF = r"(?P<t>[^/]+)"
RULES: tuple[Rule, ...] = (
    Rule("GET", rf"{C}/conversations/{REF}", "view_conversation", "ticket"),
    Rule("POST", rf"{C}/conversations/{REF}/claim", "claim", "ticket"),
    Rule("POST", rf"{C}/conversations/{REF}/reply", "reply", "ticket"),
    Rule("POST", rf"{C}/conversations/{REF}/notes", "note", "ticket"),
    Rule("POST", rf"{C}/conversations/{REF}/remedies", "change_remedy", "ticket", ("kind", "status", "amount", "unit")),
    Rule("POST", rf"{C}/conversations/{REF}/resolve", "hand_back", "ticket"),
    Rule("POST", rf"{C}/conversations/{REF}/email", "email_customer", "ticket"),
    Rule("GET", rf"{C}/conversations/{REF}/story\.yml", "export_story", "conversation"),
    Rule("GET", rf"{C}/dashboard\.csv", "export_dashboard", query_fields=("from", "to")),
    Rule("POST", rf"{C}/incidents", "incident_declare", "incident", ("category",), response_target="reference"),
    Rule("POST", rf"{C}/incidents/{REF}/(?P<a>confirm|updates|close)", "incident_{a}", "incident"),
    Rule("POST", rf"{C}/staff", "staff_add", "staff", ("username", "role"), target_field="username"),
    Rule("POST", rf"{C}/staff/{REF}/disable", "staff_disable", "staff"),
    Rule("POST", rf"{C}/webhooks/{REF}/retry", "webhook_retry", "webhook"),
    Rule("POST", rf"{C}/mail/{REF}/retry", "email_retry", "email"),
    Rule("POST", rf"{C}/subjects/export", "export_customer", "tickets"),
    Rule("POST", rf"{C}/subjects/erase", "erase_customer", "tickets"),
    Rule("GET", rf"{C}/audit\.csv", "export_audit", query_fields=("actor", "action", "target", "from", "to")),
    Rule("POST", r"/console/logout", "sign_out", "staff"),
    Rule("GET", rf"{A}/tickets/{REF}", "view_ticket", "ticket"),
    Rule("GET", rf"{A}/tickets", "list_tickets", query_fields=("conversation_id", "status", "category")),
    Rule("POST", rf"{A}/tickets/{REF}/handback", "hand_back", "ticket"),
    Rule("POST", rf"{A}/tickets/{REF}/remedies/(?P<kind>[^/]+)", "change_remedy", "ticket", ("status",)),
    Rule("POST", rf"{A}/incidents", "incident_declare", "incident", ("category",), response_target="reference"),
    Rule("POST", rf"{A}/incidents/detect", "incident_detect"),
    Rule("POST", rf"{A}/incidents/{REF}/(?P<a>confirm|updates|close)", "incident_{a}", "incident"),
)
_COMPILED = tuple((rule, re.compile(rule.path)) for rule in RULES)


def _audited_path(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in ("/console", "/api"))


def match(method: str, path: str) -> tuple[Rule, dict[str, str]] | None:
    for rule, pattern in _COMPILED:
        found = pattern.fullmatch(path)
        if found and rule.method == method:
            return rule, {name: unquote(value) for name, value in found.groupdict().items()}
    return None


class AuditTrail:
    """ASGI middleware: append an audit entry for every successful staff action (see the module doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.recent_views: dict[tuple[str, str, str], float] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _audited_path(scope["path"]) or scope["path"] in NOT_AUDITED:
            await self.app(scope, receive, send)
            return
        found = match(scope["method"], scope["path"])
        if found is None and scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        sent: dict[str, Any] = {"status": 500, "body": b""}
        received = bytearray()

        async def keep_body() -> Message:
            message = await receive()
            if message["type"] == "http.request" and len(received) < MAX_CAPTURE:
                received.extend(message.get("body", b"")[: MAX_CAPTURE - len(received)])
            return message

        async def keep_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
            elif message["type"] == "http.response.body" and len(sent["body"]) < MAX_CAPTURE:
                sent["body"] += message.get("body", b"")[:MAX_CAPTURE]
            await send(message)

        await self.app(scope, keep_body, keep_status)
        if sent["status"] >= 400:
            return
        if found is not None and found[0].action.startswith("view_") and self._seen(scope, found):
            return
        try:
            await run_in_threadpool(_write, scope, found, bytes(received), sent["body"])
        except Exception:  # the action is done and answered; the log must say it failed, loudly
            logger.exception("could not write the audit log entry for %s %s", scope["method"], scope["path"])


    def _seen(self, scope: Scope, found: tuple[Rule, dict[str, str]]) -> bool:
        """Whether this person viewed this target within the window (then it is not logged again)."""
        user = scope.get("state", {}).get("staff")
        key = (user["username"] if user else audit.TOKEN_ACTOR, found[0].action, found[1].get("t", ""))
        now = time.monotonic()
        if len(self.recent_views) > 10_000:
            self.recent_views.clear()
        seen = now - self.recent_views.get(key, -VIEW_WINDOW_SECONDS) < VIEW_WINDOW_SECONDS
        if not seen:
            self.recent_views[key] = now
        return seen


def _write(scope: Scope, found: tuple[Rule, dict[str, str]] | None, body: bytes, answer: bytes) -> None:
    user = scope.get("state", {}).get("staff")
    actor, channel = (user["username"], "console") if user else (audit.TOKEN_ACTOR, "api-token")
    address = scope["client"][0] if scope.get("client") else None
    engine = scope["app"].state.engine
    if found is None:  # an unsafe request no rule names: still on the record
        audit.record(engine, actor, "request", channel=channel, target_type="path", target=scope["path"],
                     detail={"method": scope["method"]}, address=address)
        return
    rule, params = found
    detail: dict[str, Any] = {}
    fields = _json(body) if rule.body_fields or rule.target_field else {}
    for name in rule.body_fields:
        if _scalar(fields.get(name)):
            detail[name] = fields[name]
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    for name in rule.query_fields:
        if query.get(name) and query[name][0]:
            detail[name] = query[name][0][:160]
    if "kind" in params:
        detail["kind"] = params["kind"]
    target = params.get("t")
    if rule.target_field and _scalar(fields.get(rule.target_field)):
        target = str(fields[rule.target_field])
    if rule.response_target:
        target = str(_json(answer).get(rule.response_target) or "") or None
    if rule.action == "sign_out":
        target = actor
    state = scope.get("state", {})  # a handler may name the target itself (calmdesk.web.subjects)
    target = state.get("audit_target") or target
    detail.update(state.get("audit_detail") or {})
    action = rule.action.format(a=params.get("a", ""))
    audit.record(engine, actor, action, channel=channel, target_type=rule.target_type, target=target,
                 detail=detail or None, address=address)


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _scalar(value: Any) -> bool:
    return isinstance(value, (int, float, bool)) or (isinstance(value, str) and len(value) <= 64)


# --------------------------------------------------------------------------
# Reading it (admins)


def routes() -> list[Route]:
    return [
        Route("/console/audit", audit_page, methods=["GET"]),
        Route("/console/api/audit", audit_index, methods=["GET"]),
        Route("/console/api/audit.csv", audit_csv, methods=["GET"]),
    ]


def audit_page(request: Request) -> Response:
    require_staff(request, "admin")
    return HTMLResponse((STATIC_DIR / "audit.html").read_text(encoding="utf-8"), headers=PAGE_HEADERS)


def _filters(request: Request) -> dict[str, Any]:
    """actor, action, target (exact), from / to (ISO times); ValueError names a bad one."""
    params = request.query_params
    found: dict[str, Any] = {name: params.get(name) or None for name in ("actor", "action", "target")}
    for name, key in (("from", "since"), ("to", "until")):
        raw = params.get(name)
        if raw:
            try:
                moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"{name} must be an ISO 8601 time such as 2026-12-01T00:00:00Z, not {raw!r}") from None
            if moment.tzinfo is None:
                raise ValueError(f"{name} needs a timezone, e.g. 2026-12-01T00:00:00Z")
            found[key] = moment
    raw_limit = params.get("limit") or str(audit.MAX_LIST)
    if not re.fullmatch(r"[0-9]{1,6}", raw_limit) or not 1 <= int(raw_limit) <= audit.MAX_LIST:
        raise ValueError(f"limit must be a whole number from 1 to {audit.MAX_LIST}")
    found["limit"] = int(raw_limit)
    return found


def audit_index(request: Request) -> Response:
    require_staff(request, "admin")
    try:
        rows = audit.entries(request.app.state.engine, **_filters(request))
    except ValueError as error:
        return JSONResponse({"error": str(error)}, status_code=400, headers=JSON_HEADERS)
    return JSONResponse({"entries": rows}, headers=JSON_HEADERS)


def audit_csv(request: Request) -> Response:
    """Everything that matches the filters (no 1,000-row page limit), as a CSV download."""
    require_staff(request, "admin")
    try:
        filters = {**_filters(request), "limit": 100_000}
    except ValueError as error:
        return JSONResponse({"error": str(error)}, status_code=400, headers=JSON_HEADERS)
    rows = audit.entries(request.app.state.engine, **filters)
    return Response(audit.to_csv(rows), media_type="text/csv; charset=utf-8", headers={
        **JSON_HEADERS, "Content-Disposition": 'attachment; filename="calmdesk-audit.csv"'})
