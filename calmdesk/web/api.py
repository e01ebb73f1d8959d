"""What every staff API handler shares: JSON answers and errors, who acts, and reading input.

calmdesk/web/app.py (tickets) and calmdesk/web/incidents.py (mass incidents)
answer through ``api_json`` / ``api_error`` so every response carries the same
headers (JSON only, never sniffed as HTML, never cached) and every error the
same ``{"error": ...}`` shape; input problems raise ``BadRequest`` (a
ValueError), which the handlers turn into a 400 naming the field.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import JSONResponse

from calmdesk.web import auth
from calmdesk.web.body import BadRequest

API_PREFIX = "/api"
API_ACTOR = "staff"  # who acts through the API with the shared token (a console session: its username)

# Sent with every API response: JSON only, never sniffed as HTML, never cached.
API_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def engine_of(request: Request) -> Engine:
    return request.app.state.engine


def actor(request: Request) -> str:
    """Who acts: the console session's staff username, or "staff" for the shared bearer token."""
    user = auth.current_staff(request)
    return user["username"] if user else API_ACTOR


def required(body: dict[str, Any], field: str) -> Any:
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


def api_json(data: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(data, status_code=status_code, headers={**API_HEADERS, **(headers or {})})


def api_error(status_code: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return api_json({"error": message}, status_code=status_code, headers=headers)


def is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")
