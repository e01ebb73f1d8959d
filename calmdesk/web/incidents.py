"""Mass incidents over the staff API: declare, confirm, update, close, and run detection.

Declared, confirmed, updated and closed by the console session's staff
member, or as "staff" with the shared token (every such action is also in the
audit log, ``calmdesk.web.audit``). The detection settings
(``policy/incidents.yml``) are read when the app is built
(``request.app.state.incident_settings``), so a broken file stops the start,
not a request. calmdesk.desk.incidents holds the rules; this module only
reads requests and answers.
"""
from __future__ import annotations

from typing import Any, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from calmdesk.desk.incidents import (
    IncidentSettings,
    close_incident,
    confirm_incident,
    declare_incident,
    detect_incidents,
    get_incident,
    list_incidents,
    post_update,
)
from calmdesk.desk.tickets import NotFoundError
from calmdesk.web.api import API_PREFIX, actor, api_error, api_json, engine_of, parse_instant, required
from calmdesk.web.body import json_body


def incidents_index(request: Request) -> Response:
    params = request.query_params
    try:
        incidents = list_incidents(
            engine_of(request), status=params.get("status") or None, category=params.get("category") or None
        )
    except ValueError as error:
        return api_error(400, str(error))
    return api_json({"incidents": incidents})


def incident_detail(request: Request) -> Response:
    incident = get_incident(engine_of(request), request.path_params["reference"])
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
            engine_of(request),
            required(body, "category"),
            required(body, "public_message"),
            actor(request),
            started_at=parse_instant("started_at", raw_start) if raw_start is not None else None,
        )

    fields = ("category", "public_message", "started_at")
    return await _incident_action(request, fields, declare, 201, located=True)


async def incident_confirm(request: Request) -> Response:
    """A suggested incident is real: ``{"public_message"}``, what customers will read."""
    reference = request.path_params["reference"]

    def confirm(body: dict[str, Any]) -> dict[str, Any]:
        return confirm_incident(engine_of(request), reference, required(body, "public_message"), actor(request))

    return await _incident_action(request, ("public_message",), confirm)


async def incident_post_update(request: Request) -> Response:
    """``{"message"}``: a public update for customers who come back -> 201 with the incident."""
    reference = request.path_params["reference"]
    return await _incident_action(
        request,
        ("message",),
        lambda body: post_update(engine_of(request), reference, required(body, "message"), actor(request)),
        201,
    )


async def incident_close(request: Request) -> Response:
    """Close (or dismiss a suggestion); ``{"message"}`` is optional, as is the body."""
    reference = request.path_params["reference"]
    return await _incident_action(
        request,
        ("message",),
        lambda body: close_incident(engine_of(request), reference, actor(request), message=body.get("message")),
    )


def incidents_detect(request: Request) -> Response:
    """Run detection now; returns the incidents it suggested (usually none)."""
    settings: IncidentSettings = request.app.state.incident_settings
    suggested = detect_incidents(
        engine_of(request), tickets=settings.detection_tickets, minutes=settings.detection_minutes
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


ROUTES = [
    Route("/api/incidents", incidents_index, methods=["GET"]),
    Route("/api/incidents", incident_create, methods=["POST"]),
    Route("/api/incidents/detect", incidents_detect, methods=["POST"]),
    Route("/api/incidents/{reference}", incident_detail, methods=["GET"]),
    Route("/api/incidents/{reference}/confirm", incident_confirm, methods=["POST"]),
    Route("/api/incidents/{reference}/updates", incident_post_update, methods=["POST"]),
    Route("/api/incidents/{reference}/close", incident_close, methods=["POST"]),
]
