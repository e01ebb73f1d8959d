"""Console extras: the team lead's dashboard, the webhook outbox for admins, and story export for designers.

Routes (all under ``/console``, so ``ConsoleGuard`` has already checked the
session, and the CSRF token of the one POST, before a handler runs):

* ``GET /console/dashboard`` (any staff): the page; its script
  (``static/dashboard/dashboard.js``) draws SVG charts from
* ``GET /console/api/dashboard?from=YYYY-MM-DD&to=YYYY-MM-DD`` (JSON) and
  ``GET /console/api/dashboard.csv?...`` (one row per day, for a spreadsheet);
* ``GET /console/webhooks`` (admin): the page over
  ``GET /console/api/webhooks?status=`` and
  ``POST /console/api/webhooks/{id}/retry`` ("retry now");
* ``GET /console/api/conversations/{conversation_id}/story.yml`` (any
  staff): the conversation as a Rasa test story (``calmdesk.staff.story_export``),
  read from Rasa's tracker, as a download.

``webhook_worker`` is the web app's background sender (``calmdesk.staff.webhooks``),
started and stopped by the app's lifespan.
"""
from __future__ import annotations

import contextlib
import csv
import io
import re
from pathlib import Path
from typing import AsyncIterator

from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from calmdesk.desk.remedies import load_policy
from calmdesk.desk.tickets import list_tickets
from calmdesk.staff import dashboard, webhooks
from calmdesk.staff.rasa_api import RasaError
from calmdesk.staff.story_export import export_story
from calmdesk.web.auth import JSON_HEADERS, PAGE_HEADERS, require_staff
from calmdesk.web import background

STATIC_DIR = Path(__file__).resolve().parent / "static" / "dashboard"


def routes() -> list[Route]:
    return [
        Route("/console/dashboard", page("dashboard.html"), methods=["GET"]),
        Route("/console/api/dashboard", dashboard_json, methods=["GET"]),
        Route("/console/api/dashboard.csv", dashboard_csv, methods=["GET"]),
        Route("/console/webhooks", page("webhooks.html", role="admin"), methods=["GET"]),
        Route("/console/api/webhooks", webhooks_index, methods=["GET"]),
        Route("/console/api/webhooks/{delivery_id}/retry", webhook_retry, methods=["POST"]),
        Route("/console/api/conversations/{conversation_id}/story.yml", story_download, methods=["GET"]),
    ]


@contextlib.asynccontextmanager
async def webhook_worker(engine: Engine, settings: webhooks.WebhookSettings,
                         poll_seconds: float = 1.0) -> AsyncIterator[None]:
    """Run the webhook sender in the background for as long as the app runs."""
    worker = webhooks.WebhookWorker(engine, settings, poll_seconds=poll_seconds)
    async with background.every(poll_seconds, worker.run_once, "webhook worker pass", close=worker.close):
        yield


def page(name: str, role: str = "agent"):
    body = (STATIC_DIR / name).read_text(encoding="utf-8")

    def handler(request: Request) -> Response:
        require_staff(request, role)
        return HTMLResponse(body, headers=PAGE_HEADERS)

    return handler


def _ok(data, status_code: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status_code, headers=JSON_HEADERS)


def _error(status_code: int, message: str) -> JSONResponse:
    return _ok({"error": message}, status_code)


def _range(request: Request):
    params = request.query_params
    return dashboard.parse_range(params.get("from") or None, params.get("to") or None)


def dashboard_json(request: Request) -> Response:
    require_staff(request)
    try:
        start, end = _range(request)
    except ValueError as error:
        return _error(400, str(error))
    report = dashboard.dashboard(request.app.state.engine, start, end)
    report["currency"] = load_policy().currency
    return _ok(report)


def dashboard_csv(request: Request) -> Response:
    require_staff(request)
    try:
        start, end = _range(request)
    except ValueError as error:
        return _error(400, str(error))
    engine = request.app.state.engine
    rows = dashboard.rows_for_csv({"from": start.isoformat(), "to": end.isoformat()}, engine)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    filename = f"calmdesk-dashboard-{start.isoformat()}-to-{end.isoformat()}.csv"
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers={
        **JSON_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'})


def webhooks_index(request: Request) -> Response:
    require_staff(request, "admin")
    try:
        deliveries = webhooks.list_deliveries(request.app.state.engine, status=request.query_params.get("status") or None)
    except ValueError as error:
        return _error(400, str(error))
    return _ok({"deliveries": deliveries})


def webhook_retry(request: Request) -> Response:
    require_staff(request, "admin")
    raw = request.path_params["delivery_id"]
    if not re.fullmatch(r"[0-9]{1,12}", raw):
        return _error(404, "webhook delivery not found")
    try:
        delivery = webhooks.retry_now(request.app.state.engine, int(raw))
    except LookupError:
        return _error(404, "webhook delivery not found")
    except ValueError as error:
        return _error(409, str(error))
    return _ok(delivery)


def story_download(request: Request) -> Response:
    """The conversation as a test story; named after its tickets, never its (secret) conversation id."""
    require_staff(request)
    conversation_id = request.path_params["conversation_id"]
    try:
        found = list_tickets(request.app.state.engine, conversation_id=conversation_id, limit=10)
    except ValueError as error:
        return _error(400, str(error))
    try:
        tracker = request.app.state.rasa.tracker(conversation_id)
    except RasaError as error:
        return _error(502, f"could not read the conversation from the bot: {error}")
    if not any(event.get("event") == "user" for event in tracker.get("events") or []):
        return _error(404, "no conversation with that id (the customer has not said anything)")
    references = sorted(ticket["reference"] for ticket in found)
    name = f"exported conversation {', '.join(references)}" if references else "exported conversation"
    filename = f"story-{references[0] if references else 'conversation'}.yml"
    return Response(export_story(tracker, name=name), media_type="text/yaml; charset=utf-8", headers={
        **JSON_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'})
