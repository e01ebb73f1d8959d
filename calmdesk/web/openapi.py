"""The staff API's OpenAPI 3 description, served at ``GET /api/openapi.json`` (bearer token, like all of /api).

Written by hand next to the routes it describes, and kept true by tests:
tests/web/test_api_schema.py checks that every ``/api`` route of the app is
described (and nothing else), and runs Schemathesis against the running web
app - every documented status code, content type and response schema, no
server errors - with a valid token, and every operation with an invalid one
(401).  Nullable fields use OpenAPI 3.0's ``nullable``; objects allow extra
fields, so adding one to a ticket is not a breaking change.
"""
from __future__ import annotations

from typing import Any

from calmdesk.taxonomy import ANGER_LEVELS, CATEGORIES, PRIORITIES, REMEDY_KINDS, REMEDY_STATUSES, TICKET_STATUSES

INCIDENT_STATUSES = ("suggested", "open", "closed")


def _string(nullable: bool = False, **more: Any) -> dict[str, Any]:
    return {"type": "string", **({"nullable": True} if nullable else {}), **more}


def _object(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS: dict[str, Any] = {
    "Error": _object(["error"], {"error": _string()}),
    "Remedy": _object(["kind", "status", "history"], {
        "kind": _string(enum=list(REMEDY_KINDS)),
        "amount": {"type": "number", "nullable": True},
        "unit": _string(nullable=True),
        "status": _string(enum=list(REMEDY_STATUSES)),
        "history": {"type": "array", "items": _object(["status", "actor", "at"], {
            "status": _string(), "actor": _string(), "at": _string(format="date-time")})},
    }),
    "Ticket": _object(
        ["reference", "conversation_id", "complaint_seq", "category", "anger_level", "priority", "status",
         "handoff", "recurrent", "remedies", "transcript", "created_at", "updated_at"],
        {
            "reference": _string(), "conversation_id": _string(), "complaint_seq": {"type": "integer"},
            "category": _string(enum=list(CATEGORIES)), "anger_level": _string(enum=list(ANGER_LEVELS)),
            "priority": _string(enum=list(PRIORITIES)), "status": _string(enum=list(TICKET_STATUSES)),
            "handoff": {"type": "boolean"}, "recurrent": {"type": "boolean"},
            "order_number": _string(nullable=True), "customer_email": _string(nullable=True),
            "description": _string(nullable=True),
            "remedies": {"type": "array", "items": _ref("Remedy")},
            "created_at": _string(format="date-time"), "updated_at": _string(format="date-time"),
            "transcript": {"type": "array", "items": _object(["sender", "text", "at"], {
                "sender": _string(), "text": _string(), "at": _string(format="date-time")})},
            "incident": _string(nullable=True),
            "follow_up_at": _string(nullable=True, format="date-time"),
            "satisfaction": {"type": "object", "nullable": True, "required": ["score"], "properties": {
                "score": {"type": "integer", "minimum": 1, "maximum": 5}, "comment": _string(nullable=True),
                "at": _string(format="date-time")}},
        },
    ),
    "Incident": _object(
        ["reference", "category", "public_message", "status", "created_by", "updates", "tickets"],
        {
            "reference": _string(), "category": _string(enum=list(CATEGORIES)),
            "public_message": _string(nullable=True), "status": _string(enum=list(INCIDENT_STATUSES)),
            "started_at": _string(nullable=True, format="date-time"), "created_at": _string(format="date-time"),
            "updated_at": _string(format="date-time"), "closed_at": _string(nullable=True, format="date-time"),
            "created_by": _string(),
            "updates": {"type": "array", "items": _object(["message", "author", "at"], {
                "message": _string(), "author": _string(), "at": _string(format="date-time")})},
            "tickets": {"type": "array", "items": _string()},
        },
    ),
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {400: "bad input; the message says which value and what is allowed",
            401: "missing or invalid bearer token", 404: "no such ticket or incident",
            502: "the assistant (Rasa) could not be reached"}
    return {str(code): _json(_ref("Error"), text[code]) for code in (401, *codes)}


def _body(required: list[str], properties: dict[str, Any], optional_body: bool = False) -> dict[str, Any]:
    return {"required": not optional_body, "content": {"application/json": {"schema": {
        **_object(required, properties), "additionalProperties": False}}}}


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _query(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "string", **schema}}


TICKET, INCIDENT = _path("reference"), _path("reference")
TEXT = {"type": "string"}


def document() -> dict[str, Any]:
    """The OpenAPI 3.0 document (a fresh dict each time)."""
    incident_ok = _json(_ref("Incident"), "the incident")
    return {
        "openapi": "3.0.3",
        "info": {"title": "calmdesk staff API", "version": "1",
                 "description": "Tickets, handback and incidents for support staff. Every route needs "
                                "'Authorization: Bearer <SUPPORT_API_TOKEN>' (or a console session)."},
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": SCHEMAS},
        "paths": {
            "/api/openapi.json": {"get": {"operationId": "openapi", "summary": "this description",
                                          "responses": {"200": _json({"type": "object"}, "OpenAPI 3 document"),
                                                        **_errors()}}},
            "/api/tickets": {"get": {
                "operationId": "listTickets", "summary": "tickets, newest first (or by follow-up time)",
                "parameters": [
                    _query("conversation_id", "one conversation"),
                    _query("status", "a ticket status", enum=list(TICKET_STATUSES)),
                    _query("category", "a category", enum=list(CATEGORIES)),
                    _query("follow_up_due_before", "ISO 8601 time with a timezone", format="date-time"),
                    _query("limit", "1 to 1000 (default 100)", pattern="^[0-9]{1,6}$"),
                ],
                "responses": {"200": _json(_object(["tickets"], {"tickets": {"type": "array",
                                                                            "items": _ref("Ticket")}}), "tickets"),
                              **_errors(400)}}},
            "/api/tickets/{reference}": {"get": {
                "operationId": "getTicket", "parameters": [TICKET],
                "responses": {"200": _json(_ref("Ticket"), "the ticket"), **_errors(404)}}},
            "/api/tickets/{reference}/handback": {"post": {
                "operationId": "handBack", "summary": "give the ticket's conversation back to the bot",
                "parameters": [TICKET],
                "responses": {"200": _json(_object(["conversation_id", "bot_said"], {
                    "conversation_id": TEXT, "bot_said": {"type": "array", "items": TEXT}}), "what the bot said"),
                    **_errors(404, 502)}}},
            "/api/tickets/{reference}/remedies/{kind}": {"post": {
                "operationId": "setRemedyStatus", "parameters": [TICKET, _path("kind")],
                "requestBody": _body(["status"], {"status": _string(enum=list(REMEDY_STATUSES))}),
                "responses": {"200": _json(_ref("Ticket"), "the ticket"), **_errors(400, 404)}}},
            "/api/incidents": {
                "get": {"operationId": "listIncidents", "parameters": [
                    _query("status", "an incident status", enum=list(INCIDENT_STATUSES)),
                    _query("category", "a category", enum=list(CATEGORIES))],
                    "responses": {"200": _json(_object(["incidents"], {"incidents": {
                        "type": "array", "items": _ref("Incident")}}), "incidents"), **_errors(400)}},
                "post": {"operationId": "declareIncident",
                         "requestBody": _body(["category", "public_message"], {
                             "category": _string(enum=list(CATEGORIES)), "public_message": TEXT,
                             "started_at": _string(format="date-time")}),
                         "responses": {"201": incident_ok, **_errors(400)}},
            },
            "/api/incidents/detect": {"post": {
                "operationId": "detectIncidents",
                "responses": {"200": _json(_object(["incidents"], {"incidents": {
                    "type": "array", "items": _ref("Incident")}}), "suggested incidents"), **_errors()}}},
            "/api/incidents/{reference}": {"get": {
                "operationId": "getIncident", "parameters": [INCIDENT],
                "responses": {"200": incident_ok, **_errors(404)}}},
            "/api/incidents/{reference}/confirm": {"post": {
                "operationId": "confirmIncident", "parameters": [INCIDENT],
                "requestBody": _body(["public_message"], {"public_message": TEXT}),
                "responses": {"200": incident_ok, **_errors(400, 404)}}},
            "/api/incidents/{reference}/updates": {"post": {
                "operationId": "postIncidentUpdate", "parameters": [INCIDENT],
                "requestBody": _body(["message"], {"message": TEXT}),
                "responses": {"201": incident_ok, **_errors(400, 404)}}},
            "/api/incidents/{reference}/close": {"post": {
                "operationId": "closeIncident", "parameters": [INCIDENT],
                "requestBody": _body([], {"message": TEXT}, optional_body=True),
                "responses": {"200": incident_ok, **_errors(400, 404)}}},
        },
    }
